"""Pwned Passwords range answers: generated bodies with the real rows they must parse to."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from pwhygiene.breach import HashMode

SUFFIX_LENGTH: dict[HashMode, int] = {"sha1": 35, "ntlm": 27}
modes: st.SearchStrategy[HashMode] = st.sampled_from(["sha1", "ntlm"])


@dataclass(frozen=True)
class GeneratedBody:
    """A range body as bytes and the ``{SUFFIX: count}`` of its real (non-padding) rows."""

    mode: HashMode
    body: bytes = field(repr=False)
    real: dict[str, int]
    padding: frozenset[str]


def suffixes(mode: HashMode) -> st.SearchStrategy[str]:
    """Upper-case hex suffixes of the length ``mode`` uses."""
    length = SUFFIX_LENGTH[mode]
    return st.integers(0, 16**length - 1).map(lambda n: f"{n:0{length}X}")


def format_count(count: int, separators: bool) -> str:
    """A count as the API writes it, optionally with thousands separators (``86,453``)."""
    return f"{count:,}" if separators else str(count)


@st.composite
def range_bodies(
    draw: st.DrawFn,
    mode: HashMode | None = None,
    *,
    max_rows: int = 30,
    max_padding: int = 30,
) -> GeneratedBody:
    """A valid body: sorted real rows, then unsorted count-0 padding, in any accepted layout."""
    chosen: HashMode = draw(modes) if mode is None else mode
    all_suffixes = draw(st.lists(suffixes(chosen), unique=True, max_size=max_rows + max_padding))
    split = draw(st.integers(0, min(len(all_suffixes), max_rows)))
    real_suffixes, padding = sorted(all_suffixes[:split]), all_suffixes[split:]
    counts = draw(
        st.lists(st.integers(1, 10**9), min_size=len(real_suffixes), max_size=len(real_suffixes))
    )
    separators = draw(st.booleans())
    lower = draw(st.booleans())
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    final = draw(st.booleans())
    lines = [
        f"{s.lower() if lower else s}:{format_count(c, separators)}"
        for s, c in zip(real_suffixes, counts, strict=True)
    ]
    lines += [f"{s}:0" for s in padding]
    text = ending.join(lines) + (ending if final and lines else "")
    return GeneratedBody(
        chosen,
        text.encode("ascii"),
        dict(zip(real_suffixes, counts, strict=True)),
        frozenset(padding),
    )


# Bytes that can never appear in a range row: inserting one anywhere breaks the format.
foreign_bytes = st.sampled_from(
    [b"<", b" ", b"\t", b"g", b"G", b"-", b"+", b".", b";", b"\x00", b"\xff", b"\xe2\x80\x8b"]
)
