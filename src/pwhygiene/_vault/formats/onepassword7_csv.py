r"""1Password 7 for Mac's CSV export ("Common Fields" with column labels), read by column name.

1Password 7 writes ``Title,URL,Username,Password,Notes`` and, with more fields chosen, a
``Type`` column naming each item's category ("Login", "Credit Card", "Secure Note", ...).
It escapes a quote inside a quoted cell as ``\"`` rather than doubling it, so the file is
read with a dialect that accepts both. Column labels are matched case-insensitively, since
exporters and spreadsheets disagree on their case. Without ``Type`` the header is the
same as Safari's minus ``OTPAuth``, and detection says so (``AmbiguousFormat``) instead of
guessing; ``--format 1password7-mac-csv`` then reads it.
"""

from __future__ import annotations

import csv
from itertools import chain
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    header_of,
    kind_for,
    make_vault,
    password_or_none,
    rows_of,
    split_urls,
    text_or_none,
)
from pwhygiene._vault.io import CsvRow
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "1password7-mac-csv"
REQUIRED = ("title", "url", "username", "password")
_KINDS = {
    "login": ItemKind.LOGIN,
    "password": ItemKind.LOGIN,
    "credit card": ItemKind.CARD,
    "secure note": ItemKind.NOTE,
    "identity": ItemKind.IDENTITY,
    "ssh key": ItemKind.SSH_KEY,
}


class _Dialect(csv.excel):
    """RFC 4180 plus 1Password 7's backslash-escaped quotes."""

    escapechar = "\\"


def _item(row: CsvRow) -> VaultItem:
    v = {key.lower(): value for key, value in row.values.items()}
    title = v["title"]
    password = password_or_none(v["password"])
    category = v.get("type", "").strip().lower()
    explicit = _KINDS.get(category) if category else ItemKind.LOGIN
    kind = kind_for(explicit, password is not None)
    login = kind is ItemKind.LOGIN
    username = text_or_none(v["username"]) if login else None
    urls = split_urls(v["url"]) if login else ()
    return VaultItem(
        id=fingerprint(kind.value, title, username, *urls),
        title=title,
        source_format=NAME,
        kind=kind,
        username=username,
        password=password if login else None,
        urls=urls,
        notes_present=bool(v.get("notes", "").strip()),
    )


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a 1Password 7 Mac CSV; a card, note or identity never becomes a login."""
    warnings: list[str] = []
    rows = rows_of(path, options, warnings, dialect=_Dialect)
    first = next(rows, None)
    if first is not None:
        missing = [c for c in REQUIRED if c not in {k.lower() for k in first.values}]
        if missing:
            raise MalformedExport(path, "line 1", f"1Password 7 CSV columns {', '.join(missing)}")
    items = collect(
        chain(() if first is None else (first,), rows),
        _item,
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, NAME, path, warnings)


def sniff(sample: Sample) -> Detection:
    """YES with ``Type`` beside the login columns; MAYBE for the bare Safari-like header."""
    header = header_of(sample)
    lower = {c.lower() for c in header}
    if not lower >= set(REQUIRED):
        return Detection.NO
    if "type" in lower:
        return Detection.YES
    if "OTPAuth" in header or "Url" in header:  # Safari's, or 1Password 8's ("Url")
        return Detection.NO
    return Detection.MAYBE if lower <= {*REQUIRED, "notes"} else Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="1Password 7 for Mac CSV export (column labels included; Type column)",
        detection="header Title,URL,Username,Password,Notes with Type (any case)",
        sniff=sniff,
        read=read,
        extensions=(".csv",),
    )
)
