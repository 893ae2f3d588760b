"""The audit ignore file: accepted risks, each with a reason and an optional expiry.

Two spellings of one structure, chosen by extension: TOML (``.toml``, needs Python 3.11's
:mod:`tomllib`) or JSON (anything else)::

    version = 1

    [[ignore]]
    item = "5f0c2a1e-..."     # an item id, or its fingerprint ("fp-...") from the JSON report
    check = "old"             # a check name, or "*" for every check
    reason = "shared family account, rotated by the bank"
    expires = 2027-01-31      # optional; after this date the finding is reported again

    [[ignore]]
    folder = "Shared/Family"  # instead of item: every item in this folder/group and below it
    check = "two_factor_available"
    reason = "the family accounts are reviewed by hand"

An expired rule no longer applies and produces a warning, so waivers cannot silently outlive
their reason. Errors name the file, the entry and the field.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from pwhygiene._audit.report import CHECKS, Finding
from pwhygiene.exceptions import IgnoreFileError

IGNORE_VERSION = 1
MAX_IGNORE_BYTES = 1024 * 1024
_FIELDS = frozenset({"item", "folder", "check", "reason", "expires"})
_TOO_DEEP = (
    "nested too deeply; expected version = 1 and a list of flat entries "
    "(item, check, reason, expires)"
)


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One accepted finding: which item (or folder), which check (or ``"*"``), why, until when."""

    item: str | None
    check: str
    reason: str
    expires: date | None = None
    folder: str | None = None  # set instead of ``item``: the folder/group and its subfolders

    @property
    def target(self) -> str:
        """What the rule names, for messages: ``item 'id'`` or ``folder 'a/b'``."""
        return f"item {self.item!r}" if self.folder is None else f"folder {self.folder!r}"

    def applies_to(self, finding: Finding, fingerprint: str, folder: str | None = None) -> bool:
        """Whether this rule covers ``finding`` (expiry is judged by :class:`IgnoreList`)."""
        if self.check not in ("*", finding.check):
            return False
        if self.folder is None:
            return self.item in (finding.item_id, fingerprint)
        return folder is not None and _within(folder, self.folder)


@dataclass(frozen=True, slots=True)
class IgnoreList:
    """The rules of one ignore file."""

    rules: tuple[IgnoreRule, ...] = ()
    path: Path | None = None

    def active(self, today: date) -> tuple[IgnoreRule, ...]:
        """Rules that have not expired on ``today`` (a rule expiring today still applies)."""
        return tuple(r for r in self.rules if r.expires is None or r.expires >= today)

    def expired(self, today: date) -> tuple[IgnoreRule, ...]:
        """Rules past their expiry date on ``today``."""
        return tuple(r for r in self.rules if r.expires is not None and r.expires < today)

    def match(
        self, finding: Finding, fingerprint: str, today: date, folder: str | None = None
    ) -> IgnoreRule | None:
        """The first active rule covering ``finding`` (its item in ``folder``), if any."""
        for rule in self.active(today):
            if rule.applies_to(finding, fingerprint, folder):
                return rule
        return None


def _within(folder: str, rule: str) -> bool:
    """Whether ``folder`` is the rule's folder or one below it (whole names, not prefixes)."""
    wanted, here = (_path(text) for text in (rule, folder))
    return here == wanted or here.startswith(wanted + "/")


def _path(folder: str) -> str:
    """A folder path with one separator ("/" for KeePass groups, a backslash for LastPass)."""
    return folder.replace("\\", "/").strip("/")


