"""Dashlane's legacy JSON export (Dashlane 6 and earlier desktop apps).

One object of typed lists: ``AUTHENTIFIANT`` holds the credentials (``title``, ``domain``,
``login``, ``email``, ``secondaryLogin``, ``password``, ``note``); ``PAYMENTMEANS_CREDITCARD``
cards; ``IDENTITY``, ``EMAIL``, ``PHONE``, ``ADDRESS`` and the other personal-data lists
identities; ``SECURENOTE`` notes; ``BANKSTATEMENT`` and any other list are kept as ``other``.
Dashlane wrote no ids, dates or history here, so ids are fingerprints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    json_head,
    kind_for,
    make_vault,
    password_or_none,
    text_or_none,
    title_from_url,
)
from pwhygiene._vault.io import load_json, opt
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "dashlane-json"
CREDENTIALS = "AUTHENTIFIANT"
_KINDS = {
    "PAYMENTMEANS_CREDITCARD": ItemKind.CARD,
    "SECURENOTE": ItemKind.NOTE,
    "IDENTITY": ItemKind.IDENTITY,
    "EMAIL": ItemKind.IDENTITY,
    "PHONE": ItemKind.IDENTITY,
    "ADDRESS": ItemKind.IDENTITY,
    "COMPANY": ItemKind.IDENTITY,
    "PERSONALWEBSITE": ItemKind.IDENTITY,
}


def _text(entry: Mapping[str, object], key: str, path: Path, where: str) -> str | None:
    return text_or_none(opt(entry, key, str, path, where))


def _item(record: tuple[str, object, str], path: Path) -> VaultItem:
    table, entry, where = record
    if not isinstance(entry, Mapping):
        raise MalformedExport(path, where, "an object")
    password = password_or_none(opt(entry, "password", str, path, where))
    explicit = None if table == CREDENTIALS else _KINDS.get(table, ItemKind.OTHER)
    kind = kind_for(explicit, password is not None)
    login = kind is ItemKind.LOGIN
    url = _text(entry, "domain", path, where) or _text(entry, "url", path, where)
    username = next(
        (u for k in ("login", "email", "secondaryLogin") if (u := _text(entry, k, path, where))),
        None,
    )
    title = _text(entry, "title", path, where) or (title_from_url(url) if url else table.lower())
    return VaultItem(
        id=fingerprint(kind.value, title, username if login else None, url if login else None),
        title=title,
        source_format=NAME,
        kind=kind,
        username=username if login else None,
        password=password if login else None,
        urls=(url,) if login and url else (),
        notes_present=bool(
            _text(entry, "note", path, where) or _text(entry, "content", path, where)
        ),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a legacy Dashlane JSON export: credentials first, then every other list."""
    data = load_json(path)
    if not isinstance(data, Mapping):
        raise MalformedExport(path, "$", "an object of Dashlane data lists")
    records: list[tuple[str, object, str]] = []
    for table in sorted(data, key=lambda t: (t != CREDENTIALS, t)):
        entries = data[table]
        if not isinstance(entries, list):
            raise MalformedExport(path, f"$.{table}", "a list")
        records += [(table, e, f"$.{table}[{n}]") for n, e in enumerate(entries)]
    warnings: list[str] = []
    items = collect(records, lambda r: _item(r, path), strict=options.strict, warnings=warnings)
    return make_vault(items, NAME, path, warnings)


_CREDENTIALS_KEY = re.compile(r'"AUTHENTIFIANT"\s*:\s*\[')


def sniff(sample: Sample) -> Detection:
    """YES for a JSON object with Dashlane's ``"AUTHENTIFIANT": [`` list."""
    text = json_head(sample)
    return Detection.YES if text and _CREDENTIALS_KEY.search(text) else Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="Dashlane legacy JSON export (AUTHENTIFIANT, cards, notes, personal data)",
        detection='JSON object with an "AUTHENTIFIANT": [...] list',
        sniff=sniff,
        read=read,
        extensions=(".json",),
    )
)
