"""KeePass readers on committed fixtures: exact items, every KDBX variant, refusals, CSVs."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kdbx_writer import Entry, Group, build_xml, write_kdbx3, write_kdbx4
from pwhygiene import read_vault
from pwhygiene._vault.kdbx import payload
from pwhygiene._vault.kdbx.bounds import MAX_GROUP_DEPTH
from pwhygiene._vault.kdbx.document import parse_document
from pwhygiene._vault.registry import detect
from pwhygiene.exceptions import (
    ExportTooLarge,
    MalformedExport,
    PasswordRequired,
    UnsupportedFormat,
    WrongPassword,
)
from pwhygiene.vault import ItemKind, PasswordHistoryEntry, Timestamp
from strategies.vault_keepass import (
    FIXTURE_PASSWORD,
    expected_items,
    fixture_database,
)

HERE = Path(__file__).parent / "fixtures" / "vault" / "keepass"
KEY = HERE / "keyfile-v2.keyx"
T = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)

PASSWORD_ONLY = [
    "kdbx4-argon2id-aes.kdbx",
    "kdbx4-argon2d-chacha20.kdbx",
    "kdbx4-aeskdf-aes.kdbx",
    "kdbx3-aeskdf-aes.kdbx",
]
WITH_KEY_FILE = ["kdbx4-argon2id-chacha20-keyfile.kdbx", "kdbx3-aeskdf-aes-keyfile.kdbx"]


def test_kdbx4_fixture_gives_exact_items() -> None:
    """The Argon2id/AES fixture maps every documented field of every entry exactly."""
    vault = read_vault(HERE / "kdbx4-argon2id-aes.kdbx", password=FIXTURE_PASSWORD)
    assert vault.source_format == "keepass-kdbx"
    assert vault.encrypted
    by_title = {item.title: item for item in vault}
    assert list(by_title) == ["GitHub", "Wi-Fi at home", "Mail", "Legacy router", "Old forum"]

    github = by_title["GitHub"]
    assert github.id == "11111111-1111-4111-8111-111111111111"
    assert github.kind is ItemKind.LOGIN
    assert github.username == "alice@example.org"
    assert github.password == "Tr0ub4dor&3-current"
    assert github.urls == (
        "https://github.com/login",
        "https://gist.github.com",
        "https://api.github.com",
    )
    assert github.totp
    assert github.folder is None
    assert github.notes_present
    assert github.created == Timestamp(T, "CreationTime")
    assert github.modified == Timestamp(T + timedelta(days=300), "LastModificationTime")
    # hunter2 (kept over one edit) -> old at day 100 -> current at day 200 -> edited at day 300
    assert github.history == (
        PasswordHistoryEntry("hunter2", T + timedelta(days=100)),
        PasswordHistoryEntry("Tr0ub4dor&3-old", T + timedelta(days=200)),
    )
    assert github.password_changed == Timestamp(
        T + timedelta(days=200), "History/LastModificationTime"
    )
    assert not github.trashed
    assert not github.excluded

    note = by_title["Wi-Fi at home"]
    assert note.kind is ItemKind.NOTE
    assert note.password is None
    assert note.notes_present

    mail = by_title["Mail"]
    assert mail.folder == "Email"
    assert mail.password == "üñíçødé pässwörd"
    assert mail.excluded  # <QualityCheck>False</QualityCheck>
    assert mail.expires == Timestamp(datetime(2030, 1, 1, tzinfo=timezone.utc), "ExpiryTime")
    assert mail.password_changed == Timestamp(T, "CreationTime")

    legacy = by_title["Legacy router"]
    assert legacy.folder == "Email/Work"
    assert legacy.excluded  # KeePassXC's legacy KnownBad custom data

    old = by_title["Old forum"]
    assert old.trashed
    assert old.folder == "Recycle Bin"


@pytest.mark.parametrize("name", PASSWORD_ONLY)
def test_every_kdbx_variant_reads_the_same_items(name: str) -> None:
    """KDBX 4 (Argon2id/Argon2d/AES-KDF x AES/ChaCha20) and KDBX 3.1 give identical items."""
    vault = read_vault(HERE / name, password=FIXTURE_PASSWORD)
    assert list(vault) == expected_items(fixture_database(), "keepass-kdbx")
    assert [i.password for i in vault] == [
        i.password for i in expected_items(fixture_database(), "keepass-kdbx")
    ]


@pytest.mark.parametrize("name", WITH_KEY_FILE)
@pytest.mark.parametrize(
    "key", ["keyfile-v1.key", "keyfile-v2.keyx", "keyfile-binary.key", "keyfile-hex.key"]
)
def test_password_and_key_file_open_the_database(name: str, key: str) -> None:
    """Password plus any key-file encoding of the same key opens KDBX 4 and 3.1 files."""
    vault = read_vault(HERE / name, password=FIXTURE_PASSWORD, key_file=HERE / key)
    assert list(vault) == expected_items(fixture_database(), "keepass-kdbx")


def test_key_file_alone_opens_a_key_file_only_database() -> None:
    """A database protected by a key file only opens with no password."""
    vault = read_vault(HERE / "kdbx4-keyfile-only.kdbx", key_file=KEY)
    assert len(vault) == 5


@pytest.mark.parametrize("password", ["", None])
def test_key_file_plus_empty_password_opens(password: str | None) -> None:
    """KDBX 4 with a key file and an *empty* master password opens given "" or no password.

    Stands for a KeePass 2 database saved with "Master password" ticked and left empty plus a
    key file, which KeePass and KeePassXC both allow (issue 11, failure 1).
    """
    path = HERE / "kdbx4-keyfile-empty-password.kdbx"
    vault = read_vault(path, password=password, key_file=KEY)
    assert len(vault) == 5


def test_empty_password_also_opens_a_key_file_only_database() -> None:
    """An empty password with a key file still opens a database that has no password at all."""
    vault = read_vault(HERE / "kdbx4-keyfile-only.kdbx", password="", key_file=KEY)
    assert len(vault) == 5


def test_key_file_plus_empty_password_refuses_a_real_password() -> None:
    """The empty-password fallback never opens a database protected by a real password."""
    with pytest.raises(WrongPassword):
        read_vault(HERE / "kdbx4-argon2id-chacha20-keyfile.kdbx", password="", key_file=KEY)


@pytest.mark.parametrize("name", PASSWORD_ONLY)
def test_wrong_password_is_wrong_password(name: str) -> None:
    """A wrong password raises WrongPassword (KDBX 4: header HMAC; 3.1: stream start bytes)."""
    with pytest.raises(WrongPassword, match="does not open"):
        read_vault(HERE / name, password=FIXTURE_PASSWORD + "!")


@pytest.mark.parametrize("name", WITH_KEY_FILE)
def test_missing_or_wrong_key_file_is_wrong_password(name: str, tmp_path: Path) -> None:
    """Forgetting the key file, or giving another one, raises WrongPassword."""
    with pytest.raises(WrongPassword):
        read_vault(HERE / name, password=FIXTURE_PASSWORD)
    other = tmp_path / "other.key"
    other.write_bytes(bytes(range(1, 33)))
    with pytest.raises(WrongPassword):
        read_vault(HERE / name, password=FIXTURE_PASSWORD, key_file=other)


def test_no_password_is_password_required() -> None:
    """An encrypted database opened without credentials asks for them."""
    with pytest.raises(PasswordRequired, match="key file"):
        read_vault(HERE / "kdbx4-argon2id-aes.kdbx")


def test_twofish_is_refused_with_the_way_out() -> None:
    """A Twofish database gets the documented 'unsupported, re-save' message."""
    with pytest.raises(UnsupportedFormat, match=r"Twofish cipher is not supported.*Encryption"):
        read_vault(HERE / "kdbx4-twofish.kdbx", password=FIXTURE_PASSWORD)


def test_kdf_bomb_fixture_is_refused_quickly() -> None:
    """A header asking Argon2 for 64 GiB is refused, naming the memory limit."""
    with pytest.raises(UnsupportedFormat, match="MAX_ARGON2_MEMORY"):
        read_vault(HERE / "kdbx4-argon2-bomb.kdbx", password="pw")


def test_xml_export_gives_the_same_items_as_the_database() -> None:
    """The plain XML export maps to the same items (ISO times, ProtectInMemory values)."""
    vault = read_vault(HERE / "keepass-export.xml")
    assert vault.source_format == "keepass-xml"
    assert not vault.encrypted
    assert list(vault) == expected_items(fixture_database(), "keepass-xml")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("kdbx4-argon2id-aes.kdbx", "keepass-kdbx"),
        ("kdbx3-aeskdf-aes.kdbx", "keepass-kdbx"),
        ("keepass-export.xml", "keepass-xml"),
        ("keepassxc.csv", "keepassxc-csv"),
        ("keepassxc-6-columns.csv", "keepassxc-csv"),
        ("keepass1x.csv", "keepass-csv"),
    ],
)
def test_detection_from_content(name: str, fmt: str, tmp_path: Path) -> None:
    """Each fixture is detected from its content, even renamed to a neutral extension."""
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((HERE / name).read_bytes())
    assert detect(renamed).name == fmt


def test_keepassxc_csv_items() -> None:
    """KeePassXC's 10-column CSV: root group dropped from folders, recycle bin, TOTP, dates."""
    items = list(read_vault(HERE / "keepassxc.csv"))
    assert [i.title for i in items] == ["GitHub", "Mail", "Old forum", "Wi-Fi at home"]
    github, mail, old, note = items
    assert github.folder is None
    assert github.totp
    assert github.notes_present
    assert github.urls == ("https://github.com/login",)
    assert github.modified == Timestamp(
        datetime(2024, 12, 26, 12, tzinfo=timezone.utc), "Last Modified"
    )
    assert github.created == Timestamp(T, "Created")
    assert mail.folder == "Email"
    assert mail.password == 'say "hi"'
    assert old.trashed
    assert old.folder == "Recycle Bin"
    assert note.kind is ItemKind.NOTE
    assert note.password is None
    assert note.created is None
    assert len({i.id for i in items}) == 4


