"""Offline-index sources: small corpora, both download layouts, damaged and crafted indexes.

Generated digests deliberately crowd together: many share a 5-hex prefix (one range file, one
bucket), some share their first 64 bits (a key collision the index must keep exact), and counts
straddle the one-byte field (254, 255, 256) up to 19 digits.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# -- crafted index files ---------------------------------------------------------------------
# The header and section layout as docs/offline-index.md ("File format, version 2") draws them,
# written here from that table rather than imported from the reader, so that a crafted file
# tests the reader's checks instead of agreeing with them by construction.

HEADER_FIELDS = (
    "magic", "version", "kind", "bucket_bits", "fingerprint_bits", "record_size", "flags",
    "reserved", "record_count", "hash_count", "occurrences", "overflow_count",
    "collision_count", "max_bucket", "built_at", "metadata_offset", "metadata_length",
    "table_offset", "records_offset", "overflow_offset", "collisions_offset",
    "suffixes_offset", "file_size",
)  # fmt: skip
_HEADER = struct.Struct("<8sHBBBBBB15Q")
_CHECKED = _HEADER.size  # head_sha256 covers bytes 0..135, then data_sha256, then 200..records
HEADER_BYTES = _HEADER.size + 64
FIELD_LIMITS = {
    **dict.fromkeys(HEADER_FIELDS[8:], 2**64 - 1),
    "version": 2**16 - 1,
    **dict.fromkeys(HEADER_FIELDS[2:8], 255),
}
ABSURD = (0, 1, 2, 7, 8, 24, 25, 255, 256, 2**31 - 1, 2**32, 2**40, 2**63 - 1, 2**63, 2**64 - 1)
CRAFT_LIMIT = 1 << 20  # a crafted file is resized to what its header says only up to 1 MiB


def _align8(offset: int) -> int:
    return (offset + 7) // 8 * 8


@dataclass(frozen=True)
class IndexFile:
    """A built index taken apart into header fields and sections, to be put back altered."""

    fields: dict[str, Any]
    metadata: bytes
    table: bytes
    data: bytes  # the records offset to the end of the file
    data_sha256: bytes

    @classmethod
    def parse(cls, blob: bytes) -> IndexFile:
        """Split a valid index (as ``build_index`` wrote it) into its parts."""
        fields = dict(zip(HEADER_FIELDS, _HEADER.unpack_from(blob), strict=True))
        meta_end = HEADER_BYTES + fields["metadata_length"]
        return cls(
            fields=fields,
            metadata=blob[HEADER_BYTES:meta_end],
            table=blob[fields["table_offset"] : fields["records_offset"]],
            data=blob[fields["records_offset"] :],
            data_sha256=blob[_CHECKED + 32 : HEADER_BYTES],
        )

    def layout(self, fields: dict[str, Any]) -> dict[str, int]:
        """The section offsets and file size the spec computes from the counts in ``fields``."""
        digest = 16 if fields["kind"] == 2 else 20
        table = _align8(HEADER_BYTES + fields["metadata_length"])
        records = table + 8 * (2 ** min(fields["bucket_bits"], 64) + 1)
        overflow = _align8(records + 6 * fields["record_count"])
        collisions = overflow + 16 * fields["overflow_count"]
        end = collisions + (digest + 8) * fields["collision_count"]
        suffixes = 0
        if fields["flags"] & 1:
            suffixes = _align8(end)
            end = suffixes + (digest - 5) * fields["record_count"]
        return {
            "table_offset": table,
            "records_offset": records,
            "overflow_offset": overflow,
            "collisions_offset": collisions,
            "suffixes_offset": suffixes,
            "file_size": end,
        }

    def craft(
        self,
        changes: dict[str, Any],
        *,
        metadata: bytes | None = None,
        table: bytes | None = None,
        data: bytes | None = None,
        relayout: bool = False,
        reseal_data: bool = False,
    ) -> bytes:
        """The file with ``changes`` to its header and sections and a recomputed head checksum.

        ``relayout`` recomputes the offsets (and resizes the table and data, zero-filled, up to
        ``CRAFT_LIMIT``) so that the header agrees with itself; ``reseal_data`` recomputes
        ``data_sha256`` too, so that not even ``verify`` can tell.
        """
        fields = {**self.fields, **changes}
        metadata = self.metadata if metadata is None else metadata
        table = self.table if table is None else table
        data = self.data if data is None else data
        if metadata is not self.metadata:
            fields["metadata_length"] = len(metadata)
        if relayout:  # wrapped to 64 bits, as a header field would hold them
            fields |= {name: value % 2**64 for name, value in self.layout(fields).items()}
            size = fields["records_offset"] - fields["table_offset"]
            if size <= CRAFT_LIMIT:
                table = table[:size].ljust(size, b"\0")
            size = fields["file_size"] - fields["records_offset"]
            if 0 <= size <= CRAFT_LIMIT:
                data = data[:size].ljust(size, b"\0")
        pad = b"\0" * (_align8(HEADER_BYTES + len(metadata)) - HEADER_BYTES - len(metadata))
        body = metadata + pad + table
        head = _HEADER.pack(*(fields[name] for name in HEADER_FIELDS))
        rest = body + data  # the file from byte 200 on
        checked_end = max(fields["records_offset"] - HEADER_BYTES, 0)
        data_sha = self.data_sha256
        if reseal_data:
            data_sha = hashlib.sha256(rest[checked_end:]).digest()
        head_sha = hashlib.sha256(head + data_sha + rest[:checked_end]).digest()
        return head + head_sha + data_sha + rest


@dataclass(frozen=True)
class Mutation:
    """A damaged or crafted index and what the reader may do with it."""

    blob: bytes
    kind: str
    detail: str
    must_refuse: bool = False  # open() must raise CorruptIndex
    must_open: bool = False  # open() must succeed and every count be exact
    verify_fails: bool = False  # open() may succeed but verify() must raise CorruptIndex


_BENIGN_FIELDS = ("built_at", "occurrences", "hash_count")

weird_metadata = st.one_of(
    st.sampled_from(
        [
            b"[" * 100_000,  # nesting: json's recursion limit
            b'{"source": ' + b"9" * 5_000 + b"}",  # an int past Python's 4,300-digit limit
            b'{"source": 5, "builder": "x"}',
            b'{"builder": ["pwhygiene"]}',
            b'"just a string"',
            b"\xff\xfe{}",
            b"",
            b"null",
            b'{"source": "s", "source": "t"}',
        ]
    ),
    st.binary(max_size=40),
)
good_metadata = st.fixed_dictionaries(
    {"source": st.text(max_size=20), "builder": st.text(max_size=20)},
    optional={"extra": st.integers() | st.none() | st.lists(st.booleans(), max_size=3)},
).map(lambda meta: json.dumps(meta).encode())


@st.composite
def mutations(draw: st.DrawFn, blob: bytes) -> Mutation:
    """One kind of damage to the valid index ``blob``.

    Bit flips, cuts and appended bytes; header fields, bucket-table entries or metadata
    changed with the head checksum recomputed; data changed with both checksums recomputed.
    """
    original = IndexFile.parse(blob)
    records_at = original.fields["records_offset"]
    kind = draw(st.sampled_from(["flip", "cut", "field", "table", "metadata", "data"]))
    if kind == "flip":
        spots = draw(st.lists(st.integers(0, len(blob) - 1), min_size=1, max_size=4, unique=True))
        damaged = bytearray(blob)
        for spot in spots:
            damaged[spot] ^= draw(st.integers(1, 255))
        head = min(spots) < records_at
        return Mutation(bytes(damaged), kind, f"{spots}", must_refuse=head, verify_fails=not head)
    if kind == "cut":
        size = draw(st.integers(0, len(blob) + 16).filter(lambda n: n != len(blob)))
        tail = draw(st.binary(min_size=max(size - len(blob), 0), max_size=max(size - len(blob), 0)))
        return Mutation((blob + tail)[:size], kind, f"{size}", must_refuse=True)
    if kind == "field":
        name = draw(st.sampled_from(HEADER_FIELDS[1:]))
        limit = FIELD_LIMITS[name]
        value = draw(
            st.sampled_from(ABSURD).map(lambda v: v % (limit + 1))
            | st.integers(0, limit)
            | st.integers(-8, 8).map(lambda d: min(max(original.fields[name] + d, 0), limit))
        )
        relayout, reseal = draw(st.booleans()), draw(st.booleans())
        crafted = original.craft({name: value}, relayout=relayout, reseal_data=reseal)
        fields = original.fields
        benign = value == fields[name] or (
            name in _BENIGN_FIELDS
            and (name != "built_at" or value <= 253_402_300_799)
            and (name != "hash_count" or value >= fields["record_count"])
            and (name != "hash_count" or value >= fields["collision_count"])
        )
        return Mutation(crafted, kind, f"{name}={value} relayout={relayout}", must_open=benign)
    if kind == "table":
        entries = len(original.table) // 8
        at = draw(st.integers(0, entries - 1))
        value = draw(st.sampled_from(ABSURD) | st.integers(0, original.fields["record_count"] + 2))
        table = bytearray(original.table)
        struct.pack_into("<Q", table, 8 * at, value)
        unchanged = bytes(table) == original.table
        crafted = original.craft({}, table=bytes(table))
        return Mutation(crafted, kind, f"t[{at}]={value}", must_open=unchanged)
    if kind == "metadata":
        good = draw(st.booleans())
        metadata = draw(good_metadata if good else weird_metadata)
        valid = good or _is_valid_metadata(metadata)
        crafted = original.craft({}, metadata=metadata, relayout=True)
        return Mutation(crafted, kind, repr(metadata[:40]), must_open=valid, must_refuse=not valid)
    spots = draw(st.lists(st.integers(0, len(original.data) - 1), min_size=1, max_size=4))
    data = bytearray(original.data)
    for spot in spots:
        data[spot] ^= draw(st.integers(1, 255))
    return Mutation(original.craft({}, data=bytes(data), reseal_data=True), kind, f"{spots}")


def _is_valid_metadata(metadata: bytes) -> bool:
    """What the spec accepts: a UTF-8 JSON object whose known keys hold strings."""
    try:
        meta = json.loads(metadata.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(meta, dict) and all(
        isinstance(meta.get(key, ""), str) for key in ("source", "builder")
    )
