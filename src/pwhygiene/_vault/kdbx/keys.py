"""From password and key file to the KDBX transformed key, with bounds on the KDF's cost.

The composite key is SHA-256 over the concatenated component keys (SHA-256 of the UTF-8
password, then the key-file key). The KDF parameters come from the file itself, so they are
attacker-controlled: they are checked against the limits below *before* any work is done, so a
crafted file cannot make the tool spin for hours or allocate terabytes ("KDF bomb").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as SafeET
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException

from pwhygiene._vault.kdbx.header import AES_KDF_UUID, VariantValue
from pwhygiene.exceptions import (
    ExportTooLarge,
    InvalidInput,
    MalformedExport,
    PasswordRequired,
    UnsupportedFormat,
)

AES_KDF_KDBX4_UUID = bytes.fromhex("7c02bb8279a74ac0927d114a00648238")  # KeePassXC's alias
ARGON2D_UUID = bytes.fromhex("ef636ddf8c29444b91f7a9a403e30a0c")
ARGON2ID_UUID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")

#: AES-KDF rounds: KeePass's "1 second" calibration gives ~10^7 on current CPUs; 10^9 is a
#: minute or more here, and beyond that a file is an attack, not a database.
MAX_AES_KDF_ROUNDS = 1_000_000_000
#: Argon2 memory: KeePassXC's settings dialog stops well below 4 GiB.
MAX_ARGON2_MEMORY = 4 * 2**30
#: Argon2 passes: KeePassXC calibrates to a few dozen; 100,000 only makes sense as a bomb.
MAX_ARGON2_ITERATIONS = 100_000
#: Argon2 lanes (threads).
MAX_ARGON2_PARALLELISM = 256
#: Memory x passes, the real cost: 256 GiB-passes is minutes of work even on a fast machine.
MAX_ARGON2_WORK = 256 * 2**30
#: The default bound on the estimated KDF time: KeePass and KeePassXC calibrate to one second
#: by default; a user who chose longer raises it (``max_kdf_seconds``, ``--max-kdf-seconds``).
DEFAULT_MAX_KDF_SECONDS = 10.0
#: Speeds of a fast current machine, so an estimate errs towards *shorter* and only files that
#: are surely slow are refused: AES-KDF rounds per second (AES-NI) and Argon2 bytes filled per
#: second and lane (argon2-cffi's optimised core, memory bound).
AES_KDF_ROUNDS_PER_SECOND = 60_000_000
ARGON2_BYTES_PER_SECOND = 2 * 2**30
_AES_CHUNK_BLOCKS = 65_536  # 1 MiB of zero blocks per CBC call
_KEY_FILE_MAX_READ = 2**20  # XML / hex key files are tiny; larger files are hashed in chunks


def composite_key(password: str | None, key_file: Path | None, path: Path) -> bytes:
    """SHA-256 of the component keys, as KeePass and KeePassXC build it.

    ``None`` means no password component; ``""`` is a real (empty) component, with or without
    a key file (KeePass and KeePassXC both allow an empty password plus a key file). A lone
    surrogate is encoded with ``surrogatepass`` (it then fails as a wrong password) rather than
    raising a ``UnicodeEncodeError`` whose ``args`` hold the password.
    """
    parts: list[bytes] = []
    if password is not None:
        parts.append(hashlib.sha256(password.encode("utf-8", "surrogatepass")).digest())
    if key_file is not None:
        parts.append(key_file_key(key_file))
    if not parts:
        raise PasswordRequired(
            f"{path}: the KeePass database is encrypted; give its password and/or its key file"
        )
    return hashlib.sha256(b"".join(parts)).digest()


def key_file_key(key_file: Path) -> bytes:
    """The 32-byte key a key file stands for: XML v1/v2, 32 raw bytes, 64 hex, else SHA-256."""
    try:
        size = key_file.stat().st_size
        if size > _KEY_FILE_MAX_READ:
            return _hash_file(key_file)
        data = key_file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"key file {key_file}: cannot be read ({exc.strerror})") from exc
    if len(data) == 32:
        return data
    if len(data) == 64:
        try:
            return bytes.fromhex(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        xml_key = _xml_key_file(data, key_file)
        if xml_key is not None:
            return xml_key
    return hashlib.sha256(data).digest()


def _hash_file(key_file: Path) -> bytes:
    digest = hashlib.sha256()
    with key_file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(2**20), b""):
            digest.update(chunk)
    return digest.digest()


def _xml_key_file(data: bytes, key_file: Path) -> bytes | None:
    """The key of a KeePass XML key file, or ``None`` if the XML is not a ``<KeyFile>``."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError, LookupError):
        return None
    if root.tag != "KeyFile":
        return None
    version = (root.findtext("Meta/Version") or "").strip()
    element = root.find("Key/Data")
    if element is None or not version:
        raise MalformedExport(key_file, "KeyFile", "Meta/Version and Key/Data elements")
    text = "".join((element.text or "").split())
    if not version.startswith(("1.", "2.")):
        raise UnsupportedFormat(f"key file {key_file}: unknown XML key file version")
    try:
        key = base64.b64decode(text, validate=True) if version[0] == "1" else bytes.fromhex(text)
    except (binascii.Error, ValueError):
        raise MalformedExport(key_file, "Key/Data", "base64 (v1) or hex (v2) key data") from None
    expected = (element.get("Hash") or "").strip().lower()
    if version[0] == "2" and expected and hashlib.sha256(key).hexdigest()[:8] != expected:
        raise MalformedExport(
            key_file, "Key/Data", "data matching its Hash attribute (damaged key file)"
        )
    if len(key) != 32:
        raise MalformedExport(key_file, "Key/Data", "a 32-byte key")
    return key


