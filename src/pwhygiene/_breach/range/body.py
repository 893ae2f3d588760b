"""Parse and validate a Pwned Passwords range body: trust nothing that came over the network.

A range answer is ``SUFFIX:COUNT`` lines separated by CRLF (LF tolerated), no final newline
required, with count-0 padding rows after the real ones. Counts have been seen with thousands
separators (``86,453``). Anything else -- a captive-portal page, a truncated transfer, a proxy's
error text, garbage -- must become :class:`~pwhygiene.exceptions.BadRangeResponse`, never "not
found", because a misread body would silently report a breached password as clean.

Messages say which line and what was wrong; they never quote a row (a suffix narrows a
password down to one candidate once the prefix is known).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import BadRangeResponse

SUFFIX_LENGTH: dict[HashMode, int] = {"sha1": 35, "ntlm": 27}


MAX_COUNT_DIGITS = 15
"""A count has at most this many digits (separators aside). The most common password has been
seen about 10^8 times; a longer count is not a count, and one of over 4,300 digits would make
``int()`` itself refuse (Python's int-string limit) with an untyped ``ValueError``."""
_GROUPS = (MAX_COUNT_DIGITS - 1) // 3  # ",ddd" groups after a first group of 1-3 digits


def _row(length: int, group: str) -> str:
    """One ``SUFFIX:COUNT`` row; ``group`` is ``"("`` to capture both parts, ``"(?:"`` not to."""
    return (
        rf"{group}[0-9A-Fa-f]{{{length}}}):"
        rf"{group}[0-9]{{1,3}}(?:,[0-9]{{3}}){{1,{_GROUPS}}}|[0-9]{{1,{MAX_COUNT_DIGITS}}})"
    )


_ROW = {mode: re.compile(_row(n, "(").encode()) for mode, n in SUFFIX_LENGTH.items()}
# The common case is proven well formed by a few C-speed passes over the whole body (no
# per-row Python, no per-character regex over the suffixes); rows are then looked up, not built.
# Pass 1 maps every hex digit to "x" (anything not in a range body to "?"), so a padded body's
# ~1,000 lines collapse to a handful of distinct shapes, each checked once against _SHAPE.
_SKELETON = bytes(
    ord("x") if chr(b) in "0123456789ABCDEFabcdef" else b if chr(b) in ":,\r\n" else ord("?")
    for b in range(256)
)
_SHAPE = {
    mode: re.compile(
        rf"x{{{n}}}:(?:x{{1,{MAX_COUNT_DIGITS}}}|x{{1,3}}(?:,xxx){{1,{_GROUPS}}})\r?".encode()
    )
    for mode, n in SUFFIX_LENGTH.items()
}
_LETTER_IN_COUNT = re.compile(rb":[0-9,]*+[A-Fa-f]")  # pass 2: counts are decimal
_COUNT = re.compile(rf"[0-9,]{{1,{MAX_COUNT_DIGITS + _GROUPS}}}")
_TEXT_TYPES = ("text/plain", "application/octet-stream")


def parse_range_body(
    body: bytes,
    *,
    mode: HashMode = "sha1",
    content_type: str | None = None,
    content_length: int | None = None,
    padded: bool = False,
) -> dict[str, int]:
    """The real rows of a range body as ``{SUFFIX: count}``; padding (count 0) is dropped.

    ``content_type`` and ``content_length`` are the response headers, when the server sent
    them: an HTML page or a body shorter or longer than announced is rejected before parsing.
    ``content_length`` must only be given for an identity-encoded body (it counts bytes on the
    wire). An empty body is a valid answer with no rows, unless ``padded`` says the request
    asked for padding: a padded answer always has rows, so an empty one was cut short.
    """
    rows = validate_range_body(
        body, mode=mode, content_type=content_type, content_length=content_length, padded=padded
    )
    return rows.to_dict() if isinstance(rows, RangeRows) else dict(rows)


def validate_range_body(
    body: bytes,
    *,
    mode: HashMode = "sha1",
    content_type: str | None = None,
    content_length: int | None = None,
    padded: bool = False,
) -> Mapping[str, int]:
    """Like :func:`parse_range_body`, but rows are looked up in the validated text on demand.

    A client wants one or two suffixes out of ~1,000 rows: one regex pass proves the body
    well-formed, and :class:`RangeRows` then finds a suffix with ``str.find`` instead of
    building a dict of every row.
    """
    _check_headers(body, content_type, content_length)
    body = body.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM is harmless; other clients strip it
    if padded and not body.strip():
        raise BadRangeResponse(
            "range answer to a padded request has no rows (a cut or emptied transfer)"
        )
    if body.lstrip()[:1] == b"<":
        raise BadRangeResponse("range body is markup, not text (a captive portal or proxy page?)")
    if not _well_formed(body, mode):
        return _parse_lines(body, mode)  # finds and names the problem (or an odd valid layout)
    return RangeRows(body.decode("ascii"), mode)


def _well_formed(body: bytes, mode: HashMode) -> bool:
    """Whether ``body`` is rows separated by CRLF or LF, with at most one final newline.

    Accepts exactly what :func:`_parse_lines` accepts (duplicates aside, which
    :class:`RangeRows` checks on lookup), so a ``False`` here is always explained by it.
    """
    lines = body.translate(_SKELETON).split(b"\n")
    if lines[-1] == b"" and len(lines) > 1:
        lines.pop()  # one final newline
    elif lines[-1] == b"":
        return True  # the empty body
    shape = _SHAPE[mode]
    if not all(shape.fullmatch(line) for line in set(lines)):
        return False
    return _LETTER_IN_COUNT.search(body) is None


class RangeRows(Mapping[str, int]):
    """The real rows of a validated range body, read straight from its text.

    Lookups cost two ``str.find`` calls whatever the body's size; iterating parses every row
    once (the disk cache does that). Padding rows (count 0) are absent. A suffix listed twice
    with different counts makes the body invalid: looking it up raises
    :class:`~pwhygiene.exceptions.BadRangeResponse`.
    """

    __slots__ = ("_dict", "_length", "_text")

    def __init__(self, text: str, mode: HashMode) -> None:
        """``text`` must already be proven well formed (see :func:`validate_range_body`)."""
        self._text = "\n" + text.upper()
        self._length = SUFFIX_LENGTH[mode]
        self._dict: dict[str, int] | None = None

    def __getitem__(self, suffix: str) -> int:
        if len(suffix) != self._length:
            raise KeyError(suffix)
        needle = f"\n{suffix.upper()}:"
        counts: set[int] = set()
        at = self._text.find(needle)
        while at >= 0:
            match = _COUNT.match(self._text, at + len(needle))
            count = int(match.group().replace(",", "")) if match else 0
            if count:  # count 0 is padding: Add-Padding rows must never be a hit
                counts.add(count)
            at = self._text.find(needle, at + 1)
        if len(counts) > 1:
            raise BadRangeResponse("range body lists a suffix twice with different counts")
        if not counts:
            raise KeyError(suffix)
        return counts.pop()

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    def to_dict(self) -> dict[str, int]:
        """Every real row, parsed once (raises on a suffix listed twice, like the line parser)."""
        if self._dict is None:
            mode: HashMode = "sha1" if self._length == SUFFIX_LENGTH["sha1"] else "ntlm"
            self._dict = _parse_lines(self._text[1:].encode("ascii"), mode)
        return self._dict

    def __repr__(self) -> str:
        return f"<RangeRows of {self._text.count(chr(10))} rows>"  # never the rows themselves


def _parse_lines(body: bytes, mode: HashMode) -> dict[str, int]:
    """Line by line, the reference reading: CRLF or LF, one final newline tolerated."""
    lines = body.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    pattern = _ROW[mode]
    rows: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith(b"\r") else raw
        match = pattern.fullmatch(line)
        if match is None:
            raise BadRangeResponse(_describe(line, number, mode))
        count = int(match.group(2).replace(b",", b""))
        if count == 0:
            continue
        suffix = match.group(1).decode("ascii").upper()
        if rows.setdefault(suffix, count) != count:
            raise BadRangeResponse(f"range body line {number}: a suffix is listed twice")
    return rows


def _check_headers(body: bytes, content_type: str | None, content_length: int | None) -> None:
    if content_type is not None:
        media = content_type.split(";", 1)[0].strip().lower()
        if media and media not in _TEXT_TYPES:
            raise BadRangeResponse(
                f"range answer has Content-Type {media!r}, expected text/plain "
                "(a captive portal or proxy page?)"
            )
    if content_length is not None and content_length != len(body):
        raise BadRangeResponse(
            f"range body has {len(body)} bytes but Content-Length announced {content_length} "
            "(truncated transfer)"
        )


def _describe(line: bytes, number: int, mode: HashMode) -> str:
    """Why ``line`` is not a row, without quoting it."""
    where = f"range body line {number}"
    expected = f"{SUFFIX_LENGTH[mode]} hex digits, ':' and a count"
    if b":" not in line:
        problem = "has no ':' separator"
    else:
        suffix, _, count = line.partition(b":")
        if len(suffix) != SUFFIX_LENGTH[mode]:
            problem = f"has a {len(suffix)}-character suffix"
            if len(suffix) == SUFFIX_LENGTH["ntlm" if mode == "sha1" else "sha1"]:
                problem += " (an answer for the other hash mode?)"
        elif not re.fullmatch(rb"[0-9A-Fa-f]+", suffix):
            problem = "has a suffix that is not hexadecimal"
        elif not count:
            problem = "has no count"
        elif re.fullmatch(rb"[0-9,]+", count) and len(count.replace(b",", b"")) > MAX_COUNT_DIGITS:
            problem = f"has a count longer than {MAX_COUNT_DIGITS} digits"
        else:
            problem = "has a count that is not a number"
    return f"{where} {problem}; expected {expected} (is this a Pwned Passwords range API?)"
