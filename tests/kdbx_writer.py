"""A small KDBX / KeePass XML / CSV *writer* for tests: the inverse of the readers.

KeePass cannot run here, so fixtures and round-trip tests come from this writer. It is written
from the format description, independently of the reader where that matters: the composite
key, AES-KDF (a plain ECB loop) and Argon2 (argon2-cffi directly) are computed here without
the reader's code. Only the inner-stream keystreams are shared (Salsa20 is pinned to published
vectors in ``test_format_keepass_crypto.py``). Run ``python tests/kdbx_writer.py`` to
regenerate ``tests/fixtures/vault/keepass/``.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import hmac
import io
import os
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from pwhygiene._vault.kdbx.stream import ChaCha20Stream, InnerStream, Salsa20Stream

AES256 = bytes.fromhex("31c1f2e6bf714350be5805216afc5aff")
CHACHA20 = bytes.fromhex("d6038a2b8b6f4cb5a524339a31dbb59a")
TWOFISH = bytes.fromhex("ad68f29f576f4bb9a36ad47af965346c")
AES_KDF = bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")
ARGON2D = bytes.fromhex("ef636ddf8c29444b91f7a9a403e30a0c")
ARGON2ID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")
SIGNATURES = struct.pack("<II", 0x9AA2D903, 0xB54BFB67)
YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone.utc)
Kdf = Literal["argon2id", "argon2d", "aes"]
CipherName = Literal["aes", "chacha20", "twofish"]


@dataclass
class Snapshot:
    """One history version of an entry."""

    password: str
    modified: datetime


# A stand-in for a passkey's private key, marked so a leak test can look for it everywhere.
PASSKEY_PRIVATE_KEY_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "S3cr3t-passkey-MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
    "-----END PRIVATE KEY-----"
)


@dataclass
class Entry:
    """What the writer puts in one ``<Entry>``."""

    title: str
    uuid: bytes = field(default_factory=lambda: os.urandom(16))
    username: str = ""
    password: str = ""
    url: str = ""
    extra_urls: tuple[str, ...] = ()
    notes: str = ""
    otp: str = ""
    otp_key: str = "otp"  # KeePassXC; KeePass 2.47+ writes TimeOtp-Secret-Base32
    passkey: bool = False
    passkey_pem: str = field(default=PASSKEY_PRIVATE_KEY_PEM, repr=False)
    created: datetime = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    modified: datetime = datetime(2021, 6, 7, 8, 9, 10, tzinfo=timezone.utc)
    expires: datetime | None = None
    history: list[Snapshot] = field(default_factory=list)
    quality_check: bool = True
    known_bad: bool = False


@dataclass
class Group:
    """A ``<Group>`` with its entries and subgroups."""

    name: str
    uuid: bytes = field(default_factory=lambda: os.urandom(16))
    entries: list[Entry] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


def _time(at: datetime, binary: bool) -> str:
    if binary:
        seconds = int((at - YEAR_ONE).total_seconds())
        return base64.b64encode(seconds.to_bytes(8, "little", signed=True)).decode()
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _string(parent: ET.Element, key: str, value: str, protect: bool) -> None:
    string = _add(parent, "String")
    _add(string, "Key", key)
    val = _add(string, "Value", value)
    if protect:
        val.set("Protected", "True")


def _passkey_strings(username: str, pem: str) -> list[tuple[str, str, bool]]:
    """KeePassXC's passkey attributes (key, value, protected), as its passkey support writes them.

    KeePassXC's user guide ("Passkeys") and its source name these ``KPEX_PASSKEY_*`` keys; the
    private key (PEM) and the user handle are protected values.
    """
    return [
        ("KPEX_PASSKEY_CREDENTIAL_ID", "Y3JlZGVudGlhbC1pZA", False),
        ("KPEX_PASSKEY_PRIVATE_KEY_PEM", pem, True),
        ("KPEX_PASSKEY_RELYING_PARTY", "example.com", False),
        ("KPEX_PASSKEY_USERNAME", username, False),
        ("KPEX_PASSKEY_USER_HANDLE", "dXNlci1oYW5kbGU", True),
    ]


def _entry(
    parent: ET.Element,
    entry: Entry,
    binary: bool,
    protect: bool,
    *,
    current: bool,
    password: str,
    modified: datetime,
) -> None:
    element = _add(parent, "Entry")
    _add(element, "UUID", base64.b64encode(entry.uuid).decode())
    if not entry.quality_check:
        _add(element, "QualityCheck", "False")
    times = _add(element, "Times")
    _add(times, "CreationTime", _time(entry.created, binary))
    _add(times, "LastModificationTime", _time(modified, binary))
    _add(times, "Expires", "True" if entry.expires else "False")
    _add(times, "ExpiryTime", _time(entry.expires or entry.created, binary))
    _string(element, "Title", entry.title, False)
    _string(element, "UserName", entry.username, False)
    _string(element, "Password", password, protect)
    _string(element, "URL", entry.url, False)
    _string(element, "Notes", entry.notes, False)
    for index, url in enumerate(entry.extra_urls):
        _string(element, "KP2A_URL" if index == 0 else f"KP2A_URL_{index}", url, False)
    if entry.otp:
        _string(element, entry.otp_key, entry.otp, protect)
    if entry.passkey:
        for key, value, secret in _passkey_strings(entry.username or "user", entry.passkey_pem):
            _string(element, key, value, protect and secret)
    if entry.known_bad:
        item = _add(_add(element, "CustomData"), "Item")
        _add(item, "Key", "KnownBad")
        _add(item, "Value", "true")
    if current and entry.history:
        history = _add(element, "History")
        for snap in entry.history:
            _entry(
                history,
                entry,
                binary,
                protect,
                current=False,
                password=snap.password,
                modified=snap.modified,
            )


def _group(parent: ET.Element, group: Group, binary: bool, protect: bool) -> None:
    element = _add(parent, "Group")
    _add(element, "UUID", base64.b64encode(group.uuid).decode())
    _add(element, "Name", group.name)
    for entry in group.entries:
        _entry(
            element,
            entry,
            binary,
            protect,
            current=True,
            password=entry.password,
            modified=entry.modified,
        )
    for child in group.groups:
        _group(element, child, binary, protect)


def build_xml(
    root: Group,
    *,
    binary_times: bool,
    stream: InnerStream | None = None,
    recycle_bin: bytes | None = None,
    header_hash: bytes | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """The ``<KeePassFile>`` document; with ``stream``, protected values are XORed in order."""
    doc = ET.Element("KeePassFile")
    meta = _add(doc, "Meta")
    _add(meta, "Generator", "pwhygiene-tests")
    if header_hash is not None:
        _add(meta, "HeaderHash", base64.b64encode(header_hash).decode())
    _add(meta, "RecycleBinEnabled", "True")
    _add(meta, "RecycleBinUUID", base64.b64encode(recycle_bin or bytes(16)).decode())
    if attachment is not None and stream is not None:  # a KDBX 3.1-style protected binary pool
        pool = _add(_add(meta, "Binaries"), "Binary", base64.b64encode(attachment).decode())
        pool.set("ID", "0")
        pool.set("Protected", "True")
    _group(_add(doc, "Root"), root, binary_times, True)
    if stream is None:  # the XML export marks, but does not encrypt, protected values
        for element in doc.iter("Value"):
            if element.attrib.pop("Protected", None):
                element.set("ProtectInMemory", "True")
        ET.indent(doc, space="\t")
    else:
        for element in doc.iter():  # ElementTree.iter is document (pre-)order
            if element.get("Protected") == "True":
                raw = (
                    (element.text or "").encode()
                    if element.tag == "Value"
                    else base64.b64decode(element.text or "")
                )
                element.text = base64.b64encode(stream.xor(raw)).decode()
    body: bytes = ET.tostring(doc, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body


def composite_key(password: str | None, key_file_key: bytes | None) -> bytes:
    """SHA-256 over SHA-256(password) and the key-file key, computed independently."""
    parts = b""
    if password is not None:
        parts += hashlib.sha256(password.encode("utf-8")).digest()
    if key_file_key is not None:
        parts += key_file_key
    return hashlib.sha256(parts).digest()


def naive_aes_kdf(key: bytes, seed: bytes, rounds: int) -> bytes:
    """AES-KDF the slow, obvious way: ECB, block by block, ``rounds`` times."""
    encryptor = Cipher(algorithms.AES(seed), modes.ECB()).encryptor()
    for _ in range(rounds):
        key = encryptor.update(key)
    return hashlib.sha256(key).digest()


def _variant(entries: Sequence[tuple[int, str, bytes]]) -> bytes:
    out = struct.pack("<H", 0x0100)
    for kind, name, value in entries:
        out += (
            struct.pack("<BI", kind, len(name))
            + name.encode()
            + struct.pack("<I", len(value))
            + value
        )
    return out + b"\x00"


@dataclass
class KdfSpec:
    """KDF choice and cost; defaults are the cheapest our bounds accept."""

    kind: Kdf = "argon2id"
    memory: int = 64 * 1024
    iterations: int = 2
    parallelism: int = 2
    rounds: int = 1000
    version: int = 0x13


def _kdf4(spec: KdfSpec, salt: bytes) -> bytes:
    if spec.kind == "aes":
        return _variant(
            [
                (0x42, "$UUID", AES_KDF),
                (0x05, "R", spec.rounds.to_bytes(8, "little")),
                (0x42, "S", salt),
            ]
        )
    return _variant([
        (0x42, "$UUID", ARGON2ID if spec.kind == "argon2id" else ARGON2D),
        (0x42, "S", salt),
        (0x04, "P", spec.parallelism.to_bytes(4, "little")),
        (0x05, "M", spec.memory.to_bytes(8, "little")),
        (0x05, "I", spec.iterations.to_bytes(8, "little")),
        (0x04, "V", spec.version.to_bytes(4, "little")),
    ])  # fmt: skip


def _transform(composite: bytes, spec: KdfSpec, salt: bytes) -> bytes:
    if spec.kind == "aes":
        return naive_aes_kdf(composite, salt, spec.rounds)
    return hash_secret_raw(
        composite, salt, spec.iterations, spec.memory // 1024, spec.parallelism, 32,
        Type.ID if spec.kind == "argon2id" else Type.D, spec.version,
    )  # fmt: skip


def _encrypt(cipher: CipherName, key: bytes, iv: bytes, data: bytes) -> bytes:
    if cipher == "chacha20":
        return Cipher(algorithms.ChaCha20(key, b"\x00" * 4 + iv), None).encryptor().update(data)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def _field(field_id: int, value: bytes, wide: bool) -> bytes:
    return struct.pack("<BI" if wide else "<BH", field_id, len(value)) + value


def write_kdbx4(
    root: Group,
    *,
    password: str | None = "password",
    key_file_key: bytes | None = None,
    kdf: KdfSpec | None = None,
    cipher: CipherName = "aes",
    compress: bool = True,
    minor: int = 1,
    block_size: int = 1 << 20,
    recycle_bin: bytes | None = None,
    claimed_kdf: KdfSpec | None = None,
) -> bytes:
    """A complete KDBX 4.x file (header, HMACs, HMAC block stream, inner header, XML).

    ``claimed_kdf`` puts other KDF parameters in the header than the ones used (a KDF bomb
    with a valid header SHA-256: the reader must refuse it before deriving anything).
    """
    spec = kdf or KdfSpec()
    seed, salt = os.urandom(32), os.urandom(32)
    iv = os.urandom(12 if cipher == "chacha20" else 16)
    cipher_id = {"aes": AES256, "chacha20": CHACHA20, "twofish": TWOFISH}[cipher]
    header = SIGNATURES + struct.pack("<HH", minor, 4)
    header += _field(2, cipher_id, True) + _field(3, struct.pack("<I", int(compress)), True)
    header += (
        _field(4, seed, True)
        + _field(7, iv, True)
        + _field(11, _kdf4(claimed_kdf or spec, salt), True)
    )
    header += _field(0, b"\r\n\r\n", True)
    transformed = _transform(composite_key(password, key_file_key), spec, salt)
    hmac_base = hashlib.sha512(seed + transformed + b"\x01").digest()

    def block_key(index: int) -> bytes:
        return hashlib.sha512(index.to_bytes(8, "little") + hmac_base).digest()

    stream_key = os.urandom(64)
    digest = hashlib.sha512(stream_key).digest()
    xml = build_xml(
        root,
        binary_times=True,
        stream=ChaCha20Stream(digest[:32], digest[32:44]),
        recycle_bin=recycle_bin,
    )
    inner = _field(1, struct.pack("<I", 3), True) + _field(2, stream_key, True)
    inner += _field(3, b"\x01attachment", True) + _field(0, b"", True)
    payload = inner + xml
    if compress:
        payload = gzip.compress(payload)
    ciphertext = _encrypt(cipher, hashlib.sha256(seed + transformed).digest(), iv, payload)
    out = header + hashlib.sha256(header).digest()
    out += hmac.digest(block_key(2**64 - 1), header, "sha256")
    chunks = [ciphertext[i : i + block_size] for i in range(0, len(ciphertext), block_size)]
    for index, chunk in enumerate([*chunks, b""]):
        size = struct.pack("<i", len(chunk))
        mac = hmac.digest(block_key(index), index.to_bytes(8, "little") + size + chunk, "sha256")
        out += mac + size + chunk
    return out


def write_kdbx3(
    root: Group,
    *,
    password: str | None = "password",
    key_file_key: bytes | None = None,
    rounds: int = 1000,
    compress: bool = True,
    block_size: int = 1 << 20,
    recycle_bin: bytes | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """A complete KDBX 3.1 file (AES-KDF, AES-256, Salsa20 inner stream, hashed blocks)."""
    seed, transform_seed, iv = os.urandom(32), os.urandom(32), os.urandom(16)
    stream_key, start = os.urandom(32), os.urandom(32)
    header = SIGNATURES + struct.pack("<HH", 1, 3)
    for field_id, value in (
        (2, AES256), (3, struct.pack("<I", int(compress))), (4, seed), (5, transform_seed),
        (6, struct.pack("<Q", rounds)), (7, iv), (8, stream_key), (9, start),
        (10, struct.pack("<I", 2)), (0, b"\r\n\r\n"),
    ):  # fmt: skip
        header += _field(field_id, value, False)
    stream = Salsa20Stream(hashlib.sha256(stream_key).digest())
    xml = build_xml(
        root, binary_times=False, stream=stream, recycle_bin=recycle_bin,
        header_hash=hashlib.sha256(header).digest(), attachment=attachment,
    )  # fmt: skip
    data = gzip.compress(xml) if compress else xml
    blocks = b""
    chunks = [data[i : i + block_size] for i in range(0, len(data), block_size)]
    for index, chunk in enumerate(chunks):
        blocks += struct.pack("<I", index) + hashlib.sha256(chunk).digest()
        blocks += struct.pack("<i", len(chunk)) + chunk
    blocks += struct.pack("<I", len(chunks)) + bytes(32) + struct.pack("<i", 0)
    transformed = naive_aes_kdf(composite_key(password, key_file_key), transform_seed, rounds)
    key = hashlib.sha256(seed + transformed).digest()
    return header + _encrypt("aes", key, iv, start + blocks)


def key_file_xml_v1(key: bytes) -> bytes:
    """A KeePass 2.x XML key file, version 1.0 (base64 data)."""
    data = base64.b64encode(key).decode()
    return f'<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>1.00</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data>{data}</Data>\n\t</Key>\n</KeyFile>\n'.encode()  # noqa: E501


def key_file_xml_v2(key: bytes, hash_hex: str | None = None) -> bytes:
    """A KeePass 2.x XML key file, version 2.0 (grouped hex data with a SHA-256 check)."""
    check = hash_hex or hashlib.sha256(key).hexdigest()[:8].upper()
    words = key.hex().upper()
    groups = " ".join(words[i : i + 8] for i in range(0, len(words), 8))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>2.0</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data Hash="{check}">\n\t\t\t{groups}\n\t\t</Data>\n\t</Key>\n</KeyFile>\n'.encode()  # noqa: E501


def write_csv(
    rows: Iterable[Sequence[str]], header: Sequence[str], *, newline: str = "\n"
) -> bytes:
    """A CSV with every cell quoted, as KeePassXC and KeePass write them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_keepass1x_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """KeePass 2's "KeePass CSV (1.x)": every cell quoted, backslash escapes, CRLF, no BOM."""

    def cell(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    header = ["Account", "Login Name", "Password", "Web Site", "Comments"]
    lines = [",".join(cell(c) for c in row) for row in [header, *rows]]
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


if __name__ == "__main__":
    from strategies.vault_keepass import regenerate_fixtures

    regenerate_fixtures(Path(__file__).parent / "fixtures" / "vault" / "keepass")
