"""Authenticate and decrypt a KDBX file's payload into the XML document and its inner stream.

KDBX 4: the header is covered by SHA-256 (corruption) and HMAC-SHA-256 under a key derived
from the master key (a wrong password or key file), and the payload is a stream of
HMAC-authenticated blocks, each checked before anything is decrypted. KDBX 3.1: the first 32
decrypted bytes must equal the header's stream start bytes (a wrong key), then a stream of
SHA-256-hashed blocks. Either way the result stays in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from pwhygiene._vault.kdbx.header import Cursor, OuterHeader, parse_inner_header, parse_outer_header
from pwhygiene._vault.kdbx.keys import DEFAULT_MAX_KDF_SECONDS, composite_key, transform_key
from pwhygiene._vault.kdbx.stream import InnerStream, make_inner_stream
from pwhygiene.exceptions import ExportTooLarge, MalformedExport, UnsupportedFormat, WrongPassword

AES256_UUID = bytes.fromhex("31c1f2e6bf714350be5805216afc5aff")
CHACHA20_UUID = bytes.fromhex("d6038a2b8b6f4cb5a524339a31dbb59a")
TWOFISH_UUID = bytes.fromhex("ad68f29f576f4bb9a36ad47af965346c")
MAX_XML_BYTES = 256 * 2**20  # decompressed document; far above any real database
#: Decompressed-to-compressed ratio above which a large payload is a bomb: KeePass XML
#: compresses 5-20x; a crafted 255 KB file used to inflate to 250 MB.
MAX_GZIP_RATIO = 200
_GZIP_FLOOR = 16 * 2**20  # payloads smaller than this are never refused for their ratio
_HEADER_HMAC_INDEX = 2**64 - 1


@dataclass(frozen=True, slots=True)
class Decrypted:
    """The plaintext XML document, the stream that un-protects its values, and the header."""

    xml: bytes = field(repr=False)
    stream: InnerStream | None = field(repr=False)
    header: OuterHeader

    @property
    def header_sha256(self) -> bytes:
        """SHA-256 of the plaintext header, which KDBX 3.1 repeats in ``Meta/HeaderHash``."""
        return hashlib.sha256(self.header.raw).digest()


def open_kdbx(
    data: bytes,
    path: Path,
    password: str | None,
    key_file: Path | None,
    max_kdf_seconds: float = DEFAULT_MAX_KDF_SECONDS,
) -> Decrypted:
    """Decrypt a whole KDBX 3.1 or 4.x file held in memory.

    Everything that can be checked without the key (header integrity, cipher, KDF bounds and
    its estimated time against ``max_kdf_seconds``) is checked before the KDF runs, so a
    damaged or hostile file fails fast.
    """
    header, offset = parse_outer_header(data, path)
    _check_cipher(header, path)
    if header.major >= 4:
        cursor = Cursor(data, path, offset)
        header_sha = cursor.take(32, "the header SHA-256")
        header_mac = cursor.take(32, "the header HMAC")
        if not hmac.compare_digest(hashlib.sha256(header.raw).digest(), header_sha):
            raise MalformedExport(path, "header", "a header matching its SHA-256 (damaged file)")
    composite = composite_key(password, key_file, path)
    transformed = transform_key(composite, header.kdf, path, max_kdf_seconds)
    if header.major >= 4:
        return _open_kdbx4(cursor, header, header_mac, transformed)
    return _open_kdbx3(data, path, header, offset, transformed)


def _check_cipher(header: OuterHeader, path: Path) -> None:
    if header.cipher_id == TWOFISH_UUID:
        raise UnsupportedFormat(
            f"{path}: the Twofish cipher is not supported; re-save the database with AES-256 "
            "or ChaCha20 in KeePassXC: Database > Database Security > Encryption Settings"
        )
    if header.cipher_id not in (AES256_UUID, CHACHA20_UUID):
        raise UnsupportedFormat(
            f"{path}: unknown cipher; re-save the database with AES-256 or ChaCha20"
        )
    iv_size = 16 if header.cipher_id == AES256_UUID else 12
    if len(header.encryption_iv) != iv_size:
        raise MalformedExport(path, "header", f"a {iv_size}-byte encryption IV")


def _open_kdbx4(
    cursor: Cursor, header: OuterHeader, header_mac: bytes, transformed: bytes
) -> Decrypted:
    path = cursor.path
    hmac_base = hashlib.sha512(header.master_seed + transformed + b"\x01").digest()
    expected = hmac.digest(_block_key(hmac_base, _HEADER_HMAC_INDEX), header.raw, "sha256")
    if not hmac.compare_digest(expected, header_mac):
        raise WrongPassword(f"{path}: the password or key file does not open this KeePass database")
    ciphertext = _hmac_blocks(cursor, hmac_base)
    key = hashlib.sha256(header.master_seed + transformed).digest()
    plaintext = _decrypt(header, key, ciphertext, path)
    if header.compressed:
        plaintext = _gunzip(plaintext, path)
    inner = parse_inner_header(plaintext, path)
    stream = make_inner_stream(inner.stream_id, inner.stream_key)
    return Decrypted(plaintext[inner.xml_offset :], stream, header)


def _block_key(hmac_base: bytes, index: int) -> bytes:
    return hashlib.sha512(index.to_bytes(8, "little") + hmac_base).digest()


def _hmac_blocks(cursor: Cursor, hmac_base: bytes) -> bytes:
    """Concatenate the HMAC block stream, verifying every block (and the empty final one)."""
    out = bytearray()
    index = 0
    while True:
        mac = cursor.take(32, f"the HMAC of block {index}")
        size_bytes = cursor.take(4, f"the size of block {index}")
        size = int.from_bytes(size_bytes, "little", signed=True)
        block = cursor.take(size, f"block {index} ({size} bytes)")
        message = index.to_bytes(8, "little") + size_bytes + block
        if not hmac.compare_digest(
            hmac.digest(_block_key(hmac_base, index), message, "sha256"), mac
        ):
            raise MalformedExport(
                cursor.path, f"block {index}", "a block matching its HMAC (damaged file)"
            )
        if size == 0:
            return bytes(out)
        out += block
        index += 1


def _open_kdbx3(
    data: bytes, path: Path, header: OuterHeader, offset: int, transformed: bytes
) -> Decrypted:
    key = hashlib.sha256(header.master_seed + transformed).digest()
    ciphertext = data[offset:]
    plaintext = _decrypt(header, key, ciphertext, path, start_bytes=header.stream_start_bytes)
    blocks = _hashed_blocks(Cursor(plaintext, path, 32))
    if header.compressed:
        blocks = _gunzip(blocks, path)
    stream_id = header.inner_stream_id if header.inner_stream_id is not None else -1
    stream = make_inner_stream(stream_id, header.protected_stream_key or b"")
    return Decrypted(blocks, stream, header)


def _hashed_blocks(cursor: Cursor) -> bytes:
    """Concatenate KDBX 3.1's hashed block stream, checking each block's SHA-256."""
    out = bytearray()
    expected_index = 0
    while True:
        index = cursor.uint(4, f"the index of block {expected_index}")
        digest = cursor.take(32, f"the hash of block {expected_index}")
        size = int.from_bytes(cursor.take(4, "a block size"), "little", signed=True)
        if index != expected_index:
            raise MalformedExport(cursor.path, f"block {expected_index}", "blocks in order")
        if size == 0:
            if any(digest):
                raise MalformedExport(cursor.path, "final block", "an all-zero hash")
            return bytes(out)
        block = cursor.take(size, f"block {index} ({size} bytes)")
        if not hmac.compare_digest(hashlib.sha256(block).digest(), digest):
            raise MalformedExport(
                cursor.path, f"block {index}", "a block matching its SHA-256 (damaged file)"
            )
        out += block
        expected_index += 1


def _decrypt(
    header: OuterHeader, key: bytes, ciphertext: bytes, path: Path, start_bytes: bytes | None = None
) -> bytes:
    """Decrypt with the header's cipher; ``start_bytes`` (KDBX 3.1) detects a wrong key."""
    if header.cipher_id == CHACHA20_UUID:
        nonce = b"\x00" * 4 + header.encryption_iv
        raw = Cipher(algorithms.ChaCha20(key, nonce), mode=None).decryptor().update(ciphertext)
    else:
        if len(ciphertext) % 16 or not ciphertext:
            raise MalformedExport(path, "payload", "AES-CBC ciphertext in whole 16-byte blocks")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(header.encryption_iv)).decryptor()
        raw = decryptor.update(ciphertext) + decryptor.finalize()
    if start_bytes is not None and not hmac.compare_digest(raw[:32], start_bytes):
        raise WrongPassword(f"{path}: the password or key file does not open this KeePass database")
    if header.cipher_id == CHACHA20_UUID:
        return raw
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(raw) + unpadder.finalize()
    except ValueError:
        raise MalformedExport(path, "payload", "valid PKCS#7 padding (damaged file)") from None


def _gunzip(data: bytes, path: Path) -> bytes:
    """Decompress with a size and a ratio cap, so a gzip bomb inside a valid file is refused."""
    limit = min(MAX_XML_BYTES, max(_GZIP_FLOOR, MAX_GZIP_RATIO * len(data)))
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise MalformedExport(path, "payload", "valid gzip data") from None
    if len(out) > limit:
        why = f"{MAX_GZIP_RATIO}x its compressed size" if limit < MAX_XML_BYTES else ""
        raise ExportTooLarge(
            f"{path}: the database expands to more than {limit // 2**20} MiB of XML"
            + (f" ({why}: a compression bomb)" if why else "")
        )
    if not inflater.eof:
        raise MalformedExport(path, "payload", "complete gzip data")
    return out
