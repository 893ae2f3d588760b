"""Read the Pwned Passwords downloader's output in large chunks, parsed with numpy.

The downloader writes either one file of ``HASH:COUNT`` lines or a folder of 16**5 files named
``XXXXX.txt`` holding ``SUFFIX:COUNT`` lines; both are sorted, LF or CRLF. A per-line Python
loop would take an hour over 1.7 billion lines, so lines are split, checked and decoded as
arrays. Every batch is validated (shape, hex, count, strictly ascending order, also across
batches) before the builder sees it; a bad line is reported by file and line number, never by
its content.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from pwhygiene._breach.index.format import DIGEST_BYTES
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import BadCorpus

CHUNK_BYTES = 16 << 20
PREFIX_HEX = 5
_MAX_DIGITS = 19  # 10**19 - 1 still fits an unsigned 64-bit count
_PREFIX_FILE = re.compile(r"[0-9A-Fa-f]{5}\.txt")
_HEX_VALUES = np.full(256, 16, dtype=np.uint16)
for _value, _char in enumerate(b"0123456789ABCDEF"):
    _HEX_VALUES[_char] = _HEX_VALUES[_char | 0x20] = _value
# Two hex characters read as one little-endian uint16 -> their byte value, or 256 if not hex:
# one table lookup per output byte instead of two lookups and a shift.
_PAIR = np.arange(1 << 16)
_HEX_PAIRS = np.where(
    (_HEX_VALUES[_PAIR & 255] < 16) & (_HEX_VALUES[_PAIR >> 8] < 16),
    _HEX_VALUES[_PAIR & 255] * 16 + _HEX_VALUES[_PAIR >> 8],
    256,
).astype(np.uint16)

U8Array = npt.NDArray[np.uint8]
U64Array = npt.NDArray[np.uint64]
_Locate = Callable[[int], str]
_Chunk = tuple[bytes, "U8Array | None", "_Locate | None"]  # None: a single-file chunk


@dataclass(frozen=True)
class Batch:
    """Consecutive corpus rows: full digests ``(m, digest_bytes)``, their counts, bytes read."""

    digests: U8Array
    counts: U64Array
    source_bytes: int


class _RowError(Exception):
    def __init__(self, row: int, reason: str) -> None:
        self.row = row
        self.reason = reason


@dataclass
class Corpus:
    """A downloaded corpus: one sorted file or a folder of per-prefix files."""

    path: Path
    mode: HashMode
    files: tuple[Path, ...]
    is_folder: bool

    @classmethod
    def open(cls, path: str | os.PathLike[str], mode: HashMode) -> Corpus:
        """Find the corpus files, or raise :class:`BadCorpus` saying what was expected."""
        path = Path(path)
        if path.is_dir():
            files = sorted(
                (p for p in path.iterdir() if _PREFIX_FILE.fullmatch(p.name)),
                key=lambda p: p.name.upper(),
            )
            if not files:
                raise BadCorpus(
                    f"{path}: no XXXXX.txt prefix files; expected the downloader's output folder"
                )
            return cls(path, mode, tuple(files), is_folder=True)
        if not path.is_file():
            raise BadCorpus(f"{path}: no such file or folder")
        return cls(path, mode, (path,), is_folder=False)

    @property
    def total_bytes(self) -> int:
        """Bytes to read, for the progress bar."""
        return sum(p.stat().st_size for p in self.files)

    def batches(self) -> Iterator[Batch]:
        """Validated batches in corpus order; raises :class:`BadCorpus` at the first bad line."""
        previous: U8Array | None = None
        lines_done = [0]  # lines parsed so far in the single file, for its line numbers
        source = self._folder_chunks() if self.is_folder else self._file_chunks(lines_done)
        for text, prefixes, locate in source:
            try:
                digests, counts = _parse(text, prefixes, DIGEST_BYTES[self.mode])
                _check_ascending(digests, previous)
            except _RowError as exc:
                where = locate or _file_locator(self.files[0], lines_done[0])
                raise BadCorpus(f"{where(exc.row)}: {exc.reason}") from None
            lines_done[0] += len(digests)
            if len(digests):
                previous = digests[-1]
                yield Batch(digests, counts, len(text))

    def _file_chunks(self, lines_done: list[int]) -> Iterator[_Chunk]:
        path = self.files[0]
        carry = b""
        with path.open("rb") as stream:
            while True:
                block = stream.read(CHUNK_BYTES)
                data = carry + block
                cut = len(data) if not block else data.rfind(b"\n") + 1
                if not block and data and not data.endswith(b"\n"):
                    data += b"\n"
                    cut = len(data)
                text, carry = data[:cut], data[cut:]
                if text:
                    yield text, None, None
                elif len(carry) > CHUNK_BYTES:
                    raise BadCorpus(f"{path}: line {lines_done[0] + 1}: no line break in 16 MiB")
                if not block:
                    return

    def _folder_chunks(self) -> Iterator[_Chunk]:
        parts: list[bytes] = []
        names: list[Path] = []
        size = 0
        for file in self.files:
            data = file.read_bytes()
            if data and not data.endswith(b"\n"):
                data += b"\n"
            if data:
                parts.append(data)
                names.append(file)
                size += len(data)
            if size >= CHUNK_BYTES or (file is self.files[-1] and parts):
                counts = np.array([p.count(b"\n") for p in parts], dtype=np.uint64)
                heads = np.frombuffer(
                    b"".join(n.name[:PREFIX_HEX].encode() for n in names), dtype=np.uint8
                ).reshape(-1, PREFIX_HEX)
                prefixes = np.repeat(heads, counts.astype(np.intp), axis=0)
                yield b"".join(parts), prefixes, _folder_locator(names, counts)
                parts, names, size = [], [], 0


def _file_locator(path: Path, base: int) -> _Locate:
    return lambda row: f"{path}: line {base + row + 1}"


def _folder_locator(names: list[Path], counts: U64Array) -> _Locate:
    ends = np.cumsum(counts)

    def locate(row: int) -> str:
        index = int(np.searchsorted(ends, row, side="right"))
        first = int(ends[index - 1]) if index else 0
        return f"{names[index]}: line {row - first + 1}"

    return locate


def _first(bad: npt.NDArray[np.bool_] | np.bool_, reason: str) -> None:
    if bad.any():
        raise _RowError(int(np.argmax(bad)), reason)


def _parse(text: bytes, prefixes: U8Array | None, digest_bytes: int) -> tuple[U8Array, U64Array]:
    """Decode ``HEX:COUNT`` lines (each ending in LF) into digests and counts."""
    buf = np.frombuffer(text, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.zeros_like(ends)
    starts[1:] = ends[:-1] + 1
    ends = ends - (buf[ends - 1] == 13)
    width = 2 * digest_bytes - (0 if prefixes is None else PREFIX_HEX)
    hint = (
        "an NTLM download needs --ntlm"
        if digest_bytes == 20
        else "a SHA-1 download is built without --ntlm"
    )
    digits = ends - starts - width - 1
    _first(
        (digits < 1) | (digits > _MAX_DIGITS),
        f"expected HASH:COUNT with a {width}-character hexadecimal hash and a count ({hint})",
    )
    padded = np.zeros(len(buf) + _MAX_DIGITS + 1, dtype=np.uint8)
    padded[: len(buf)] = buf
    _first(
        padded[starts + width] != ord(":"),
        f"expected ':' after a {width}-character hash ({hint})",
    )
    text_hex = sliding_window_view(padded, width)[starts]
    if prefixes is not None:
        text_hex = np.concatenate([prefixes, text_hex], axis=1)
    digests, bad_row = decode_hex(text_hex)
    if bad_row is not None:
        raise _RowError(bad_row, "the hash is not hexadecimal")
    longest = int(digits.max())
    window = sliding_window_view(padded, longest)[starts + width + 1] - np.uint8(ord("0"))
    place = np.arange(longest)
    inside = place < digits[:, None]
    _first(((window > 9) & inside).any(axis=1), "the count is not a decimal number")
    counts = np.zeros(len(starts), dtype=np.uint64)
    for column in range(longest):  # Horner's rule, one digit column at a time
        counts = np.where(inside[:, column], counts * np.uint64(10) + window[:, column], counts)
    _first(counts == 0, "count 0 (corpus counts start at 1)")
    return digests, counts


def decode_hex(text: U8Array) -> tuple[U8Array, int | None]:
    """ASCII hex rows ``(m, 2k)`` -> bytes ``(m, k)``, and the first non-hex row (or None)."""
    values = _HEX_PAIRS[np.ascontiguousarray(text).view("<u2")]
    if len(values) and values.max() > 255:
        return np.zeros((0, 0), dtype=np.uint8), int(np.argmax((values > 255).any(axis=1)))
    return values.astype(np.uint8), None


def digest_words(digests: U8Array) -> U64Array:
    """Digests as big-endian 64-bit words ``(m, words)``, comparable column by column."""
    width = -(-digests.shape[1] // 8) * 8
    padded = np.zeros((len(digests), width), dtype=np.uint8)
    padded[:, : digests.shape[1]] = digests
    return padded.view(">u8").astype(np.uint64)


def _check_ascending(digests: U8Array, previous: U8Array | None) -> None:
    """Every row strictly greater than the one before it (the downloader sorts its output)."""
    rows = digests if previous is None else np.concatenate([previous[None, :], digests])
    words = digest_words(rows)
    greater = np.zeros(len(rows) - 1, dtype=bool)
    equal = np.ones(len(rows) - 1, dtype=bool)
    for column in words.T:
        greater |= equal & (column[1:] > column[:-1])
        equal &= column[1:] == column[:-1]
    shift = 0 if previous is None else 1
    bad = ~greater
    if bad.any():
        row = int(np.argmax(bad)) + 1 - shift
        reason = (
            "repeats the hash of the line before" if equal[row - 1 + shift] else "is out of order"
        )
        raise _RowError(row, f"{reason} (the downloader's output is sorted by hash)")
