"""Offline-index sources: small Pwned Passwords corpora and writers for both download layouts.

Generated digests deliberately crowd together: many share a 5-hex prefix (one range file, one
bucket), some share their first 64 bits (a key collision the index must keep exact), and counts
straddle the one-byte field (254, 255, 256) up to 19 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

DIGEST_BYTES = {"sha1": 20, "ntlm": 16}
MAX_COUNT = 10**19 - 1

counts = st.one_of(
    st.integers(1, 300),
    st.sampled_from([254, 255, 256, 1_000_000, MAX_COUNT]),
    st.integers(1, MAX_COUNT),
)


@dataclass(frozen=True)
class Corpus:
    """A sorted corpus: upper-case hex digest -> count."""

    mode: str
    rows: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, int]:
        """The corpus as a lookup oracle."""
        return dict(self.rows)


@st.composite
def digests(draw: st.DrawFn, mode: str = "sha1") -> bytes:
    """One digest, often sharing a prefix (3 bytes) or a whole 64-bit key with a stem."""
    size = DIGEST_BYTES[mode]
    stem = draw(st.sampled_from([bytes([i]) * 8 for i in (0x00, 0x5A, 0xA5, 0xFF)]))
    shared = draw(st.sampled_from([0, 0, 3, 8]))
    rest = draw(st.binary(min_size=size - shared, max_size=size - shared))
    return stem[:shared] + rest


@st.composite
def corpora(draw: st.DrawFn, mode: str = "sha1", min_size: int = 1, max_size: int = 40) -> Corpus:
    """A corpus in the downloader's order (ascending digest), no duplicates."""
    found = draw(st.lists(digests(mode), min_size=min_size, max_size=max_size, unique=True))
    rows = tuple((d.hex().upper(), draw(counts)) for d in sorted(found))
    return Corpus(mode, rows)


def absent_digests(corpus: Corpus, candidates: list[bytes]) -> list[str]:
    """The candidates (hex) that the corpus does not contain."""
    present = corpus.as_dict()
    return [c.hex().upper() for c in candidates if c.hex().upper() not in present]


def write_single(path: Path, corpus: Corpus, *, crlf: bool, final_newline: bool = True) -> Path:
    """The downloader's single-file layout: ``HASH:COUNT`` lines."""
    eol = "\r\n" if crlf else "\n"
    text = eol.join(f"{h}:{c}" for h, c in corpus.rows)
    path.write_bytes((text + (eol if final_newline and corpus.rows else "")).encode())
    return path


def write_folder(folder: Path, corpus: Corpus, *, crlf: bool) -> Path:
    """The downloader's folder layout: ``XXXXX.txt`` files of ``SUFFIX:COUNT`` lines.

    Only prefixes with hashes get a file (the real download has all 16**5; empty files and
    missing ones mean the same thing to the builder).
    """
    folder.mkdir(parents=True, exist_ok=True)
    eol = "\r\n" if crlf else "\n"
    groups: dict[str, list[str]] = {}
    for digest, count in corpus.rows:
        groups.setdefault(digest[:5], []).append(f"{digest[5:]}:{count}")
    for prefix, lines in groups.items():
        (folder / f"{prefix}.txt").write_bytes((eol.join(lines) + eol).encode())
    return folder
