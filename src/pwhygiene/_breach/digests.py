"""Password digests for breach lookups: SHA-1 and NTLM, upper-case hex like the corpus.

These are the only functions that see a plaintext password on its way to a breach source;
everything downstream handles digests. Neither hash protects the password (both are fast and
unsalted): they are lookup keys for the Pwned Passwords corpus, hence
``usedforsecurity=False``, and only their first five hex characters ever leave the process.
"""

from __future__ import annotations

import hashlib
import re
import struct

from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import InvalidInput

_HEX_LENGTH: dict[HashMode, int] = {"sha1": 40, "ntlm": 32}
_HEX = re.compile(r"[0-9A-Fa-f]+")


def sha1_digest(password: str) -> str:
    """Upper-case hex SHA-1 of the UTF-8 password, the key of the Pwned Passwords SHA-1 corpus."""
    data = password.encode("utf-8", "surrogatepass")
    return hashlib.sha1(data, usedforsecurity=False).hexdigest().upper()


def ntlm_digest(password: str) -> str:
    """Upper-case hex NTLM hash (MD4 over UTF-16LE), the key of the NTLM corpus.

    OpenSSL 3 no longer offers MD4 through :mod:`hashlib`, so MD4 is computed here (RFC 1320);
    it is a lookup key, not a protection.
    """
    return _md4(password.encode("utf-16-le", "surrogatepass")).hex().upper()


def password_digest(password: str, mode: HashMode) -> str:
    """The digest a breach source of ``mode`` expects."""
    if mode == "sha1":
        return sha1_digest(password)
    if mode == "ntlm":
        return ntlm_digest(password)
    raise InvalidInput(f"hash mode must be 'sha1' or 'ntlm' (got {mode!r})")


def normalize_digest(digest: str, mode: HashMode = "sha1") -> str:
    """Upper-case ``digest`` after checking it is hex of the right length for ``mode``.

    The message never repeats the digest: it identifies a password as well as the password.
    """
    expected = _HEX_LENGTH.get(mode)
    if expected is None:
        raise InvalidInput(f"hash mode must be 'sha1' or 'ntlm' (got {mode!r})")
    if len(digest) != expected or not _HEX.fullmatch(digest):
        raise InvalidInput(
            f"expected a {expected}-character hexadecimal {mode.upper()} digest "
            f"(got {len(digest)} characters)"
        )
    return digest.upper()


def _md4(message: bytes) -> bytes:
    """MD4 per RFC 1320; small, pure Python, used only for NTLM lookup keys."""

    def f(x: int, y: int, z: int) -> int:
        return (x & y) | (~x & z)

    def g(x: int, y: int, z: int) -> int:
        return (x & y) | (x & z) | (y & z)

    def h(x: int, y: int, z: int) -> int:
        return x ^ y ^ z

    def rotl(value: int, shift: int) -> int:
        value &= 0xFFFFFFFF
        return ((value << shift) | (value >> (32 - shift))) & 0xFFFFFFFF

    length_bits = (len(message) * 8) & 0xFFFFFFFFFFFFFFFF
    padded = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64)
    padded += struct.pack("<Q", length_bits)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for offset in range(0, len(padded), 64):
        x = struct.unpack("<16I", padded[offset : offset + 64])
        aa, bb, cc, dd = a, b, c, d
        for i in (0, 4, 8, 12):
            a = rotl(a + f(b, c, d) + x[i], 3)
            d = rotl(d + f(a, b, c) + x[i + 1], 7)
            c = rotl(c + f(d, a, b) + x[i + 2], 11)
            b = rotl(b + f(c, d, a) + x[i + 3], 19)
        for i in (0, 1, 2, 3):
            a = rotl(a + g(b, c, d) + x[i] + 0x5A827999, 3)
            d = rotl(d + g(a, b, c) + x[i + 4] + 0x5A827999, 5)
            c = rotl(c + g(d, a, b) + x[i + 8] + 0x5A827999, 9)
            b = rotl(b + g(c, d, a) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):
            a = rotl(a + h(b, c, d) + x[i] + 0x6ED9EBA1, 3)
            d = rotl(d + h(a, b, c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = rotl(c + h(d, a, b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = rotl(b + h(c, d, a) + x[i + 12] + 0x6ED9EBA1, 15)
        a = (a + aa) & 0xFFFFFFFF
        b = (b + bb) & 0xFFFFFFFF
        c = (c + cc) & 0xFFFFFFFF
        d = (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)
