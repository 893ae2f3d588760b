"""The one shape every export is read into: readers produce it, audit checks consume it.

Passwords live only in ``VaultItem.password`` and ``PasswordHistoryEntry.password``, both
excluded from ``repr`` and from equality-free debugging output, so an item can be logged,
printed or put in an exception without revealing a secret.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class ItemKind(str, enum.Enum):
    """What an entry is; only logins carry a password that is audited."""

    LOGIN = "login"
    NOTE = "note"
    CARD = "card"
    IDENTITY = "identity"
    SSH_KEY = "ssh_key"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A point in time and the export field it came from (e.g. ``"passwordRevisionDate"``).

    Keeping the source lets the audit explain *why* it judged a password old.
    """

    at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class PasswordHistoryEntry:
    """A previous password of an item, with when it was replaced (if the export says)."""

    password: str = field(repr=False)
    changed: datetime | None = None


@dataclass(frozen=True, slots=True)
class VaultItem:
    """One entry of an export, normalised across formats.

    ``id`` is stable across runs: the export's own id when it has one, else a fingerprint of
    non-secret fields (see :func:`fingerprint`). ``totp`` is ``True`` when the item has a
    one-time-password secret (the secret itself is never kept); ``passkey`` likewise when it
    has a passkey (formats that carry passkeys, such as CXF, set it). ``excluded`` carries the
    manager's native "exclude from reports" flag (KeePass QualityCheck, 1Password Watchtower).
    ``urls`` are kept as exported, so they stay out of ``repr`` like the password: a URL can
    carry credentials (``https://user:pass@host``).
    """

    id: str
    title: str
    source_format: str
    kind: ItemKind = ItemKind.LOGIN
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    urls: tuple[str, ...] = field(default=(), repr=False)  # may hold user:password@
    totp: bool = False
    passkey: bool = False
    folder: str | None = None
    notes_present: bool = False
    created: Timestamp | None = None
    modified: Timestamp | None = None
    password_changed: Timestamp | None = None
    expires: Timestamp | None = None
    history: tuple[PasswordHistoryEntry, ...] = field(default=(), repr=False)
    trashed: bool = False
    excluded: bool = False


def fingerprint(*parts: str | None) -> str:
    """A stable id from non-secret fields (title, username, urls), for exports without ids.

    Never pass a password here: the result is shown in reports and ignore files.
    """
    h = hashlib.sha256(usedforsecurity=False)
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return "fp-" + h.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Vault:
    """The items of one export, plus where they came from; iterable like a sequence."""

    items: tuple[VaultItem, ...]
    source_format: str
    path: Path | None = None
    encrypted: bool = False
    warnings: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[VaultItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def logins(self) -> Sequence[VaultItem]:
        """The items an audit scores: logins that are not trashed."""
        return [i for i in self.items if i.kind is ItemKind.LOGIN and not i.trashed]
