"""Strategies and small writers for Dashlane, NordPass, Proton Pass, Keeper, Enpass, RoboForm.

The writers produce each export the way its application does (column order, quoting, JSON
shape), written from the format descriptions rather than from the readers, so a round trip
checks a reader against the format. Text is hostile on purpose: commas, quotes, line breaks
and non-ASCII in titles, notes and passwords.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import strategies as st

from pwhygiene import VaultItem, read_vault
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_core import mutations as core_mutations

# Anything a user can type, including CR/LF, quotes and commas; not NUL (no exporter writes
# it), not lone surrogates (not UTF-8) and not U+FEFF (a decoder drops it at file start).
_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00\ufeff")
any_text = st.text(_CHARS, max_size=20)
titles = st.text(_CHARS, min_size=1, max_size=20).filter(lambda s: s.strip())
usernames = st.none() | st.text(_CHARS, min_size=1, max_size=16)
passwords = st.text(_CHARS, min_size=1, max_size=24)
urls = st.builds(
    "https://{}.example/{}".format,
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{0,8}", fullmatch=True),
)
_SEGMENT = r"[A-Za-z0-9](?:[A-Za-z0-9 _.\\-]{0,8}[A-Za-z0-9])?"
folders = st.none() | st.from_regex(rf"{_SEGMENT}(?:/{_SEGMENT})?", fullmatch=True)
moments = st.integers(1_000_000_000, 2_000_000_000).map(
    lambda s: datetime.fromtimestamp(s, timezone.utc)
)

MARK = "PW\u2603"
marked_passwords = passwords.map(lambda p: MARK + p)
"""Passwords with a marker no message could contain by accident, for leak tests."""


@dataclass(frozen=True)
class Entry:
    """A generated login as the writers need it; secrets stay out of repr."""

    title: str
    username: str | None
    password: str = field(repr=False)
    urls: tuple[str, ...]
    folder: str | None
    note: str = field(repr=False)
    totp: bool
    created: datetime
    modified: datetime
    changed: datetime
    history: tuple[tuple[str, datetime], ...] = field(repr=False)
    trashed: bool
    passkey: bool = False

    @property
    def expected_username(self) -> str | None:
        """What every reader reports: ``None`` for a blank username."""
        return self.username if self.username and self.username.strip() else None


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """One login with every field these formats can carry."""
    times = sorted(draw(st.lists(moments, min_size=3, max_size=3)))
    return Entry(
        title=draw(titles),
        username=draw(usernames),
        password=draw(passwords),
        urls=tuple(draw(st.lists(urls, max_size=3, unique=True))),
        folder=draw(folders),
        note=draw(any_text),
        totp=draw(st.booleans()),
        created=times[0],
        changed=times[1],
        modified=times[2],
        history=tuple(draw(st.lists(st.tuples(passwords, moments), max_size=3))),
        trashed=draw(st.booleans()),
        passkey=draw(st.booleans()),
    )


entry_lists = st.lists(entries(), min_size=1, max_size=5)


def epoch(at: datetime) -> int:
    """Unix seconds, as Proton Pass, Keeper and Enpass write times."""
    return int(at.timestamp())


def csv_text(header: list[str] | None, rows: list[list[str]], *, line_end: str = "\r\n") -> str:
    """A CSV document with minimal quoting (``header=None`` for Keeper's header-less CSV)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=line_end)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def zip_bytes(members: dict[str, str]) -> bytes:
    """A deflated zip archive holding ``members``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buf.getvalue()


def mutations(valid: bytes) -> st.SearchStrategy[bytes]:
    """``valid`` corrupted as :func:`strategies.vault_core.mutations` does, JSON-ish inserts."""
    return core_mutations(valid, inserts=(b",", b'"', b"\n", b"{", b"]", b"\xff", b"\\"))


TOTP_URI = "otpauth://totp/Example:me?secret=JBSWY3DPEHPK3PXP&issuer=Example"

# --- Dashlane -------------------------------------------------------------------------------

DASHLANE_HEADER = [
    "username", "username2", "username3", "title", "password", "note", "url", "category",
    "otpSecret",
]  # fmt: skip


def dashlane_csv(items: list[Entry]) -> str:
    """Dashlane's credentials.csv (one URL per row)."""
    rows = [
        [e.username or "", "", "", e.title, e.password, e.note, e.urls[0] if e.urls else "",
         e.folder or "", "JBSWY3DPEHPK3PXP" if e.totp else ""]
        for e in items
    ]  # fmt: skip
    return csv_text(DASHLANE_HEADER, rows)


# --- NordPass -------------------------------------------------------------------------------

NORDPASS_HEADER = [
    "name", "url", "additional_urls", "username", "password", "note", "cardholdername",
    "cardnumber", "cvc", "pin", "expirydate", "zipcode", "folder", "shared_folder", "full_name",
    "phone_number", "email", "address1", "address2", "city", "country", "state", "type",
    "custom_fields",
]  # fmt: skip


def nordpass_csv(items: list[Entry]) -> str:
    """NordPass's CSV: folder rows first, then one ``password`` row per login."""
    width = len(NORDPASS_HEADER)

    def row(**cells: str) -> list[str]:
        return [cells.get(c, "") for c in NORDPASS_HEADER] if cells else [""] * width

    folder_rows = [
        row(name=f, type="folder") for f in sorted({e.folder for e in items if e.folder})
    ]
    login_rows = [
        row(
            name=e.title,
            url=e.urls[0] if e.urls else "",
            additional_urls=json.dumps(list(e.urls[1:])) if len(e.urls) > 1 else "",
            username=e.username or "",
            password=e.password,
            note=e.note,
            folder=e.folder or "",
            type="password",
        )
        for e in items
    ]
    return csv_text(NORDPASS_HEADER, folder_rows + login_rows)


# --- Proton Pass ----------------------------------------------------------------------------

PROTON_HEADER = [
    "type", "name", "url", "autofillUrls", "email", "username", "password", "note", "totp",
    "createTime", "modifyTime", "vault",
]  # fmt: skip


def protonpass_csv(items: list[Entry], *, structured: bool) -> str:
    """Proton Pass's CSV, with the ``autofillUrls`` column (``structured``) or the older one."""
    header = PROTON_HEADER if structured else [c for c in PROTON_HEADER if c != "autofillUrls"]
    rows = []
    for e in items:
        cells = {
            "type": "login", "name": e.title, "url": ", ".join(e.urls),
            "autofillUrls": json.dumps([{"url": u, "mode": 0} for u in e.urls]) if e.urls else "",
            "email": "", "username": e.username or "", "password": e.password, "note": e.note,
            "totp": TOTP_URI if e.totp else "", "createTime": str(epoch(e.created)),
            "modifyTime": str(epoch(e.modified)), "vault": e.folder or "",
        }  # fmt: skip
        rows.append([cells[c] for c in header])
    return csv_text(header, rows)


# A stand-in for a passkey's private key, marked so a leak test can look for it everywhere.
PASSKEY_PRIVATE_KEY = "S3cr3t-passkey-MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"


def protonpass_passkey(domain: str, user: str, at: datetime) -> dict[str, object]:
    """One ``content.passkeys`` entry of a Proton Pass login.

    Fields of Proton's item schema (the ``Passkey`` message of its item protobuf, as the JSON
    export writes it, camel-cased and binary fields base64): the private key in ``content``.
    """
    return {
        "keyId": "a1b2c3d4",
        "content": PASSKEY_PRIVATE_KEY,
        "domain": domain,
        "rpId": domain,
        "rpName": domain,
        "userName": user,
        "userDisplayName": user,
        "userId": "dXNlci1pZA",
        "createTime": epoch(at),
        "note": "",
        "credentialId": "Y3JlZGVudGlhbC1pZA",
        "userHandle": "dXNlci1oYW5kbGU",
        "creationData": None,
    }


def protonpass_json(items: list[Entry]) -> dict[str, object]:
    """Proton Pass's ``data.json``: one vault per folder (unfiled items in ``Personal``)."""
    vaults: dict[str, dict[str, object]] = {}
    for n, e in enumerate(items):
        name = e.folder or "Personal"
        share = vaults.setdefault(
            f"share-{name}", {"name": name, "description": "", "display": {}, "items": []}
        )
        share["items"].append(  # type: ignore[attr-defined]
            {
                "itemId": f"item-{n}",
                "shareId": f"share-{name}",
                "data": {
                    "metadata": {"name": e.title, "note": e.note, "itemUuid": f"{n:08x}"},
                    "extraFields": [],
                    "type": "login",
                    "content": {
                        "itemEmail": "",
                        "itemUsername": e.username or "",
                        "password": e.password,
                        "urls": list(e.urls),
                        "totpUri": TOTP_URI if e.totp else "",
                        "passkeys": [protonpass_passkey("example.com", "me", e.created)]
                        if e.passkey
                        else [],
                    },
                },
                "state": 2 if e.trashed else 1,
                "aliasEmail": None,
                "contentFormatVersion": 6,
                "createTime": epoch(e.created),
                "modifyTime": epoch(e.modified),
                "pinned": False,
            }
        )
    return {"version": "1.21.2", "userId": "user", "encrypted": False, "vaults": vaults}


# --- Keeper ---------------------------------------------------------------------------------


def keeper_folder(folder: str | None) -> str:
    r"""A folder in Keeper's path syntax: ``\`` separates levels, so a literal one doubles."""
    return (folder or "").replace("\\", "\\\\")


def keeper_csv(items: list[Entry]) -> str:
    """Keeper's header-less CSV; TOTP as the ``TFC:Keeper`` custom field."""
    rows = []
    for e in items:
        row = [keeper_folder(e.folder), e.title, e.username or "", e.password,
               e.urls[0] if e.urls else "", e.note, ""]  # fmt: skip
        if e.totp:
            row += ["TFC:Keeper", TOTP_URI]
        rows.append(row)
    return csv_text(None, rows)


def keeper_json(items: list[Entry]) -> dict[str, object]:
    """Keeper's JSON: the first URL as ``login_url``, the rest as ``$url`` custom fields."""
    records = []
    for n, e in enumerate(items):
        custom: dict[str, object] = {}
        if e.totp:
            custom["$oneTimeCode"] = TOTP_URI
        if len(e.urls) > 1:
            custom["$url"] = list(e.urls[1:])
        record: dict[str, object] = {
            "title": e.title, "uid": f"uid-{n}", "login": e.username or "",
            "password": e.password, "login_url": e.urls[0] if e.urls else "", "notes": e.note,
            "$type": "login", "last_modified": epoch(e.modified), "custom_fields": custom,
        }  # fmt: skip
        if e.folder:
            record["folders"] = [{"folder": keeper_folder(e.folder)}]
        records.append(record)
    return {"shared_folders": [], "records": records}


# --- Enpass ---------------------------------------------------------------------------------


def _enpass_field(uid: int, kind: str, value: str, at: datetime) -> dict[str, object]:
    return {"deleted": 0, "label": kind.title(), "order": uid, "sensitive": int(kind == "password"),
            "type": kind, "uid": uid, "updated_at": epoch(at), "value": value,
            "value_updated_at": epoch(at)}  # fmt: skip


def enpass_json(items: list[Entry]) -> dict[str, object]:
    """Enpass's JSON: typed fields, the password field dated and carrying its history."""
    names = sorted({e.folder for e in items if e.folder})
    folder_ids = {name: f"folder-{n}" for n, name in enumerate(names)}
    out = []
    for n, e in enumerate(items):
        password = _enpass_field(3, "password", e.password, e.changed)
        password["history"] = [
            {"encrypted": False, "updated_at": epoch(at), "value": old} for old, at in e.history
        ]
        fields = [_enpass_field(1, "username", e.username or "", e.created), password]
        fields += [_enpass_field(10 + k, "url", u, e.created) for k, u in enumerate(e.urls)]
        if e.totp:
            fields.append(_enpass_field(9, "totp", "JBSW Y3DP EHPK 3PXP", e.created))
        out.append(
            {
                "archived": 0,
                "auto_submit": 1,
                "category": "login",
                "createdAt": epoch(e.created),
                "favorite": 0,
                "fields": fields,
                "icon": {},
                "note": e.note,
                "subtitle": "",
                "template_type": "login.default",
                "title": e.title,
                "trashed": int(e.trashed),
                "updated_at": epoch(e.modified),
                "uuid": f"uuid-{n}",
                "folders": [folder_ids[e.folder]] if e.folder else [],
            }
        )
    folders = [
        {"icon": "1", "parent_uuid": "", "title": name, "updated_at": 0, "uuid": folder_ids[name]}
        for name in names
    ]
    return {"folders": folders, "items": out}


# --- RoboForm -------------------------------------------------------------------------------

ROBOFORM_HEADER = ["Name", "Url", "MatchUrl", "Login", "Pwd", "Note", "Folder", "RfFieldsV2"]


def roboform_csv(items: list[Entry]) -> bytes:
    """RoboForm's CSV (UTF-8 BOM); form fields spill one per cell past ``RfFieldsV2``."""
    rows = []
    for e in items:
        fields = [f"User ID$,,,txt,{e.username or ''}", f"Password$,,,pwd,{e.password}"]
        if e.totp:
            fields.append(f"TOTP KEY$,,,txt,{TOTP_URI}")
        rows.append(
            [
                e.title,
                e.urls[0] if e.urls else "",
                "",
                e.username or "",
                e.password,
                e.note,
                f"/{e.folder}" if e.folder else "",
                *fields,
            ]
        )
    return b"\xef\xbb\xbf" + csv_text(ROBOFORM_HEADER, rows).encode("utf-8")


def write_file(directory: Path, name: str, data: bytes | str) -> Path:
    """Write an export byte-exact (``str`` as UTF-8, line ends untouched)."""
    path = directory / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_rejection_hides(path: Path, secret: str) -> None:
    """A strict read of ``path`` fails; neither its error nor lenient warnings show ``secret``."""
    with pytest.raises(MalformedExport) as info:
        read_vault(path)
    assert secret not in str(info.value)
    assert all(secret not in w for w in read_vault(path, strict=False).warnings)


def observed(item: VaultItem) -> tuple[object, ...]:
    """The fields a round trip compares, in a fixed order (see ``expected`` in each test)."""
    return (
        item.source_format, item.kind, item.title, item.username, item.password, item.urls,
        item.folder, item.totp, item.passkey, item.notes_present, item.trashed,
        None if item.created is None else item.created.at,
        None if item.modified is None else item.modified.at,
        None if item.password_changed is None else item.password_changed.at,
        tuple((h.password, h.changed) for h in item.history),
    )  # fmt: skip


def expected(
    e: Entry,
    fmt: str,
    *,
    urls: tuple[str, ...] | None = None,
    folder: str | None = None,
    trashed: bool = False,
    created: bool = False,
    modified: bool = False,
    changed: bool = False,
    history: bool = False,
    passkey: bool = False,
) -> tuple[object, ...]:
    """What a reader of ``fmt`` should report for ``e``, given what that format carries."""
    return (
        fmt, ItemKind.LOGIN, e.title, e.expected_username, e.password,
        e.urls if urls is None else urls, folder, e.totp, passkey and e.passkey, bool(e.note),
        trashed,
        e.created if created else None, e.modified if modified else None,
        e.changed if changed else None, e.history if history else (),
    )  # fmt: skip
