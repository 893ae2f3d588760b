"""Bitwarden password-protected encrypted JSON: keys, MACs, KDF bounds, refusals, no leaks."""

from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pwhygiene import PwhygieneError, read_vault
from pwhygiene._vault.formats import bitwarden_encrypted as bwe
from pwhygiene._vault.registry import detect
from pwhygiene.exceptions import MalformedExport, PasswordRequired, UnsupportedFormat, WrongPassword
from strategies.vault_core import (
    ARGON2_FAST,
    PBKDF2_FAST,
    Login,
    bitwarden_encrypted,
    bitwarden_json,
    login_lists,
    marked_passwords,
    mutations,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "bitwarden"
PLAIN = FIXTURES / "individual.json"


def _write(factory: pytest.TempPathFactory, data: object) -> Path:
    path = factory.mktemp("bwe") / "export.json"
    path.write_text(json.dumps(data) if not isinstance(data, bytes | str) else str(data))
    return path


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("encrypted-pbkdf2.json", "fixture-password"),
        ("encrypted-argon2id.json", "fixture-pässword"),
    ],
)
def test_fixture_decrypts_to_the_plain_items(name: str, password: str) -> None:
    """Both KDF fixtures decrypt to exactly the items of the plain export they wrap."""
    vault = read_vault(FIXTURES / name, password=password)
    plain = read_vault(PLAIN)
    assert vault.encrypted is True
    assert vault.source_format == "bitwarden-encrypted-json"
    strip = [(i.id, i.title, i.username, i.password, i.urls, i.kind, i.trashed) for i in plain]
    assert [(i.id, i.title, i.username, i.password, i.urls, i.kind, i.trashed) for i in vault] == (
        strip
    )
    assert [h.password for h in vault.items[0].history] == ["old-Pass-1", "older-Pass-0"]


def test_detected_from_content() -> None:
    """Password-protected and account-restricted exports are both detected as encrypted."""
    assert detect(FIXTURES / "encrypted-pbkdf2.json").name == "bitwarden-encrypted-json"
    assert detect(FIXTURES / "account-restricted.json").name == "bitwarden-encrypted-json"


def test_no_password_asks_for_one() -> None:
    """Without a password the reader raises PasswordRequired, not a decryption error."""
    with pytest.raises(PasswordRequired, match="password protected"):
        read_vault(FIXTURES / "encrypted-pbkdf2.json")


def test_wrong_password() -> None:
    """A wrong password is WrongPassword (a ValueError), distinct from a malformed file."""
    with pytest.raises(WrongPassword) as info:
        read_vault(FIXTURES / "encrypted-pbkdf2.json", password="fixture-passwort")
    assert isinstance(info.value, ValueError)
    assert "fixture-passwort" not in str(info.value)


def test_account_restricted_is_refused_with_reexport_steps() -> None:
    """The account-key export cannot be opened offline and the error says how to re-export."""
    with pytest.raises(UnsupportedFormat, match="Password protected") as info:
        read_vault(FIXTURES / "account-restricted.json", password="anything")
    assert "cannot be opened offline" in str(info.value)


def test_tampered_data_is_malformed_not_wrong_password(tmp_path: Path) -> None:
    """A data payload whose MAC fails is reported as altered even with the right password."""
    export = json.loads((FIXTURES / "encrypted-pbkdf2.json").read_text())
    other = bitwarden_encrypted({"encrypted": False, "items": []}, "another", PBKDF2_FAST)
    export["data"] = other["data"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(export))
    with pytest.raises(MalformedExport, match=r"\$\.data.*MAC"):
        read_vault(path, password="fixture-password")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kdfIterations", 4_999),
        ("kdfIterations", 2_000_001),
        ("kdfIterations", 10**12),
        ("kdfType", 7),
    ],
)
def test_pbkdf2_parameters_outside_bitwarden_bounds_are_refused(
    tmp_path: Path, field: str, value: int
) -> None:
    """PBKDF2 settings Bitwarden would never write are refused before any derivation."""
    export = json.loads((FIXTURES / "encrypted-pbkdf2.json").read_text())
    export[field] = value
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps(export))
    with pytest.raises(MalformedExport, match=rf"\$\.{field}"):
        read_vault(path, password="fixture-password")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kdfIterations", 1),
        ("kdfIterations", 11),
        ("kdfMemory", 15),
        ("kdfMemory", 1025),
        ("kdfMemory", 2**40),
        ("kdfParallelism", 0),
        ("kdfParallelism", 17),
        ("kdfMemory", None),
    ],
)
def test_argon2_parameters_outside_bitwarden_bounds_are_refused(
    tmp_path: Path, field: str, value: int | None
) -> None:
    """An Argon2id KDF bomb (huge memory or passes) is refused instantly with the field."""
    export = json.loads((FIXTURES / "encrypted-argon2id.json").read_text())
    export[field] = value
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps(export))
    with pytest.raises(MalformedExport, match=rf"\$\.{field}"):
        read_vault(path, password="fixture-pässword")


