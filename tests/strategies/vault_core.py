"""Strategies and small writers for the core vault formats (Bitwarden, 1Password, ...).

The writers are the inverse of the readers, written independently from the format
descriptions (the encryptor uses hashlib/hmac directly, not the reader's helpers), so a
round-trip test checks the reader against the format rather than against itself.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import html
import io
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import strategies as st

# Text that survives every format: no NUL, no lone surrogates, no CR (CSV writers normalise
# line ends in notes only) and no leading/trailing blanks in single-line fields.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
single_line = st.text(_ALPHABET, min_size=1, max_size=24).map(str.strip).filter(bool)
passwords = st.text(_ALPHABET, min_size=4, max_size=32).filter(lambda s: s.strip() == s and s)
_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
urls = st.builds(
    "https://h{}.example/{}".format,
    st.text(_LOWER + "-", max_size=10),
    st.text(_LOWER, max_size=8),
)
moments = st.datetimes(
    min_value=datetime(2005, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


@dataclass(frozen=True)
class Login:
    """A generated login as a writer needs it; the password is kept out of repr."""

    title: str
    username: str
    password: str = field(repr=False)
    urls: tuple[str, ...]
    folder: str | None
    totp: bool
    notes: str
    created: datetime
    changed: datetime
    history: tuple[tuple[str, datetime], ...] = field(repr=False)
    trashed: bool
    passkey: bool = False


@st.composite
def logins(draw: st.DrawFn) -> Login:
    """One login with every field a format may carry."""
    created = draw(moments)
    return Login(
        title=draw(single_line),
        username=draw(single_line),
        password=draw(passwords),
        urls=tuple(draw(st.lists(urls, max_size=3, unique=True))),
        folder=draw(st.none() | single_line.filter(lambda s: "," not in s and "\\" not in s)),
        totp=draw(st.booleans()),
        notes=draw(st.sampled_from(["", "one line", 'two\nlines, with "quotes"'])),
        created=created,
        changed=created + timedelta(days=draw(st.integers(0, 3000))),
        history=tuple(draw(st.lists(st.tuples(passwords, moments), max_size=3))),
        trashed=draw(st.booleans()),
        passkey=draw(st.booleans()),
    )


login_lists = st.lists(logins(), min_size=1, max_size=6)


def iso(at: datetime) -> str:
    """Bitwarden's timestamp style: ISO 8601 with milliseconds and ``Z``."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def csv_text(header: list[str], rows: list[list[str]], *, line_end: str = "\r\n") -> str:
    """A CSV document as exporters write it (minimal quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


# A stand-in for a passkey's private key (base64 PKCS#8 in real exports), marked so a leak
# test can look for it in every output.
PASSKEY_PRIVATE_KEY = "S3cr3t-passkey-MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"


# --- Bitwarden ------------------------------------------------------------------------------


def bitwarden_passkey(rp_id: str, user: str, at: datetime) -> dict[str, object]:
    """One ``login.fido2Credentials`` entry as Bitwarden's JSON export writes it.

    Shape from Bitwarden's export models (``Fido2CredentialExport``): every value a string,
    the private key in ``keyValue``.
    """
    return {
        "credentialId": "6d3a8e2b-4f1c-4e8a-9b7d-2c5e0f1a3b4c",
        "keyType": "public-key",
        "keyAlgorithm": "ECDSA",
        "keyCurve": "P-256",
        "keyValue": PASSKEY_PRIVATE_KEY,
        "rpId": rp_id,
        "userHandle": "dXNlci1oYW5kbGU",
        "userName": user,
        "counter": "0",
        "rpName": rp_id,
        "userDisplayName": user,
        "discoverable": "true",
        "creationDate": iso(at),
    }


def bitwarden_json(items: list[Login]) -> dict[str, object]:
    """An unencrypted Bitwarden JSON export of ``items`` (folders created as needed)."""
    folders = sorted({i.folder for i in items if i.folder})
    folder_ids = {name: f"fold-{n}" for n, name in enumerate(folders)}
    return {
        "encrypted": False,
        "folders": [{"id": folder_ids[f], "name": f} for f in folders],
        "items": [
            {
                "passwordHistory": [
                    {"lastUsedDate": iso(at), "password": pw} for pw, at in i.history
                ]
                or None,
                "revisionDate": iso(i.changed),
                "creationDate": iso(i.created),
                "deletedDate": iso(i.changed) if i.trashed else None,
                "id": f"item-{n}",
                "organizationId": None,
                "folderId": folder_ids.get(i.folder or ""),
                "type": 1,
                "reprompt": 0,
                "name": i.title,
                "notes": i.notes or None,
                "favorite": False,
                "login": {
                    "uris": [{"match": None, "uri": u} for u in i.urls],
                    "username": i.username,
                    "password": i.password,
                    "totp": "JBSWY3DPEHPK3PXP" if i.totp else None,
                    "passwordRevisionDate": iso(i.changed),
                    "fido2Credentials": [bitwarden_passkey("example.com", i.username, i.created)]
                    if i.passkey
                    else [],
                },
                "collectionIds": None,
            }
            for n, i in enumerate(items)
        ],
    }


BITWARDEN_CSV_HEADER = [
    "folder", "favorite", "type", "name", "notes", "fields", "reprompt",
    "login_uri", "login_username", "login_password", "login_totp",
]  # fmt: skip


def bitwarden_csv(items: list[Login]) -> str:
    """A Bitwarden individual CSV export of ``items``."""
    rows = [
        [i.folder or "", "", "login", i.title, i.notes, "", "0", ",".join(i.urls),
         i.username, i.password, "JBSWY3DPEHPK3PXP" if i.totp else ""]
        for i in items
    ]  # fmt: skip
    return csv_text(BITWARDEN_CSV_HEADER, rows)


def _hkdf_expand(prk: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-Expand for one 32-byte block, written out independently of the reader."""
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def bitwarden_key(password: str, salt: str, kdf: dict[str, int | None]) -> tuple[bytes, bytes]:
    """(enc key, mac key) for an export password, as Bitwarden derives them."""
    iterations = kdf["kdfIterations"]
    assert isinstance(iterations, int)
    if kdf["kdfType"] == 0:
        master = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations, 32)
    else:
        memory, lanes = kdf["kdfMemory"], kdf["kdfParallelism"]
        assert isinstance(memory, int)
        assert isinstance(lanes, int)
        master = hash_secret_raw(
            password.encode(),
            hashlib.sha256(salt.encode()).digest(),
            time_cost=iterations,
            memory_cost=memory * 1024,
            parallelism=lanes,
            hash_len=32,
            type=Type.ID,
        )
    return _hkdf_expand(master, b"enc"), _hkdf_expand(master, b"mac")


