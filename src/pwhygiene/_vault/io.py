"""Shared plumbing for readers: decoding, CSV rows with line numbers, JSON (zips: ``zipdir``).

Exports arrive as UTF-8 with or without BOM, UTF-16 with BOM, with LF, CRLF or even CR CR LF
line ends. Every reader goes through these helpers so those quirks, the size limits and the
shape of error messages (file, line or JSON path, what was expected) are handled once.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

# Re-exported: readers import these from here with the rest of the plumbing.
from pwhygiene._vault.files import ensure_regular_file as ensure_regular_file  # noqa: PLC0414
from pwhygiene._vault.files import open_export as open_export  # noqa: PLC0414
from pwhygiene._vault.times import parse_timestamp as parse_timestamp  # noqa: PLC0414
from pwhygiene._vault.zipdir import SafeZip as SafeZip  # noqa: PLC0414
from pwhygiene.exceptions import ExportTooLarge, MalformedExport

MAX_FILE_BYTES = 512 * 1024 * 1024  # a larger "export" is not a password export
#: JSON containers (objects and arrays) per character of text. Real exports hold one per 50+
#: characters, even minified (an item is a few hundred characters and a handful of objects); a
#: document of nothing but ``{}`` holds one per 3 and costs ~25 bytes of memory per byte.
MAX_JSON_CONTAINER_DENSITY = 1 / 20
MAX_JSON_CONTAINERS = 4_000_000  # ~1 GiB of Python objects at most, whatever the density
_JSON_FLOOR = 4096  # tiny documents are never refused for their density
_LONG_INT = re.compile(r"\d{4301}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
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


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The whole file, refusing non-regular files and reading at most ``limit`` + 1 bytes."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with open_export(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise ExportTooLarge(f"{path}: larger than {limit // 2**20} MiB")
        # read(n) allocates n bytes up front: ask for what the file holds, then for any
        # growth in 1 MiB steps, never for the whole limit at once.
        chunks = [fh.read(size + 1)]
        total = len(chunks[0])
        while len(chunks[-1]) and total <= limit and total > size:
            chunks.append(fh.read(min(2**20, limit + 1 - total)))
            total += len(chunks[-1])
    if total > limit:
        raise ExportTooLarge(f"{path}: larger than {limit // 2**20} MiB")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_text(path: Path, data: bytes | None = None) -> str:
    """The whole file as text (BOM-aware), with a clear error for binary or non-UTF content."""
    if data is None:
        data = read_bytes(path)
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
    raw = open_export(path)
    head = raw.read(4096)
    raw.seek(0)
    encoding = sniff_encoding(head)
    if encoding is None:
        raw.close()
        raise MalformedExport(path, None, "a text file (UTF-8 or UTF-16 with BOM), found binary")
    return io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")


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
    """Parse JSON within bounds, turning every failure into one that names where.

    The structure is bounded before parsing (see :func:`check_json_budget`); integers beyond
    Python's 4,300-digit conversion limit and nesting beyond the recursion limit are refused.
    """
    if text is None:
        text = read_text(path)
    check_json_budget(text, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where, expected = f"line {exc.lineno} column {exc.colno}", f"valid JSON ({exc.msg})"
    except RecursionError:
        where, expected = None, "JSON nested less than ~1000 levels deep"
    except ValueError:  # int() refused a number of more than 4,300 digits
        where, expected = _long_int_line(text), "integers of at most 4,300 digits"
    # Raised outside the handler, so the JSONDecodeError (its .doc is the whole document,
    # decrypted for an encrypted export) does not live on as this error's __context__.
    raise MalformedExport(path, where, expected)


def json_value(text: str, path: Path) -> object | None:
    """A small embedded JSON value (a CSV cell), ``None`` if it is not valid JSON.

    The same bounds as :func:`load_json` apply; only too much structure is an error.
    """
    check_json_budget(text, path)
    try:
        value: object = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as is a long int
        return None
    return value


def check_json_budget(text: str, path: Path) -> None:
    """Refuse JSON whose containers would cost far more memory than its size suggests.

    Counting ``{`` and ``[`` over-counts (brackets inside strings), which only errs towards
    refusing documents made of almost nothing but brackets. The count is what bounds the
    parse: every container is a Python dict or list of 56+ bytes.
    """
    if len(text) <= _JSON_FLOOR:
        return
    containers = text.count("{") + text.count("[")
    if containers > MAX_JSON_CONTAINERS:
        raise ExportTooLarge(
            f"{path}: more than {MAX_JSON_CONTAINERS:,} JSON objects and arrays "
            "(MAX_JSON_CONTAINERS); no password export holds that many"
        )
    if containers > len(text) * MAX_JSON_CONTAINER_DENSITY:
        raise ExportTooLarge(
            f"{path}: the JSON is made almost only of nested objects and arrays "
            f"({containers:,} in {len(text):,} characters); refused, as parsing it would "
            "need far more memory than the file's size (see docs/limits.md)"
        )


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (JSON escapes allow one; UTF-8 cannot hold it)."""
    return _LONE_SURROGATE.search(text) is not None


def _long_int_line(text: str) -> str | None:
    match = _LONG_INT.search(text)
    return None if match is None else f"line {text.count(chr(10), 0, match.start()) + 1}"


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
