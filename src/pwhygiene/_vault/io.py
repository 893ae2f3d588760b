"""Shared plumbing for readers: decoding, CSV rows with line numbers, JSON, zips, timestamps.

Exports arrive as UTF-8 with or without BOM, UTF-16 with BOM, with LF, CRLF or even CR CR LF
line ends. Every reader goes through these helpers so those quirks, the size limits and the
shape of error messages (file, line or JSON path, what was expected) are handled once.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pwhygiene._vault.model import Timestamp
from pwhygiene.exceptions import ExportTooLarge, MalformedExport

MAX_FILE_BYTES = 512 * 1024 * 1024  # a larger "export" is not a password export
MAX_ZIP_MEMBER_BYTES = 256 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200  # compressed-to-uncompressed; text exports compress ~10x, bombs ~1000x
MAX_ZIP_MEMBERS = 10_000

T = TypeVar("T")


def sniff_encoding(head: bytes) -> str | None:
    """The text encoding a file's first bytes announce; ``None`` when it looks binary."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        return None
    return "utf-8-sig"


def decode_head(head: bytes) -> str | None:
    """The head of a file as text for sniffers, tolerating a character cut at the end."""
    encoding = sniff_encoding(head)
    if encoding is None:
        return None
    text = head.decode(encoding, errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 100):
        return None  # mostly undecodable: binary, not text
    return text


