r"""Keeper exports: the header-less CSV and the JSON.

The CSV has no header: ``folder,title,login,password,url,notes,shared folder`` and then custom
fields as name/value pairs (``TFC:Keeper`` holds a TOTP URI). Because nothing in a header
identifies it, detection says MAYBE unless a row has Keeper's ``TFC:Keeper`` field; users pass
``--format keeper-csv`` when detection cannot be sure. The JSON (``records`` with ``$type``,
``login_url``, ``custom_fields``, ``folders``) is complete: record uids, every URL and the last
modification time. Keeper folder paths separate levels with ``\`` and double a literal one;
both are read into ``/``-separated folders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    header_of,
    json_head,
    kind_for,
    make_vault,
    password_or_none,
    rows_of,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.io import CsvRow, get, load_json, opt
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

CSV_NAME = "keeper-csv"
JSON_NAME = "keeper-json"

CSV_COLUMNS = ("folder", "title", "login", "password", "url", "notes")
TOTP_FIELD = "TFC:Keeper"
# Keeper record types that are not logins; any other type carrying a password is one.
_KINDS = {
    "bankCard": ItemKind.CARD,
    "encryptedNotes": ItemKind.NOTE,
    "sshKeys": ItemKind.SSH_KEY,
    "address": ItemKind.IDENTITY,
    "contact": ItemKind.IDENTITY,
    "passport": ItemKind.IDENTITY,
    "driverLicense": ItemKind.IDENTITY,
    "ssnCard": ItemKind.IDENTITY,
    "birthCertificate": ItemKind.IDENTITY,
}


def keeper_path(raw: str) -> str | None:
    r"""A Keeper folder path (``A\B``, ``\\`` for a literal backslash) as ``A/B``."""
    if "\\" not in raw:
        return raw or None
    parts, current, i = [], [], 0
    while i < len(raw):
        if raw[i] == "\\":
            if raw[i + 1 : i + 2] == "\\":
                current.append("\\")
                i += 2
                continue
            parts.append("".join(current))
            current = []
        else:
            current.append(raw[i])
        i += 1
    parts.append("".join(current))
    joined = "/".join(p for p in parts if p)
    return joined or None


# --- CSV ------------------------------------------------------------------------------------


def _csv_item(row: CsvRow, path: Path) -> VaultItem:
    v = row.values
    pairs = row.extra[1:]  # extra[0] is the shared folder
    if len(pairs) % 2:
        raise MalformedExport(
            path, f"line {row.line}", "custom fields as name/value pairs after column 7"
        )
    names = pairs[0::2]
    values = pairs[1::2]
    totp = any(n == TOTP_FIELD and val.strip() for n, val in zip(names, values, strict=True))
    shared = row.extra[0] if row.extra else ""
    folder = keeper_path(v["folder"]) or keeper_path(shared)
    url = text_or_none(v["url"])
    kind = ItemKind.LOGIN if v["password"] or v["login"] or url else ItemKind.NOTE
    login = kind is ItemKind.LOGIN
    return VaultItem(
        id=fingerprint(v["title"], v["login"], url, folder),
        title=v["title"],
        source_format=CSV_NAME,
        kind=kind,
        username=text_or_none(v["login"]),
        password=password_or_none(v["password"]),
        urls=(url,) if url else (),
        totp=login and totp,
        folder=folder,
        notes_present=bool(v["notes"]),
    )


def _is_header(row: CsvRow) -> bool:
    """Some tools add a header line to Keeper's CSV; it names columns, it is not a record."""
    return [c.strip().lower() for c in row.values.values()][:4] == [
        "folder",
        "title",
        "login",
        "password",
    ]


def read_csv(path: Path, options: ReadOptions) -> Vault:
    """Read Keeper's header-less CSV (six or more cells a row)."""
    warnings: list[str] = []
    rows = (
        r
        for r in rows_of(path, options, warnings, header=CSV_COLUMNS, allow_extra=True)
        if not (r.line == 1 and _is_header(r))
    )
    items = collect(rows, lambda r: _csv_item(r, path), strict=options.strict, warnings=warnings)
    return make_vault(items, CSV_NAME, path, warnings)


# --- JSON -----------------------------------------------------------------------------------


def _field_type(key: str) -> str:
    """``$url:account::1`` → ``url``; a plain (legacy) name is its own type."""
    return key[1:].split(":", 1)[0] if key.startswith("$") else key


def _custom(fields: Mapping[str, object], path: Path, where: str) -> tuple[list[str], bool]:
    urls: list[str] = []
    totp = False
    for key, value in fields.items():
        kind = _field_type(key)
        values = value if isinstance(value, list) else [value]
        if kind == "url":
            for n, url in enumerate(values):
                if not isinstance(url, str):
                    raise MalformedExport(path, f"{where}.custom_fields[{key!r}][{n}]", "a URL")
                if url.strip():
                    urls.append(url)
        elif kind in {"oneTimeCode", TOTP_FIELD}:
            totp = totp or any(isinstance(x, str) and x.strip() for x in values)
    return urls, totp


