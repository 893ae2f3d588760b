"""Exact counts for records whose count byte is 255: the overflow columns and collision groups.

Version 1 of the format interleaved (record index, count) pairs, and ``np.searchsorted`` on
that strided index column copied the whole column on every call: each lookup of a common
password cost time and memory in proportion to the overflow table (hundreds of MB at corpus
scale). Version 2 stores the indexes as one contiguous ascending column and the counts as
another, so a lookup binary-searches the map in place (about log2 of the table size reads),
and a batch resolves all its spilled records with one vectorised search.
"""

from __future__ import annotations

import bisect
import mmap
import struct
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pwhygiene._breach.index.corpus import U8Array, U64Array
from pwhygiene._breach.index.format import FINGERPRINT_BITS, Header
from pwhygiene._breach.index.search import map_view
from pwhygiene.exceptions import CorruptIndex, OfflineIndexError

_EMPTY: U64Array = np.zeros(0, dtype="<u8")
# A single lookup bisects memoryviews of the columns: ~1 us, where numpy's per-call overhead
# costs several. memoryview's "Q" is native-endian, the file little-endian.
NATIVE_LITTLE_ENDIAN = sys.byteorder == "little"


class SpillTables:
    """The overflow columns and the collision table of one open index."""

    def __init__(self, mapped: mmap.mmap, header: Header, path: Path) -> None:
        self._map = mapped
        self._header = header
        self._path = path
        count = header.overflow_count
        self._positions: U64Array = map_view(mapped, "<u8", header.overflow_offset, count)
        self._counts: U64Array = map_view(mapped, "<u8", header.overflow_offset + 8 * count, count)
        self._words: tuple[memoryview, memoryview] | None = None
        if NATIVE_LITTLE_ENDIAN:
            with memoryview(mapped) as whole:
                start, middle = header.overflow_offset, header.overflow_offset + 8 * count
                self._words = (
                    whole[start:middle].cast("Q"),
                    whole[middle : middle + 8 * count].cast("Q"),
                )

    def close(self) -> None:
        """Drop the views of the map, so that closing it can unmap it."""
        self._positions = self._counts = _EMPTY
        if self._words is not None:
            for view in self._words:
                view.release()
            self._words = None

    def values(self, positions: npt.NDArray[np.integer]) -> U64Array:
        """The overflow counts of the records at ``positions`` (0 marks a shared key).

        ``positions`` is cast to the column's type first: searching a uint64 column for
        int64 needles would make numpy convert (copy) the whole column to float64.
        """
        column = self._positions
        if not len(positions):
            return np.zeros(0, dtype=np.uint64)
        if not len(column):
            raise self._missing()
        wanted = positions.astype(column.dtype, copy=False)
        at = np.minimum(np.searchsorted(column, wanted), len(column) - 1)
        if not np.array_equal(column[at], wanted):
            raise self._missing()
        return self._counts[at].astype(np.uint64)

    def value(self, position: int) -> int:
        """One record's overflow count, by a binary search that builds no array."""
        if self._words is not None:
            index_words, count_words = self._words
            at = bisect.bisect_left(index_words, position)
            if at < len(index_words) and index_words[at] == position:
                return count_words[at]
        else:  # big-endian: numpy reads the little-endian column
            column = self._positions
            at = int(np.searchsorted(column, np.uint64(position)))
            if at < len(column) and int(column[at]) == position:
                return int(self._counts[at])
        raise self._missing()

    def counts(self, positions: npt.NDArray[np.integer], raw: U8Array) -> U64Array:
        """Exact counts of spilled records, the digests ``raw`` looked up (one row each)."""
        found = self.values(positions)
        for i in np.flatnonzero(found == 0).tolist():  # shared keys: rare, exact by digest
            found[i] = self.shared_count(raw[i].tobytes())
        return found

    def count(self, position: int, raw: bytes) -> int:
        """The exact count of one spilled record, looked up by the digest ``raw``."""
        return self.value(position) or self.shared_count(raw)

    def shared_count(self, raw: bytes) -> int:
        """``raw``'s count in its collision group, 0 when the group does not hold it."""
        return next((c for digest, c in self.group(raw) if digest == raw), 0)

    def group(self, raw: bytes) -> list[tuple[bytes, int]]:
        """The collision-table rows sharing ``raw``'s key (several corpus hashes, one key)."""
        header, mapped = self._header, self._map
        if mapped.closed:
            raise OfflineIndexError(f"{self._path}: the index is closed")
        size = header.digest_bytes + 8
        offset = header.collisions_offset
        bits = header.bucket_bits + FINGERPRINT_BITS

        def key_of(i: int) -> int:
            at = offset + size * i
            return int.from_bytes(mapped[at : at + 8], "big") >> (64 - bits)

        wanted = int.from_bytes(raw[:8], "big") >> (64 - bits)
        rows = range(header.collision_count)
        first = bisect.bisect_left(rows, wanted, key=key_of)
        last = bisect.bisect_right(rows, wanted, key=key_of)
        group = []
        for i in range(first, last):
            at = offset + size * i
            digest = mapped[at : at + header.digest_bytes]
            (count,) = struct.unpack_from("<Q", mapped, at + header.digest_bytes)
            group.append((digest, count))
        if not group:
            raise CorruptIndex(
                f"{self._path}: a shared key has no collision rows; rebuild the index"
            )
        return group

    def _missing(self) -> CorruptIndex:
        return CorruptIndex(
            f"{self._path}: a record points to a missing overflow entry; "
            "run 'pwhygiene index info --verify' and rebuild the index"
        )
