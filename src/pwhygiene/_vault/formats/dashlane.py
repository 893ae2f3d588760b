"""Dashlane's CSV export: ``credentials.csv`` alone, or the zip of one CSV per item type.

The web app exports a zip of ``credentials.csv``, ``securenotes.csv``, ``payments.csv``,
``ids.csv`` and ``personalInfo.csv``. Only credentials carry passwords; the others become typed
items (notes, cards, identities) so a report can say what was in the export. Dashlane's CSVs
have no ids and no dates, so ids are fingerprints and every timestamp is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pwhygiene._vault.formats._common import (
    collect,
    header_of,
    in_member,
    make_vault,
    password_or_none,
    rows_of,
    text_or_none,
    title_from_url,
)
from pwhygiene._vault.io import CsvRow, SafeZip, csv_header, decode_head, read_text
from pwhygiene._vault.model import ItemKind, Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import (
    SNIFF_BYTES,
    Detection,
    FormatSpec,
    ReadOptions,
    Sample,
    register,
)
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

CSV_NAME = "dashlane-csv"
ZIP_NAME = "dashlane-zip"

# The first columns of credentials.csv, in Dashlane's order; newer exports end in ``otpUrl``.
CREDENTIALS_HEAD = ("username", "username2", "username3", "title", "password", "note", "url")
MEMBERS = ("credentials.csv", "securenotes.csv", "payments.csv", "ids.csv", "personalInfo.csv")

Converter = Callable[[CsvRow, "_Context"], VaultItem]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every row conversion of one read shares: the format name."""

    name: str


def _credential(row: CsvRow, ctx: _Context) -> VaultItem:
    v = row.values
    username = next(
        (v[k] for k in ("username", "username2", "username3") if text_or_none(v.get(k))), None
    )
    url = text_or_none(v.get("url"))
    title = v.get("title", "") or (title_from_url(url) if url else "")
    folder = text_or_none(v.get("category"))
    return VaultItem(
        id=fingerprint(title, username, url, folder),
        title=title,
        source_format=ctx.name,
        username=username,
        password=password_or_none(v.get("password")),
        urls=(url,) if url else (),
        totp=bool(v.get("otpSecret") or v.get("otpUrl")),
        folder=folder,
        notes_present=bool(v.get("note")),
    )


def _typed(kind: ItemKind, title_of: Callable[[dict[str, str]], str]) -> Converter:
    """A converter for a table of non-login items: typed, titled, never with a password."""

    def convert(row: CsvRow, ctx: _Context) -> VaultItem:
        title = title_of(row.values).strip()
        return VaultItem(
            id=fingerprint(kind.value, title, row.values.get("type")),
            title=title,
            source_format=ctx.name,
            kind=kind,
            folder=text_or_none(row.values.get("category")),
            notes_present=bool(row.values.get("note")),
        )

    return convert


def _payment(row: CsvRow, ctx: _Context) -> VaultItem:
    card = row.values.get("type", "") in {"credit_card", "payment_card"}
    kind = ItemKind.CARD if card else ItemKind.OTHER
    return _typed(kind, lambda v: v.get("account_name") or v.get("name") or v.get("type", ""))(
        row, ctx
    )


def _person_title(v: dict[str, str]) -> str:
    if v.get("item_name"):
        return v["item_name"]
    names = (v.get(k, "") for k in ("title", "first_name", "middle_name", "last_name"))
    return " ".join(n for n in names if n) or v.get("type", "")


def _table(header: Sequence[str]) -> tuple[str, Converter] | None:
    """Which Dashlane table a header belongs to (Dashlane names its tables by their columns)."""
    cols = set(header)
    if tuple(header[: len(CREDENTIALS_HEAD)]) == CREDENTIALS_HEAD:
        return "credentials", _credential
    if header[:2] == ["type", "account_name"] or {"type", "cc_number"} <= cols:
        return "payments", _payment
    if header[:2] == ["type", "number"]:
        ids_title = _typed(ItemKind.IDENTITY, lambda v: f"{v.get('name', '')} {v.get('type', '')}")
        return "ids", ids_title
    if header[:2] == ["type", "title"] and "first_name" in cols:
        return "personal info", _typed(ItemKind.IDENTITY, _person_title)
    if header[:2] == ["title", "note"]:
        return "secure notes", _typed(ItemKind.NOTE, lambda v: v.get("title", ""))
    return None