def test_bounds_match_bitwarden() -> None:
    """The accepted ranges are Bitwarden's own (kdf-config in bitwarden/clients)."""
    assert (bwe.PBKDF2_ITERATIONS.start, bwe.PBKDF2_ITERATIONS.stop - 1) == (5_000, 2_000_000)
    assert (bwe.ARGON2_ITERATIONS.start, bwe.ARGON2_ITERATIONS.stop - 1) == (2, 10)
    assert (bwe.ARGON2_MEMORY_MIB.start, bwe.ARGON2_MEMORY_MIB.stop - 1) == (16, 1024)
    assert (bwe.ARGON2_PARALLELISM.start, bwe.ARGON2_PARALLELISM.stop - 1) == (1, 16)


@pytest.mark.parametrize(
    "value",
    ["1.abc|def|ghi", "2.onlyone", "2.!!!|AAAA|AAAA", "2.AAAA|AAAA|AAAA", ""],
)
def test_malformed_encstrings(tmp_path: Path, value: str) -> None:
    """EncStrings of the wrong type, shape, encoding or size name the field."""
    export = json.loads((FIXTURES / "encrypted-pbkdf2.json").read_text())
    export["data"] = value
    path = tmp_path / "e.json"
    path.write_text(json.dumps(export))
    with pytest.raises(MalformedExport, match=r"\$\.data"):
        read_vault(path, password="fixture-password")


def test_reprs_hide_keys() -> None:
    """Derived keys and ciphertexts never appear in a repr."""
    key = bwe.SymmetricKey(enc=b"E" * 32, mac=b"M" * 32)
    assert "EEEE" not in repr(key)
    assert "MMMM" not in repr(key)


@settings(max_examples=10)
@given(items=login_lists, password=marked_passwords)
def test_round_trip_pbkdf2(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], password: str
) -> None:
    """Any vault encrypted with any password decrypts back to the same items, passkeys too."""
    inner = bitwarden_json(items)
    path = _write(tmp_path_factory, bitwarden_encrypted(inner, password))
    vault = read_vault(path, password=password)
    assert [(i.title, i.password, i.urls, i.totp, i.passkey) for i in vault] == [
        (i.title, i.password, i.urls, i.totp, i.passkey) for i in items
    ]
    assert password not in repr(vault)


@settings(max_examples=3)
@given(items=login_lists, password=marked_passwords)
def test_round_trip_argon2id(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], password: str
) -> None:
    """Argon2id exports (16 MiB, 2 passes) decrypt back to the same items."""
    path = _write(
        tmp_path_factory, bitwarden_encrypted(bitwarden_json(items), password, ARGON2_FAST)
    )
    assert [i.password for i in read_vault(path, password=password)] == [i.password for i in items]


@settings(max_examples=10)
@given(password=marked_passwords, wrong=marked_passwords)
def test_wrong_password_message_never_contains_either_password(
    tmp_path_factory: pytest.TempPathFactory, password: str, wrong: str
) -> None:
    """The wrong-password error shows neither the real nor the attempted password."""
    if password == wrong:
        return
    inner = bitwarden_json([])
    path = _write(tmp_path_factory, bitwarden_encrypted(inner, password))
    with pytest.raises(WrongPassword) as info:
        read_vault(path, password=wrong)
    assert password not in str(info.value)
    assert wrong not in str(info.value)


@settings(max_examples=25)
@given(st.data())
def test_mutated_exports_raise_only_pwhygiene_errors(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Corrupted encrypted exports fail with library errors only."""
    mutated = data.draw(mutations((FIXTURES / "encrypted-pbkdf2.json").read_bytes()))
    path = tmp_path_factory.mktemp("m") / "x.json"
    path.write_bytes(mutated)
    with contextlib.suppress(PwhygieneError):
        read_vault(path, format="bitwarden-encrypted-json", password="fixture-password")


@settings(max_examples=25)
@given(part=st.sampled_from([0, 1]), data=st.data())
def test_any_tampered_byte_is_malformed_never_wrong_password(
    tmp_path_factory: pytest.TempPathFactory, part: int, data: st.DataObject
) -> None:
    """Any flipped byte of the data IV or ciphertext fails the MAC, even with the right password."""
    export = json.loads((FIXTURES / "encrypted-pbkdf2.json").read_text())
    kind, _, rest = export["data"].partition(".")
    parts = [bytearray(base64.b64decode(p)) for p in rest.split("|")]
    at = data.draw(st.integers(0, len(parts[part]) - 1))
    parts[part][at] ^= data.draw(st.integers(1, 255))
    export["data"] = kind + "." + "|".join(base64.b64encode(p).decode() for p in parts)
    with pytest.raises(MalformedExport, match="MAC"):
        read_vault(_write(tmp_path_factory, export), password="fixture-password")


@settings(max_examples=10)
@given(items=login_lists, secret=marked_passwords)
def test_errors_inside_the_decrypted_export_leak_nothing(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], secret: str
) -> None:
    """A malformed item inside a correctly encrypted export is reported without its values."""
    inner = bitwarden_json(items)
    inner["items"][0]["login"]["password"] = secret  # type: ignore[index]
    inner["items"][0]["revisionDate"] = secret  # type: ignore[index]
    path = _write(tmp_path_factory, bitwarden_encrypted(inner, "pw-for-test"))
    with pytest.raises(MalformedExport, match=r"\$\.items\[0\]") as info:
        read_vault(path, password="pw-for-test")
    assert secret not in str(info.value)
    lenient = read_vault(path, password="pw-for-test", strict=False)
    assert all(secret not in w for w in lenient.warnings)
    assert secret not in repr(lenient)
