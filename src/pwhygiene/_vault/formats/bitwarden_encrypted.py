"""Bitwarden's password-protected encrypted JSON export, decrypted in memory.

The export password is stretched with PBKDF2-SHA256 or Argon2id into a 32-byte key, which
HKDF-Expand splits into an AES-256 key ("enc") and an HMAC-SHA256 key ("mac"). Each encrypted
value is an *EncString* ``2.iv|ciphertext|mac`` (AES-256-CBC, MAC over iv||ciphertext). We check
the MAC of ``encKeyValidation_DO_NOT_EDIT`` to tell a wrong password apart, and the MAC of
``data`` too, so a tampered file is refused instead of half-decrypted.

KDF parameters come from the file, so they are checked against Bitwarden's own bounds before
any work is done: a crafted export cannot make us spend hours or gigabytes deriving a key.
The account-restricted variant is encrypted with the account's key, which never leaves
Bitwarden's servers; it cannot be opened offline and is refused with re-export instructions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from pwhygiene._vault.formats.bitwarden import vault_from_json
from pwhygiene._vault.io import get, has_lone_surrogate, load_json, opt
from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register
from pwhygiene.exceptions import (
    InvalidInput,
    MalformedExport,
    PasswordRequired,
    UnsupportedFormat,
    WrongPassword,
)

NAME = "bitwarden-encrypted-json"
KDF_PBKDF2 = 0
KDF_ARGON2ID = 1
# Bitwarden's accepted ranges (libs/common kdf-config: PBKDF2 prelogin minimum 5,000 for old
# accounts, maximum 2,000,000; Argon2id iterations 2..10, memory 16..1024 MiB, parallelism 1..16).
PBKDF2_ITERATIONS = range(5_000, 2_000_001)
ARGON2_ITERATIONS = range(2, 11)
ARGON2_MEMORY_MIB = range(16, 1025)
ARGON2_PARALLELISM = range(1, 17)

RESTRICTED_HELP = (
    "it is an account-restricted encrypted Bitwarden export, encrypted with your account key, "
    "which only Bitwarden's servers can release; it cannot be opened offline. Re-export it in "
    "Bitwarden with File > Export vault > File type: .json (Encrypted) > Export type: Password "
    "protected (then pass that password), or export as plain .json"
)
_ENCRYPTED_JSON = re.compile(r'\A\s*\{\s*"encrypted"\s*:\s*true')


@dataclass(frozen=True, slots=True)
class KdfParams:
    """How the export password is stretched, as validated from the file."""

    kind: int
    iterations: int
    memory_mib: int | None = None
    parallelism: int | None = None


@dataclass(frozen=True, slots=True)
class SymmetricKey:
    """The AES and HMAC keys derived from the export password; never shown."""

    enc: bytes = field(repr=False)
    mac: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class EncString:
    """A parsed type-2 EncString (AES-256-CBC with HMAC-SHA256)."""

    iv: bytes
    ciphertext: bytes = field(repr=False)
    mac: bytes


def _in(value: int, bounds: range, path: Path, field_name: str, what: str) -> int:
    if value not in bounds:
        raise MalformedExport(
            path,
            f"$.{field_name}",
            f"{what} between {bounds.start:,} and {bounds.stop - 1:,} (Bitwarden's own bounds; "
            "a value outside them is refused before any key derivation)",
        )
    return value


def kdf_params(data: Mapping[str, object], path: Path) -> KdfParams:
    """The KDF settings of an export, refused when outside what Bitwarden itself allows."""
    kind = get(data, "kdfType", int, path, "$")
    iterations = get(data, "kdfIterations", int, path, "$")
    if kind == KDF_PBKDF2:
        _in(iterations, PBKDF2_ITERATIONS, path, "kdfIterations", "PBKDF2 iterations")
        return KdfParams(KDF_PBKDF2, iterations)
    if kind == KDF_ARGON2ID:
        _in(iterations, ARGON2_ITERATIONS, path, "kdfIterations", "Argon2id iterations")
        memory = get(data, "kdfMemory", int, path, "$")
        _in(memory, ARGON2_MEMORY_MIB, path, "kdfMemory", "Argon2id memory in MiB")
        lanes = get(data, "kdfParallelism", int, path, "$")
        _in(lanes, ARGON2_PARALLELISM, path, "kdfParallelism", "Argon2id parallelism")
        return KdfParams(KDF_ARGON2ID, iterations, memory, lanes)
    raise MalformedExport(path, "$.kdfType", "0 (PBKDF2-SHA256) or 1 (Argon2id)")


def master_key(password: str, salt: str, params: KdfParams) -> bytes:
    """The 32-byte key Bitwarden derives from the export password and the file's salt.

    ``surrogatepass``: a password with a lone surrogate (which Bitwarden cannot have written)
    then simply fails as a wrong password, instead of raising a ``UnicodeEncodeError`` whose
    ``args`` hold the password.
    """
    secret = password.encode("utf-8", "surrogatepass")
    if params.kind == KDF_PBKDF2:
        kdf = PBKDF2HMAC(hashes.SHA256(), 32, salt.encode("utf-8"), params.iterations)
        return kdf.derive(secret)
    if params.memory_mib is None or params.parallelism is None:
        raise InvalidInput("Argon2id parameters need memory and parallelism")
    return hash_secret_raw(
        secret,
        hashlib.sha256(salt.encode("utf-8")).digest(),
        time_cost=params.iterations,
        memory_cost=params.memory_mib * 1024,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def stretch(key: bytes) -> SymmetricKey:
    """Split the master key into encryption and MAC keys with HKDF-Expand, as Bitwarden does."""
    return SymmetricKey(
        enc=HKDFExpand(hashes.SHA256(), 32, b"enc").derive(key),
        mac=HKDFExpand(hashes.SHA256(), 32, b"mac").derive(key),
    )


def parse_encstring(value: str, path: Path, where: str) -> EncString:
    """``2.iv|ct|mac`` (base64 parts) checked for type and sizes."""
    kind, _, rest = value.partition(".")
    parts = rest.split("|")
    if kind != "2" or len(parts) != 3:
        raise MalformedExport(path, where, "an EncString of type 2 ('2.iv|data|mac')")
    try:
        iv, ct, mac = (base64.b64decode(p, validate=True) for p in parts)
    except (binascii.Error, ValueError):
        raise MalformedExport(path, where, "base64 parts in the EncString") from None
    if len(iv) != 16 or len(mac) != 32 or not ct or len(ct) % 16:
        raise MalformedExport(path, where, "a 16-byte IV, whole AES blocks and a 32-byte MAC")
    return EncString(iv, ct, mac)


def authentic(enc: EncString, key: SymmetricKey) -> bool:
    """Whether the EncString's MAC matches, compared in constant time."""
    expected = hmac.new(key.mac, enc.iv + enc.ciphertext, hashlib.sha256).digest()
    return hmac.compare_digest(expected, enc.mac)