def read_text(path: Path, data: bytes | None = None) -> str:
    """The whole file as text (BOM-aware), with a clear error for binary or non-UTF content."""
    if data is None:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExportTooLarge(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        data = path.read_bytes()
    encoding = sniff_encoding(data[:4096])
    if encoding is None:
        raise MalformedExport(path, None, "a text file (UTF-8 or UTF-16 with BOM), found binary")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    # Raised outside the handler: the UnicodeDecodeError (whose .object is the whole file,
    # decrypted if it came from an encrypted export) is then no one's __context__.
    line = data[:bad_at].count(b"\n") + 1
    raise MalformedExport(path, f"line {line}", f"valid {encoding} text")


def open_text(path: Path) -> io.TextIOWrapper:
    """A streaming text handle (BOM-aware, ``newline=''`` as :mod:`csv` wants) for big CSVs."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    encoding = sniff_encoding(head)
    if encoding is None:
        raise MalformedExport(path, None, "a text file (UTF-8 or UTF-16 with BOM), found binary")
    return path.open(encoding=encoding, newline="", errors="strict")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One CSV record with the line it started on, for error messages; cells stay out of repr."""

    line: int
    values: dict[str, str] = field(repr=False)
    extra: tuple[str, ...] = field(default=(), repr=False)  # cells beyond the header


def _clean_header(cells: Sequence[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in cells]


def csv_rows(
    path: Path,
    *,
    header: Sequence[str] | None = None,
    allow_extra: bool = False,
    text: str | None = None,
    dialect: type[csv.Dialect] = csv.excel,
    optional_tail: int = 0,
    on_bad_row: Callable[[MalformedExport], None] | None = None,
) -> Iterator[CsvRow]:
    """Stream a CSV as rows keyed by column name; blank lines (CR CR LF) are skipped.

    With ``header=None`` the first record is the header; otherwise ``header`` names the columns
    of a header-less file. A short row, or a long one without ``allow_extra``, is an error that
    names the line: nothing is dropped silently. The last ``optional_tail`` columns may be
    missing from a row (read as ``""``: RoboForm leaves its empty last column out).
    ``dialect`` is for exporters that escape quotes their own way (KeePass: backslashes
    instead of doubled quotes). With ``on_bad_row`` (lenient reads), a malformed row is handed
    to it and reading goes on with the next row; without it, the error is raised.
    """
    handle: io.TextIOBase | io.TextIOWrapper = (
        io.StringIO(text, newline="") if text is not None else open_text(path)
    )
    with handle:
        reader = csv.reader(handle, dialect, strict=True)
        columns: list[str] | None = list(header) if header is not None else None
        start, undecodable = 1, False
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                bad = MalformedExport(path, f"line {reader.line_num}", f"well-formed CSV ({exc})")
                start = reader.line_num + 1
                if on_bad_row is None:
                    raise bad from None
                on_bad_row(bad)
                continue
            except UnicodeDecodeError:  # its .object is a chunk of the file: let it die here
                undecodable = True
                break
            line, start = start, reader.line_num + 1
            if not cells or all(not c.strip() for c in cells):
                continue
            if columns is None:
                columns = _clean_header(cells)
                continue
            problem = _row_problem(cells, columns, header is not None, allow_extra, optional_tail)
            if problem is not None:
                bad = MalformedExport(path, f"line {line}", problem)
                if on_bad_row is None:
                    raise bad
                on_bad_row(bad)
                continue
            padded = cells + [""] * (len(columns) - len(cells))
            values = dict(zip(columns, padded[: len(columns)], strict=True))
            yield CsvRow(line, values, tuple(cells[len(columns) :]))
    if undecodable:
        raise MalformedExport(path, None, "valid UTF-8 or UTF-16 text")


def _row_problem(
    cells: Sequence[str], columns: Sequence[str], named: bool, allow_extra: bool, optional: int
) -> str | None:
    """What is wrong with a row's cell count, or ``None``.

    Column names are given only when the reader supplied them: a file's first record may be
    data (a header-less file read with an explicit format), passwords included.
    """
    if len(cells) < len(columns) - optional:
        names = f" ({', '.join(columns)})" if named else ""
        return f"{len(columns)} columns{names}, found {len(cells)}"
    if len(cells) > len(columns) and not allow_extra:
        return f"{len(columns)} columns, found {len(cells)}"
    return None


def csv_header(path: Path, text: str | None) -> list[str]:
    """The cleaned first record of a CSV (for sniffers), or ``[]`` if there is none."""
    if text is None:
        return []
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []
    return _clean_header(first)


def load_json(path: Path, text: str | None = None) -> object:
    """Parse JSON, turning a syntax error into one that names the line and column."""
    if text is None:
        text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where, expected = f"line {exc.lineno} column {exc.colno}", f"valid JSON ({exc.msg})"
    except RecursionError:
        where, expected = None, "JSON nested less than ~1000 levels deep"
    # Raised outside the handler, so the JSONDecodeError (its .doc is the whole document,
    # decrypted for an encrypted export) does not live on as this error's __context__.
    raise MalformedExport(path, where, expected)


def get(obj: object, key: str, kind: type[T], path: Path, where: str) -> T:
    """``obj[key]`` checked to be a ``kind``; the error names the JSON path, not the value."""
    if not isinstance(obj, dict) and not isinstance(obj, Mapping):  # dict first: no ABC cost
        raise MalformedExport(path, where, "an object")
    if key not in obj:
        raise MalformedExport(path, f"{where}.{key}", f"a field {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedExport(path, f"{where}.{key}", f"a {_type_name(kind)}")
    return value


def opt(obj: object, key: str, kind: type[T], path: Path, where: str) -> T | None:
    """Like :func:`get` but ``None`` when the key is absent or null."""
    if not isinstance(obj, dict) and not isinstance(obj, Mapping):  # dict first: no ABC cost
        raise MalformedExport(path, where, "an object")
    if obj.get(key) is None:
        return None
    return get(obj, key, kind, path, where)


def _type_name(kind: type[Any]) -> str:
    return {str: "string", int: "integer", bool: "boolean", list: "list", dict: "object"}.get(
        kind, kind.__name__
    )


class SafeZip:
    """A zip archive read with limits on size, ratio and member count (zip bombs refused)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:  # incl. "zip version"
            raise MalformedExport(path, None, "a readable zip archive") from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ExportTooLarge(f"{path}: more than {MAX_ZIP_MEMBERS} members in the zip")
        total = sum(i.file_size for i in infos)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise ExportTooLarge(
                f"{path}: zip expands to more than {MAX_ZIP_TOTAL_BYTES // 2**20} MiB"
            )

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        """Member names, directories excluded."""
        return [i.filename for i in self._zip.infolist() if not i.is_dir()]

    def read(self, name: str) -> bytes:
        """One member's bytes, refusing oversized or suspiciously compressed members."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise MalformedExport(self.path, name, "this member in the zip archive") from None
        if info.file_size > MAX_ZIP_MEMBER_BYTES:
            raise ExportTooLarge(
                f"{self.path}: member {name} is larger than {MAX_ZIP_MEMBER_BYTES // 2**20} MiB"
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            raise ExportTooLarge(f"{self.path}: member {name} looks like a zip bomb")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(MAX_ZIP_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError) as exc:
            raise MalformedExport(self.path, name, "a readable zip member") from exc
        if len(data) > MAX_ZIP_MEMBER_BYTES:  # header lied about the size
            raise ExportTooLarge(f"{self.path}: member {name} is larger than declared")
        return data


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_DIGITS = re.compile(r"-?\d{1,17}(\.\d+)?")


def parse_timestamp(value: object, source: str) -> Timestamp | None:
    """A :class:`Timestamp` from ISO 8601 text or Unix time in s, ms or µs; ``None`` if empty.

    Naive times are taken as UTC. Raises ``ValueError`` for text that is neither, so the caller
    can report the field; exporters that write garbage should not pass silently.
    """
    if value is None or value in ("", 0):
        return None
    if isinstance(value, bool):
        raise ValueError("a timestamp")
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value.strip())
    ):
        # Decimal, not float: 2038-01-20T00:00:00.002 in ms must not come back as .001.
        number = Decimal(str(value).strip())
        if not number.is_finite() or number <= 0:
            return None
        for per_second in (1, 1_000, 1_000_000):  # seconds until year ~5138, then ms, then µs
            if number / per_second < 10**11:
                micros = int((number * 1_000_000 / per_second).to_integral_value())
                return Timestamp(_EPOCH + timedelta(microseconds=micros), source)
        raise ValueError("a timestamp")
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        if " " in text and "T" not in text:
            text = text.replace(" ", "T", 1)
        try:
            at: datetime | None = datetime.fromisoformat(text)
        except ValueError:  # its message quotes the cell, which may be a misplaced password
            at = None
        if at is None:
            raise ValueError("an ISO 8601 timestamp or Unix time")
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return Timestamp(at, source)
    raise ValueError("a timestamp")
