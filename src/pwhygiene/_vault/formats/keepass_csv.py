"""KeePassXC's CSV export and KeePass 2's "KeePass CSV (1.x)" export.

Both carry far less than a database (no history, no flags, no ids), so items get fingerprint
ids and only the fields the columns hold. The two dialects differ: KeePassXC quotes every cell
and doubles quotes (RFC 4180); KeePass escapes quotes and backslashes with a backslash instead.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from pwhygiene._vault.formats._common import (
    collect,
    make_vault,
    password_or_none,
    rows_of,
    text_or_none,
)
from pwhygiene._vault.io import (
    CsvRow,
    csv_header,
    decode_head,
    parse_timestamp,
)
from pwhygiene._vault.model import ItemKind, Timestamp, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import (
    SNIFF_BYTES,
    Detection,
    FormatSpec,
    ReadOptions,
    Sample,
    register,
)
from pwhygiene.exceptions import MalformedExport

KEEPASSXC_COLUMNS = ("Group", "Title", "Username", "Password", "URL", "Notes")
KEEPASSXC_OPTIONAL = ("TOTP", "Icon", "Last Modified", "Created")  # KeePassXC 2.7+
KEEPASS_COLUMNS = ("Account", "Login Name", "Password", "Web Site", "Comments")
RECYCLE_BIN_NAME = "Recycle Bin"  # KeePassXC's default (English) recycle bin group name


def _kind(password: str, username: str, urls: tuple[str, ...]) -> ItemKind:
    """A row with any credential is a login; a row with only a title and notes is a note."""
    login = password_or_none(password) or text_or_none(username) or urls
    return ItemKind.LOGIN if login else ItemKind.NOTE


def _time(row: CsvRow, column: str, path: Path) -> Timestamp | None:
    try:
        return parse_timestamp(row.values.get(column, "").strip(), column)
    except ValueError as exc:
        raise MalformedExport(path, f"line {row.line}, column {column!r}", str(exc)) from None


def _keepassxc_item(row: CsvRow, path: Path) -> VaultItem:
    """KeePassXC writes the group path with the root group first (``Root/Email``)."""
    v = row.values
    groups = v["Group"].split("/")[1:]
    title, username, password = v["Title"], v["Username"], v["Password"]
    urls = (v["URL"].strip(),) if v["URL"].strip() else ()
    kind = _kind(password, username, urls)
    return VaultItem(
        id=fingerprint(title, username, *urls),
        title=title,
        source_format="keepassxc-csv",
        kind=kind,
        username=text_or_none(username),
        password=password_or_none(password) if kind is ItemKind.LOGIN else None,
        urls=urls,
        totp=bool(v.get("TOTP", "").strip()),
        folder="/".join(groups) or None,
        notes_present=bool(v["Notes"].strip()),
        created=_time(row, "Created", path),
        modified=_time(row, "Last Modified", path),
        trashed=bool(groups) and groups[0] == RECYCLE_BIN_NAME,
    )


def _keepass_item(row: CsvRow, path: Path) -> VaultItem:
    v = row.values
    title, username, password = v["Account"], v["Login Name"], v["Password"]
    urls = (v["Web Site"].strip(),) if v["Web Site"].strip() else ()
    kind = _kind(password, username, urls)
    return VaultItem(
        id=fingerprint(title, username, *urls),
        title=title,
        source_format="keepass-csv",
        kind=kind,
        username=text_or_none(username),
        password=password_or_none(password) if kind is ItemKind.LOGIN else None,
        urls=urls,
        notes_present=bool(v["Comments"].strip()),
    )


class _KeePassDialect(csv.excel):
    """KeePass 1.x-style CSV: backslash escapes quotes and backslashes, no doubled quotes."""

    doublequote = False
    escapechar = "\\"


def _read(
    path: Path,
    options: ReadOptions,
    make: Callable[[CsvRow, Path], VaultItem],
    name: str,
    dialect: type[csv.Dialect] = csv.excel,
) -> Vault:
    """Items in file order; a lenient read turns a malformed row into a warning."""
    warnings: list[str] = []
    rows = rows_of(path, options, warnings, dialect=dialect)
    items = collect(rows, lambda row: make(row, path), strict=options.strict, warnings=warnings)
    return make_vault(items, name, path, warnings)


def _check_header(path: Path, columns: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """The first record must start with ``columns`` and hold nothing but ``columns + extra``."""
    with path.open("rb") as fh:
        header = csv_header(path, decode_head(fh.read(SNIFF_BYTES)))
    if tuple(header[: len(columns)]) != columns or not set(header) <= {*columns, *extra}:
        raise MalformedExport(path, "line 1", "the header " + ", ".join(columns + extra))


def read_keepassxc(path: Path, options: ReadOptions) -> Vault:
    """Read a KeePassXC CSV (six columns, or ten since KeePassXC 2.7)."""
    _check_header(path, KEEPASSXC_COLUMNS, KEEPASSXC_OPTIONAL)
    return _read(path, options, _keepassxc_item, "keepassxc-csv")


def read_keepass(path: Path, options: ReadOptions) -> Vault:
    """Read KeePass 2's "KeePass CSV (1.x)" export."""
    _check_header(path, KEEPASS_COLUMNS, ())
    return _read(path, options, _keepass_item, "keepass-csv", _KeePassDialect)


def _sniff(columns: tuple[str, ...]) -> Callable[[Sample], Detection]:
    def sniff(sample: Sample) -> Detection:
        header = tuple(csv_header(sample.path, sample.text))
        return Detection.YES if header[: len(columns)] == columns else Detection.NO

    return sniff


register(
    FormatSpec(
        name="keepassxc-csv",
        description="KeePassXC CSV export",
        detection='header "Group","Title","Username","Password","URL","Notes"[,"TOTP",...]',
        sniff=_sniff(KEEPASSXC_COLUMNS),
        read=read_keepassxc,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name="keepass-csv",
        description='KeePass CSV export ("KeePass CSV (1.x)" in KeePass 2)',
        detection='header "Account","Login Name","Password","Web Site","Comments"',
        sniff=_sniff(KEEPASS_COLUMNS),
        read=read_keepass,
        extensions=(".csv",),
    )
)
