"""Properties of the KeePass readers: round-trips through the writer, fuzzing, no leaks."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdbx_writer import (
    Entry,
    Group,
    KdfSpec,
    build_xml,
    key_file_xml_v1,
    key_file_xml_v2,
    write_csv,
    write_kdbx3,
    write_kdbx4,
    write_keepass1x_csv,
)
from pwhygiene import read_vault
from pwhygiene.exceptions import PwhygieneError, WrongPassword
from pwhygiene.vault import ItemKind
from strategies.vault_keepass import (
    FIXTURE_PASSWORD,
    Database,
    databases,
    entries,
    expected_items,
)

HERE = Path(__file__).parent / "fixtures" / "vault" / "keepass"
FORMATS = ["keepass-kdbx", "keepass-xml", "keepassxc-csv", "keepass-csv"]


@contextmanager
def written(data: bytes, suffix: str = ".kdbx") -> Iterator[Path]:
    """A temporary file holding ``data`` (hypothesis examples cannot use ``tmp_path``)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"export{suffix}"
        path.write_bytes(data)
        yield path


@given(databases(), st.booleans())
def test_xml_export_round_trip(db: Database, binary_times: bool) -> None:
    """Any generated tree written as KeePass XML reads back as exactly the expected items."""
    data = build_xml(db.root, binary_times=binary_times, recycle_bin=db.recycle_bin)
    with written(data, ".xml") as path:
        assert list(read_vault(path)) == expected_items(db, "keepass-xml")


@given(
    databases(),
    st.tuples(
        st.sampled_from(["argon2id", "argon2d", "aes"]),
        st.sampled_from(["aes", "chacha20"]),
        st.booleans(),
        st.integers(16, 4096),
    ),
    st.text(max_size=12),
)
def test_kdbx4_round_trip(db: Database, options: tuple[str, str, bool, int], password: str) -> None:
    """KDBX 4 with every KDF x cipher, any block size, gzip or not, reads back exactly."""
    kdf, cipher, compress, block_size = options
    data = write_kdbx4(
        db.root,
        password=password,
        kdf=KdfSpec(kdf),  # type: ignore[arg-type]
        cipher=cipher,  # type: ignore[arg-type]
        compress=compress,
        block_size=block_size,
        recycle_bin=db.recycle_bin,
    )
    with written(data) as path:
        assert list(read_vault(path, password=password)) == expected_items(db, "keepass-kdbx")


@given(databases(), st.booleans(), st.integers(16, 4096), st.text(max_size=12))
def test_kdbx3_round_trip(db: Database, compress: bool, block_size: int, password: str) -> None:
    """KDBX 3.1 (AES-KDF, AES, Salsa20 inner stream, hashed blocks) reads back exactly."""
    data = write_kdbx3(
        db.root,
        password=password,
        compress=compress,
        block_size=block_size,
        recycle_bin=db.recycle_bin,
        attachment=b"attached",
    )
    with written(data) as path:
        assert list(read_vault(path, password=password)) == expected_items(db, "keepass-kdbx")


@given(
    st.binary(min_size=32, max_size=32),
    st.sampled_from(["v1", "v2", "binary", "hex"]),
    st.one_of(st.none(), st.text(min_size=1, max_size=8)),
    st.booleans(),
)
def test_key_file_round_trip(key: bytes, kind: str, password: str | None, v3: bool) -> None:
    """Every key-file encoding of a random key opens a database made with that key."""
    encoded = {
        "v1": key_file_xml_v1(key),
        "v2": key_file_xml_v2(key),
        "binary": key,
        "hex": key.hex().encode(),
    }[kind]
    root = Group("Root", entries=[Entry("t", password="p")])
    writer = write_kdbx3 if v3 else write_kdbx4
    data = writer(root, password=password, key_file_key=key)
    with written(encoded, ".key") as key_path, written(data) as path:
        (item,) = read_vault(path, password=password, key_file=key_path)
        assert item.password == "p"


