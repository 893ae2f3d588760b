"""KeePass strategies, the fixture database, and the oracle that says what a reader must return.

``databases()`` generates a KeePass group tree (nested groups, a recycle bin, history,
extra URLs, TOTP, QualityCheck / KnownBad flags); ``expected_items`` states, independently of
the reader, which :class:`VaultItem` each entry must become. ``regenerate_fixtures`` writes the
committed files under ``tests/fixtures/vault/keepass/`` with :mod:`kdbx_writer`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

from hypothesis import strategies as st

from kdbx_writer import (
    Entry,
    Group,
    KdfSpec,
    Snapshot,
    key_file_xml_v1,
    key_file_xml_v2,
    write_csv,
    write_kdbx3,
    write_kdbx4,
    write_keepass1x_csv,
)
from pwhygiene.vault import ItemKind, PasswordHistoryEntry, Timestamp, VaultItem

# XML 1.0 cannot carry control characters, surrogates or U+FFFE/FFFF; CR is normalised to LF.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
texts = st.text(_ALPHABET, max_size=16)
names = st.text(_ALPHABET, min_size=1, max_size=12).filter(lambda s: "/" not in s)
secrets = st.text(_ALPHABET, min_size=1, max_size=24)
urls = st.builds("https://{}.example/".format, st.from_regex(r"[a-z]{1,10}", fullmatch=True))
moments = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=0))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """One entry; history passwords come from a small pool so repeats (no change) occur."""
    created = draw(moments)
    pool = draw(st.lists(secrets, min_size=1, max_size=3))
    steps = draw(st.lists(st.integers(1, 10**7), max_size=4))
    times = [created + timedelta(seconds=sum(steps[: i + 1])) for i in range(len(steps))]
    history = [Snapshot(draw(st.sampled_from([*pool, ""])), at) for at in times[:-1]]
    return Entry(
        title=draw(texts),
        uuid=draw(st.uuids()).bytes,
        username=draw(texts),
        password=draw(st.sampled_from([*pool, ""])),
        url=draw(st.one_of(st.just(""), urls)),
        extra_urls=tuple(draw(st.lists(urls, max_size=3))),
        notes=draw(st.one_of(st.just(""), texts)),
        otp=draw(st.sampled_from(["", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"])),
        otp_key=draw(st.sampled_from(["otp", "TimeOtp-Secret-Base32"])),
        passkey=draw(st.booleans()),
        created=created,
        modified=times[-1] if times else created,
        expires=draw(st.one_of(st.none(), moments)),
        history=history,
        quality_check=draw(st.booleans()),
        known_bad=draw(st.booleans()),
    )


@st.composite
def groups(draw: st.DrawFn, depth: int = 0) -> Group:
    """A group with a few entries and, above depth 2, a few subgroups."""
    children = draw(st.lists(groups(depth + 1), max_size=2)) if depth < 2 else []
    return Group(
        name=draw(names),
        uuid=draw(st.uuids()).bytes,
        entries=draw(st.lists(entries(), max_size=3)),
        groups=children,
    )


@dataclass
class Database:
    """A generated tree plus which group (if any) is the recycle bin."""

    root: Group
    recycle_bin: bytes | None


@st.composite
def databases(draw: st.DrawFn) -> Database:
    """A database whose recycle bin, when there is one, is one of its non-root groups."""
    root = draw(groups())
    candidates = [g.uuid for g in _all_groups(root)][1:]
    bin_uuid = draw(st.sampled_from([None, *candidates])) if candidates else None
    return Database(root, bin_uuid)


def _all_groups(group: Group) -> Iterator[Group]:
    yield group
    for child in group.groups:
        yield from _all_groups(child)


def expected_items(db: Database, source_format: str) -> list[VaultItem]:
    """What a reader must return: depth-first, root name not a folder, history rule applied."""
    out: list[VaultItem] = []

    def walk(group: Group, folders: tuple[str, ...], trashed: bool) -> None:
        trashed = trashed or group.uuid == db.recycle_bin
        for entry in group.entries:
            out.append(expected_item(entry, "/".join(folders) or None, trashed, source_format))
        for child in group.groups:
            walk(child, (*folders, child.name), trashed)

    walk(db.root, (), False)
    return out


def expected_item(entry: Entry, folder: str | None, trashed: bool, fmt: str) -> VaultItem:
    """One entry's item, walking its versions forward (the reader walks backward)."""
    versions = [*((s.password, s.modified) for s in entry.history)]
    versions.append((entry.password, entry.modified))
    history: list[PasswordHistoryEntry] = []
    changed = Timestamp(entry.created, "CreationTime")
    for index, ((old, _), (new, saved)) in enumerate(pairwise(versions), 1):
        if old != new:
            if old:
                history.append(PasswordHistoryEntry(old, saved))
            last = index == len(versions) - 1
            changed = Timestamp(
                saved, "LastModificationTime" if last else "History/LastModificationTime"
            )
    all_urls = tuple(u for u in (entry.url, *entry.extra_urls) if u)
    login = bool(entry.password or entry.username or all_urls or entry.passkey)
    return VaultItem(
        id=str(uuid.UUID(bytes=entry.uuid)),
        title=entry.title,
        source_format=fmt,
        kind=ItemKind.LOGIN if login else ItemKind.NOTE,
        username=entry.username or None,
        password=entry.password if login else None,
        urls=all_urls,
        totp=bool(entry.otp),
        passkey=entry.passkey,
        folder=folder,
        notes_present=bool(entry.notes.strip()),
        created=Timestamp(entry.created, "CreationTime"),
        modified=Timestamp(entry.modified, "LastModificationTime"),
        password_changed=changed,
        expires=Timestamp(entry.expires, "ExpiryTime") if entry.expires else None,
        history=tuple(history),
        trashed=trashed,
        excluded=not entry.quality_check or entry.known_bad,
    )


