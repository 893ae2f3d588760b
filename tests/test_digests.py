"""Digest helpers: RFC 1320 MD4 vectors, known NTLM/SHA-1 values, an MD4 oracle, validation."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pwhygiene._breach.digests import _md4, normalize_digest
from pwhygiene.breach import HashMode, ntlm_digest, password_digest, sha1_digest
from pwhygiene.exceptions import InvalidInput
from strategies.range_bodies import modes

MD4 = pytest.importorskip("Crypto.Hash.MD4")

RFC1320_SUITE = [
    (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
    (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
    (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
    (b"message digest", "d9130a8164549fe818874806e1c7014b"),
    (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "043f8582f241db351ce627e153e7f0e4",
    ),
    (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
]


@pytest.mark.parametrize(("message", "expected"), RFC1320_SUITE)
def test_md4_matches_the_rfc_1320_test_suite(message: bytes, expected: str) -> None:
    """The pure-Python MD4 reproduces every vector of RFC 1320, appendix A.5."""
    assert _md4(message).hex() == expected


@given(st.binary(max_size=300))
@example(b"x" * 55)
@example(b"x" * 56)
@example(b"x" * 63)
@example(b"x" * 64)
@example(b"x" * 119)
@example(b"x" * 120)
def test_md4_agrees_with_an_independent_implementation(message: bytes) -> None:
    """Oracle: MD4 equals pycryptodome's C implementation, padding boundaries included."""
    assert _md4(message) == MD4.new(message).digest()


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", "31D6CFE0D16AE931B73C59D7E0C089C0"),
        ("password", "8846F7EAEE8FB117AD06BDD830B7586C"),
        ("hashcat", "B4B9B02E6F09A9BD760F388B67351E2B"),
    ],
)
def test_known_ntlm_values(password: str, expected: str) -> None:
    """NTLM of well-known passwords matches published values (Windows, hashcat's example)."""
    assert ntlm_digest(password) == expected
    assert password_digest(password, "ntlm") == expected


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("password", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"),
        ("", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"),
    ],
)
def test_known_sha1_values(password: str, expected: str) -> None:
    """SHA-1 of well-known passwords matches the Pwned Passwords corpus key (upper-case hex)."""
    assert sha1_digest(password) == expected
    assert password_digest(password, "sha1") == expected


@given(st.text())
def test_ntlm_is_md4_over_utf16le(password: str) -> None:
    """NTLM is upper-case MD4 of the UTF-16LE password (surrogates passed through)."""
    data = password.encode("utf-16-le", "surrogatepass")
    assert ntlm_digest(password) == MD4.new(data).hexdigest().upper()


@given(st.text())
def test_sha1_is_upper_hex_of_utf8(password: str) -> None:
    """SHA-1 digests are 40 upper-case hex characters of the UTF-8 bytes."""
    digest = sha1_digest(password)
    expected = hashlib.sha1(password.encode("utf-8", "surrogatepass")).hexdigest().upper()
    assert digest == expected
    assert normalize_digest(digest) == digest


@given(st.text(), modes)
def test_normalize_accepts_any_case_of_a_real_digest(password: str, mode: HashMode) -> None:
    """normalize_digest upper-cases a valid digest of either case, for its own mode only."""
    digest = password_digest(password, mode)
    assert normalize_digest(digest.lower(), mode) == digest
    other: HashMode = "ntlm" if mode == "sha1" else "sha1"
    with pytest.raises(InvalidInput):
        normalize_digest(digest, other)


@given(st.text(min_size=1).filter(lambda s: not re.fullmatch(r"[0-9A-Fa-f]{40}", s)))
def test_normalize_rejects_without_echoing(bad: str) -> None:
    """A malformed digest is InvalidInput (a ValueError) whose message does not repeat it."""
    with pytest.raises(ValueError, match="40-character") as info:
        normalize_digest(bad)
    assert isinstance(info.value, InvalidInput)
    if len(bad) >= 4:
        assert bad not in str(info.value)


def test_lone_surrogates_hash_instead_of_crashing() -> None:
    """Text with lone surrogates (from broken exports) still hashes in both modes."""
    assert len(sha1_digest("\ud800x")) == 40
    assert len(ntlm_digest("\udfff")) == 32


def test_unknown_modes_are_invalid_input() -> None:
    """A mode other than sha1/ntlm is InvalidInput, not a KeyError or a silent NTLM digest."""
    with pytest.raises(InvalidInput, match="'md5'"):
        password_digest("x", "md5")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="'md5'"):
        normalize_digest("0" * 32, "md5")  # type: ignore[arg-type]
