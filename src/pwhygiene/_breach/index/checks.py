"""Open an index file and check it before anything trusts it: every malformed file is refused.

The header's sizes and offsets are checked against each other and against the file's real
size before any section is read, the header and bucket table against their SHA-256, and the
table's shape against the header (ascending, ending at the record count, largest bucket as
declared), so that a lookup can never leave its section or read past the map. A damaged or
crafted file is always a :class:`CorruptIndex` naming what is wrong, never an ``OverflowError``
or ``RecursionError`` from a field nobody validated.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from pwhygiene._breach.index.format import (
    FIELDS,
    FINGERPRINT_BITS,
    FLAG_SUFFIXES,
    FORMAT_VERSION,
    HEADER_SIZE,
    KINDS,
    MAGIC,
    MAX_BUCKET_BITS,
    MAX_BUILT_AT,
    MAX_METADATA,
    OLD_VERSIONS,
    RECORD_SIZE,
    Header,
    IndexInfo,
    head_digest,
    layout,
)
from pwhygiene.exceptions import CorruptIndex, OfflineIndexError

_TABLE_CHUNK = 1 << 20  # bucket-table entries checked at a time: 8 MiB, whatever the table


def open_checked(path: Path) -> tuple[mmap.mmap, Header, IndexInfo]:
    """Map ``path`` read-only and check header, checksum, bucket table and metadata."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO must not hang the open
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise OfflineIndexError(
                    f"{path}: not a regular file; give the path of an index built with "
                    "'pwhygiene index build'"
                )
            if status.st_size < HEADER_SIZE:
                parse_header(os.read(fd, HEADER_SIZE), status.st_size, path)  # raises
            try:
                mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            except ValueError as exc:  # emptied since fstat: nothing left to map
                raise CorruptIndex(f"{path}: the file was emptied while opening it") from exc
        finally:
            os.close(fd)
    except OSError as exc:
        raise OfflineIndexError(
            f"{path}: cannot open the index ({exc.strerror or exc}); build one with "
            "'pwhygiene index build'"
        ) from exc
    try:
        header = parse_header(mapped[:HEADER_SIZE], status.st_size, path)
        head = mapped[HEADER_SIZE : header.records_offset]  # bytes: no view pins the map
        if head_digest(header, head) != header.head_sha256:
            raise CorruptIndex(
                f"{path}: header or bucket table checksum mismatch; re-copy or rebuild it"
            )
        check_table(head[header.table_offset - HEADER_SIZE :], header, path)
        info = index_info(path, header, head[: header.metadata_length])
    except BaseException:
        release(mapped)
        raise
    return mapped, header, info


def release(mapped: mmap.mmap) -> None:
    """Close ``mapped``; if numpy views still hold it (say, in a traceback), they unmap it."""
    with contextlib.suppress(BufferError):
        mapped.close()


def parse_header(raw: bytes, actual_size: int, path: Path) -> Header:
    """Decode and sanity-check the header; raise :class:`CorruptIndex` naming what is wrong.

    Every size and offset is checked against the others and against the file's real size
    before anything is read or allocated from it, so a crafted header cannot make the reader
    walk off the map or reserve memory the file does not back.
    """
    if len(raw) < HEADER_SIZE or raw[:8] != MAGIC:
        if raw[:8] == MAGIC:
            raise CorruptIndex(f"{path}: truncated inside the header; rebuild or re-copy it")
        raise CorruptIndex(f"{path}: not a pwhygiene offline index (bad magic bytes)")
    (_, version, kind, bits, fp_bits, rec_size, flags, reserved, *numbers) = FIELDS.unpack(
        raw[: FIELDS.size]
    )
    _check_version(version, path)
    problem = _field_problem(kind, bits, (fp_bits, rec_size), flags | reserved << 8, numbers)
    if problem:
        raise CorruptIndex(f"{path}: damaged header ({problem}); rebuild or re-copy the index")
    header = Header(
        mode=KINDS[kind],
        bucket_bits=bits,
        has_suffixes=bool(flags & FLAG_SUFFIXES),
        record_count=numbers[0],
        hash_count=numbers[1],
        occurrences=numbers[2],
        overflow_count=numbers[3],
        collision_count=numbers[4],
        max_bucket=numbers[5],
        built_at=numbers[6],
        metadata_length=numbers[8],
        table_offset=numbers[9],
        records_offset=numbers[10],
        overflow_offset=numbers[11],
        collisions_offset=numbers[12],
        suffixes_offset=numbers[13],
        file_size=numbers[14],
        head_sha256=raw[FIELDS.size : FIELDS.size + 32],
        data_sha256=raw[FIELDS.size + 32 : HEADER_SIZE],
    )
    expected = layout(
        mode=header.mode,
        bucket_bits=bits,
        has_suffixes=header.has_suffixes,
        metadata_length=header.metadata_length,
        record_count=header.record_count,
        overflow_count=header.overflow_count,
        collision_count=header.collision_count,
    )
    wrong = [name for name, value in expected.items() if getattr(header, name) != value]
    if wrong:
        raise CorruptIndex(
            f"{path}: header section offsets are inconsistent ({', '.join(wrong)} do not "
            "follow from the counts); rebuild the index"
        )
    if actual_size != header.file_size:
        raise CorruptIndex(
            f"{path}: {actual_size} bytes on disk but the header says {header.file_size} "
            "(truncated or appended to); re-copy or rebuild the index"
        )
    return header