# --- the committed fixture database ------------------------------------------------------

FIXTURE_PASSWORD = "correct horse battery staple"
FIXTURE_KEY = bytes(range(32))
RECYCLE_BIN_UUID = uuid.UUID("7f2a3b4c-0000-4000-8000-00000000b1b1").bytes
_T = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def fixture_database() -> Database:
    """The database every committed KDBX / XML fixture holds (exact items in the tests)."""
    github = Entry(
        "GitHub",
        uuid=uuid.UUID("11111111-1111-4111-8111-111111111111").bytes,
        username="alice@example.org",
        password="Tr0ub4dor&3-current",
        url="https://github.com/login",
        extra_urls=("https://gist.github.com", "https://api.github.com"),
        notes="recovery codes in the safe",
        otp="otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
        created=_T,
        modified=_T + timedelta(days=300),
        history=[
            Snapshot("hunter2", _T + timedelta(days=10)),
            Snapshot("hunter2", _T + timedelta(days=20)),  # an edit that kept the password
            Snapshot("Tr0ub4dor&3-old", _T + timedelta(days=100)),
            Snapshot("Tr0ub4dor&3-current", _T + timedelta(days=200)),
        ],
    )
    note = Entry(
        "Wi-Fi at home",
        uuid=uuid.UUID("22222222-2222-4222-8222-222222222222").bytes,
        notes="SSID: home\nline two <with> & markup",
        created=_T,
        modified=_T,
    )
    mail = Entry(
        "Mail",
        uuid=uuid.UUID("33333333-3333-4333-8333-333333333333").bytes,
        username="bob",
        password="üñíçødé pässwörd",
        url="https://mail.example.org",
        created=_T,
        modified=_T + timedelta(days=1),
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        quality_check=False,
    )
    legacy = Entry(
        "Legacy router",
        uuid=uuid.UUID("44444444-4444-4444-8444-444444444444").bytes,
        username="admin",
        password="admin",
        created=_T,
        modified=_T,
        known_bad=True,
    )
    deleted = Entry(
        "Old forum",
        uuid=uuid.UUID("55555555-5555-4555-8555-555555555555").bytes,
        username="carol",
        password="forum-pass-1",
        url="https://forum.example",
        created=_T,
        modified=_T,
    )
    root = Group(
        "Root",
        uuid=uuid.UUID("00000000-0000-4000-8000-000000000001").bytes,
        entries=[github, note],
        groups=[
            Group(
                "Email",
                uuid=uuid.UUID("00000000-0000-4000-8000-000000000002").bytes,
                entries=[mail],
                groups=[
                    Group(
                        "Work",
                        uuid=uuid.UUID("00000000-0000-4000-8000-000000000003").bytes,
                        entries=[legacy],
                    )
                ],
            ),
            Group("Recycle Bin", uuid=RECYCLE_BIN_UUID, entries=[deleted]),
        ],
    )
    return Database(root, RECYCLE_BIN_UUID)


