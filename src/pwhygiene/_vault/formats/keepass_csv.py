"""KeePassXC's CSV export and KeePass 2's "KeePass CSV (1.x)" export.

Both carry far less than a database (no history, no flags, no ids), so items get fingerprint
ids and only the fields the columns hold. The two dialects differ: KeePassXC quotes every cell
and doubles quotes (RFC 4180); KeePass escapes quotes and backslashes with a backslash instead.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from pwhygiene._vault.io import (
    CsvRow,
    csv_header,
    csv_rows,
    decode_head,
    open_text,
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
    return ItemKind.LOGIN if (password or username or urls) else ItemKind.NOTE


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
        username=username or None,
        password=password if kind is ItemKind.LOGIN else None,
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
        username=username or None,
        password=password if kind is ItemKind.LOGIN else None,
        urls=urls,
        notes_present=bool(v["Comments"].strip()),
    )


def _keepass_rows(path: Path) -> Iterator[CsvRow]:
    """KeePass 1.x-style CSV: backslash escapes, no doubled quotes; the header row first."""
    with open_text(path) as handle:
        yield from _keepass_records(path, handle)


def _keepass_records(path: Path, handle: Iterable[str]) -> Iterator[CsvRow]:
    reader = csv.reader(handle, doublequote=False, escapechar="\\", strict=True)
    start, header_seen = 1, False
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(KEEPASS_COLUMNS):
                raise MalformedExport(path, f"line {line}", f"5 columns, found {len(cells)}")
            if not header_seen:
                header_seen = True
                continue
            yield CsvRow(line, dict(zip(KEEPASS_COLUMNS, cells, strict=True)))
    except csv.Error as exc:
        raise MalformedExport(path, f"line {reader.line_num}", f"KeePass CSV ({exc})") from None
    except UnicodeDecodeError:  # its .object is a chunk of the file: let it die here
        undecodable = True
    else:
        undecodable = False
    if undecodable:
        raise MalformedExport(path, None, "valid UTF-8 or UTF-16 text")


def _collect(
    rows: Iterable[CsvRow],
    make: Callable[[CsvRow, Path], VaultItem],
    name: str,
    path: Path,
    options: ReadOptions,
) -> Vault:
    """Items in file order; duplicate fingerprints get a ``-2``, ``-3`` suffix to stay unique."""
    items: list[VaultItem] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            item = make(row, path)
        except MalformedExport:
            if options.strict:
                raise
            warnings.append(f"{path}: line {row.line}: skipped a row with an unreadable date")
            continue
        seen[item.id] = seen.get(item.id, 0) + 1
        if seen[item.id] > 1:
            item = replace(item, id=f"{item.id}-{seen[item.id]}")
        items.append(item)
    return Vault(tuple(items), name, path, warnings=tuple(warnings))


def _check_header(path: Path, columns: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """The first record must start with ``columns`` and hold nothing but ``columns + extra``."""
    with path.open("rb") as fh:
        header = csv_header(path, decode_head(fh.read(SNIFF_BYTES)))
    if tuple(header[: len(columns)]) != columns or not set(header) <= {*columns, *extra}:
        raise MalformedExport(path, "line 1", "the header " + ", ".join(columns + extra))


def read_keepassxc(path: Path, options: ReadOptions) -> Vault:
    """Read a KeePassXC CSV (six columns, or ten since KeePassXC 2.7)."""
    _check_header(path, KEEPASSXC_COLUMNS, KEEPASSXC_OPTIONAL)
    return _collect(csv_rows(path), _keepassxc_item, "keepassxc-csv", path, options)


def read_keepass(path: Path, options: ReadOptions) -> Vault:
    """Read KeePass 2's "KeePass CSV (1.x)" export."""
    _check_header(path, KEEPASS_COLUMNS, ())
    return _collect(_keepass_rows(path), _keepass_item, "keepass-csv", path, options)


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