def _folder(record: object, path: Path, where: str) -> str | None:
    for n, entry in enumerate(opt(record, "folders", list, path, where) or []):
        here = f"{where}.folders[{n}]"
        shared = keeper_path(opt(entry, "shared_folder", str, path, here) or "")
        inner = keeper_path(opt(entry, "folder", str, path, here) or "")
        joined = "/".join(p for p in (shared, inner) if p)
        if joined:
            return joined
    return None


def _uid(record: object, path: Path, where: str) -> str | None:
    """The record's ``uid``: a string in Keeper's own exports, a number in some others."""
    uid = opt(record, "uid", object, path, where)
    if uid is None or isinstance(uid, str):
        return text_or_none(uid)
    if isinstance(uid, int) and not isinstance(uid, bool):
        return str(uid)
    raise MalformedExport(path, f"{where}.uid", "a string or integer record id")


def _json_item(record: object, where: str, path: Path) -> VaultItem:
    title = opt(record, "title", str, path, where) or ""
    login_name = text_or_none(opt(record, "login", str, path, where))
    password = password_or_none(opt(record, "password", str, path, where))
    record_type = opt(record, "$type", str, path, where) or "login"
    kind = (
        ItemKind.LOGIN
        if record_type == "login"
        else kind_for(_KINDS.get(record_type), bool(password))
    )
    login = kind is ItemKind.LOGIN
    url = text_or_none(opt(record, "login_url", str, path, where))
    fields = opt(record, "custom_fields", dict, path, where) or {}
    more_urls, totp = _custom(fields, path, where)
    urls = ((url,) if url else ()) + tuple(more_urls)
    folder = _folder(record, path, where)
    uid = _uid(record, path, where)
    return VaultItem(
        id=uid or fingerprint(title, login_name, *urls, folder),
        title=title,
        source_format=JSON_NAME,
        kind=kind,
        username=login_name if login else None,
        password=password if login else None,
        urls=urls if login else (),
        totp=login and totp,
        folder=folder,
        notes_present=bool(opt(record, "notes", str, path, where)),
        modified=timestamp(
            opt(record, "last_modified", int, path, where), "last_modified", path, where
        ),
    )


def read_json(path: Path, options: ReadOptions) -> Vault:
    """Read Keeper's JSON export (``records``; ``shared_folders`` only name folders)."""
    data = load_json(path)
    warnings: list[str] = []
    records = list(enumerate(get(data, "records", list, path, "$")))
    items = collect(
        records,
        lambda r: _json_item(r[1], f"$.records[{r[0]}]", path),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, JSON_NAME, path, warnings)


# --- Detection ------------------------------------------------------------------------------

_RECORDS = re.compile(r'"records"\s*:\s*\[')
_KEEPER_KEYS = re.compile(r'"(login_url|shared_folders|\$type|custom_fields)"\s*:')
_URLISH = re.compile(r"\A([a-z][a-z0-9+.-]*://|www\.)\S*\Z", re.IGNORECASE)


def sniff_csv(sample: Sample) -> Detection:
    """MAYBE for a first row shaped like Keeper's; YES only with a ``TFC:Keeper`` field.

    A header-less CSV has nothing distinctive, so a plain row never wins over a format that
    recognises its header; ``--format keeper-csv`` settles it.
    """
    if json_head(sample) is not None:
        return Detection.NO
    cells = header_of(sample)
    if len(cells) < len(CSV_COLUMNS) or (len(cells) > 7 and (len(cells) - 7) % 2):
        return Detection.NO
    if TOTP_FIELD in cells[7::2]:
        return Detection.YES
    url = cells[4]
    if url and not _URLISH.match(url):
        return Detection.NO
    if _header_like(cells):
        return Detection.NO
    return Detection.MAYBE


def _header_like(cells: list[str]) -> bool:
    """A first row that names columns belongs to some other CSV export, not Keeper's."""
    words = {"password", "username", "url", "login", "pwd", "name", "title", "type", "notes"}
    return sum(c.strip().lower() in words for c in cells) >= 2


def sniff_json(sample: Sample) -> Detection:
    """YES for a JSON object with a ``records`` list and a Keeper key (``login_url``, ...)."""
    text = json_head(sample)
    if text and _RECORDS.search(text) and _KEEPER_KEYS.search(text):
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=CSV_NAME,
        description="Keeper CSV export (no header: folder,title,login,password,url,notes,...)",
        detection="MAYBE for a header-less row of 6+ cells; YES with a TFC:Keeper field",
        sniff=sniff_csv,
        read=read_csv,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name=JSON_NAME,
        description="Keeper JSON export (records, shared folders)",
        detection='JSON object with "records": [...] and login_url / $type / shared_folders',
        sniff=sniff_json,
        read=read_json,
        extensions=(".json",),
    )
)
