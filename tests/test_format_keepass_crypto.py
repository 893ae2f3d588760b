"""KeePass crypto building blocks: Salsa20 vectors, AES-KDF, key files, KDF bounds, headers."""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdbx_writer import (
    ARGON2ID,
    KdfSpec,
    composite_key,
    key_file_xml_v1,
    key_file_xml_v2,
    naive_aes_kdf,
)
from pwhygiene._vault.kdbx import keys
from pwhygiene._vault.kdbx.header import AES_KDF_UUID, parse_variant_dictionary
from pwhygiene._vault.kdbx.stream import ChaCha20Stream, Salsa20Stream, salsa20_block
from pwhygiene.exceptions import (
    InvalidInput,
    MalformedExport,
    PasswordRequired,
    PwhygieneError,
    UnsupportedFormat,
)

HERE = Path(__file__).parent / "fixtures" / "vault" / "keepass"

# Salsa20 specification (Bernstein), section "The Salsa20 expansion function", example 1:
# k = 1..16 || 201..216, n = 101..116 (nonce 101..108, block counter bytes 109..116).
SPEC_OUTPUT = bytes([
    69, 37, 68, 39, 41, 15, 107, 193, 255, 139, 122, 6, 170, 233, 217, 98,
    89, 144, 182, 106, 21, 51, 200, 65, 239, 49, 222, 34, 215, 114, 40, 126,
    104, 197, 7, 225, 197, 153, 31, 2, 102, 78, 76, 176, 84, 245, 246, 184,
    177, 160, 133, 130, 6, 72, 149, 119, 192, 195, 132, 236, 234, 103, 246, 74,
])  # fmt: skip
# eSTREAM Salsa20/20 256-bit, Set 1 vector 0: key 80 00 .. 00, IV 0.
ESTREAM_KEY = bytes([0x80]) + bytes(31)
ESTREAM_0_63 = bytes.fromhex(
    "E3BE8FDD8BECA2E3EA8EF9475B29A6E7003951E1097A5C38D23B7A5FAD9F6844"
    "B22C97559E2723C7CBBD3FE4FC8D9A0744652A83E72A9C461876AF4D7EF1A117"
)
ESTREAM_192_255 = bytes.fromhex(
    "57BE81F47B17D9AE7C4FF15429A73E10ACF250ED3A90A93C711308A74C6216A9"
    "ED84CD126DA7F28E8ABF8BB63517E1CA98E712F4FB2E1A6AED9FDC73291FAA17"
)


def test_salsa20_matches_the_specification_example() -> None:
    """The Salsa20 block function reproduces the example in Bernstein's specification."""
    key = bytes(range(1, 17)) + bytes(range(201, 217))
    counter = int.from_bytes(bytes(range(109, 117)), "little")
    assert salsa20_block(key, bytes(range(101, 109)), counter) == SPEC_OUTPUT


def test_salsa20_matches_estream_set1_vector0_including_a_skip() -> None:
    """The stream gives eSTREAM's bytes 0..63 and, after skipping 128, bytes 192..255."""
    stream = Salsa20Stream(ESTREAM_KEY, bytes(8))
    assert stream.keystream(64) == ESTREAM_0_63
    stream.skip(128)
    assert stream.keystream(64) == ESTREAM_192_255


@given(st.lists(st.integers(0, 150), max_size=6), st.binary(min_size=32, max_size=32))
def test_salsa20_stream_is_the_same_however_it_is_split(cuts: list[int], key: bytes) -> None:
    """Reading the stream in arbitrary pieces (or skipping some) gives the same bytes."""
    whole = Salsa20Stream(key).keystream(sum(cuts))
    pieces, stream, at = b"", Salsa20Stream(key), 0
    for index, size in enumerate(cuts):
        if index % 3 == 2:
            stream.skip(size)
            pieces += whole[at : at + size]
        else:
            pieces += stream.keystream(size)
        at += size
    assert pieces == whole


@given(st.binary(max_size=200), st.binary(min_size=32, max_size=32))
def test_inner_streams_are_involutions(data: bytes, key: bytes) -> None:
    """XOR-ing twice with fresh streams of the same key gives the data back."""
    for make in (lambda: Salsa20Stream(key), lambda: ChaCha20Stream(key, key[:12])):
        assert make().xor(make().xor(data)) == data