def test_keepassxc_six_column_csv_with_crlf_and_multiline_notes() -> None:
    """Older KeePassXC CSVs (six columns, CRLF, multi-line notes) read without dates."""
    (bank,) = read_vault(HERE / "keepassxc-6-columns.csv")
    assert bank.folder == "Banking"
    assert bank.password == "b4nk!"
    assert bank.notes_present
    assert bank.modified is None


def test_keepass_1x_csv_with_backslash_escapes() -> None:
    """KeePass's "KeePass CSV (1.x)": backslash-escaped quotes and backslashes, CRLF."""
    router, shop = read_vault(HERE / "keepass1x.csv")
    assert router.source_format == "keepass-csv"
    assert (router.title, router.username, router.password) == ("Router", "admin", "admin")
    assert router.urls == ("http://192.168.1.1",)
    assert not router.notes_present
    assert shop.password == 'sh0p,"ping"\\'
    assert shop.notes_present


def test_keepass_1x_csv_with_bom_and_wrong_width(tmp_path: Path) -> None:
    """A BOM is tolerated; a row that is not five cells names its line."""
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HERE / "keepass1x.csv").read_bytes() + b'"a","b"\r\n')
    with pytest.raises(MalformedExport, match="line 4: expected 5 columns"):
        read_vault(path)


