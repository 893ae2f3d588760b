"""RoboForm's CSV export: ``Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2``, with a BOM.

``RfFieldsV2`` holds the saved form fields, one per cell, each shaped ``Label$,,,type,value``.
RoboForm writes *one cell per field* past the header, so a row with several form fields has
more cells than the header: that spill-over is not damage, it is the rest of ``RfFieldsV2``,
and the cells are joined back into one list of form fields. A spilled cell that is not shaped
like a form field means the columns shifted (for example a note with an unquoted comma): that
row is an error naming its line (a warning in lenient mode). A ``TOTP KEY$`` field (or an
``otpauth://`` value) marks the login as having TOTP; a ``pwd`` field stands in for an empty
``Pwd`` column and a ``User ID$`` field for an empty ``Login``. Rows with a URL but no login or
password are bookmarks (``OTHER``); rows with only a note are safenotes (``NOTE``). Folders
start with ``/`` in the export; it is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from pwhygiene._vault.formats._common import (
    checked_rows,
    collect,
    header_of,
    make_vault,
    rows_of,
    text_or_none,
)
from pwhygiene._vault.io import CsvRow
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import MalformedExport

NAME = "roboform-csv"

REQUIRED = ("Name", "Url", "Login", "Pwd", "Note")
SIGNATURE = ("Name", "Url", "Login", "Pwd")  # Pwd is RoboForm's own spelling
FIELD_COLUMNS = ("RfFieldsV2", "Rf_fields")  # current and legacy name of the form-field column


@dataclass(frozen=True, slots=True)
class FormField:
    """One saved form field of ``RfFieldsV2``; ``value`` may be a secret, so no repr."""

    label: str
    kind: str
    value: str = field(repr=False)


def parse_field(cell: str) -> FormField | None:
    """``Label$,,,type,value`` (or ``Label,,,type,value``) → a :class:`FormField`, else ``None``.

    RoboForm marks most labels with ``$`` but not custom fields (``Test,,,txt,Test``). The
    value is everything after the type, commas included (an ``otpauth://`` URI has some).
    """
    label, dollar, rest = cell.partition("$")
    if dollar:
        parts = rest.split(",", 4)
        if len(parts) < 5:
            return None
        return FormField(label.strip(), parts[3].strip().lower(), parts[4])
    parts = cell.split(",", 4)
    if len(parts) < 5 or parts[1] or parts[2] or not parts[3].strip():
        return None
    return FormField(parts[0].strip(), parts[3].strip().lower(), parts[4])


def _legacy_field(cell: str) -> FormField | None:
    """The older ``Rf_fields`` cell: ``name:value:type``-style, colon separated."""
    parts = cell.split(":")
    if len(parts) < 3:
        return None
    return FormField(parts[0], parts[-1].strip().lower(), parts[1])


def _form_fields(row: CsvRow, path: Path, column: str | None) -> list[FormField]:
    """The row's form fields: its field column joined with every spilled cell after it."""
    cells = ([row.values[column]] if column else []) + list(row.extra)
    parse = _legacy_field if column == "Rf_fields" else parse_field
    fields = []
    for offset, cell in enumerate(cells):
        if not cell.strip():
            continue
        parsed = parse(cell)
        if parsed is None:
            spilled = offset if column else offset + 1  # 1-based count past the header
            # A position, never the column's name: in a header-less file read with --format,
            # the "header" is a data row.
            first = list(row.values).index(column) + 1 if column and offset == 0 else None
            place = f"cell {first if first else len(row.values) + spilled}"
            raise MalformedExport(
                path,
                f"line {row.line} {place}",
                "RoboForm form fields shaped 'Label$,,,type,value' (the columns may have "
                "shifted: check this row's note for unquoted commas)",
            )
        fields.append(parsed)
    return fields


def _kind(login: str | None, password: str | None, url: str | None, note: bool) -> ItemKind:
    if login or password:
        return ItemKind.LOGIN
    if url:
        return ItemKind.OTHER  # a bookmark
    return ItemKind.NOTE if note else ItemKind.OTHER


def _item(row: CsvRow, path: Path, column: str | None) -> VaultItem:
    v = row.values
    fields = _form_fields(row, path, column)
    password = v["Pwd"] or next((f.value for f in fields if f.kind == "pwd" and f.value), None)
    username = text_or_none(v["Login"]) or next(
        (f.value for f in fields if f.label == "User ID" and text_or_none(f.value)), None
    )
    url = text_or_none(v["Url"])
    match_url = text_or_none(v.get("MatchUrl"))
    urls = tuple(dict.fromkeys(u for u in (url, match_url) if u))
    kind = _kind(username, password, url, bool(v["Note"]))
    login = kind is ItemKind.LOGIN
    folder = (v.get("Folder") or "").strip().lstrip("/") or None
    totp = any(
        f.label.upper() == "TOTP KEY" or f.value.strip().lower().startswith("otpauth://")
        for f in fields
        if f.value.strip()
    )
    return VaultItem(
        id=fingerprint(v["Name"], username, *urls, folder),
        title=v["Name"],
        source_format=NAME,
        kind=kind,
        username=username if login else None,
        password=password if login else None,
        urls=urls,
        totp=login and totp,
        folder=folder,
        notes_present=bool(v["Note"]),
    )


def _field_column(header: Sequence[str]) -> str | None:
    return next((c for c in FIELD_COLUMNS if c in header), None)


def read(path: Path, options: ReadOptions) -> Vault:
    """Read a RoboForm CSV, joining spilled ``RfFieldsV2`` cells back to their row."""
    warnings: list[str] = []
    rows = checked_rows(
        rows_of(path, options, warnings, allow_extra=True, optional_tail=1),
        path,
        REQUIRED,
        "RoboForm",
    )
    first = next(rows, None)
    if first is None:
        return make_vault((), NAME, path, warnings)
    column = _field_column(list(first.values))
    items = collect(
        chain((first,), rows),
        lambda r: _item(r, path, column),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, NAME, path, warnings)


def sniff(sample: Sample) -> Detection:
    """YES for RoboForm's columns: ``Name,Url,Login,Pwd`` plus ``MatchUrl`` or a field column.

    Decided on the column set, not the order: the older export (``Rf_fields``) has no
    ``MatchUrl`` between ``Url`` and ``Login``.
    """
    header = set(header_of(sample))
    distinctive = "MatchUrl" in header or any(c in header for c in FIELD_COLUMNS)
    return Detection.YES if header >= set(SIGNATURE) and distinctive else Detection.NO


register(
    FormatSpec(
        name=NAME,
        description="RoboForm CSV export (logins, bookmarks, safenotes)",
        detection="header with Name, Url, Login, Pwd and MatchUrl, RfFieldsV2 or Rf_fields",
        sniff=sniff,
        read=read,
        extensions=(".csv",),
    )
)
