"""Inner random streams: the keystreams that hide ``Protected="True"`` values in the XML.

KDBX 4 uses ChaCha20 (from :mod:`cryptography`); KDBX 3.1 uses Salsa20, which
:mod:`cryptography` does not provide, so it comes from PyCryptodome's C implementation: a
crafted file can hold a protected value of tens of MB, which a pure-Python Salsa20 took 39 s
to un-protect. :func:`salsa20_block` is D. J. Bernstein's specification in Python, the
reference the tests check the fast stream against (with the spec's and eSTREAM's vectors).
"""

from __future__ import annotations

import hashlib
import struct
from typing import Protocol

from Crypto.Cipher import Salsa20
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

SALSA20_STREAM_ID = 2
CHACHA20_STREAM_ID = 3
KDBX3_SALSA20_NONCE = bytes.fromhex("e830094b97205d2a")  # fixed by KeePass for the inner stream

_SKIP_CHUNK = 2**20  # keystream skipped in 1 MiB steps, never one allocation per attachment
_MASK = 0xFFFFFFFF
_SIGMA = struct.unpack("<4I", b"expand 32-byte k")
_QUARTER_ROUNDS = (
    (0, 4, 8, 12), (5, 9, 13, 1), (10, 14, 2, 6), (15, 3, 7, 11),  # columns
    (0, 1, 2, 3), (5, 6, 7, 4), (10, 11, 8, 9), (15, 12, 13, 14),  # rows
)  # fmt: skip


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def salsa20_block(key: bytes, nonce: bytes, counter: int) -> bytes:
    """One 64-byte Salsa20/20 keystream block for a 32-byte key and an 8-byte nonce."""
    k = struct.unpack("<8I", key)
    n = struct.unpack("<2I", nonce)
    state = [
        _SIGMA[0], k[0], k[1], k[2],
        k[3], _SIGMA[1], n[0], n[1],
        counter & _MASK, (counter >> 32) & _MASK, _SIGMA[2], k[4],
        k[5], k[6], k[7], _SIGMA[3],
    ]  # fmt: skip
    x = list(state)
    for _ in range(10):
        for a, b, c, d in _QUARTER_ROUNDS:
            x[b] ^= _rotl((x[a] + x[d]) & _MASK, 7)
            x[c] ^= _rotl((x[b] + x[a]) & _MASK, 9)
            x[d] ^= _rotl((x[c] + x[b]) & _MASK, 13)
            x[a] ^= _rotl((x[d] + x[c]) & _MASK, 18)
    return struct.pack("<16I", *((xi + si) & _MASK for xi, si in zip(x, state, strict=True)))


class InnerStream(Protocol):
    """A keystream consumed in document order: every protected value takes the next bytes."""

    def xor(self, data: bytes) -> bytes:
        """Un-protect ``data`` with the next ``len(data)`` keystream bytes."""
        ...

    def skip(self, length: int) -> None:
        """Advance past a protected value that is not needed (e.g. an attachment)."""
        ...


class Salsa20Stream:
    """The KDBX 3.1 inner stream: Salsa20 keyed by SHA-256 of the protected-stream key."""

    def __init__(self, key: bytes, nonce: bytes = KDBX3_SALSA20_NONCE) -> None:
        self._cipher = Salsa20.new(key=key, nonce=nonce)

    def keystream(self, length: int) -> bytes:
        """The next ``length`` keystream bytes, starting anywhere inside a block."""
        return self._cipher.encrypt(bytes(length))

    def xor(self, data: bytes) -> bytes:
        """Un-protect ``data``."""
        return self._cipher.encrypt(data)

    def skip(self, length: int) -> None:
        """Advance past ``length`` bytes (an attachment) without keeping its keystream."""
        while length > 0:
            step = min(length, _SKIP_CHUNK)
            self._cipher.encrypt(bytes(step))
            length -= step


class ChaCha20Stream:
    """The KDBX 4 inner stream: ChaCha20 with key and nonce from SHA-512 of the stream key."""

    def __init__(self, key: bytes, nonce: bytes) -> None:
        # cryptography's ChaCha20 nonce is the 32-bit block counter (0) then the 96-bit nonce.
        cipher = Cipher(algorithms.ChaCha20(key, b"\x00" * 4 + nonce), mode=None)
        self._encryptor = cipher.encryptor()

    def xor(self, data: bytes) -> bytes:
        """Un-protect ``data``."""
        return self._encryptor.update(data)

    def skip(self, length: int) -> None:
        """Advance past ``length`` bytes (an attachment) without keeping its keystream."""
        while length > 0:
            step = min(length, _SKIP_CHUNK)
            self._encryptor.update(bytes(step))
            length -= step


def make_inner_stream(stream_id: int, stream_key: bytes) -> InnerStream | None:
    """The inner stream a header names, or ``None`` for an id we do not know."""
    if stream_id == SALSA20_STREAM_ID:
        return Salsa20Stream(hashlib.sha256(stream_key).digest())
    if stream_id == CHACHA20_STREAM_ID:
        digest = hashlib.sha512(stream_key).digest()
        return ChaCha20Stream(digest[:32], digest[32:44])
    return None