def test_keepassxc_csv_bad_date_names_line_and_column(tmp_path: Path) -> None:
    """A garbage date is an error naming the line and column; lenient mode skips with a warning."""
    path = tmp_path / "x.csv"
    text = (HERE / "keepassxc.csv").read_text().replace("2024-03-02T12:00:00Z", "yesterday")
    path.write_text(text)
    with pytest.raises(MalformedExport, match=r"line \d+, column 'Last Modified'"):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert len(lenient) == 3
    assert len(lenient.warnings) == 1


def test_csv_with_unknown_columns_is_refused(tmp_path: Path) -> None:
    """A KeePassXC-looking CSV with unexpected columns is refused rather than half-read."""
    path = tmp_path / "x.csv"
    path.write_text('"Group","Title","Username","Password","URL","Notes","Surprise"\n')
    with pytest.raises(MalformedExport, match="header"):
        read_vault(path, format="keepassxc-csv")


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    """An XML export with a DTD / entity (billion laughs) is refused before expansion."""
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE KeePassFile [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<KeePassFile><Meta/><Root><Group>'
        "<Entry><String><Key>Title</Key><Value>&b;</Value></String></Entry>"
        "</Group></Root></KeePassFile>"
    )
    with pytest.raises(MalformedExport, match="DTD or entities"):
        read_vault(path, format="keepass-xml")


def test_xml_export_with_protected_values_is_refused(tmp_path: Path) -> None:
    """An XML file carrying encrypted (Protected) values cannot be read without its stream."""
    path = tmp_path / "x.xml"
    path.write_bytes(
        (HERE / "keepass-export.xml").read_bytes().replace(b"ProtectInMemory", b"Protected")
    )
    with pytest.raises(MalformedExport, match="Protected"):
        read_vault(path)


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    """Truncated XML names the line where parsing failed."""
    path = tmp_path / "x.xml"
    path.write_bytes((HERE / "keepass-export.xml").read_bytes()[:700])
    with pytest.raises(MalformedExport, match="XML line"):
        read_vault(path, format="keepass-xml")


def test_bad_entry_time_is_strict_error_or_lenient_warning(tmp_path: Path) -> None:
    """An unreadable time names the entry path; lenient mode skips the entry with a warning."""
    path = tmp_path / "x.xml"
    data = (HERE / "keepass-export.xml").read_bytes()
    path.write_bytes(data.replace(b"2024-03-02T12:00:00Z", b"not-a-time", 1))
    with pytest.raises(MalformedExport, match=r"Root/Group/Group\[1\]/Entry\[1\]"):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert [i.title for i in lenient] == ["GitHub", "Wi-Fi at home", "Legacy router", "Old forum"]
    assert lenient.warnings == (
        f"{path}: Root/Group/Group[1]/Entry[1]: skipped an unreadable entry",
    )


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def test_corrupt_kdbx4_block_is_malformed_not_wrong_password(tmp_path: Path) -> None:
    """A flipped bit in a KDBX 4 payload block fails that block's HMAC: a damaged file."""
    data = (HERE / "kdbx4-argon2id-aes.kdbx").read_bytes()
    path = tmp_path / "x.kdbx"
    path.write_bytes(_flip(data, len(data) - 100))
    with pytest.raises(MalformedExport, match="block 0"):
        read_vault(path, password=FIXTURE_PASSWORD)


