"""The offline index file format, version 2 (spec for other tools: docs/offline-index.md).

All integers are little-endian; sections start on 8-byte boundaries and padding is zero::

    header       200 bytes (fields below)
    metadata     UTF-8 JSON object ({"source": ..., "builder": ...})
    bucket table 2**bucket_bits + 1 uint64 record offsets (bucket i = records [t[i], t[i+1]))
    records      record_count x 6 bytes, big-endian: 40-bit fingerprint, then 8-bit count
    overflow     overflow_count x uint64 record index (ascending), then overflow_count x uint64
                 count: two contiguous columns, so a lookup binary-searches the indexes in
                 place (version 1 interleaved them, and every search copied the column)
    collisions   collision_count x (full digest, uint64 count), sorted by digest
    suffixes     record_count x (digest bytes 5..end), only when flag 1 is set (range mirror)

A digest's *key* is its first ``bucket_bits + 40`` bits: the top ``bucket_bits`` pick the
bucket, the next 40 are the fingerprint. A count byte of 1..254 is the count; 255 sends the
reader to the overflow table, where count 0 means "several corpus digests share this key: look
the full digest up in the collision table".

``head_sha256`` covers the header fields before it, ``data_sha256``, and everything from the
metadata to the end of the bucket table (checked on every open); ``data_sha256`` covers the
records to the end of the file (checked by ``verify``/``index info --verify``: hashing
gigabytes on every open would be a load step). ``checks`` reads and validates a file.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypedDict

from pwhygiene._breach.source import HashMode

MAGIC = b"\x89PWI\r\n\x1a\n"  # PNG-style: catches 7-bit transfers and newline translation
FORMAT_VERSION = 2
OLD_VERSIONS = {1: "interleaves the overflow table, which made lookups of common passwords slow"}
FINGERPRINT_BITS = 40
RECORD_SIZE = 6
MAX_BUCKET_BITS = 24
COUNT_OVERFLOW = 255
MAX_METADATA = 1 << 20  # ours is ~60 bytes; a cap keeps a crafted header from a giant JSON parse
MAX_BUILT_AT = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime can show
FLAG_SUFFIXES = 1
DIGEST_BYTES: dict[HashMode, int] = {"sha1": 20, "ntlm": 16}
KEY_PREFIX_BYTES = 5  # bytes of a digest fully determined by any key (bucket_bits >= 0)
_KIND_CODES: dict[HashMode, int] = {"sha1": 1, "ntlm": 2}
KINDS: dict[int, HashMode] = {code: mode for mode, code in _KIND_CODES.items()}

FIELDS = struct.Struct("<8sHBBBBBB" + "Q" * 15)
HEADER_SIZE = FIELDS.size + 64
_CHECKED_PREFIX = FIELDS.size  # head_sha256 covers the fields, not the digests after them


def align8(offset: int) -> int:
    """``offset`` rounded up to the next multiple of 8."""
    return (offset + 7) & ~7


@dataclass(frozen=True)
class Header:
    """The decoded header; offsets are absolute positions in the file."""

    mode: HashMode
    bucket_bits: int
    has_suffixes: bool
    record_count: int
    hash_count: int
    occurrences: int
    overflow_count: int
    collision_count: int
    max_bucket: int
    built_at: int
    metadata_length: int
    table_offset: int
    records_offset: int
    overflow_offset: int
    collisions_offset: int
    suffixes_offset: int
    file_size: int
    head_sha256: bytes = b"\0" * 32
    data_sha256: bytes = b"\0" * 32

    @property
    def digest_bytes(self) -> int:
        """Bytes of one full digest of this hash kind."""
        return DIGEST_BYTES[self.mode]

    def pack(self) -> bytes:
        """The 200 header bytes."""
        fields = FIELDS.pack(
            MAGIC,
            FORMAT_VERSION,
            _KIND_CODES[self.mode],
            self.bucket_bits,
            FINGERPRINT_BITS,
            RECORD_SIZE,
            FLAG_SUFFIXES if self.has_suffixes else 0,
            0,
            self.record_count,
            self.hash_count,
            self.occurrences,
            self.overflow_count,
            self.collision_count,
            self.max_bucket,
            self.built_at,
            HEADER_SIZE,
            self.metadata_length,
            self.table_offset,
            self.records_offset,
            self.overflow_offset,
            self.collisions_offset,
            self.suffixes_offset,
            self.file_size,
        )
        return fields + self.head_sha256 + self.data_sha256


class Layout(TypedDict):
    """Absolute section offsets and the total size."""

    table_offset: int
    records_offset: int
    overflow_offset: int
    collisions_offset: int
    suffixes_offset: int
    file_size: int


def layout(
    *,
    mode: HashMode,
    bucket_bits: int,
    has_suffixes: bool,
    metadata_length: int,
    record_count: int,
    overflow_count: int,
    collision_count: int,
) -> Layout:
    """Section offsets implied by the counts; the reader insists the header agrees."""
    digest = DIGEST_BYTES[mode]
    table = align8(HEADER_SIZE + metadata_length)
    records = table + 8 * ((1 << bucket_bits) + 1)
    overflow = align8(records + RECORD_SIZE * record_count)
    collisions = overflow + 16 * overflow_count
    end = collisions + (digest + 8) * collision_count
    suffixes = 0
    if has_suffixes:
        suffixes = align8(end)
        end = suffixes + (digest - KEY_PREFIX_BYTES) * record_count
    return {
        "table_offset": table,
        "records_offset": records,
        "overflow_offset": overflow,
        "collisions_offset": collisions,
        "suffixes_offset": suffixes,
        "file_size": end,
    }


def head_digest(header: Header, head_region: bytes | memoryview) -> bytes:
    """SHA-256 of the header fields, ``data_sha256``, and the metadata + bucket table region."""
    h = hashlib.sha256(header.pack()[:_CHECKED_PREFIX] + header.data_sha256)
    h.update(head_region)
    return h.digest()


@dataclass(frozen=True)
class IndexInfo:
    """What ``pwhygiene index info`` shows: the header and metadata of an offline index."""

    path: Path
    mode: HashMode
    format_version: int
    hash_count: int
    occurrences: int
    record_count: int
    overflow_count: int
    collision_count: int
    bucket_bits: int
    file_size: int
    built_at: datetime
    source: str
    builder: str
    has_suffixes: bool

    @property
    def bytes_per_hash(self) -> float:
        """File size divided by the number of distinct hashes (0 for an empty index)."""
        return self.file_size / self.hash_count if self.hash_count else 0.0

    @property
    def false_positive_bound(self) -> float:
        """Expected chance that an absent digest reports a hit: records per bucket x 2**-40."""
        return self.record_count / 2.0 ** (self.bucket_bits + FINGERPRINT_BITS)
