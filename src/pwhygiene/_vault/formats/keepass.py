"""KeePass 2.x / KeePassXC: KDBX 3.1 and 4.x databases, the XML export, and both CSV exports.

The KDBX and XML readers share :mod:`pwhygiene._vault.kdbx.document`, so an entry maps to the
same :class:`VaultItem` whichever way it was saved. The CSV exports carry far less (no
history, no flags) and are mapped as faithfully as their columns allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pwhygiene._errors import ExportTooLarge, MalformedExport, UnsupportedFormat
from pwhygiene._vault.io import (
    MAX_FILE_BYTES,
    CsvRow,
    csv_header,
    csv_rows,
    decode_head,
    parse_timestamp,
)
from pwhygiene._vault.kdbx.document import parse_document
from pwhygiene._vault.kdbx.header import SIGNATURE_1
from pwhygiene._vault.kdbx.payload import open_kdbx
from pwhygiene._vault.model import ItemKind, Timestamp, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register

KEEPASSXC_CSV_COLUMNS = ("Group", "Title", "Username", "Password", "URL", "Notes")
KEEPASSXC_CSV_OPTIONAL = ("TOTP", "Icon", "Last Modified", "Created")  # KeePassXC 2.7+
KEEPASS_CSV_COLUMNS = ("Account", "Login Name", "Password", "Web Site", "Comments")
RECYCLE_BIN_NAME = "Recycle Bin"  # KeePassXC's default (English) recycle bin group name


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ExportTooLarge(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    return path.read_bytes()


def _sniff_kdbx(sample: Sample) -> Detection:
    if int.from_bytes(sample.head[:4], "little") == SIGNATURE_1 and len(sample.head) >= 8:
        return Detection.YES
    return Detection.NO


def _read_kdbx(path: Path, options: ReadOptions) -> Vault:
    decrypted = open_kdbx(_read_bytes(path), path, options.password, options.key_file)
    if decrypted.stream is None:
        raise UnsupportedFormat(
            f"{path}: the database protects values with an unsupported inner stream; "
            "re-save it with KeePassXC or KeePass 2"
        )
    parsed = parse_document(
        decrypted.xml,
        path,
        source_format="keepass-kdbx",
        stream=decrypted.stream,
        header_sha256=decrypted.header_sha256 if decrypted.header.major < 4 else None,
        strict=options.strict,
    )
    return Vault(parsed.items, "keepass-kdbx", path, encrypted=True, warnings=parsed.warnings)


def _sniff_xml(sample: Sample) -> Detection:
    text = sample.text or ""
    return Detection.YES if "<KeePassFile" in text[:4096] else Detection.NO


def _read_xml(path: Path, options: ReadOptions) -> Vault:
    parsed = parse_document(
        _read_bytes(path), path, source_format="keepass-xml", strict=options.strict
    )
    return Vault(parsed.items, "keepass-xml", path, warnings=parsed.warnings)


def _sniff_csv(columns: tuple[str, ...]) -> Callable[[Sample], Detection]:
    def sniff(sample: Sample) -> Detection:
        header = tuple(csv_header(sample.path, sample.text))
        return Detection.YES if header[: len(columns)] == columns else Detection.NO

    return sniff


def _login_kind(password: str, username: str, urls: tuple[str, ...]) -> ItemKind:
    return ItemKind.LOGIN if (password or username or urls) else ItemKind.NOTE


def _csv_time(row: CsvRow, column: str, path: Path) -> Timestamp | None:
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
    kind = _login_kind(password, username, urls)
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
        created=_csv_time(row, "Created", path),
        modified=_csv_time(row, "Last Modified", path),
        trashed=bool(groups) and groups[0] == RECYCLE_BIN_NAME,
    )


def _keepass_item(row: CsvRow, path: Path) -> VaultItem:
    v = row.values
    title, username, password = v["Account"], v["Login Name"], v["Password"]
    urls = (v["Web Site"].strip(),) if v["Web Site"].strip() else ()
    kind = _login_kind(password, username, urls)
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


def _read_csv(
    path: Path, options: ReadOptions, name: str, columns: tuple[str, ...], optional: tuple[str, ...]
) -> Vault:
    header = csv_header(path, _head_text(path))
    known = set(columns) | set(optional)
    if tuple(header[: len(columns)]) != columns or not set(header) <= known:
        raise MalformedExport(
            path, "line 1", f"the {name} header: " + ", ".join(columns + optional)
        )
    make = _keepassxc_item if name == "keepassxc-csv" else _keepass_item
    items: list[VaultItem] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for row in csv_rows(path):
        try:
            item = make(row, path)
        except MalformedExport:
            if options.strict:
                raise
            warnings.append(f"{path}: line {row.line}: skipped a row with an unreadable date")
            continue
        seen[item.id] = seen.get(item.id, 0) + 1
        if seen[item.id] > 1:  # same title, user and URL twice: keep both, ids stay unique
            item = replace(item, id=f"{item.id}-{seen[item.id]}")
        items.append(item)
    return Vault(tuple(items), name, path, warnings=tuple(warnings))


def _head_text(path: Path) -> str | None:
    with path.open("rb") as fh:
        return decode_head(fh.read(4096))


register(
    FormatSpec(
        name="keepass-kdbx",
        description="KeePass 2.x / KeePassXC database (KDBX 3.1 and 4.x), password and/or key file",
        detection="KDBX file signature 0x9AA2D903 0xB54BFB67",
        sniff=_sniff_kdbx,
        read=_read_kdbx,
        extensions=(".kdbx",),
        encrypted=True,
    )
)
register(
    FormatSpec(
        name="keepass-xml",
        description="KeePass 2.x XML export (unencrypted)",
        detection="XML with a <KeePassFile> root element",
        sniff=_sniff_xml,
        read=_read_xml,
        extensions=(".xml",),
    )
)
register(
    FormatSpec(
        name="keepassxc-csv",
        description="KeePassXC CSV export",
        detection='header "Group","Title","Username","Password","URL","Notes"[,"TOTP",...]',
        sniff=_sniff_csv(KEEPASSXC_CSV_COLUMNS),
        read=lambda p, o: _read_csv(
            p, o, "keepassxc-csv", KEEPASSXC_CSV_COLUMNS, KEEPASSXC_CSV_OPTIONAL
        ),
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name="keepass-csv",
        description='KeePass CSV export ("KeePass CSV (1.x)" in KeePass 2)',
        detection='header "Account","Login Name","Password","Web Site","Comments"',
        sniff=_sniff_csv(KEEPASS_CSV_COLUMNS),
        read=lambda p, o: _read_csv(p, o, "keepass-csv", KEEPASS_CSV_COLUMNS, ()),
        extensions=(".csv",),
    )
)
