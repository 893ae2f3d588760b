"""Bitwarden's unencrypted exports: JSON and CSV, each for individual and organization vaults.

The JSON export is the complete one (every item type, password history, revision dates, trash);
the CSV export has logins and secure notes only, with several URIs packed into one cell. The
encrypted JSON is decrypted in :mod:`.bitwarden_encrypted` and then read by
:func:`vault_from_json`, so both share one item mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    header_has,
    make_vault,
    password_or_none,
    read_checked_csv,
    split_urls,
    text_or_none,
    timestamp,
)
from pwhygiene._vault.io import CsvRow, get, load_json, opt
from pwhygiene._vault.model import (
    ItemKind,
    PasswordHistoryEntry,
    Vault,
    VaultItem,
    fingerprint,
)
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

JSON_NAME = "bitwarden-json"
CSV_NAME = "bitwarden-csv"

_KINDS = {
    1: ItemKind.LOGIN,
    2: ItemKind.NOTE,
    3: ItemKind.CARD,
    4: ItemKind.IDENTITY,
    5: ItemKind.SSH_KEY,
}
# Bitwarden writes ``encrypted`` as the first key of every JSON export it produces.
_PLAIN_JSON = re.compile(r'\A\s*\{\s*"encrypted"\s*:\s*false\s*,')


# --- JSON -----------------------------------------------------------------------------------


def _names(data: object, key: str, path: Path) -> dict[str, str]:
    """``{id: name}`` for the export's ``folders`` or ``collections`` list."""
    entries = opt(data, key, list, path, "$") or []
    names: dict[str, str] = {}
    for n, entry in enumerate(entries):
        where = f"$.{key}[{n}]"
        names[get(entry, "id", str, path, where)] = get(entry, "name", str, path, where)
    return names


def _history(
    item: Mapping[str, object], path: Path, where: str
) -> tuple[PasswordHistoryEntry, ...]:
    entries = opt(item, "passwordHistory", list, path, where) or []
    history = []
    for n, entry in enumerate(entries):
        here = f"{where}.passwordHistory[{n}]"
        password = get(entry, "password", str, path, here)
        used = timestamp(opt(entry, "lastUsedDate", str, path, here), "lastUsedDate", path, here)
        history.append(PasswordHistoryEntry(password, None if used is None else used.at))
    return tuple(history)


def _has_passkey(login: Mapping[str, object], path: Path, where: str) -> bool:
    """Whether ``login.fido2Credentials`` lists a passkey.

    Each entry carries the passkey's private key (``keyValue``); only the list's length is
    looked at, so that key never reaches the item, and an entry that is not an object is
    refused by its position alone.
    """
    credentials = opt(login, "fido2Credentials", list, path, where) or []
    for n, credential in enumerate(credentials):
        if not isinstance(credential, Mapping):
            raise MalformedExport(path, f"{where}.fido2Credentials[{n}]", "a passkey object")
    return bool(credentials)


def _json_item(
    item: object,
    where: str,
    *,
    path: Path,
    folders: Mapping[str, str],
    collections: Mapping[str, str],
    name: str,
) -> VaultItem:
    if not isinstance(item, Mapping):
        raise MalformedExport(path, where, "an object")
    item_type = get(item, "type", int, path, where)
    kind = _KINDS.get(item_type)
    if kind is None:
        raise MalformedExport(path, f"{where}.type", "an item type 1 to 5")
    title = opt(item, "name", str, path, where) or ""
    username = password = None
    urls: tuple[str, ...] = ()
    totp = passkey = False
    changed_raw: str | None = None
    if kind is ItemKind.LOGIN:
        login = opt(item, "login", dict, path, where) or {}
        here = f"{where}.login"
        username = text_or_none(opt(login, "username", str, path, here))
        password = password_or_none(opt(login, "password", str, path, here))
        totp = bool(opt(login, "totp", str, path, here))
        passkey = _has_passkey(login, path, here)
        changed_raw = opt(login, "passwordRevisionDate", str, path, here)
        uris = opt(login, "uris", list, path, here) or []
        urls = tuple(
            u
            for n, entry in enumerate(uris)
            if (u := opt(entry, "uri", str, path, f"{here}.uris[{n}]"))
        )
    created = timestamp(opt(item, "creationDate", str, path, where), "creationDate", path, where)
    modified = timestamp(opt(item, "revisionDate", str, path, where), "revisionDate", path, where)
    changed = timestamp(changed_raw, "passwordRevisionDate", path, f"{where}.login")
    folder_id = opt(item, "folderId", str, path, where)
    collection_ids = opt(item, "collectionIds", list, path, where) or []
    if not all(isinstance(c, str) for c in collection_ids):
        raise MalformedExport(path, f"{where}.collectionIds", "a list of collection id strings")
    folder = folders.get(folder_id) if folder_id else None
    if folder is None:
        folder = next((collections[c] for c in collection_ids if c in collections), None)
    item_id = opt(item, "id", str, path, where)
    return VaultItem(
        id=item_id or fingerprint(title, username, *urls),
        title=title,
        source_format=name,
        kind=kind,
        username=username,
        password=password,
        urls=urls,
        totp=totp,
        passkey=passkey,
        folder=folder,
        notes_present=bool(opt(item, "notes", str, path, where)),
        created=created,
        modified=modified,
        # Bitwarden sets passwordRevisionDate only once a password has been changed; until then
        # the password is as old as the item, which is the best the export can say.
        password_changed=changed or (created if password is not None else None),
        history=_history(item, path, where) if kind is ItemKind.LOGIN else (),
        trashed=opt(item, "deletedDate", str, path, where) is not None,
    )