def regenerate_fixtures(directory: Path) -> None:
    """Write every committed KeePass fixture (fresh seeds each time; contents are fixed)."""
    from kdbx_writer import build_xml  # noqa: PLC0415 -- only the regeneration needs it

    directory.mkdir(parents=True, exist_ok=True)
    db = fixture_database()
    pw = FIXTURE_PASSWORD
    files = {
        "kdbx4-argon2id-aes.kdbx": write_kdbx4(db.root, password=pw, recycle_bin=db.recycle_bin),
        "kdbx4-argon2d-chacha20.kdbx": write_kdbx4(
            db.root,
            password=pw,
            kdf=KdfSpec("argon2d"),
            cipher="chacha20",
            recycle_bin=db.recycle_bin,
        ),
        "kdbx4-aeskdf-aes.kdbx": write_kdbx4(
            db.root, password=pw, kdf=KdfSpec("aes"), compress=False, recycle_bin=db.recycle_bin
        ),
        "kdbx4-argon2id-chacha20-keyfile.kdbx": write_kdbx4(
            db.root,
            password=pw,
            key_file_key=FIXTURE_KEY,
            cipher="chacha20",
            recycle_bin=db.recycle_bin,
        ),
        "kdbx4-keyfile-only.kdbx": write_kdbx4(
            db.root, password=None, key_file_key=FIXTURE_KEY, recycle_bin=db.recycle_bin
        ),
        # KeePass 2 "Master password" ticked and left empty, plus a key file: the composite key
        # is SHA-256(SHA-256("") || key-file key) (KeePass help, "Composite Master Key").
        "kdbx4-keyfile-empty-password.kdbx": write_kdbx4(
            db.root, password="", key_file_key=FIXTURE_KEY, recycle_bin=db.recycle_bin
        ),
        "kdbx3-aeskdf-aes.kdbx": write_kdbx3(
            db.root, password=pw, recycle_bin=db.recycle_bin, attachment=b"attachment" * 20
        ),
        "kdbx3-aeskdf-aes-keyfile.kdbx": write_kdbx3(
            db.root,
            password=pw,
            key_file_key=FIXTURE_KEY,
            compress=False,
            recycle_bin=db.recycle_bin,
        ),
        "kdbx4-twofish.kdbx": write_kdbx4(db.root, password=pw, cipher="twofish"),
        "kdbx4-argon2-bomb.kdbx": _bomb(),
        "keepass-export.xml": build_xml(db.root, binary_times=False, recycle_bin=db.recycle_bin),
        "keyfile-v1.key": key_file_xml_v1(FIXTURE_KEY),
        "keyfile-v2.keyx": key_file_xml_v2(FIXTURE_KEY),
        "keyfile-binary.key": FIXTURE_KEY,
        "keyfile-hex.key": FIXTURE_KEY.hex().encode(),
        "keepassxc.csv": write_csv(
            [
                [
                    "Root",
                    "GitHub",
                    "alice@example.org",
                    "Tr0ub4dor&3-current",
                    "https://github.com/login",
                    "recovery codes\nin the safe",
                    "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
                    "0",
                    "2024-12-26T12:00:00Z",
                    "2024-03-01T12:00:00Z",
                ],
                [
                    "Root/Email",
                    "Mail",
                    "bob",
                    'say "hi"',
                    "https://mail.example.org",
                    "",
                    "",
                    "1",
                    "2024-03-02T12:00:00Z",
                    "2024-03-01T12:00:00Z",
                ],
                [
                    "Root/Recycle Bin",
                    "Old forum",
                    "carol",
                    "forum-pass-1",
                    "",
                    "",
                    "",
                    "0",
                    "2024-03-01T12:00:00Z",
                    "2024-03-01T12:00:00Z",
                ],
                ["Root", "Wi-Fi at home", "", "", "", "SSID: home", "", "0", "", ""],
            ],
            [
                "Group",
                "Title",
                "Username",
                "Password",
                "URL",
                "Notes",
                "TOTP",
                "Icon",
                "Last Modified",
                "Created",
            ],
        ),
        "keepassxc-6-columns.csv": write_csv(
            [["Root/Banking", "Bank", "dave", "b4nk!", "https://bank.example", "multi\r\nline"]],
            ["Group", "Title", "Username", "Password", "URL", "Notes"],
            newline="\r\n",
        ),
        "keepass1x.csv": write_keepass1x_csv(
            [
                ["Router", "admin", "admin", "http://192.168.1.1", ""],
                ["Shopping", "eve@example.org", 'sh0p,"ping"\\', "https://shop.example", "a, b"],
            ]
        ),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)


def _bomb() -> bytes:
    """A header claiming Argon2 with 64 GiB of memory: refused before any derivation."""
    root = Group("Root", entries=[Entry("x", password="y")])
    claimed = KdfSpec("argon2id", memory=64 * 2**30, iterations=1)
    return write_kdbx4(root, password="pw", claimed_kdf=claimed)
