"""The KDBX outer header (KDBX 3.1 and 4.x), the KDBX 4 inner header and VariantDictionary.

The header is plaintext: signatures, version, cipher, seeds and KDF parameters. Every read is
bounds-checked so a truncated or hostile file gives a :class:`MalformedExport` that names the
field, never an ``IndexError`` or ``struct.error``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from pwhygiene.exceptions import MalformedExport, UnsupportedFormat

SIGNATURE_1 = 0x9AA2D903
SIGNATURE_2_KDBX = 0xB54BFB67
SIGNATURE_2_KDB = 0xB54BFB65  # KeePass 1.x
SIGNATURE_2_KDBX_PRE = 0xB54BFB66  # KeePass 2.x pre-release
MAGIC = struct.pack("<II", SIGNATURE_1, SIGNATURE_2_KDBX)

AES_KDF_UUID = bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")

# Outer header field ids.
_END, _COMMENT, _CIPHER_ID, _COMPRESSION, _MASTER_SEED = 0, 1, 2, 3, 4
_TRANSFORM_SEED, _TRANSFORM_ROUNDS, _ENCRYPTION_IV = 5, 6, 7
_PROTECTED_STREAM_KEY, _STREAM_START_BYTES, _INNER_STREAM_ID = 8, 9, 10
_KDF_PARAMETERS, _PUBLIC_CUSTOM_DATA = 11, 12

VariantValue = int | bool | str | bytes


class Cursor:
    """Sequential reads over bytes; running off the end names what was being read."""

    def __init__(self, data: bytes, path: Path, offset: int = 0) -> None:
        self.data = data
        self.path = path
        self.offset = offset

    def take(self, length: int, what: str) -> bytes:
        """The next ``length`` bytes, or an error naming ``what`` was cut short."""
        end = self.offset + length
        if length < 0 or end > len(self.data):
            raise MalformedExport(self.path, f"byte {self.offset}", f"{what}, found end of data")
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk

    def uint(self, size: int, what: str) -> int:
        """A little-endian unsigned integer of ``size`` bytes."""
        return int.from_bytes(self.take(size, what), "little")


@dataclass(frozen=True, slots=True)
class OuterHeader:
    """What the plaintext header says; ``raw`` is the exact bytes the HMAC/hash cover."""

    major: int
    minor: int
    raw: bytes
    cipher_id: bytes
    compressed: bool
    master_seed: bytes = field(repr=False)
    encryption_iv: bytes = field(repr=False)
    kdf: dict[str, VariantValue] = field(repr=False)
    stream_start_bytes: bytes | None = field(default=None, repr=False)  # KDBX 3.1
    protected_stream_key: bytes | None = field(default=None, repr=False)  # KDBX 3.1
    inner_stream_id: int | None = None  # KDBX 3.1


def check_signature(data: bytes, path: Path) -> tuple[int, int]:
    """The (major, minor) version after a valid signature; older KeePass files are refused."""
    cursor = Cursor(data, path)
    sig1, sig2 = cursor.uint(4, "signature"), cursor.uint(4, "signature")
    if sig1 != SIGNATURE_1:
        raise MalformedExport(path, "byte 0", "the KDBX signature")
    if sig2 == SIGNATURE_2_KDB:
        raise UnsupportedFormat(
            f"{path}: KeePass 1.x (.kdb) databases are not supported; open the file in "
            "KeePass 2 or KeePassXC and save it as KDBX 4"
        )
    if sig2 != SIGNATURE_2_KDBX:
        raise UnsupportedFormat(f"{path}: pre-release KeePass 2 database; re-save it as KDBX 4")
    minor, major = cursor.uint(2, "minor version"), cursor.uint(2, "major version")
    if major not in (3, 4):
        raise UnsupportedFormat(
            f"{path}: KDBX version {major}.{minor} is not supported (3.1 and 4.x are); "
            "re-save the database with KeePassXC or KeePass 2"
        )
    return major, minor


def parse_outer_header(data: bytes, path: Path) -> tuple[OuterHeader, int]:
    """Parse the header; returns it and the offset where the rest of the file starts."""
    major, minor = check_signature(data, path)
    cursor = Cursor(data, path, 12)
    fields: dict[int, bytes] = {}
    while True:
        field_id = cursor.uint(1, "a header field id")
        size = cursor.uint(4 if major >= 4 else 2, f"the size of header field {field_id}")
        value = cursor.take(size, f"header field {field_id} ({size} bytes)")
        if field_id == _END:
            break
        fields[field_id] = value
    raw = data[: cursor.offset]

    def need(field_id: int, name: str, size: int | None = None) -> bytes:
        value = fields.get(field_id)
        if value is None or (size is not None and len(value) != size):
            length = f"{size}-byte " if size else ""
            raise MalformedExport(path, "header", f"a {length}{name} field")
        return value

    compression = int.from_bytes(need(_COMPRESSION, "compression flags", 4), "little")
    if compression > 1:
        raise MalformedExport(path, "header", "compression flags 0 (none) or 1 (gzip)")
    stream_start: bytes | None = None
    stream_key: bytes | None = None
    stream_id: int | None = None
    if major >= 4:
        kdf = parse_variant_dictionary(need(_KDF_PARAMETERS, "KDF parameters"), path, "KDF")
    else:
        kdf = {
            "$UUID": AES_KDF_UUID,
            "S": need(_TRANSFORM_SEED, "transform seed", 32),
            "R": int.from_bytes(need(_TRANSFORM_ROUNDS, "transform rounds", 8), "little"),
        }
        stream_start = need(_STREAM_START_BYTES, "stream start bytes", 32)
        stream_key = need(_PROTECTED_STREAM_KEY, "protected stream key")
        stream_id = int.from_bytes(need(_INNER_STREAM_ID, "inner random stream id", 4), "little")
    header = OuterHeader(
        major=major,
        minor=minor,
        raw=raw,
        cipher_id=need(_CIPHER_ID, "cipher id", 16),
        compressed=compression == 1,
        master_seed=need(_MASTER_SEED, "master seed", 32),
        encryption_iv=need(_ENCRYPTION_IV, "encryption IV"),
        kdf=kdf,
        stream_start_bytes=stream_start,
        protected_stream_key=stream_key,
        inner_stream_id=stream_id,
    )
    return header, cursor.offset


_VARIANT_TYPES = {0x04: 4, 0x05: 8, 0x08: 1, 0x0C: 4, 0x0D: 8}  # fixed-size numeric types


def parse_variant_dictionary(data: bytes, path: Path, what: str) -> dict[str, VariantValue]:
    """KDBX 4's typed key/value map (KDF parameters, public custom data)."""
    cursor = Cursor(data, path)
    version = cursor.uint(2, f"{what} dictionary version")
    if version >> 8 != 1:
        raise UnsupportedFormat(f"{path}: {what} parameters use an unknown dictionary version")
    result: dict[str, VariantValue] = {}
    while True:
        kind = cursor.uint(1, f"a {what} parameter type")
        if kind == 0:
            return result
        key_bytes = cursor.take(cursor.uint(4, f"a {what} parameter name length"), "a name")
        value = cursor.take(cursor.uint(4, f"a {what} parameter length"), "a value")
        try:
            key = key_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedExport(path, f"{what} parameters", "UTF-8 parameter names") from None
        size = _VARIANT_TYPES.get(kind)
        if size is not None:
            if len(value) != size:
                raise MalformedExport(path, f"{what} parameter {key!r}", f"{size} bytes")
            signed = kind in (0x0C, 0x0D)
            number = int.from_bytes(value, "little", signed=signed)
            result[key] = bool(number) if kind == 0x08 else number
        elif kind == 0x18:
            result[key] = value.decode("utf-8", errors="replace")
        elif kind == 0x42:
            result[key] = value
        else:
            raise MalformedExport(path, f"{what} parameter {key!r}", "a known value type")


@dataclass(frozen=True, slots=True)
class InnerHeader:
    """KDBX 4's encrypted inner header: the protected-value stream and where the XML starts."""

    stream_id: int
    stream_key: bytes = field(repr=False)
    xml_offset: int


def parse_inner_header(data: bytes, path: Path) -> InnerHeader:
    """Read the inner header fields (stream id, stream key, attachments) up to the end marker."""
    cursor = Cursor(data, path)
    stream_id: int | None = None
    stream_key: bytes | None = None
    while True:
        field_id = cursor.uint(1, "an inner header field id")
        value = cursor.take(cursor.uint(4, "an inner header field size"), "an inner header field")
        if field_id == 0:
            break
        if field_id == 1 and len(value) == 4:
            stream_id = int.from_bytes(value, "little")
        elif field_id == 2:
            stream_key = value
    if stream_id is None or stream_key is None:
        raise MalformedExport(path, "inner header", "an inner random stream id and key")
    return InnerHeader(stream_id, stream_key, cursor.offset)
