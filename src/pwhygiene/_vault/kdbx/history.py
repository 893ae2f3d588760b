"""The password-change time and previous passwords of a KeePass entry, from its history.

KeePass keeps no "password changed" field. It keeps *history*: a full snapshot of the entry,
taken on every edit, oldest first, each with its own ``LastModificationTime``. A snapshot is
made for any edit (a new URL, a note), so most consecutive snapshots share a password. The
rule, applied to the versions ``history... + current`` in file order:

* a previous password is a version whose password differs from the *next* version's; it was
  replaced when that next version was saved (the next version's ``LastModificationTime``);
* ``password_changed`` is the save time of the first version carrying the current password
  after the last different one (source ``History/LastModificationTime``, or
  ``LastModificationTime`` when the current version itself made the change);
* when no version differs, the password is as old as the entry: ``CreationTime``. History can
  be truncated (KeePass keeps 10 snapshots by default), so this is the best lower-bound guess
  the file allows, and its source says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pwhygiene._vault.model import PasswordHistoryEntry, Timestamp


@dataclass(frozen=True, slots=True)
class EntryVersion:
    """The fields of one entry or one of its history snapshots that the mapping needs."""

    strings: dict[str, str] = field(repr=False)  # Password, otp, ...: never shown
    created: Timestamp | None
    modified: Timestamp | None
    expires: Timestamp | None


@dataclass(frozen=True, slots=True)
class Timeline:
    """The password-change time and the previous passwords (oldest first)."""

    changed: Timestamp | None
    history: tuple[PasswordHistoryEntry, ...] = field(repr=False)


def password_timeline(current: EntryVersion, snapshots: Sequence[EntryVersion]) -> Timeline:
    """Apply the rule in the module docstring to one entry and its history snapshots."""
    versions = [*snapshots, current]
    passwords = [v.strings.get("Password", "") for v in versions]
    history = tuple(
        PasswordHistoryEntry(
            password=passwords[i],
            changed=_saved_at(versions[i + 1]),
        )
        for i in range(len(versions) - 1)
        if passwords[i] and passwords[i] != passwords[i + 1]
    )
    last_different = next(
        (i for i in range(len(versions) - 2, -1, -1) if passwords[i] != passwords[-1]), None
    )
    if last_different is None:
        return Timeline(current.created, history)
    first = versions[last_different + 1]
    if first.modified is None:
        return Timeline(None, history)
    source = "LastModificationTime" if first is current else "History/LastModificationTime"
    return Timeline(Timestamp(first.modified.at, source), history)


def _saved_at(version: EntryVersion) -> datetime | None:
    return version.modified.at if version.modified is not None else None
