"""The vectorised half of a lookup: hex digests to keys, and a batch binary search over the map.

Kept apart from :class:`~pwhygiene.OfflineIndex` (which owns the file and the exact-count side
tables) because this is pure array code: every step runs for the whole batch at once, so a
million lookups cost a few dozen numpy operations instead of a million Python loops.
"""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np
import numpy.typing as npt

from pwhygiene._breach.digests import normalize_digest
from pwhygiene._breach.index.corpus import U8Array, U64Array, decode_hex, digest_words
from pwhygiene._breach.index.format import (
    FINGERPRINT_BITS,
    MAX_BUCKET_BITS,
    RECORD_SIZE,
    Header,
)
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import InvalidInput

FP_MASK = (1 << FINGERPRINT_BITS) - 1
_HEX_LENGTH: dict[HashMode, int] = {"sha1": 40, "ntlm": 32}
I64Array = npt.NDArray[np.int64]


def map_view(mapped: mmap.mmap, dtype: str, offset: int, count: int) -> npt.NDArray[Any]:
    """A read-only numpy view of ``count`` items of ``dtype`` at ``offset`` in the map."""
    if count == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)


def record_words(mapped: mmap.mmap, header: Header) -> npt.NDArray[np.uint64]:
    """Each record as the big-endian uint64 that ends with it, in a strided view.

    The word holds 2 bytes of the record before, then ``fingerprint << 8 | count``, so one
    gather reads one record.
    """
    words: npt.NDArray[np.uint64] = np.ndarray(
        (header.record_count,),
        dtype=">u8",
        buffer=mapped,
        offset=header.records_offset - 2,  # the 200-byte header guarantees room before
        strides=(RECORD_SIZE,),
    )
    return words


def fingerprints(words: npt.NDArray[Any]) -> I64Array:
    """The 40-bit fingerprints inside record words."""
    return (words.astype(np.int64) >> 8) & FP_MASK


def hex_digests(items: list[str], mode: HashMode) -> tuple[U8Array, bool]:
    """Hex digests to raw bytes ``(m, size)``, and whether any had lower-case letters.

    Validation is vectorised; the first bad digest raises exactly as ``normalize_digest`` does
    (its message never repeats the digest).
    """
    width = _HEX_LENGTH[mode]
    if set(map(len, items)) != {width}:
        for item in items:
            normalize_digest(item, mode)
    try:
        blob = "".join(items).encode("ascii")
    except UnicodeEncodeError:
        for item in items:
            normalize_digest(item, mode)
        raise  # pragma: no cover - normalize_digest has raised for the non-ASCII item
    text = np.frombuffer(blob, dtype=np.uint8).reshape(-1, width)
    raw, bad = decode_hex(text)
    if bad is not None:
        normalize_digest(items[bad], mode)
        raise InvalidInput("a digest is not hexadecimal")  # pragma: no cover - raised above
    return raw, bool(text.max() >= ord("a"))


def search(
    records: npt.NDArray[np.uint64],
    table: U64Array,
    raw: U8Array,
    *,
    bucket_bits: int,
    steps: int,
) -> tuple[npt.NDArray[np.intp], I64Array]:
    """Record position and count byte of every digest; count byte 0 means absent.

    A branch-free lower bound per bucket: ``steps`` (the bit length of the largest bucket)
    rounds, each one gather and a few element-wise operations over the whole batch.
    """
    keys = digest_words(raw[:, :8])[:, 0] >> np.uint64(MAX_BUCKET_BITS - bucket_bits)
    wanted = (keys & np.uint64(FP_MASK)).astype(np.int64)
    buckets = (keys >> np.uint64(FINGERPRINT_BITS)).astype(np.intp)
    base = table[buckets].astype(np.intp)
    end = table[buckets + 1].astype(np.intp)
    if not len(records):
        return np.zeros(len(raw), dtype=np.intp), np.zeros(len(raw), dtype=np.int64)
    last = len(records) - 1
    size = end - base
    for _ in range(steps):
        half = size >> 1
        probe = base + half
        less = (size > 0) & (fingerprints(records[np.minimum(probe, last)]) < wanted)
        base = np.where(less, probe + 1, base)
        size = np.where(less, size - half - 1, half)
    position = np.minimum(base, last)
    words = records[position].astype(np.int64)
    found = (base < end) & (fingerprints(words) == wanted)
    return position, np.where(found, words & 0xFF, 0)