def test_corrupt_kdbx4_header_is_malformed(tmp_path: Path) -> None:
    """A flipped bit in the header breaks its SHA-256: reported as damage, not a bad password."""
    data = (HERE / "kdbx4-argon2id-aes.kdbx").read_bytes()
    path = tmp_path / "x.kdbx"
    path.write_bytes(_flip(data, 40))  # inside the master seed / cipher fields
    with pytest.raises((MalformedExport, UnsupportedFormat)):
        read_vault(path, password=FIXTURE_PASSWORD)


def test_kdbx3_header_hash_mismatch_is_detected(tmp_path: Path) -> None:
    """KDBX 3.1's Meta/HeaderHash must match the header it was decrypted with."""
    xml = build_xml(fixture_database().root, binary_times=False, header_hash=b"\x00" * 32)
    with pytest.raises(MalformedExport, match="HeaderHash"):
        parse_document(
            xml, tmp_path / "x.kdbx", source_format="keepass-kdbx", header_sha256=b"\x01" * 32
        )


def test_kdb_1x_and_future_versions_are_unsupported(tmp_path: Path) -> None:
    """KeePass 1.x files and KDBX versions other than 3/4 get a clear 'unsupported' error."""
    path = tmp_path / "old.kdb"
    path.write_bytes(struct.pack("<II", 0x9AA2D903, 0xB54BFB65) + bytes(200))
    with pytest.raises(UnsupportedFormat, match=r"KeePass 1\.x"):
        read_vault(path, password="pw")
    path.write_bytes(struct.pack("<IIHH", 0x9AA2D903, 0xB54BFB67, 0, 5) + bytes(200))
    with pytest.raises(UnsupportedFormat, match=r"version 5\.0"):
        read_vault(path, password="pw")


def test_gzip_bomb_inside_a_valid_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decompressed XML is capped; a payload expanding beyond the cap is refused."""
    monkeypatch.setattr(payload, "MAX_XML_BYTES", 1000)
    path = tmp_path / "x.kdbx"
    path.write_bytes(write_kdbx4(fixture_database().root, password="pw"))
    with pytest.raises(ExportTooLarge, match="MiB of XML"):
        read_vault(path, password="pw")


def test_multi_block_streams_and_attachments(tmp_path: Path) -> None:
    """Many small blocks (both versions) and a protected attachment in the stream read fine."""
    root = Group("Root", entries=[Entry(f"e{i}", password=f"p{i}" * 20) for i in range(30)])
    for name, data in (
        ("v4.kdbx", write_kdbx4(root, password="pw", block_size=64, compress=False)),
        ("v3.kdbx", write_kdbx3(root, password="pw", block_size=64, attachment=b"\xff" * 999)),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        passwords = [i.password for i in read_vault(path, password="pw")]
        assert passwords == [f"p{i}" * 20 for i in range(30)]


def test_deeply_nested_groups_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    """Groups nested to the depth bound are walked without recursion; deeper is refused."""

    def nested(depth: int) -> Path:
        path = tmp_path / f"deep-{depth}.xml"
        path.write_text(
            "<KeePassFile><Root>"
            + "<Group><Name>g</Name>" * depth
            + "<Entry><String><Key>Password</Key><Value>x</Value></String></Entry>"
            + "</Group>" * depth
            + "</Root></KeePassFile>"
        )
        return path

    (item,) = read_vault(nested(MAX_GROUP_DEPTH + 1))  # the root group is not a level
    assert item.folder == "/".join(["g"] * MAX_GROUP_DEPTH)
    with pytest.raises(ExportTooLarge):  # by depth, or first by its density of tags
        read_vault(nested(3000))


def test_keepassfile_text_inside_another_export_is_not_keepass_xml(tmp_path: Path) -> None:
    """Only a ``<KeePassFile>`` root element claims a file, not the words in a CSV note."""
    path = tmp_path / "k.csv"
    path.write_text('"","0","","0","","<KeePassFile"\n', encoding="utf-8")
    assert detect(path).name != "keepass-xml"
    xml = tmp_path / "export.xml"
    xml.write_text('<?xml version="1.0"?>\n<!-- x -->\n<KeePassFile><Root/></KeePassFile>\n')
    assert detect(xml).name == "keepass-xml"
