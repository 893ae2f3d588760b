"""Stream records into an index file: the record section, the side tables, table and header.

The builder hands over validated batches in corpus order; the writer turns runs of equal keys
into one record each (a collision group when several corpus hashes share it), spills counts of
255 and more to the two overflow spools (record indexes, counts), and at the end appends the
spools in order, then fills in the bucket table and the header with both checksums.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import IO

import numpy as np

from pwhygiene._breach.index.corpus import Batch, U8Array, U64Array, digest_words
from pwhygiene._breach.index.format import (
    COUNT_OVERFLOW,
    FINGERPRINT_BITS,
    HEADER_SIZE,
    KEY_PREFIX_BYTES,
    MAX_BUCKET_BITS,
    Header,
    align8,
    head_digest,
    layout,
)
from pwhygiene._breach.source import HashMode

_FP_MASK = np.uint64((1 << FINGERPRINT_BITS) - 1)


class IndexWriter:
    """Streams records into the output and spools the side tables."""

    def __init__(
        self, out: IO[bytes], mode: HashMode, metadata: bytes, spools: dict[str, IO[bytes]]
    ) -> None:
        self.out = out
        self.mode = mode
        self.metadata = metadata
        self.spools = spools
        self.data = hashlib.sha256()
        self.bits = 0
        self.records = self.hashes = self.occurrences = self.overflow = self.collisions = 0
        self.sizes: U64Array = np.zeros(1, dtype=np.uint64)
        self.carry: Batch | None = None

    def start(self, bits: int) -> None:
        self.bits = bits
        self.sizes = np.zeros(1 << bits, dtype=np.uint64)
        self.table_offset = align8(HEADER_SIZE + len(self.metadata))
        self.records_offset = self.table_offset + 8 * ((1 << bits) + 1)
        self.out.truncate(self.records_offset)
        self.out.seek(self.records_offset)

    def add(self, batch: Batch, *, final: bool) -> None:
        """Write the batch's records, holding back a trailing run of equal keys (it may go on)."""
        if self.carry is not None:
            batch = Batch(
                np.concatenate([self.carry.digests, batch.digests]),
                np.concatenate([self.carry.counts, batch.counts]),
                batch.source_bytes,
            )
            self.carry = None
        if not len(batch.digests):
            return
        keys = digest_words(batch.digests[:, :8])[:, 0] >> np.uint64(MAX_BUCKET_BITS - self.bits)
        cut = len(keys) if final else int(np.searchsorted(keys, keys[-1], side="left"))
        if cut < len(keys):
            self.carry = Batch(batch.digests[cut:], batch.counts[cut:], 0)
        if cut:
            self._write(keys[:cut], batch.digests[:cut], batch.counts[:cut])

    def _write(self, keys: U64Array, digests: U8Array, counts: U64Array) -> None:
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        run = np.cumsum(first) - 1
        shared = np.bincount(run)[run] > 1  # rows whose key another corpus hash shares
        record_keys = keys[first]
        grouped = shared[first]
        stored = np.where(grouped, 0, counts[first])
        count_byte = np.minimum(stored, COUNT_OVERFLOW)
        count_byte[grouped] = COUNT_OVERFLOW
        value = ((record_keys & _FP_MASK) << np.uint64(8)) | count_byte
        self._emit(value.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 2:].tobytes())
        spill = count_byte == COUNT_OVERFLOW
        spilled = (self.records + np.flatnonzero(spill)).astype("<u8")
        self.spools["overflow_index"].write(spilled.tobytes())  # one column, then the other:
        self.spools["overflow_count"].write(stored[spill].astype("<u8").tobytes())  # searchable
        if shared.any():
            rows = np.empty(
                int(shared.sum()), [("digest", "u1", digests.shape[1]), ("count", "<u8")]
            )
            rows["digest"] = digests[shared]
            rows["count"] = counts[shared]
            self.spools["collisions"].write(rows.tobytes())
        if "suffixes" in self.spools:
            self.spools["suffixes"].write(digests[first][:, KEY_PREFIX_BYTES:].tobytes())
        buckets = record_keys >> np.uint64(FINGERPRINT_BITS)
        starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
        self.sizes[buckets[starts]] += np.diff(np.r_[starts, len(buckets)]).astype(np.uint64)
        self.records += len(record_keys)
        self.hashes += len(keys)
        self.occurrences += _exact_sum(counts)
        self.overflow += len(spilled)
        self.collisions += int(shared.sum())

    def _emit(self, data: bytes) -> None:
        self.out.write(data)
        self.data.update(data)

    def finish(self, built_at: int) -> Header:
        """Append the side tables, write the bucket table and the header."""
        end = self.records_offset + 6 * self.records
        self._emit(b"\0" * (align8(end) - end))
        for name, spool in self.spools.items():
            if name == "suffixes":
                here = self.out.tell()
                self._emit(b"\0" * (align8(here) - here))
            spool.seek(0)
            while block := spool.read(16 << 20):
                self._emit(block)
        places = layout(
            mode=self.mode,
            bucket_bits=self.bits,
            has_suffixes="suffixes" in self.spools,
            metadata_length=len(self.metadata),
            record_count=self.records,
            overflow_count=self.overflow,
            collision_count=self.collisions,
        )
        table = np.zeros(len(self.sizes) + 1, dtype="<u8")
        np.cumsum(self.sizes, out=table[1:])
        pad = b"\0" * (self.table_offset - HEADER_SIZE - len(self.metadata))
        head_region = self.metadata + pad + table.tobytes()
        header = Header(
            mode=self.mode,
            bucket_bits=self.bits,
            has_suffixes="suffixes" in self.spools,
            record_count=self.records,
            hash_count=self.hashes,
            occurrences=min(self.occurrences, 2**64 - 1),  # saturates; real totals are ~1e10
            overflow_count=self.overflow,
            collision_count=self.collisions,
            max_bucket=int(self.sizes.max()),
            built_at=built_at,
            metadata_length=len(self.metadata),
            data_sha256=self.data.digest(),
            **places,
        )
        header = dataclasses.replace(header, head_sha256=head_digest(header, head_region))
        self.out.seek(0)
        self.out.write(header.pack() + head_region)
        return header


def _exact_sum(counts: U64Array) -> int:
    """The sum as a Python int: 64-bit counts can add up past 2**64."""
    high = int((counts >> np.uint64(32)).sum(dtype=np.uint64))
    return (high << 32) + int((counts & np.uint64(0xFFFFFFFF)).sum(dtype=np.uint64))