def _number(params: dict[str, VariantValue], name: str, path: Path) -> int:
    value = params.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedExport(path, f"KDF parameter {name!r}", "an integer")
    return value


def _salt(params: dict[str, VariantValue], path: Path, minimum: int) -> bytes:
    value = params.get("S")
    if not isinstance(value, bytes) or len(value) < minimum:
        raise MalformedExport(path, "KDF parameter 'S'", f"a salt/seed of {minimum}+ bytes")
    return value


def transform_key(
    composite: bytes,
    params: dict[str, VariantValue],
    path: Path,
    max_seconds: float = DEFAULT_MAX_KDF_SECONDS,
) -> bytes:
    """Run the KDF the header names, after checking its cost against the bounds above."""
    uuid = params.get("$UUID")
    if uuid in (AES_KDF_UUID, AES_KDF_KDBX4_UUID):
        rounds = _number(params, "R", path)
        if not 0 <= rounds <= MAX_AES_KDF_ROUNDS:
            raise UnsupportedFormat(
                f"{path}: AES-KDF rounds exceed the limit of {MAX_AES_KDF_ROUNDS:,} "
                "(MAX_AES_KDF_ROUNDS); lower them in KeePassXC: Database > Database Security"
            )
        seed = _salt(params, path, 32)
        _check_seconds(2 * rounds / AES_KDF_ROUNDS_PER_SECOND, max_seconds, path)
        return aes_kdf(composite, seed[:32], rounds)
    if uuid in (ARGON2D_UUID, ARGON2ID_UUID):
        return _argon2(
            composite, params, path, Type.D if uuid == ARGON2D_UUID else Type.ID, max_seconds
        )
    raise UnsupportedFormat(
        f"{path}: unknown key derivation function; KeePass databases use AES-KDF or Argon2"
    )


