"""``OfflineIndex``: breach counts from a memory-mapped index file, with no load step.

Opening maps the file and checks its header and bucket table (``checks``: sizes, offsets,
SHA-256, table shape); the records stay on disk until a lookup touches them. A single lookup
is a handful of reads in pure Python; ``count_many`` runs the same binary search vectorised
with numpy over the map; counts of 255 and more come from ``spill``. Reads never mutate
anything, so one instance can serve many threads.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt

from pwhygiene._breach.digests import normalize_digest
from pwhygiene._breach.index.checks import open_checked, release
from pwhygiene._breach.index.corpus import U8Array, U64Array
from pwhygiene._breach.index.format import (
    COUNT_OVERFLOW,
    KEY_PREFIX_BYTES,
    MAX_BUCKET_BITS,
    RECORD_SIZE,
    Header,
    IndexInfo,
)
from pwhygiene._breach.index.search import (
    FP_MASK,
    fingerprints,
    hex_digests,
    map_view,
    record_words,
    search,
)
from pwhygiene._breach.index.spill import SpillTables
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import CorruptIndex, InvalidInput, OfflineIndexError


class OfflineIndex:
    """A built index opened for lookups; implements ``BreachSource`` and ``RangeProvider``.

    Use :meth:`open`, ideally as a context manager (``with OfflineIndex.open(p) as index:``)
    so the memory map is released deterministically.
    """

    def __init__(self, path: Path, mapped: mmap.mmap, header: Header, info: IndexInfo) -> None:
        self._path = path
        self._map = mapped
        self._header = header
        self._info = info
        self._shift = MAX_BUCKET_BITS - header.bucket_bits
        self._steps = header.max_bucket.bit_length()
        table = map_view(mapped, "<u8", header.table_offset, (1 << header.bucket_bits) + 1)
        self._table: U64Array | None = table
        self._records: npt.NDArray[np.uint64] | None = record_words(mapped, header)
        self._spill = SpillTables(mapped, header, path)
        self._closed = False

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> OfflineIndex:
        """Map ``path`` and check it; raises :class:`CorruptIndex` for a damaged file."""
        path = Path(path)
        mapped, header, info = open_checked(path)
        try:
            return cls(path, mapped, header, info)
        except BaseException:
            release(mapped)
            raise

    @property
    def mode(self) -> HashMode:
        """The digest kind the index holds."""
        return self._header.mode

    @property
    def info(self) -> IndexInfo:
        """Header and metadata: counts, version, source, build date."""
        return self._info

    def count(self, digest: str) -> int:
        """How many times ``digest`` appears in the corpus; 0 when absent."""
        raw = bytes.fromhex(normalize_digest(digest, self.mode))
        mapped, header = self._open_map(), self._header
        key = int.from_bytes(raw[:8], "big") >> self._shift
        fingerprint = key & FP_MASK
        lo, end = struct.unpack_from("<QQ", mapped, header.table_offset + 8 * (key >> 40))
        hi, base = end, header.records_offset
        while lo < hi:
            mid = (lo + hi) // 2
            at = base + RECORD_SIZE * mid
            if int.from_bytes(mapped[at : at + 5], "big") < fingerprint:
                lo = mid + 1
            else:
                hi = mid
        at = base + RECORD_SIZE * lo
        if lo == end or int.from_bytes(mapped[at : at + 5], "big") != fingerprint:
            return 0
        value = mapped[at + 5]
        return value if value < COUNT_OVERFLOW else self._spill.count(lo, raw)

    def count_many(self, digests: Iterable[str]) -> dict[str, int]:
        """Counts for many digests at once (vectorised); keys are the inputs, upper-cased."""
        items = list(digests)
        if not items:
            return {}
        raw, lower = hex_digests(items, self.mode)
        counts = self._lookup(raw).tolist()
        keys = [item.upper() for item in items] if lower else items
        # equal lengths by construction; strict=True would add a third to the dict's cost
        return dict(zip(keys, counts, strict=False))

    def count_array(self, digests: Iterable[str] | npt.NDArray[np.uint8]) -> U64Array:
        """Counts in input order as a numpy array: the batch API without a dict.

        ``digests`` are hex strings, or raw digests as an ``(m, 20)`` (``(m, 16)`` for NTLM)
        ``uint8`` array, which skips hex parsing altogether.
        """
        if isinstance(digests, np.ndarray):
            if digests.ndim != 2 or digests.shape[1] != self._header.digest_bytes:
                raise InvalidInput(
                    f"expected an (m, {self._header.digest_bytes}) array of raw digests"
                )
            return self._lookup(np.ascontiguousarray(digests, dtype=np.uint8))
        items = list(digests)
        if not items:
            return np.zeros(0, dtype=np.uint64)
        return self._lookup(hex_digests(items, self.mode)[0])

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """Every ``(SUFFIX, count)`` under a 5-hex ``prefix``, as the range API answers it.

        Needs an index built with ``with_suffixes`` (a compact index keeps 40-bit fingerprints,
        not the full digests a range answer must contain).
        """
        header, records = self._header, self._records_array()
        if len(prefix) != 5 or not all(c in "0123456789abcdefABCDEF" for c in prefix):
            raise InvalidInput("a range prefix is exactly 5 hexadecimal characters")
        if not header.has_suffixes:
            raise OfflineIndexError(
                f"{self._path}: built without suffixes, so it cannot answer range queries; "
                "rebuild it with 'pwhygiene index build --with-suffixes'"
            )
        shift = header.bucket_bits + 20
        lo = self._lower_bound(int(prefix, 16) << shift)
        hi = self._lower_bound((int(prefix, 16) + 1) << shift)
        if lo == hi:
            return []
        positions = np.arange(lo, hi, dtype=np.uint64)
        table = self._table if self._table is not None else np.zeros(1, np.uint64)
        buckets = np.searchsorted(table, positions, side="right").astype(np.uint64) - 1
        values = records[lo:hi].astype(np.int64)
        keys = (buckets << np.uint64(40)) | fingerprints(values).astype(np.uint64)
        heads = (keys >> np.uint64(header.bucket_bits)).astype(">u8").view(np.uint8)
        heads = heads.reshape(-1, 8)[:, 8 - KEY_PREFIX_BYTES :]
        width = header.digest_bytes - KEY_PREFIX_BYTES
        tails = map_view(
            self._open_map(), "u1", header.suffixes_offset + width * lo, width * (hi - lo)
        )
        full = np.concatenate([heads, tails.reshape(-1, width)], axis=1)
        counts = (values & 0xFF).astype(np.uint64)
        spilled = np.flatnonzero(counts == COUNT_OVERFLOW)
        counts[spilled] = self._spill.values(positions[spilled])
        out: list[tuple[str, int]] = []
        for row, count in enumerate(counts.tolist()):
            raw = full[row].tobytes()
            if count:
                out.append((raw.hex().upper()[5:], count))
            else:  # a shared key: its collision group, each digest with its own count
                out.extend((d.hex().upper()[5:], c) for d, c in self._spill.group(raw))
        return out

    def verify(self) -> None:
        """Hash the whole data region (seconds per GB) and raise :class:`CorruptIndex` if off."""
        mapped, header = self._open_map(), self._header
        digest = hashlib.sha256()
        step = 16 << 20
        for start in range(header.records_offset, header.file_size, step):
            digest.update(mapped[start : min(start + step, header.file_size)])
        if digest.digest() != header.data_sha256:
            raise CorruptIndex(
                f"{self._path}: data checksum mismatch (records or side tables are damaged); "
                "re-copy or rebuild the index"
            )

    def close(self) -> None:
        """Release the memory map; lookups afterwards raise :class:`OfflineIndexError`.

        Arrays still viewing the map (a traceback's frames, say) keep it mapped until they go.
        """
        self._closed = True
        self._table = self._records = None
        self._spill.close()
        release(self._map)

    def __enter__(self) -> OfflineIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"OfflineIndex({str(self._path)!r}, mode={self.mode!r}, hashes={self._info.hash_count})"
        )

    # -- internals ---------------------------------------------------------------------------

    def _open_map(self) -> mmap.mmap:
        if self._closed:
            raise OfflineIndexError(f"{self._path}: the index is closed")
        return self._map

    def _records_array(self) -> npt.NDArray[np.uint64]:
        if self._records is None or self._closed:
            raise OfflineIndexError(f"{self._path}: the index is closed")
        return self._records

    def _lookup(self, raw: U8Array) -> U64Array:
        """Counts for raw digests, 0 when absent; overflow and shared keys resolved exactly."""
        table = self._table if self._table is not None else np.zeros(1, np.uint64)
        position, count_byte = search(
            self._records_array(),
            table,
            raw,
            bucket_bits=self._header.bucket_bits,
            steps=self._steps,
        )
        counts = count_byte.astype(np.uint64)
        spilled = np.flatnonzero(count_byte == COUNT_OVERFLOW)
        if len(spilled):  # one vectorised search of the overflow column for the whole batch
            counts[spilled] = self._spill.counts(position[spilled], raw[spilled])
        return counts

    def _lower_bound(self, key: int) -> int:
        """Position of the first record whose key is >= ``key`` (keys are bucket|fingerprint)."""
        table = self._table if self._table is not None else np.zeros(1, np.uint64)
        if key >> 40 >= len(table) - 1:
            return self._header.record_count
        lo, hi = int(table[key >> 40]), int(table[(key >> 40) + 1])
        found = fingerprints(self._records_array()[lo:hi])
        return lo + int(np.searchsorted(found, key & FP_MASK))