@given(st.lists(entries(), max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_keepassxc_csv_round_trip(generated: list[Entry], newline: str) -> None:
    """KeePassXC CSV rows (any text, multi-line notes) read back field for field."""
    rows = [
        ["Root/Folder", e.title, e.username, e.password, e.url, e.notes, e.otp, "0",
         e.modified.strftime("%Y-%m-%dT%H:%M:%SZ"), e.created.strftime("%Y-%m-%dT%H:%M:%SZ")]
        for e in generated
    ]  # fmt: skip
    header = ["Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Icon",
              "Last Modified", "Created"]  # fmt: skip
    with written(write_csv(rows, header, newline=newline), ".csv") as path:
        items = list(read_vault(path))
    assert len(items) == len(generated)
    assert len({i.id for i in items}) == len(items)
    for item, entry in zip(items, generated, strict=True):
        login = bool(entry.password or entry.username.strip() or entry.url)
        assert item.kind is (ItemKind.LOGIN if login else ItemKind.NOTE)
        assert item.title == entry.title
        assert item.username == (entry.username if entry.username.strip() else None)
        assert item.password == ((entry.password or None) if login else None)
        assert item.urls == ((entry.url,) if entry.url else ())
        assert item.totp == bool(entry.otp)
        assert item.folder == "Folder"
        assert item.modified is not None
        assert item.modified.at == entry.modified
        assert item.created is not None
        assert item.created.at == entry.created


_CELL = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters='\n\t"\\,'),
    max_size=12,
)


@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL), max_size=6))
def test_keepass_1x_csv_round_trip(rows: list[tuple[str, str, str, str, str]]) -> None:
    """Any five cells (quotes, backslashes, commas, newlines) survive KeePass's CSV dialect."""
    rows = [r for r in rows if any(c.strip() for c in r)]  # blank records are skipped
    with written(write_keepass1x_csv(rows), ".csv") as path:
        items = list(read_vault(path))
    assert [(i.title, i.username) for i in items] == [
        (r[0], r[1] if r[1].strip() else None) for r in rows
    ]
    for item, (_, username, password, url, notes) in zip(items, rows, strict=True):
        login = bool(password or username.strip() or url.strip())
        assert item.password == ((password or None) if login else None)
        assert item.urls == ((url.strip(),) if url.strip() else ())
        assert item.notes_present == bool(notes.strip())


def _only_our_errors(path: Path, fmt: str, **kwargs: object) -> None:
    with contextlib.suppress(PwhygieneError):
        read_vault(path, format=fmt, **kwargs)  # type: ignore[arg-type]


@given(st.binary(max_size=600))
def test_random_payload_after_a_valid_signature(tail: bytes) -> None:
    """A KDBX signature followed by random bytes raises only PwhygieneError subclasses."""
    for version in (b"\x01\x00\x03\x00", b"\x00\x00\x04\x00", b"\x01\x00\x04\x00"):
        data = bytes.fromhex("03d9a29a67fb4bb5") + version + tail
        with written(data) as path:
            _only_our_errors(path, "keepass-kdbx", password="pw")