def _check_seconds(estimate: float, max_seconds: float, path: Path) -> None:
    """Refuse before starting a KDF whose estimated time is above ``max_seconds``."""
    if estimate > max_seconds:
        needed = int(estimate) + 1
        raise ExportTooLarge(
            f"{path}: opening this database needs about {needed} s of key derivation, more "
            f"than the {max_seconds:g} s allowed; if you trust the file, allow it with "
            f"max_kdf_seconds={needed} (CLI: --max-kdf-seconds {needed})"
        )


def aes_kdf(key: bytes, seed: bytes, rounds: int) -> bytes:
    """AES-KDF: each 16-byte half encrypted ``rounds`` times with AES-256-ECB, then SHA-256.

    Iterated ECB on one block equals CBC over zero blocks with the block as IV (each
    ciphertext block is the next input), so one C call does a million rounds.
    """
    halves = []
    zeros = bytes(16 * min(rounds, _AES_CHUNK_BLOCKS))
    zeros_view = memoryview(zeros)
    out = bytearray(len(zeros) + 15)  # update_into needs block-size slack; reused, no garbage
    for half in (key[:16], key[16:32]):
        encryptor = Cipher(algorithms.AES(seed), modes.CBC(half)).encryptor()
        block, remaining = half, rounds
        while remaining:
            count = min(remaining, _AES_CHUNK_BLOCKS)
            encryptor.update_into(zeros_view[: 16 * count], out)
            block = bytes(out[16 * count - 16 : 16 * count])
            remaining -= count
        halves.append(block)
    return hashlib.sha256(b"".join(halves)).digest()


def _argon2(
    composite: bytes,
    params: dict[str, VariantValue],
    path: Path,
    kind: Type,
    max_seconds: float,
) -> bytes:
    memory = _number(params, "M", path)
    iterations = _number(params, "I", path)
    parallelism = _number(params, "P", path)
    version = _number(params, "V", path)
    problems = [
        f"memory {memory:,} bytes > MAX_ARGON2_MEMORY {MAX_ARGON2_MEMORY:,}"
        if memory > MAX_ARGON2_MEMORY
        else "",
        f"iterations {iterations:,} > MAX_ARGON2_ITERATIONS {MAX_ARGON2_ITERATIONS:,}"
        if iterations > MAX_ARGON2_ITERATIONS
        else "",
        f"parallelism {parallelism} > MAX_ARGON2_PARALLELISM {MAX_ARGON2_PARALLELISM}"
        if parallelism > MAX_ARGON2_PARALLELISM
        else "",
        f"memory x iterations > MAX_ARGON2_WORK {MAX_ARGON2_WORK:,} bytes"
        if memory * iterations > MAX_ARGON2_WORK
        else "",
    ]
    if any(problems):
        limits = "; ".join(p for p in problems if p)
        raise UnsupportedFormat(
            f"{path}: Argon2 parameters exceed pwhygiene's limits ({limits}); lower them in "
            "KeePassXC: Database > Database Security > Encryption Settings"
        )
    if iterations < 1 or parallelism < 1 or memory < 8 * 1024 * parallelism:
        raise MalformedExport(path, "Argon2 parameters", "I >= 1, P >= 1 and M >= 8 KiB x P")
    if version not in (0x10, 0x13):
        raise MalformedExport(path, "KDF parameter 'V'", "Argon2 version 0x10 or 0x13")
    if params.get("K") or params.get("A"):
        raise UnsupportedFormat(f"{path}: Argon2 with a secret key or associated data")
    lanes = min(parallelism, os.cpu_count() or 1)
    _check_seconds(memory * iterations / (ARGON2_BYTES_PER_SECOND * lanes), max_seconds, path)
    try:
        return hash_secret_raw(
            secret=composite,
            salt=_salt(params, path, 8),
            time_cost=iterations,
            memory_cost=memory // 1024,
            parallelism=parallelism,
            hash_len=32,
            type=kind,
            version=version,
        )
    except HashingError as exc:
        raise MalformedExport(path, "Argon2 parameters", "values Argon2 accepts") from exc