def load_ignore(path: str | PathLike[str]) -> IgnoreList:
    """Read and validate an ignore file, or raise :class:`~pwhygiene.exceptions.IgnoreFileError`.

    Only a regular file of at most MAX_IGNORE_BYTES is read: a FIFO would block, a device
    such as ``/dev/zero`` never end.
    """
    file = Path(path)
    problem = None
    try:  # opened without blocking: opening a FIFO would otherwise wait for a writer
        with os.fdopen(os.open(file, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                problem = "expected a regular file, not a FIFO or device"
            else:
                raw = stream.read(MAX_IGNORE_BYTES + 1)
                if len(raw) > MAX_IGNORE_BYTES:
                    problem = f"larger than {MAX_IGNORE_BYTES:,} bytes; expected a short list"
    except OSError as exc:
        problem = f"cannot read the ignore file ({type(exc).__name__})"
    if problem is not None:
        raise IgnoreFileError(f"{file}: {problem}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IgnoreFileError(f"{file}: not UTF-8 text") from None
    return parse_ignore(text, toml=file.suffix.lower() == ".toml", path=file)


def parse_ignore(text: str, *, toml: bool = False, path: Path | None = None) -> IgnoreList:
    """Parse ignore-file text (TOML or JSON) into an :class:`IgnoreList`."""
    where = str(path) if path is not None else "ignore file"
    data = _load_toml(text, where) if toml else _load_json(text, where)
    if not isinstance(data, Mapping):
        raise IgnoreFileError(f"{where}: expected a table/object at the top level")
    version = data.get("version", IGNORE_VERSION)
    if version != IGNORE_VERSION:
        raise IgnoreFileError(f"{where}: version {version!r} is not supported; use version = 1")
    unknown = set(data) - {"version", "ignore"}
    if unknown:
        raise IgnoreFileError(f"{where}: unknown top-level key(s) {sorted(unknown)}")
    entries = data.get("ignore", [])
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        raise IgnoreFileError(f"{where}: 'ignore' must be a list of entries")
    return IgnoreList(tuple(_rule(e, f"{where}: ignore[{n}]") for n, e in enumerate(entries)), path)


def _load_toml(text: str, where: str) -> Any:  # noqa: ANN401 -- parser output, validated next
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 -- stdlib from Python 3.11 only

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise IgnoreFileError(f"{where}: not valid TOML ({exc})") from exc
        except RecursionError as exc:
            raise IgnoreFileError(f"{where}: {_TOO_DEEP}") from exc
        except ValueError as exc:  # an integer of thousands of digits, and the like
            raise IgnoreFileError(f"{where}: not a valid ignore file ({exc})") from exc
    raise IgnoreFileError(f"{where}: TOML ignore files need Python 3.11+; use JSON")


def _load_json(text: str, where: str) -> Any:  # noqa: ANN401 -- parser output, validated next
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IgnoreFileError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise IgnoreFileError(f"{where}: {_TOO_DEEP}") from exc
    except ValueError as exc:  # an integer of thousands of digits, and the like
        raise IgnoreFileError(f"{where}: not a valid ignore file ({exc})") from exc


def _rule(entry: object, where: str) -> IgnoreRule:
    if not isinstance(entry, Mapping):
        raise IgnoreFileError(f"{where}: expected a table/object with item, check and reason")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise IgnoreFileError(f"{where}: unknown field(s) {sorted(unknown)}")
    if ("item" in entry) == ("folder" in entry):
        raise IgnoreFileError(f"{where}: expected exactly one of item and folder")
    target = "item" if "item" in entry else "folder"
    name, check, reason = (_text(entry, key, where) for key in (target, "check", "reason"))
    if check != "*" and check not in CHECKS:
        raise IgnoreFileError(
            f"{where}.check: unknown check {check!r}; expected '*' or one of {', '.join(CHECKS)}"
        )
    if target == "folder" and not _path(name):
        raise IgnoreFileError(f"{where}.folder: expected a folder name such as 'Shared/Family'")
    expires = _expiry(entry.get("expires"), where)
    if target == "folder":
        return IgnoreRule(None, check, reason, expires, folder=name)
    return IgnoreRule(name, check, reason, expires)


def _text(entry: Mapping[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise IgnoreFileError(f"{where}.{key}: required, a non-empty string")
    return value.strip()


def _expiry(value: object, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise IgnoreFileError(f"{where}.expires: expected a date such as 2027-01-31")
