"""Proton Pass exports: CSV, JSON and the zip around ``Proton Pass/data.json``.

The JSON is the complete export (item ids, trash state, every URL, creation and modification
times); the CSV flattens it to one row per item and drops ids and trash. The passphrase-
protected export is refused in :mod:`.protonpass_pgp`; a zip or JSON that turns out to be
encrypted gets the same refusal here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    header_of,
    in_member,
    json_head,
    kind_for,
    make_vault,
    password_or_none,
    read_checked_csv,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.formats.protonpass_pgp import DATA_JSON, DATA_PGP, PGP_REFUSAL
from pwhygiene._vault.io import CsvRow, SafeZip, get, json_value, load_json, opt, read_text
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

CSV_NAME = "protonpass-csv"
JSON_NAME = "protonpass-json"
ZIP_NAME = "protonpass-zip"
CSV_REQUIRED = ("type", "name", "url", "password", "note", "totp", "createTime")

_KINDS = {  # login is a login; types not listed follow kind_for (wifi, custom, alias)
    "note": ItemKind.NOTE,
    "creditCard": ItemKind.CARD,
    "identity": ItemKind.IDENTITY,
    "sshKey": ItemKind.SSH_KEY,
}
_STATE_TRASHED = 2


def _kind(item_type: str, password: str | None) -> ItemKind:
    if item_type == "login":
        return ItemKind.LOGIN
    return kind_for(_KINDS.get(item_type), bool(password))


# --- CSV ------------------------------------------------------------------------------------


def _csv_urls(row: CsvRow, path: Path) -> tuple[str, ...]:
    """Every URL: the ``autofillUrls`` JSON column when present, else the ``url`` cell."""
    structured = row.values.get("autofillUrls", "").strip()
    if structured:
        entries = json_value(structured, path)  # bounded; None when not JSON
        if not isinstance(entries, list) or not all(
            isinstance(e, Mapping) and isinstance(e.get("url"), str) for e in entries
        ):
            raise MalformedExport(
                path, f"line {row.line} column autofillUrls", 'a JSON list of {"url": ...}'
            )
        return tuple(e["url"] for e in entries if e["url"].strip())
    return tuple(u.strip() for u in row.values["url"].split(",") if u.strip())


def _csv_item(row: CsvRow, path: Path) -> VaultItem:
    v = row.values
    where = f"line {row.line}"
    kind = _kind(v["type"].strip(), v["password"])
    login = kind is ItemKind.LOGIN
    urls = _csv_urls(row, path) if login else ()
    username = (text_or_none(v.get("username")) or text_or_none(v.get("email"))) if login else None
    folder = text_or_none(v.get("vault"))
    return VaultItem(
        id=fingerprint(kind.value, v["name"], username, *urls, folder),
        title=v["name"],
        source_format=CSV_NAME,
        kind=kind,
        username=username,
        password=password_or_none(v["password"]) if login else None,
        urls=urls,
        totp=login and bool(v["totp"].strip()),
        folder=folder,
        notes_present=bool(v["note"]),
        created=timestamp(v["createTime"], "createTime", path, where),
        modified=timestamp(v.get("modifyTime"), "modifyTime", path, where),
    )


def read_csv(path: Path, options: ReadOptions) -> Vault:
    """Read a Proton Pass CSV (with or without the ``email`` and ``autofillUrls`` columns)."""
    return read_checked_csv(
        path,
        options,
        name=CSV_NAME,
        what="Proton Pass",
        required=CSV_REQUIRED,
        convert=lambda r: _csv_item(r, path),
    )


# --- JSON -----------------------------------------------------------------------------------


def _json_urls(content: Mapping[str, object], path: Path, where: str) -> tuple[str, ...]:
    """``content.urls`` (strings), or ``content.autofillUrls`` (``{url, mode}``) in newer ones."""
    raw = opt(content, "urls", list, path, where)
    if raw is None:
        raw = [
            get(e, "url", str, path, f"{where}.autofillUrls[{n}]")
            for n, e in enumerate(opt(content, "autofillUrls", list, path, where) or [])
        ]
    for n, url in enumerate(raw):
        if not isinstance(url, str):
            raise MalformedExport(path, f"{where}.urls[{n}]", "a URL string")
    return tuple(u for u in raw if u.strip())


def _has_totp(
    data: Mapping[str, object], content: Mapping[str, object], path: Path, where: str
) -> bool:
    if opt(content, "totpUri", str, path, f"{where}.content"):
        return True
    for n, extra in enumerate(opt(data, "extraFields", list, path, where) or []):
        here = f"{where}.extraFields[{n}]"
        if opt(extra, "type", str, path, here) == "totp":
            value = opt(opt(extra, "data", dict, path, here) or {}, "totpUri", str, path, here)
            if value:
                return True
    return False


def _has_passkey(content: Mapping[str, object], path: Path, where: str) -> bool:
    """Whether ``content.passkeys`` lists a passkey.

    Each entry carries the passkey's private key (``content``, base64); only the list's
    length is looked at, and an entry that is not an object is refused by position alone.
    """
    passkeys = opt(content, "passkeys", list, path, where) or []
    for n, passkey in enumerate(passkeys):
        if not isinstance(passkey, Mapping):
            raise MalformedExport(path, f"{where}.passkeys[{n}]", "a passkey object")
    return bool(passkeys)


def _folder_paths(entry: object, vault_name: str, path: Path, where: str) -> dict[str, str]:
    """``{folderId: "Vault/Parent/Child"}`` for a vault's folders (newer exports have them)."""
    raw: dict[str, tuple[str, str | None]] = {}
    for n, folder in enumerate(opt(entry, "folders", list, path, where) or []):
        here = f"{where}.folders[{n}]"
        raw[get(folder, "folderId", str, path, here)] = (
            get(folder, "name", str, path, here),
            opt(folder, "parentFolderId", str, path, here),
        )
    paths = {}
    for folder_id in raw:
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = folder_id
        while current is not None and current in raw and current not in seen:  # cycle-safe
            seen.add(current)
            folder_name, current = raw[current]
            names.append(folder_name)
        paths[folder_id] = "/".join(p for p in (vault_name, *reversed(names)) if p)
    return paths