def encstring(plain: bytes, enc_key: bytes, mac_key: bytes, iv: bytes | None = None) -> str:
    """A type-2 EncString: AES-256-CBC/PKCS#7, HMAC-SHA256 over iv||ct."""
    iv = iv or os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    ct = encryptor.update(padded) + encryptor.finalize()
    mac = hmac.new(mac_key, iv + ct, hashlib.sha256).digest()
    b64 = base64.b64encode
    return f"2.{b64(iv).decode()}|{b64(ct).decode()}|{b64(mac).decode()}"


PBKDF2_FAST: dict[str, int | None] = {
    "kdfType": 0, "kdfIterations": 5000, "kdfMemory": None, "kdfParallelism": None,
}  # fmt: skip
ARGON2_FAST: dict[str, int | None] = {
    "kdfType": 1, "kdfIterations": 2, "kdfMemory": 16, "kdfParallelism": 1,
}  # fmt: skip


def bitwarden_encrypted(
    inner: dict[str, object],
    password: str,
    kdf: dict[str, int | None] = PBKDF2_FAST,
    salt: str | None = None,
) -> dict[str, object]:
    """A password-protected encrypted export wrapping the plain export ``inner``."""
    salt = salt or base64.b64encode(os.urandom(16)).decode()
    enc_key, mac_key = bitwarden_key(password, salt, kdf)
    return {
        "encrypted": True,
        "passwordProtected": True,
        "salt": salt,
        **kdf,
        "encKeyValidation_DO_NOT_EDIT": encstring(os.urandom(18).hex().encode(), enc_key, mac_key),
        "data": encstring(json.dumps(inner).encode(), enc_key, mac_key),
    }


# --- hostile input --------------------------------------------------------------------------


_INSERTS = (b'"', b",", b"\n", b"\r", b"{", b"\x00", b"\xff")


