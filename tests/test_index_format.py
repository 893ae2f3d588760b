"""The index format: header or bucket-table damage is caught on open, the rest by verify."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pwhygiene
import pwhygiene.exceptions
from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.checks import parse_header
from pwhygiene._breach.index.format import HEADER_SIZE, MAGIC
from pwhygiene._breach.index.offline import OfflineIndex
from strategies.corpora import Corpus, corpora, write_single

ROWS = tuple(
    [(f"{i:02X}" * 20, i) for i in range(1, 200, 7)]
    + [("FE" * 8 + f"{i:024X}", 300 + i) for i in range(3)]  # one key shared three times
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index with overflow counts, a collision group and suffixes."""
    folder = tmp_path_factory.mktemp("fmt")
    source = write_single(folder / "c.txt", Corpus("sha1", tuple(sorted(ROWS))), crlf=False)
    build_index(source, folder / "c.idx", bucket_bits=4, with_suffixes=True, built_at=1)
    return folder / "c.idx"


def _records_offset(data: bytes) -> int:
    return parse_header(data[:HEADER_SIZE], len(data), Path("x")).records_offset


def _damaged(tmp: Path, data: bytes, position: int, xor: int) -> Path:
    copy = bytearray(data)
    copy[position] ^= xor
    (tmp / "d.idx").write_bytes(bytes(copy))
    return tmp / "d.idx"


def test_every_byte_of_header_metadata_and_table_is_protected(built: Path, tmp_path: Path) -> None:
    """Flipping any single byte before the records makes open() raise CorruptIndex."""
    data = built.read_bytes()
    for position in range(_records_offset(data)):
        for xor in (0x01, 0x80):
            with pytest.raises(pwhygiene.exceptions.CorruptIndex):
                OfflineIndex.open(_damaged(tmp_path, data, position, xor))


@given(corpus=corpora(), data=st.data())
def test_damage_before_the_records_is_detected_for_any_corpus(
    corpus: Corpus, data: st.DataObject
) -> None:
    """For random corpora, a random byte change in the checked region fails open()."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_single(folder / "c.txt", corpus, crlf=False)
        build_index(source, folder / "c.idx", bucket_bits=data.draw(st.integers(0, 10)))
        raw = (folder / "c.idx").read_bytes()
        position = data.draw(st.integers(0, _records_offset(raw) - 1))
        xor = data.draw(st.integers(1, 255))
        with pytest.raises(pwhygiene.exceptions.CorruptIndex):
            OfflineIndex.open(_damaged(folder, raw, position, xor))


def test_every_truncation_and_any_appended_byte_is_detected(built: Path, tmp_path: Path) -> None:
    """A file cut short anywhere (or grown) is refused on open, never half-read."""
    data = built.read_bytes()
    for size in [*range(0, HEADER_SIZE + 8), *range(HEADER_SIZE + 8, len(data), 3)]:
        (tmp_path / "t.idx").write_bytes(data[:size])
        with pytest.raises(pwhygiene.exceptions.CorruptIndex):
            OfflineIndex.open(tmp_path / "t.idx")
    (tmp_path / "t.idx").write_bytes(data + b"\0")
    with pytest.raises(pwhygiene.exceptions.CorruptIndex, match="truncated or appended"):
        OfflineIndex.open(tmp_path / "t.idx")


def test_damage_in_the_data_region_is_caught_by_verify(built: Path, tmp_path: Path) -> None:
    """Any flipped byte in records, overflow, collisions or suffixes fails verify()."""
    data = built.read_bytes()
    with OfflineIndex.open(built) as index:
        index.verify()
    for position in range(_records_offset(data), len(data)):
        damaged = _damaged(tmp_path, data, position, 0x10)
        with OfflineIndex.open(damaged) as index, pytest.raises(pwhygiene.exceptions.CorruptIndex):
            index.verify()


def test_a_newer_format_version_asks_for_an_upgrade(built: Path, tmp_path: Path) -> None:
    """An index written by a future format version says which versions this one reads."""
    data = bytearray(built.read_bytes())
    struct.pack_into("<H", data, 8, 3)
    (tmp_path / "v.idx").write_bytes(bytes(data))
    with pytest.raises(pwhygiene.exceptions.CorruptIndex, match=r"version 3.*upgrade"):
        OfflineIndex.open(tmp_path / "v.idx")


def test_other_files_are_not_indexes(tmp_path: Path) -> None:
    """A text corpus passed by mistake is named as not an index."""
    (tmp_path / "c.txt").write_text(("A" * 40 + ":1\n") * 10)
    with pytest.raises(pwhygiene.exceptions.CorruptIndex, match="not a pwhygiene offline index"):
        OfflineIndex.open(tmp_path / "c.txt")
    assert MAGIC.startswith(b"\x89")