_MUTABLE = {
    "kdbx4-argon2id-aes.kdbx": 0,  # header mutations are caught by the SHA-256 before the KDF
    "kdbx4-argon2d-chacha20.kdbx": 0,
    "kdbx4-aeskdf-aes.kdbx": 0,
    "kdbx3-aeskdf-aes.kdbx": 230,  # past the header: KDBX 3.1 has no pre-KDF header check
    "keepass-export.xml": 0,
    "keepassxc.csv": 0,
    "keepass1x.csv": 0,
}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """A committed fixture with a few random byte flips, insertions, deletions or a cut."""
    name = draw(st.sampled_from(sorted(_MUTABLE)))
    data = bytearray((HERE / name).read_bytes())
    start = min(_MUTABLE[name], len(data) - 1)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(start, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
        if len(data) <= start + 1:
            break
    return name, bytes(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_databases_raise_only_pwhygiene_errors(case: tuple[str, bytes]) -> None:
    """Damaged databases (past the header checks, with the right password) raise only ours."""
    name, data = case
    fmt = {".kdbx": "keepass-kdbx", ".xml": "keepass-xml"}.get(Path(name).suffix)
    fmt = fmt or ("keepass-csv" if name == "keepass1x.csv" else "keepassxc-csv")
    with written(data, Path(name).suffix) as path:
        _only_our_errors(path, fmt, password=FIXTURE_PASSWORD)
        _only_our_errors(path, fmt, password=FIXTURE_PASSWORD, strict=False)


secret_passwords = st.builds(lambda u: f"pw-{u.hex}", st.uuids())


@given(databases(), secret_passwords, secret_passwords, st.booleans())
def test_no_secret_in_reprs_messages_or_warnings(
    db: Database, master: str, wrong: str, v3: bool
) -> None:
    """Neither the master password nor any entry password appears in reprs or error texts."""
    entry_passwords = []
    for group in [db.root, *db.root.groups]:
        for entry in group.entries:
            entry.password = f"pw-{uuid.uuid4().hex}"
            entry_passwords.append(entry.password)
    secrets = [master, wrong, *entry_passwords]
    data = (write_kdbx3 if v3 else write_kdbx4)(db.root, password=master)
    with written(data) as path:
        vault = read_vault(path, password=master)
        shown = repr(vault) + str(list(vault)) + " ".join(vault.warnings)
        with pytest.raises(WrongPassword) as wrong_error:
            read_vault(path, password=wrong)
        shown += str(wrong_error.value) + repr(wrong_error.value)
        damaged = bytearray(data)
        damaged[-40] ^= 1
        path.write_bytes(bytes(damaged))
        try:
            read_vault(path, password=master)
        except PwhygieneError as exc:
            shown += str(exc) + repr(exc) + repr(exc.__cause__)
    for secret in secrets:
        assert secret not in shown


pem_keys = st.builds(
    lambda u: f"-----BEGIN PRIVATE KEY-----\nS3cr3t-{u.hex}\n-----END PRIVATE KEY-----", st.uuids()
)


@given(st.lists(entries(), min_size=1, max_size=3), pem_keys, st.booleans())
def test_passkey_private_key_never_reaches_any_output(
    generated: list[Entry], pem: str, v3: bool
) -> None:
    """A KeePassXC passkey's private key shows in no repr, error or warning.

    Stands for a KeePassXC database (and its XML export) holding passkeys as the entry
    attributes ``KPEX_PASSKEY_*``, the PEM private key among them; the damaged copy puts the
    key where a time belongs, the kind of misplacement a hand-edited export has.
    """
    for entry in generated:
        entry.passkey, entry.passkey_pem = True, pem
    root = Group("Root", entries=generated)
    key_line = pem.splitlines()[1]
    shown: list[str] = []
    kdbx = (write_kdbx3 if v3 else write_kdbx4)(root, password=FIXTURE_PASSWORD)
    xml = build_xml(root, binary_times=False)
    damaged = xml.replace(b"<CreationTime>", b"<CreationTime>" + pem.encode() + b"x", 1)
    with written(kdbx) as path:
        vault = read_vault(path, password=FIXTURE_PASSWORD)
        assert all(item.passkey for item in vault)
        shown += [repr(vault), str(list(vault)), *vault.warnings]
    with written(xml, ".xml") as path:
        vault = read_vault(path)
        assert all(item.passkey for item in vault)
        shown += [repr(vault), str(list(vault))]
    with written(damaged, ".xml") as path:
        with pytest.raises(PwhygieneError) as info:
            read_vault(path)
        shown += [str(info.value), repr(info.value)]
        lenient = read_vault(path, strict=False)
        assert lenient.warnings
        shown += [repr(lenient), *lenient.warnings]
    assert all(key_line not in text for text in shown)