@given(
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32),
    st.integers(0, 3000),
)
def test_fast_aes_kdf_equals_the_naive_ecb_loop(key: bytes, seed: bytes, rounds: int) -> None:
    """AES-KDF via CBC over zero blocks equals ``rounds`` ECB encryptions of each half."""
    assert keys.aes_kdf(key, seed, rounds) == naive_aes_kdf(key, seed, rounds)


def test_aes_kdf_crosses_chunk_boundaries() -> None:
    """Round counts larger than one CBC chunk still equal the naive loop."""
    key, seed = os.urandom(32), os.urandom(32)
    rounds = 65_536 + 7
    assert keys.aes_kdf(key, seed, rounds) == naive_aes_kdf(key, seed, rounds)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("keyfile-v1.key", bytes(range(32))),
        ("keyfile-v2.keyx", bytes(range(32))),
        ("keyfile-binary.key", bytes(range(32))),
        ("keyfile-hex.key", bytes(range(32))),
    ],
)
def test_key_file_formats(name: str, expected: bytes) -> None:
    """XML v1 (base64), XML v2 (hex + hash), 32 raw bytes and 64 hex chars give the raw key."""
    assert keys.key_file_key(HERE / name) == expected


def test_any_other_key_file_is_hashed(tmp_path: Path) -> None:
    """A key file of another shape (here: a text file) stands for its SHA-256."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"not a key file format" * 100)
    assert keys.key_file_key(path) == hashlib.sha256(path.read_bytes()).digest()


def test_xml_that_is_not_a_keyfile_is_hashed(tmp_path: Path) -> None:
    """An XML document whose root is not <KeyFile> is hashed like any other file."""
    path = tmp_path / "other.xml"
    path.write_bytes(b"<?xml version='1.0'?><Other><Data>x</Data></Other>")
    assert keys.key_file_key(path) == hashlib.sha256(path.read_bytes()).digest()


def test_v2_key_file_with_wrong_hash_is_refused(tmp_path: Path) -> None:
    """A v2 key file whose data does not match its Hash attribute is reported as damaged."""
    path = tmp_path / "bad.keyx"
    path.write_bytes(key_file_xml_v2(bytes(range(32)), hash_hex="DEADBEEF"))
    with pytest.raises(MalformedExport, match="Hash"):
        keys.key_file_key(path)


def test_v1_key_file_with_bad_base64_is_refused(tmp_path: Path) -> None:
    """A v1 key file whose data is not base64 names the element."""
    path = tmp_path / "bad.key"
    path.write_bytes(key_file_xml_v1(bytes(32)).replace(b"AAAA", b"!!!!", 1))
    with pytest.raises(MalformedExport, match="Key/Data"):
        keys.key_file_key(path)


def test_missing_key_file_is_invalid_input(tmp_path: Path) -> None:
    """A key file that cannot be read is a bad argument, named in the message."""
    with pytest.raises(InvalidInput, match=r"missing\.key"):
        keys.key_file_key(tmp_path / "missing.key")


@given(st.one_of(st.none(), st.text(max_size=20)), st.booleans())
def test_composite_key_matches_the_independent_writer(password: str | None, with_key: bool) -> None:
    """The reader's composite key equals the writer's for every password / key-file mix."""
    key_path = HERE / "keyfile-binary.key"
    if password is None and not with_key:
        with pytest.raises(PasswordRequired):
            keys.composite_key(None, None, Path("db.kdbx"))
        return
    expected = composite_key(password, bytes(range(32)) if with_key else None)
    got = keys.composite_key(password, key_path if with_key else None, Path("db.kdbx"))
    assert got == expected


def _argon2_params(**overrides: int) -> dict[str, int | bool | str | bytes]:
    spec = KdfSpec()
    params: dict[str, int | bool | str | bytes] = {
        "$UUID": ARGON2ID,
        "S": bytes(32),
        "M": spec.memory,
        "I": spec.iterations,
        "P": spec.parallelism,
        "V": 0x13,
    }
    params.update(overrides)
    return params


@pytest.mark.parametrize(
    ("overrides", "limit"),
    [
        ({"M": 5 * 2**30}, "MAX_ARGON2_MEMORY"),
        ({"I": 100_001}, "MAX_ARGON2_ITERATIONS"),
        ({"P": 1000}, "MAX_ARGON2_PARALLELISM"),
        ({"M": 2**30, "I": 300}, "MAX_ARGON2_WORK"),
    ],
)
def test_argon2_bombs_are_refused_before_deriving(overrides: dict[str, int], limit: str) -> None:
    """Absurd Argon2 parameters are refused, naming the limit, without running Argon2."""
    with pytest.raises(UnsupportedFormat, match=limit):
        keys.transform_key(bytes(32), _argon2_params(**overrides), Path("db.kdbx"))


def test_aes_kdf_bomb_is_refused() -> None:
    """AES-KDF rounds above the bound are refused, naming the limit."""
    params: dict[str, int | bool | str | bytes] = {
        "$UUID": AES_KDF_UUID,
        "S": bytes(32),
        "R": 10**12,
    }
    with pytest.raises(UnsupportedFormat, match="MAX_AES_KDF_ROUNDS"):
        keys.transform_key(bytes(32), params, Path("db.kdbx"))


@pytest.mark.parametrize(
    "overrides",
    [{"I": 0}, {"P": 0}, {"M": 1024}, {"V": 0x12}, {"S": b"short"}, {"M": "text"}],
)
def test_invalid_argon2_parameters_are_malformed(overrides: dict[str, object]) -> None:
    """Argon2 parameters Argon2 would reject give a MalformedExport naming them."""
    params = _argon2_params()
    params.update(overrides)  # type: ignore[arg-type]
    with pytest.raises(MalformedExport):
        keys.transform_key(bytes(32), params, Path("db.kdbx"))


def test_unknown_kdf_is_unsupported() -> None:
    """A KDF UUID that is neither AES-KDF nor Argon2 is an unsupported variant."""
    with pytest.raises(UnsupportedFormat, match="key derivation"):
        keys.transform_key(bytes(32), {"$UUID": bytes(16)}, Path("db.kdbx"))


def _entry(kind: int, name: str, value: bytes) -> bytes:
    encoded = name.encode()
    return struct.pack("<BI", kind, len(encoded)) + encoded + struct.pack("<I", len(value)) + value


def test_variant_dictionary_reads_every_type() -> None:
    """UInt32/64, Bool, Int32/64, String and ByteArray values come back typed."""
    data = (
        struct.pack("<H", 0x0100)
        + b"".join(
            [
                _entry(0x04, "u32", struct.pack("<I", 7)),
                _entry(0x05, "u64", struct.pack("<Q", 2**40)),
                _entry(0x08, "b", b"\x01"),
                _entry(0x0C, "i32", struct.pack("<i", -5)),
                _entry(0x0D, "i64", struct.pack("<q", -(2**40))),
                _entry(0x18, "s", "héllo".encode()),
                _entry(0x42, "raw", b"\x00\xff"),
            ]
        )
        + b"\x00"
    )
    assert parse_variant_dictionary(data, Path("x"), "KDF") == {
        "u32": 7, "u64": 2**40, "b": True, "i32": -5, "i64": -(2**40), "s": "héllo",
        "raw": b"\x00\xff",
    }  # fmt: skip


@given(st.binary(max_size=200))
def test_variant_dictionary_fuzz(data: bytes) -> None:
    """Arbitrary bytes never raise anything but a PwhygieneError."""
    with contextlib.suppress(PwhygieneError):
        parse_variant_dictionary(b"\x00\x01" + data, Path("x"), "KDF")


@pytest.mark.parametrize("kdf_uuid", [AES_KDF_UUID, keys.AES_KDF_KDBX4_UUID])
def test_both_aes_kdf_uuids_derive_the_same_key(kdf_uuid: bytes) -> None:
    """KeePass's AES-KDF UUID and KeePassXC's KDBX 4 alias both run AES-KDF."""
    seed = bytes(range(32))
    params: dict[str, int | bool | str | bytes] = {"$UUID": kdf_uuid, "S": seed, "R": 1234}
    expected = naive_aes_kdf(bytes(32), seed, 1234)
    assert keys.transform_key(bytes(32), params, Path("db.kdbx")) == expected
