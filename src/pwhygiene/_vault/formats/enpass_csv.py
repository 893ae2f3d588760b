"""Enpass's CSV export: a title, then label/value pairs, then the note, one item a row.

Enpass 6 writes a first row ``"Title","Field","Value","Field","Value",...,"Note"`` and then,
per item, ``title, label1, value1, label2, value2, ..., note``: rows differ in length because
each item has its own fields, and the labels are the field names the user sees ("Username",
"E-mail", "Password", "Website", "One-time code", ...). The CSV has no ids, dates, folders or
history; the JSON export (``enpass-json``) has them and is the better choice.
"""

from __future__ import annotations

from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    header_of,
    kind_for,
    make_vault,
    password_or_none,
    rows_of,
    text_or_none,
)
from pwhygiene._vault.io import CsvRow
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register

NAME = "enpass-csv"
HEADER_START = ("Title", "Field", "Value")
_USERNAMES = ("username", "login", "e-mail", "email", "user name")
_URLS = ("website", "url", "web site")
_TOTP = ("one-time code", "totp", "one time code", "authenticator")
_CARD = ("cardholder", "card number", "number", "cvc", "cvv", "expiry date")


def _pairs(cells: list[str]) -> tuple[list[tuple[str, str]], str]:
    """``(label, value)`` pairs and the note of a row's cells after the title."""
    note = cells[-1] if len(cells) % 2 == 1 else ""
    body = cells[:-1] if len(cells) % 2 == 1 else cells
    return [(body[i].strip(), body[i + 1]) for i in range(0, len(body), 2)], note


def _item(row: CsvRow) -> VaultItem | None:
    title = row.values["Title"]
    pairs, note = _pairs(list(row.extra))
    if (title, *row.extra[:2]) == HEADER_START:  # the header row (repeated after a merge)
        return None
    lowered = [(label.lower(), value) for label, value in pairs]
    password = next((password_or_none(v) for k, v in lowered if k == "password" and v), None)
    username = next((text_or_none(v) for k, v in lowered if k in _USERNAMES and v.strip()), None)
    urls = tuple(v.strip() for k, v in lowered if k in _URLS and v.strip())
    card = any(k in _CARD and v.strip() for k, v in lowered)
    explicit = ItemKind.CARD if card and password is None else None
    if explicit is None and password is None and username is None and not urls and note:
        explicit = ItemKind.NOTE
    kind = kind_for(explicit, password is not None or username is not None or bool(urls))
    login = kind is ItemKind.LOGIN
    return VaultItem(
        id=fingerprint(kind.value, title, username if login else None, *urls),
        title=title,
        source_format=NAME,
        kind=kind,
        username=username if login else None,
        password=password if login else None,
        urls=urls if login else (),
        totp=login and any(k in _TOTP and v.strip() for k, v in lowered),
        notes_present=bool(note.strip()),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read an Enpass CSV; rows of any length, the header row skipped."""
    warnings: list[str] = []
    rows = rows_of(path, options, warnings, header=("Title",), allow_extra=True)
    items = collect(rows, _item, strict=options.strict, warnings=warnings)
    return make_vault(items, NAME, path, warnings)


def sniff(sample: Sample) -> Detection:
    """YES for Enpass's header: ``Title,Field,Value,...`` ending in ``Note``."""
    header = header_of(sample)
    if tuple(header[:3]) == HEADER_START and header[-1] == "Note":
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="Enpass CSV export (title, label/value pairs, note)",
        detection='header "Title","Field","Value",...,"Note"',
        sniff=sniff,
        read=read,
        extensions=(".csv",),
    )
)