@st.composite
def mutations(draw: st.DrawFn, valid: bytes, inserts: Sequence[bytes] = _INSERTS) -> bytes:
    """``valid`` with a few bytes flipped, cut, duplicated, inserted (``inserts``) or truncated."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif action == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 16))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(inserts))
        else:
            del data[at:]
    return bytes(data)


marked_passwords = passwords.map(lambda p: "PW\u2603" + p)
"""Passwords with a marker no message could contain by accident, for leak tests."""


# --- 1Password, LastPass, browsers ---------------------------------------------------------


def onepux(items: list[Login], vault: str = "Personal") -> bytes:
    """A 1PUX archive (zip bytes) holding ``items`` in one vault."""
    data = {
        "accounts": [
            {
                "attrs": {"name": "test", "uuid": "ACC"},
                "vaults": [
                    {
                        "attrs": {"uuid": "V", "name": vault, "type": "P"},
                        "items": [
                            {
                                "uuid": f"uuid-{n}",
                                "createdAt": int(i.created.timestamp()),
                                "updatedAt": int(i.changed.timestamp()),
                                "state": "archived" if i.trashed else "active",
                                "categoryUuid": "001",
                                "details": {
                                    "loginFields": [
                                        {"value": i.username, "designation": "username"},
                                        {"value": i.password, "designation": "password"},
                                    ],
                                    "notesPlain": i.notes,
                                    "sections": [
                                        {"fields": [{"value": {"totp": "otpauth://totp/x"}}]}
                                    ]
                                    if i.totp
                                    else [],
                                    "passwordHistory": [
                                        {"value": pw, "time": int(at.timestamp())}
                                        for pw, at in i.history
                                    ],
                                },
                                "overview": {
                                    "title": i.title,
                                    "url": i.urls[0] if i.urls else "",
                                    "urls": [{"label": "", "url": u} for u in i.urls],
                                },
                            }
                            for n, i in enumerate(items)
                        ],
                    }
                ],
            }
        ]
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.attributes", json.dumps({"version": 3}))
        zf.writestr("export.data", json.dumps(data))
    return buf.getvalue()


def onepassword_csv(items: list[Login]) -> str:
    """A 1Password 8 CSV export of ``items`` (first URL only, as 1Password writes)."""
    header = ["Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags",
              "Notes"]  # fmt: skip
    rows = [
        [i.title, i.urls[0] if i.urls else "", i.username, i.password,
         "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP" if i.totp else "", "false",
         "true" if i.trashed else "false", "", i.notes]
        for i in items
    ]  # fmt: skip
    return csv_text(header, rows, line_end="\n")


def lastpass_csv(items: list[Login], *, escape: bool = False) -> str:
    """A LastPass CSV export; ``escape`` HTML-escapes every field as the web vault does."""

    def cell(value: str) -> str:
        return html.escape(value) if escape else value

    header = ["url", "username", "password", "totp", "extra", "name", "grouping", "fav"]
    rows = [
        [cell(i.urls[0] if i.urls else "http://"), cell(i.username), cell(i.password),
         "JBSWY3DPEHPK3PXP" if i.totp else "", cell(i.notes), cell(i.title),
         cell((i.folder or "").replace("/", "\\")), "0"]
        for i in items
    ]  # fmt: skip
    return csv_text(header, rows)


def chrome_csv(items: list[Login], *, note: bool) -> str:
    """A Chromium CSV export (4 columns, or 5 with ``note``)."""
    header = ["name", "url", "username", "password", *(["note"] if note else [])]
    rows = [
        [i.title, i.urls[0] if i.urls else "", i.username, i.password,
         *([i.notes] if note else [])]
        for i in items
    ]  # fmt: skip
    return csv_text(header, rows)


FIREFOX_HEADER = ["url", "username", "password", "httpRealm", "formActionOrigin", "guid",
                  "timeCreated", "timeLastUsed", "timePasswordChanged"]  # fmt: skip


def firefox_csv(items: list[Login]) -> str:
    """A Firefox CSV export (epoch-millisecond times, every field quoted, CR LF)."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(FIREFOX_HEADER)
    for n, i in enumerate(items):
        ms = [str(_epoch_ms(t)) for t in (i.created, i.changed, i.changed)]
        writer.writerow([i.urls[0] if i.urls else "", i.username, i.password, "", "",
                         f"{{guid-{n}}}", *ms])  # fmt: skip
    return buf.getvalue()


def safari_csv(items: list[Login]) -> str:
    """A Safari / Apple Passwords CSV export."""
    header = ["Title", "URL", "Username", "Password", "Notes", "OTPAuth"]
    rows = [
        [i.title, i.urls[0] if i.urls else "", i.username, i.password, i.notes,
         "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP" if i.totp else ""]
        for i in items
    ]  # fmt: skip
    return csv_text(header, rows)


def write_file(factory: object, name: str, data: bytes | str) -> Path:
    """Write ``data`` to a fresh temporary directory (hypothesis-safe: no function fixture)."""
    path: Path = factory.mktemp("vault") / name  # type: ignore[attr-defined]
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_with_one_value_replaced(draw: st.DrawFn, document: object) -> object:
    """``document`` (parsed JSON) with one value somewhere swapped for an arbitrary JSON value."""
    doc = json.loads(json.dumps(document))
    node = doc
    while True:
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
        else:
            return draw(json_values)
        child = node[key]
        if not isinstance(child, dict | list) or not child or draw(st.booleans()):
            node[key] = draw(json_values)
            return doc
        node = child


def _epoch_ms(at: datetime) -> int:
    """Unix time in ms by integer arithmetic (``timestamp() * 1000`` can be off by one)."""
    return (at - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)