def _check_version(version: int, path: Path) -> None:
    if version in OLD_VERSIONS:
        raise CorruptIndex(
            f"{path}: index format version {version} {OLD_VERSIONS[version]}; this pwhygiene "
            f"reads version {FORMAT_VERSION}: rebuild the index with 'pwhygiene index build'"
        )
    if version != FORMAT_VERSION:
        raise CorruptIndex(
            f"{path}: index format version {version}; this pwhygiene reads version "
            f"{FORMAT_VERSION} (upgrade pwhygiene or rebuild the index)"
        )


def _field_problem(
    kind: int, bits: int, shape: tuple[int, int], flags: int, numbers: list[int]
) -> str:
    """The first header field out of its range or at odds with another, or ``""``."""
    records, hashes, _, overflow, collisions, max_bucket, built_at, meta_at, meta_len = numbers[:9]
    checks = (
        (kind not in KINDS, "unknown hash kind"),
        (bits > MAX_BUCKET_BITS, f"bucket bits above {MAX_BUCKET_BITS}"),
        (shape != (FINGERPRINT_BITS, RECORD_SIZE), "record shape"),
        (bool(flags & ~FLAG_SUFFIXES), "unknown flags"),
        (meta_at != HEADER_SIZE, "metadata offset"),
        (meta_len > MAX_METADATA, f"metadata longer than {MAX_METADATA} bytes"),
        (records > hashes, "more records than hashes"),
        (overflow > records, "more overflow entries than records"),
        (collisions > hashes, "more collision rows than hashes"),
        (max_bucket > records, "largest bucket above the record count"),
        (built_at > MAX_BUILT_AT, "build time after the year 9999"),
    )
    return next((what for bad, what in checks if bad), "")


def check_table(table_bytes: bytes, header: Header, path: Path) -> None:
    """Check the bucket table: what keeps every binary search inside the records.

    It starts at 0, never descends, ends at the record count, and its largest bucket is the
    header's (which sets the number of search steps).
    """
    table = np.frombuffer(table_bytes, dtype="<u8")
    if int(table[0]) != 0 or int(table[-1]) != header.record_count:
        raise CorruptIndex(
            f"{path}: the bucket table does not span the {header.record_count} records; "
            "rebuild the index"
        )
    largest = 0
    for start in range(0, len(table) - 1, _TABLE_CHUNK):
        chunk = table[start : start + _TABLE_CHUNK + 1]
        if (chunk[1:] < chunk[:-1]).any():
            raise CorruptIndex(f"{path}: the bucket table descends; rebuild the index")
        largest = max(largest, int((chunk[1:] - chunk[:-1]).max()))
    if largest != header.max_bucket:
        raise CorruptIndex(
            f"{path}: the largest bucket holds {largest} records, the header says "
            f"{header.max_bucket}; rebuild the index"
        )


def index_info(path: Path, header: Header, metadata: bytes) -> IndexInfo:
    """Combine a verified header and its metadata block into an :class:`IndexInfo`."""
    try:
        meta = json.loads(metadata.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # ValueError: JSON, digits
        raise CorruptIndex(f"{path}: metadata is not valid JSON; rebuild the index") from exc
    if not isinstance(meta, dict):
        raise CorruptIndex(f"{path}: metadata is not a JSON object; rebuild the index")
    names = {key: meta.get(key, "") for key in ("source", "builder")}
    for key, value in names.items():
        if not isinstance(value, str):
            raise CorruptIndex(f"{path}: metadata field {key!r} is not a string; rebuild it")
    return IndexInfo(
        path=path,
        mode=header.mode,
        format_version=FORMAT_VERSION,
        hash_count=header.hash_count,
        occurrences=header.occurrences,
        record_count=header.record_count,
        overflow_count=header.overflow_count,
        collision_count=header.collision_count,
        bucket_bits=header.bucket_bits,
        file_size=header.file_size,
        built_at=datetime.fromtimestamp(header.built_at, tz=timezone.utc),
        source=names["source"],
        builder=names["builder"],
        has_suffixes=header.has_suffixes,
    )
