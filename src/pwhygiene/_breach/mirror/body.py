"""Render a range answer: sorted ``SUFFIX:COUNT`` rows, the ETag, and random count-0 padding.

This is the one body renderer behind both ``pwhygiene serve`` and the test fake
:class:`pwhygiene.testing.RangeServer`, so what the tests exercise is what production serves.
The defaults are the real API's: CRLF between rows, no final newline, plain counts, padding to
800..1000 rows in all when the request says ``Add-Padding: true``. The fake may switch on the
quirks seen in the wild (thousands separators, LF, a final newline) through :class:`BodyFormat`.

The ETag is a hash of the real rows only, so it does not change with the (random) padding and a
client can revalidate a padded answer.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from pwhygiene._breach.range.body import SUFFIX_LENGTH
from pwhygiene._breach.source import HashMode

REAL_API_PADDING = (800, 1000)  # total rows of a padded answer, as the real API sends


@dataclass(frozen=True)
class BodyFormat:
    """How rows are written: the real API's format unless a test asks for a quirk."""

    thousands_separators: bool = False
    line_ending: Literal["\r\n", "\n"] = "\r\n"
    final_newline: bool = False

    def count(self, count: int) -> str:
        """A count as the body writes it (``86,453`` with separators)."""
        return f"{count:,}" if self.thousands_separators else str(count)


def range_etag(mode: HashMode, lines: Sequence[str]) -> str:
    """The strong ETag of a range's real rows (padding excluded: it is random per answer)."""
    return '"' + hashlib.sha256("\n".join([mode, *lines]).encode()).hexdigest()[:32] + '"'


class Padding:
    """Random count-0 rows, fast: runs cut from a pool made once per mode.

    ``rows`` is the ``(min, max)`` total row count a padded answer is filled up to. Each answer
    gets a run starting at a random row of a pool of 4x the largest padding, wrapping around, so
    no hex is generated per row per request. Padding never repeats a real row's suffix. Thread
    safe. ``rng`` lets a test seed it (and share the stream with its fault draws).
    """

    def __init__(
        self,
        rows: tuple[int, int] = REAL_API_PADDING,
        *,
        line_ending: str = "\r\n",
        rng: random.Random | None = None,
    ) -> None:
        low, high = rows
        if low < 0 or high < low:
            raise ValueError(f"padding rows must be 0 <= min <= max (got {rows})")
        self.rows = rows
        self._line_ending = line_ending
        self._rng = rng or random.Random()  # noqa: S311  # reason: padding hides sizes, not secrets
        self._lock = threading.Lock()
        self._pools: dict[HashMode, tuple[str, frozenset[str]]] = {}

    def count(self, real_rows: int) -> int:
        """How many padding rows to add to an answer of ``real_rows`` rows."""
        low, high = self.rows
        with self._lock:
            target = self._rng.randint(low, high) if high > 0 else 0
        return max(0, target - real_rows)

    def text(self, mode: HashMode, count: int, taken: AbstractSet[str]) -> str:
        """``count`` padding rows (``SUFFIX:0``) joined by the line ending, none in ``taken``."""
        length = SUFFIX_LENGTH[mode]
        ending = self._line_ending
        pool = self._pools.get(mode)
        if pool is None:
            suffixes = self._random_suffixes(length, 4 * max(self.rows[1], 1), set())
            text = "".join(f"{suffix}:0{ending}" for suffix in suffixes)
            pool = self._pools.setdefault(mode, (text, frozenset(suffixes)))
        text, members = pool
        width = length + 2 + len(ending)
        size = len(text) // width
        if count > size or not members.isdisjoint(taken):  # rare: make fresh rows instead
            rows = self._random_suffixes(length, count, set(taken))
            return ending.join(f"{suffix}:0" for suffix in rows)
        with self._lock:
            start = self._rng.randrange(size)
        end = start + count
        run = (
            text[start * width : end * width]
            if end <= size
            else (text[start * width :] + text[: (end - size) * width])
        )
        return run[: -len(ending)]

    def _random_suffixes(self, length: int, count: int, taken: set[str]) -> list[str]:
        """``count`` distinct random hex suffixes not in ``taken`` (which they are added to)."""
        width = (length + 1) // 2 * 2  # whole bytes of hex per suffix
        suffixes: list[str] = []
        while len(suffixes) < count:
            with self._lock:
                blob = self._rng.randbytes(width // 2 * (count - len(suffixes))).hex().upper()
            for start in range(0, len(blob), width):
                suffix = blob[start : start + length]
                if suffix not in taken:
                    taken.add(suffix)
                    suffixes.append(suffix)
        return suffixes


@dataclass(frozen=True)
class RenderedRows:
    """A range's real rows, written once: what a padded or unpadded answer starts with."""

    text: str
    etag: str
    suffixes: frozenset[str]


def render_rows(mode: HashMode, rows: Sequence[tuple[str, int]], fmt: BodyFormat) -> RenderedRows:
    """The real rows (sorted) joined by the line ending, and their ETag."""
    if fmt.thousands_separators:
        lines = [f"{suffix}:{count:,}" for suffix, count in rows]
    else:
        lines = [f"{suffix}:{count}" for suffix, count in rows]
    suffixes = frozenset(suffix for suffix, _ in rows)
    return RenderedRows(fmt.line_ending.join(lines), range_etag(mode, lines), suffixes)


def finish_body(
    mode: HashMode, rendered: RenderedRows, *, fmt: BodyFormat, padding: Padding | None
) -> bytes:
    """The answer's body: the real rows, then padding when ``padding`` is given."""
    text = rendered.text
    if padding is not None and (pad := padding.count(len(rendered.suffixes))):
        extra = padding.text(mode, pad, rendered.suffixes)
        text = f"{text}{fmt.line_ending}{extra}" if text else extra
    if fmt.final_newline and text:
        text += fmt.line_ending
    return text.encode("ascii")


def render_range(
    mode: HashMode,
    rows: Sequence[tuple[str, int]],
    *,
    fmt: BodyFormat,
    padding: Padding | None,
) -> tuple[bytes, str]:
    """The body for ``rows`` (sorted real rows) and its ETag; padded when ``padding`` is given."""
    rendered = render_rows(mode, rows, fmt)
    return finish_body(mode, rendered, fmt=fmt, padding=padding), rendered.etag