def _rows(
    path: Path, text: str | None, ctx: _Context, options: ReadOptions, warnings: list[str]
) -> list[VaultItem]:
    """Convert every row of one table; ``text=None`` streams the file from disk."""
    head = text if text is not None else _head(path)
    table = _table(csv_header(path, head))
    if table is None:
        raise MalformedExport(
            path, "line 1", "a Dashlane header (credentials: username,username2,username3,...)"
        )
    _, convert = table
    rows: Iterator[CsvRow] = rows_of(path, options, warnings, text=text)
    return collect(rows, lambda r: convert(r, ctx), strict=options.strict, warnings=warnings)


def _head(path: Path) -> str:
    """The decoded start of a file, enough for its header line."""
    with path.open("rb") as fh:
        return decode_head(fh.read(SNIFF_BYTES)) or ""


def read_csv(path: Path, options: ReadOptions) -> Vault:
    """Read one Dashlane CSV (normally ``credentials.csv``), streaming its rows."""
    warnings: list[str] = []
    items = _rows(path, None, _Context(CSV_NAME), options, warnings)
    return make_vault(items, CSV_NAME, path, warnings)


def read_zip(path: Path, options: ReadOptions) -> Vault:
    """Read every Dashlane table in the zip; unknown CSV members are reported, not guessed."""
    warnings: list[str] = []
    items: list[VaultItem] = []
    ctx = _Context(ZIP_NAME)
    with SafeZip(path) as archive:
        names = sorted(archive.names(), key=_member_order)
        for name in names:
            base = PurePosixPath(name).name
            if not base.lower().endswith(".csv"):
                continue
            member = in_member(path, name)
            text = read_text(member, archive.read(name))
            if not text.strip():
                continue
            if _table(csv_header(member, text)) is None:
                warnings.append(f"{member}: not a Dashlane table; ignored")
                continue
            items.extend(_rows(member, text, ctx, options, warnings))
    if not items and not any(_is_member(n) for n in names):
        raise UnsupportedFormat(f"{path}: no Dashlane CSV (credentials.csv, ...) in the zip")
    return make_vault(items, ZIP_NAME, path, warnings)


def _is_member(name: str) -> bool:
    return PurePosixPath(name).name.lower() in {m.lower() for m in MEMBERS}


def _member_order(name: str) -> tuple[int, str]:
    base = PurePosixPath(name).name.lower()
    order = [m.lower() for m in MEMBERS]
    return (order.index(base) if base in order else len(order), name)


def sniff_csv(sample: Sample) -> Detection:
    """YES for the credentials header; MAYBE for another table of Dashlane's CSV zip.

    A user who unzipped the export may point at ``securenotes.csv``, ``payments.csv``,
    ``ids.csv`` or ``personalInfo.csv``: their headers are Dashlane's but less distinctive, so
    they are a MAYBE, read when no other format claims the file. A bare ``title,note`` is too
    generic to claim unless the file still has Dashlane's name, ``securenotes.csv``.
    """
    header = header_of(sample)
    if tuple(header[: len(CREDENTIALS_HEAD)]) == CREDENTIALS_HEAD:
        return Detection.YES
    table = _table(header) if header else None
    if table is None or (table[0] == "secure notes" and sample.path.name != "securenotes.csv"):
        return Detection.NO
    return Detection.MAYBE


def sniff_zip(sample: Sample) -> Detection:
    """YES for a zip holding ``credentials.csv`` or another of Dashlane's table names."""
    if sample.zip_names is None:
        return Detection.NO
    bases = {PurePosixPath(n).name for n in sample.zip_names}
    if "credentials.csv" in bases:
        return Detection.YES
    return Detection.MAYBE if bases & set(MEMBERS) else Detection.NO


register(
    FormatSpec(
        name=CSV_NAME,
        description="Dashlane credentials.csv (or another single table of the CSV export)",
        detection="header username,username2,username3,title,password,note,url,...",
        sniff=sniff_csv,
        read=read_csv,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name=ZIP_NAME,
        description="Dashlane CSV export zip (credentials, notes, payments, ids, personal info)",
        detection="zip archive containing credentials.csv",
        sniff=sniff_zip,
        read=read_zip,
        extensions=(".zip",),
    )
)