def _json_item(item: object, folder: str, where: str, path: Path, name: str) -> VaultItem:
    data = get(item, "data", dict, path, where)
    here = f"{where}.data"
    meta = get(data, "metadata", dict, path, here)
    content = opt(data, "content", dict, path, here) or {}
    password = opt(content, "password", str, path, f"{here}.content")
    kind = _kind(get(data, "type", str, path, here), password)
    login = kind is ItemKind.LOGIN
    c_where = f"{here}.content"
    username = (
        text_or_none(opt(content, "itemUsername", str, path, c_where))
        or text_or_none(opt(content, "username", str, path, c_where))
        or text_or_none(opt(content, "itemEmail", str, path, c_where))
    )
    state = opt(item, "state", int, path, where)
    return VaultItem(
        id=get(item, "itemId", str, path, where),
        title=get(meta, "name", str, path, f"{here}.metadata"),
        source_format=name,
        kind=kind,
        username=username if login else None,
        password=password_or_none(password) if login else None,
        urls=_json_urls(content, path, c_where) if login else (),
        totp=login and _has_totp(data, content, path, here),
        passkey=login and _has_passkey(content, path, c_where),
        folder=text_or_none(folder),
        notes_present=bool(opt(meta, "note", str, path, f"{here}.metadata")),
        created=timestamp(opt(item, "createTime", int, path, where), "createTime", path, where),
        modified=timestamp(opt(item, "modifyTime", int, path, where), "modifyTime", path, where),
        trashed=state == _STATE_TRASHED,
    )


