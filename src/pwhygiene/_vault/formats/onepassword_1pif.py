"""1PIF, the 1Password Interchange Format of 1Password 4 to 7 (``data.1pif``).

One JSON object per item, each followed by the separator line
``***5642bee8-a5ff-11dc-8314-0800200c9a66***``. ``typeName`` gives the category:
``webforms.WebForm`` (login: ``secureContents.fields[]`` with ``designation`` username and
password), ``passwords.Password`` (``secureContents.password``), cards, notes and identities
keep their kind, and any other category that holds a password (router, server, database,
e-mail: concealed ``secureContents.sections[].fields[]`` with ``k: "concealed"``) is audited
as a login. ``createdAt``/``updatedAt`` (Unix seconds), ``passwordHistory``, ``trashed`` and
folders (``system.folder.Regular`` entries named by ``folderUuid``) are read; tombstones are
skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    designated_fields,
    kind_for,
    make_vault,
    password_or_none,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.io import get, opt, read_text
from pwhygiene._vault.model import ItemKind, PasswordHistoryEntry, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "1password-1pif"
SEPARATOR = "***5642bee8-a5ff-11dc-8314-0800200c9a66***"
_KINDS = {
    "webforms.WebForm": ItemKind.LOGIN,
    "passwords.Password": ItemKind.LOGIN,
    "wallet.financial.CreditCard": ItemKind.CARD,
    "securenotes.SecureNote": ItemKind.NOTE,
    "identities.Identity": ItemKind.IDENTITY,
}
_SKIPPED = ("system.folder.Regular", "system.folder.SavedSearch", "system.Tombstone")
_SEPARATOR_LINE = re.compile(r"^\*\*\*5642bee8-a5ff-11dc-8314-0800200c9a66\*\*\*\s*$", re.M)


def _records(text: str, path: Path) -> list[tuple[object, str]]:
    """Every JSON object with its place (``record N``); a broken one names its record."""
    records: list[tuple[object, str]] = []
    for n, chunk in enumerate(_SEPARATOR_LINE.split(text), start=1):
        if not chunk.strip():
            continue
        try:
            records.append((json.loads(chunk), f"record {n}"))
        except (json.JSONDecodeError, RecursionError):
            records.append((None, f"record {n}"))  # reported by _item, after folders are known
    return records


def _section_secret(
    secure: Mapping[str, object], path: Path, where: str
) -> tuple[str | None, str | None]:
    """Username and password from section fields (routers, servers, databases, e-mail)."""
    username = password = None
    for s, section in enumerate(opt(secure, "sections", list, path, where) or []):
        for f, entry in enumerate(
            opt(section, "fields", list, path, f"{where}.sections[{s}]") or []
        ):
            here = f"{where}.sections[{s}].fields[{f}]"
            value = entry.get("v") if isinstance(entry, Mapping) else None
            if not isinstance(value, str) or not value:
                continue
            name = (
                f"{opt(entry, 'n', str, path, here) or ''} {opt(entry, 't', str, path, here) or ''}"
            )
            if password is None and opt(entry, "k", str, path, here) == "concealed":
                if "password" in name.lower():
                    password = value
            elif username is None and "username" in name.lower():
                username = text_or_none(value)
    return username, password


def _has_totp(secure: Mapping[str, object], path: Path, where: str) -> bool:
    """A one-time password: a section field named ``TOTP_<uuid>`` with a value (1PIF's naming)."""
    for s, section in enumerate(opt(secure, "sections", list, path, where) or []):
        for f, entry in enumerate(
            opt(section, "fields", list, path, f"{where}.sections[{s}]") or []
        ):
            here = f"{where}.sections[{s}].fields[{f}]"
            name = opt(entry, "n", str, path, here) or ""
            value = entry.get("v") if isinstance(entry, Mapping) else None
            if name.startswith("TOTP_") and isinstance(value, str) and value.strip():
                return True
    return False


def _item(record: tuple[object, str], path: Path, folders: Mapping[str, str]) -> VaultItem | None:
    obj, where = record
    if not isinstance(obj, Mapping):
        raise MalformedExport(path, where, "a JSON object followed by the 1PIF separator line")
    type_name = get(obj, "typeName", str, path, where)
    if type_name in _SKIPPED:
        return None
    secure = opt(obj, "secureContents", dict, path, where) or {}
    here = f"{where}.secureContents"
    fields = designated_fields(secure, "fields", path, here)
    username, password = fields.get("username"), password_or_none(fields.get("password"))
    if type_name == "passwords.Password":
        password = password_or_none(opt(secure, "password", str, path, here))
    elif type_name not in _KINDS:
        username, password = _section_secret(secure, path, here)
    kind = kind_for(_KINDS.get(type_name), password is not None)
    login = kind is ItemKind.LOGIN
    urls = [opt(obj, "location", str, path, where) or ""]
    for n, entry in enumerate(opt(secure, "URLs", list, path, here) or []):
        urls.append(opt(entry, "url", str, path, f"{here}.URLs[{n}]") or "")
    unique = tuple(dict.fromkeys(u for u in urls if u.strip()))
    history = tuple(
        PasswordHistoryEntry(
            get(entry, "value", str, path, f"{here}.passwordHistory[{n}]"),
            None
            if (at := timestamp(opt(entry, "time", int, path, where), "time", path, where)) is None
            else at.at,
        )
        for n, entry in enumerate(opt(secure, "passwordHistory", list, path, here) or [])
    )
    title = opt(obj, "title", str, path, where) or ""
    folder_id = opt(obj, "folderUuid", str, path, where)
    return VaultItem(
        id=opt(obj, "uuid", str, path, where) or fingerprint(title, username, *unique),
        title=title,
        source_format=NAME,
        kind=kind,
        username=text_or_none(username) if login else None,
        password=password if login else None,
        urls=unique if login else (),
        totp=_has_totp(secure, path, here),
        folder=folders.get(folder_id) if folder_id else None,
        notes_present=bool(opt(secure, "notesPlain", str, path, here)),
        created=timestamp(opt(obj, "createdAt", int, path, where), "createdAt", path, where),
        modified=timestamp(opt(obj, "updatedAt", int, path, where), "updatedAt", path, where),
        history=history if login else (),
        trashed=opt(obj, "trashed", bool, path, where) is True,
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a ``.1pif`` file (or the ``data.1pif`` inside a ``.1pif`` folder)."""
    if path.is_dir():
        path = path / "data.1pif"
    records = _records(read_text(path), path)
    folders = {
        obj["uuid"]: obj["title"]
        for obj, _ in records
        if isinstance(obj, Mapping)
        and obj.get("typeName") == "system.folder.Regular"
        and isinstance(obj.get("uuid"), str)
        and isinstance(obj.get("title"), str)
    }
    warnings: list[str] = []
    items = collect(
        records, lambda r: _item(r, path, folders), strict=options.strict, warnings=warnings
    )
    return make_vault(items, NAME, path, warnings)


def sniff(sample: Sample) -> Detection:
    """YES for JSON objects separated by 1PIF's ``***5642bee8-...***`` line."""
    text = sample.text
    if text and text.lstrip().startswith("{") and SEPARATOR in text:
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="1Password 4-7 interchange format (1PIF)",
        detection="JSON objects separated by ***5642bee8-a5ff-11dc-8314-0800200c9a66***",
        sniff=sniff,
        read=read,
        extensions=(".1pif",),
    )
)