def vault_from_json(
    data: object, path: Path, options: ReadOptions, name: str, *, encrypted: bool = False
) -> Vault:
    """Map a parsed (or decrypted) Bitwarden JSON export to a :class:`Vault`."""
    if not isinstance(data, Mapping):
        raise MalformedExport(path, "$", "a JSON object (a Bitwarden export)")
    folders = _names(data, "folders", path)
    collections = _names(data, "collections", path)
    raw_items = get(data, "items", list, path, "$")
    warnings: list[str] = []
    items = collect(
        _consume(raw_items),
        lambda pair: _json_item(
            pair[1],
            f"$.items[{pair[0]}]",
            path=path,
            folders=folders,
            collections=collections,
            name=name,
        ),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, name, path, warnings, encrypted=encrypted)


def _consume(raw_items: list[object]) -> Iterator[tuple[int, object]]:
    """``enumerate(raw_items)``, dropping each record from the list once it is handed out.

    The parsed tree of a large export is several times the size of its items; freeing each
    record as its item is built keeps the peak low and lets the items reuse that memory.
    """
    for n in range(len(raw_items)):
        record, raw_items[n] = raw_items[n], None
        yield n, record


def read_json(path: Path, options: ReadOptions) -> Vault:
    """Read an unencrypted Bitwarden JSON export."""
    data = load_json(path)
    if isinstance(data, Mapping) and data.get("encrypted") is True:
        raise UnsupportedFormat(
            f"{path}: this Bitwarden export is encrypted; read it with "
            "--format bitwarden-encrypted-json"
        )
    return vault_from_json(data, path, options, JSON_NAME)


def sniff_json(sample: Sample) -> Detection:
    """YES for Bitwarden's own key order; MAYBE for an object with items and revision dates."""
    text = sample.text
    if text is None:
        return Detection.NO
    if _PLAIN_JSON.match(text):
        return Detection.YES
    if text.lstrip().startswith("{") and '"items"' in text and '"revisionDate"' in text:
        return Detection.MAYBE
    return Detection.NO


# --- CSV ------------------------------------------------------------------------------------

_CSV_REQUIRED = ("type", "name", "login_uri", "login_username", "login_password")


def _csv_item(row: CsvRow, path: Path) -> VaultItem:
    values = row.values
    kind = {"login": ItemKind.LOGIN, "note": ItemKind.NOTE}.get(values["type"].strip().lower())
    if kind is None:
        raise MalformedExport(path, f"line {row.line}: column type", "'login' or 'note'")
    title = values["name"]
    login = kind is ItemKind.LOGIN
    urls = split_urls(values["login_uri"]) if login else ()
    username = text_or_none(values["login_username"]) if login else None
    # An organization export names collections (comma-separated); an individual one a folder.
    folder = text_or_none(values.get("folder", "")) or text_or_none(
        next(iter(split_urls(values.get("collections", ""))), "")
    )
    return VaultItem(
        id=fingerprint(title, username, *urls),
        title=title,
        source_format=CSV_NAME,
        kind=kind,
        username=username,
        password=password_or_none(values["login_password"]) if login else None,
        urls=urls,
        totp=login and bool(values.get("login_totp", "").strip()),
        folder=folder,
        notes_present=bool(values.get("notes", "").strip()),
    )


def read_csv(path: Path, options: ReadOptions) -> Vault:
    """Read a Bitwarden CSV export (individual or organization)."""
    return read_checked_csv(
        path,
        options,
        name=CSV_NAME,
        what="Bitwarden CSV",
        required=_CSV_REQUIRED,
        convert=lambda row: _csv_item(row, path),
    )


def sniff_csv(sample: Sample) -> Detection:
    """YES when the header has Bitwarden's ``login_*`` columns (no other exporter uses them)."""
    return Detection.YES if header_has(sample, _CSV_REQUIRED) else Detection.NO


register(
    FormatSpec(
        name=JSON_NAME,
        description="Bitwarden JSON export (individual or organization, unencrypted)",
        detection='JSON object whose first key is "encrypted": false',
        sniff=sniff_json,
        read=read_json,
        extensions=(".json",),
    )
)
register(
    FormatSpec(
        name=CSV_NAME,
        description="Bitwarden CSV export (individual or organization; logins and notes)",
        detection="CSV header with type, name, login_uri, login_username, login_password",
        sniff=sniff_csv,
        read=read_csv,
        extensions=(".csv",),
    )
)