def vault_from_json(data: object, path: Path, name: str, options: ReadOptions) -> Vault:
    """Items of a parsed ``data.json``; shared by the JSON and zip readers.

    Proton's ``ExportData`` type: ``{version, userId?, vaults}``; versions before ~1.20 also
    wrote ``encrypted`` (a flag for the PGP export), which current versions leave out.
    """
    if opt(data, "encrypted", bool, path, "$"):
        raise UnsupportedFormat(f"{path}: {PGP_REFUSAL}")
    warnings: list[str] = []
    records = []
    for key, entry in get(data, "vaults", dict, path, "$").items():
        where = f"$.vaults[{json.dumps(key)}]"
        vault_name = opt(entry, "name", str, path, where) or ""
        folders = _folder_paths(entry, vault_name, path, where)
        for n, item in enumerate(get(entry, "items", list, path, where)):
            folder_id = item.get("folderId") if isinstance(item, dict) else None
            folder = (
                folders.get(folder_id, vault_name) if isinstance(folder_id, str) else vault_name
            )
            records.append((item, folder, f"{where}.items[{n}]"))
    items = collect(
        records,
        lambda r: _json_item(r[0], r[1], r[2], path, name),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, name, path, warnings)


def read_json(path: Path, options: ReadOptions) -> Vault:
    """Read a Proton Pass ``data.json`` export."""
    return vault_from_json(load_json(path), path, JSON_NAME, options)


def read_zip(path: Path, options: ReadOptions) -> Vault:
    """Read ``Proton Pass/data.json`` from the export zip (attachments are not read)."""
    with SafeZip(path) as archive:
        names = archive.names()
        if DATA_PGP in names and DATA_JSON not in names:
            raise UnsupportedFormat(f"{path}: {PGP_REFUSAL}")
        if DATA_JSON not in names:
            raise MalformedExport(path, None, f"a member {DATA_JSON!r} in the zip")
        member = in_member(path, DATA_JSON)
        text = read_text(member, archive.read(DATA_JSON))
    return vault_from_json(load_json(member, text), member, ZIP_NAME, options)


# --- Detection ------------------------------------------------------------------------------

_VAULTS_OBJECT = re.compile(r'"vaults"\s*:\s*\{')
_EXPORT_KEYS = re.compile(r'"encrypted"\s*:\s*(true|false)|"version"\s*:\s*"|"userId"\s*:')


def sniff_csv(sample: Sample) -> Detection:
    """YES for a header ``type,name,url,...`` with ``createTime`` and ``modifyTime``.

    The oldest exports (Proton's ``ExportedCsvItem``) have no ``vault`` column; every version
    has both times, which no other CSV here starts with ``type,name,url`` and carries.
    """
    header = header_of(sample)
    if header[:3] == ["type", "name", "url"] and set(header) >= {*CSV_REQUIRED, "modifyTime"}:
        return Detection.YES
    return Detection.NO


def sniff_json(sample: Sample) -> Detection:
    """YES for a JSON object with ``"vaults": {`` and ``version``, ``userId`` or ``encrypted``."""
    text = json_head(sample)
    if text and _VAULTS_OBJECT.search(text) and _EXPORT_KEYS.search(text):
        return Detection.YES
    return Detection.NO


def sniff_zip(sample: Sample) -> Detection:
    """YES for a zip holding ``Proton Pass/data.json``."""
    return Detection.YES if sample.zip_names and DATA_JSON in sample.zip_names else Detection.NO


register(
    FormatSpec(
        name=CSV_NAME,
        description="Proton Pass CSV export",
        detection="header type,name,url,... with createTime and modifyTime",
        sniff=sniff_csv,
        read=read_csv,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name=JSON_NAME,
        description="Proton Pass JSON export (data.json)",
        detection='JSON object with "vaults": {...} and "version", "userId" or "encrypted"',
        sniff=sniff_json,
        read=read_json,
        extensions=(".json",),
    )
)
register(
    FormatSpec(
        name=ZIP_NAME,
        description="Proton Pass zip export (Proton Pass/data.json)",
        detection="zip archive containing Proton Pass/data.json",
        sniff=sniff_zip,
        read=read_zip,
        extensions=(".zip",),
    )
)