def decrypt(enc: EncString, key: SymmetricKey, path: Path, where: str) -> bytes:
    """AES-256-CBC decryption of an already authenticated EncString."""
    decryptor = Cipher(algorithms.AES(key.enc), modes.CBC(enc.iv)).decryptor()
    padded = decryptor.update(enc.ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise MalformedExport(path, where, "valid PKCS#7 padding after decryption") from None


def read(path: Path, options: ReadOptions) -> Vault:
    """Decrypt a password-protected Bitwarden export in memory and read its items."""
    data = load_json(path)
    if not isinstance(data, Mapping) or data.get("encrypted") is not True:
        raise UnsupportedFormat(f"{path}: not an encrypted Bitwarden export; use bitwarden-json")
    if data.get("passwordProtected") is not True:
        raise UnsupportedFormat(f"{path}: {RESTRICTED_HELP}")
    params = kdf_params(data, path)
    salt = get(data, "salt", str, path, "$")
    if has_lone_surrogate(salt):  # Bitwarden salts are e-mail addresses: UTF-8 encodable
        raise MalformedExport(path, "$.salt", "a salt of Unicode text (no lone surrogates)")
    validation = parse_encstring(
        get(data, "encKeyValidation_DO_NOT_EDIT", str, path, "$"),
        path,
        "$.encKeyValidation_DO_NOT_EDIT",
    )
    payload = parse_encstring(get(data, "data", str, path, "$"), path, "$.data")
    if options.password is None:
        raise PasswordRequired(
            f"{path}: this Bitwarden export is password protected; give its export password "
            "(prompt, --password-file or the PWHYGIENE_PASSWORD environment variable)"
        )
    key = stretch(master_key(options.password, salt, params))
    if not authentic(validation, key):
        raise WrongPassword(f"{path}: the password does not open this Bitwarden export")
    if not authentic(payload, key):
        raise MalformedExport(
            path, "$.data", "data whose MAC matches (the file was altered or truncated)"
        )
    plain = decrypt(payload, key, path, "$.data")
    try:
        text: str | None = plain.decode("utf-8")
    except UnicodeDecodeError:  # its .object is the decrypted export: let it die here
        text = None
    if text is None:
        raise MalformedExport(path, "$.data", "UTF-8 JSON once decrypted")
    inner = load_json(path, text)
    if opt(inner, "encrypted", bool, path, "$.data (decrypted)") is True:
        raise MalformedExport(path, "$.data (decrypted)", "an unencrypted export inside")
    return vault_from_json(inner, path, options, NAME, encrypted=True)


def sniff(sample: Sample) -> Detection:
    """YES for Bitwarden's ``"encrypted": true`` first key or its key-validation field."""
    text = sample.text
    if text is None:
        return Detection.NO
    if _ENCRYPTED_JSON.match(text) or '"encKeyValidation_DO_NOT_EDIT"' in text:
        return Detection.YES
    return Detection.NO


register(
    FormatSpec(
        name=NAME,
        description=(
            "Bitwarden encrypted JSON export, password protected (PBKDF2 or Argon2id); "
            "account-restricted exports are recognised and refused with re-export steps"
        ),
        detection='JSON object whose first key is "encrypted": true, or '
        "an encKeyValidation_DO_NOT_EDIT field",
        sniff=sniff,
        read=read,
        extensions=(".json",),
        encrypted=True,
    )
)
