"""Common passwords (counts of 255 and more) cost a lookup what any other hash does.

Their counts live in the overflow table. Format version 1 interleaved its two columns, and
every lookup of such a hash ran ``np.searchsorted`` on the strided index column, which numpy
copies first: the cost of looking up ``password1`` grew with the table (hundreds of MB at
corpus scale). These tests count the bytes a lookup allocates, not the time it takes.
"""

from __future__ import annotations

import hashlib
import struct
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import pwhygiene.exceptions
from pwhygiene._breach.index import spill
from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.offline import OfflineIndex
from strategies.corpora import Corpus, write_single

HEAVY = 50_000  # overflow entries: its index column alone is 400 KB
LIGHT = 1_000
BUDGET = 64 << 10  # bytes a lookup of a few hundred digests may allocate, with room to spare


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """An index whose overflow table stands in for the real corpus's tens of millions of rows.

    The real Pwned Passwords corpus has about 1 % of its 2 billion hashes at 255 or more; here
    50,000 heavy hitters (counts 255 to ~10 million) sit among 1,000 ordinary hashes, enough
    that copying the table's index column (400 KB) dwarfs anything a lookup should allocate.
    """
    rows = [(hashlib.sha1(b"heavy%d" % i).hexdigest().upper(), 255 + i * 199) for i in range(HEAVY)]
    rows += [(hashlib.sha1(b"light%d" % i).hexdigest().upper(), 1 + i % 254) for i in range(LIGHT)]
    folder = tmp_path_factory.mktemp("heavy")
    source = write_single(folder / "heavy.txt", Corpus("sha1", tuple(sorted(rows))), crlf=False)
    build_index(source, folder / "heavy.idx")
    return folder / "heavy.idx", dict(rows)


def _allocated(action: Callable[[], object]) -> int:
    """Peak bytes allocated while ``action`` runs (numpy reports its buffers to tracemalloc)."""
    action()  # warm caches (interned strings, numpy's small-array cache) outside the count
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_looking_up_a_common_password_does_not_copy_the_overflow_table(
    heavy: tuple[Path, dict[str, int]],
) -> None:
    """count() of a heavy hitter allocates a few KB whatever the overflow table's size."""
    path, oracle = heavy
    common = [d for d, c in oracle.items() if c >= 255][:200:20]
    with OfflineIndex.open(path) as index:
        assert index.info.overflow_count == HEAVY
        for digest in common:
            assert index.count(digest) == oracle[digest]
            assert _allocated(lambda d=digest: index.count(d)) < BUDGET  # type: ignore[misc]


def test_a_batch_of_common_passwords_allocates_in_proportion_to_the_batch(
    heavy: tuple[Path, dict[str, int]],
) -> None:
    """count_array and count_many of 200 heavy hitters never touch the whole table."""
    path, oracle = heavy
    batch = [d for d, c in oracle.items() if c >= 255][:200]
    raw = np.frombuffer(bytes.fromhex("".join(batch)), dtype=np.uint8).reshape(-1, 20)
    with OfflineIndex.open(path) as index:
        assert index.count_array(raw).tolist() == [oracle[d] for d in batch]
        assert index.count_many(batch) == {d: oracle[d] for d in batch}
        assert _allocated(lambda: index.count_array(raw)) < BUDGET
        assert _allocated(lambda: index.count_many(batch)) < BUDGET


def test_a_mixed_batch_resolves_every_spilled_count_exactly(
    heavy: tuple[Path, dict[str, int]],
) -> None:
    """Heavy, light and absent digests in one shuffled batch each get their own count."""
    path, oracle = heavy
    absent = [hashlib.sha1(b"absent%d" % i).hexdigest().upper() for i in range(500)]
    queries = [*oracle, *absent]
    np.random.default_rng(1).shuffle(queries)
    expected = [oracle.get(d, 0) for d in queries]
    with OfflineIndex.open(path) as index:
        assert index.count_array(queries).tolist() == expected


def test_a_count_byte_pointing_nowhere_is_a_corrupt_index_not_a_buffer_error(
    tmp_path: Path,
) -> None:
    """A damaged count byte (255 without an overflow row) raises CorruptIndex through `with`.

    The error used to be replaced on the way out by close()'s BufferError (numpy views of the
    map were still alive in the traceback), so a user saw a traceback instead of the message.
    """
    rows = sorted((hashlib.sha1(b"pw%d" % i).hexdigest().upper(), 1 + i) for i in range(100))
    source = write_single(tmp_path / "c.txt", Corpus("sha1", tuple(rows)), crlf=False)
    build_index(source, tmp_path / "c.idx")
    data = bytearray((tmp_path / "c.idx").read_bytes())
    (start,) = struct.unpack_from("<Q", data, 96)  # the records offset (docs/offline-index.md)
    data[start + 5 : start + 6 * len(rows) : 6] = b"\xff" * len(rows)  # all: "see overflow"
    (tmp_path / "d.idx").write_bytes(bytes(data))
    lookups: list[Callable[[OfflineIndex], object]] = [
        lambda index: index.count(rows[0][0]),
        lambda index: index.count_many([d for d, _ in rows]),
    ]
    for lookup in lookups:
        with (
            pytest.raises(pwhygiene.exceptions.CorruptIndex, match="missing overflow entry"),
            OfflineIndex.open(tmp_path / "d.idx") as index,
        ):
            lookup(index)
        with pytest.raises(pwhygiene.exceptions.OfflineIndexError, match="closed"):
            index.count(rows[0][0])


def test_the_numpy_path_for_big_endian_machines_gives_the_same_counts(
    heavy: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where memoryviews would read the little-endian columns wrongly, numpy searches them."""
    path, oracle = heavy
    monkeypatch.setattr(spill, "NATIVE_LITTLE_ENDIAN", False)
    common = [d for d, c in oracle.items() if c >= 255][:50]
    with OfflineIndex.open(path) as index:
        assert [index.count(d) for d in common] == [oracle[d] for d in common]
        assert _allocated(lambda: index.count(common[0])) < BUDGET
