"""Hostile exports (issue 15, items 5-7): bounded work and typed errors, never a traceback.

Every test here stands for a crafted file someone can send a user ("audit this export"). The
bounds are checked by counters (tracemalloc peaks, element and member counts, the KDF estimate
from the file's own parameters), never by the clock.
"""

from __future__ import annotations

import io
import json
import os
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings

from kdbx_writer import Entry, Group, KdfSpec, write_kdbx3, write_kdbx4
from pwhygiene._vault import io as vio
from pwhygiene._vault.kdbx import keys, stream
from pwhygiene._vault.kdbx.bounds import MAX_GROUP_DEPTH
from pwhygiene._vault.model import Vault
from pwhygiene._vault.registry import read_vault
from pwhygiene.exceptions import (
    ExportTooLarge,
    MalformedExport,
    PwhygieneError,
    UnsupportedFormat,
)
from strategies.hostile_exports import (
    Hostile,
    hostile_exports,
    json_surrogates,
    json_wide,
    xml_encoding,
    xml_nested,
    zip_corrupt_lzma,
)
from strategies.vault_core import PBKDF2_FAST, bitwarden_key, encstring

#: What "bounded memory" means here: 10 bytes per byte of input plus a fixed allowance for
#: what any read costs (decompressor windows, the first import of a reader).
MEMORY_PER_BYTE = 10
MEMORY_FLOOR = 12 * 2**20


def _peak(call: Callable[[], object]) -> tuple[object, int]:
    """Run ``call`` under tracemalloc; its result (or the exception it raised) and the peak."""
    tracemalloc.start()
    try:
        try:
            result: object = call()
        except Exception as exc:
            result = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def _write(tmp_path: Path, hostile: Hostile) -> Path:
    path = tmp_path / hostile.name
    path.write_bytes(hostile.data)
    return path


@pytest.fixture(scope="module", autouse=True)
def _readers_loaded() -> None:
    """Import every reader once, so no test's memory peak counts module imports."""
    from pwhygiene._vault.registry import formats  # noqa: PLC0415

    formats()


# --- item 5: work bounded by what is parsed ---------------------------------------------------


def test_nested_keepass_groups_are_refused_past_the_depth_bound(tmp_path: Path) -> None:
    """5,000 nested ``<Group>``s (40,000 took 50 s: quadratic) are refused by their depth."""
    body = "<Group><Name>group name</Name>" * 5_000 + _ENTRY + "</Group>" * 5_000
    path = tmp_path / "nested.xml"
    path.write_text("<KeePassFile><Root>" + body + "</Root></KeePassFile>")
    with pytest.raises(ExportTooLarge, match="MAX_GROUP_DEPTH"):
        read_vault(path, format="keepass-xml")


def test_keepass_walk_cost_does_not_grow_with_depth(tmp_path: Path) -> None:
    """Within the bound, the folder paths built are the ones items carry, nothing quadratic."""
    hostile = xml_nested(MAX_GROUP_DEPTH)
    (item,) = read_vault(_write(tmp_path, hostile), format="keepass-xml")
    assert item.folder == "/".join(["g"] * (MAX_GROUP_DEPTH - 1))


def _many_member_zip(count: int, *, lie: bool) -> bytes:
    """A Proton Pass zip (APPNOTE.TXT layout via zipfile) with ``count`` empty members.

    With ``lie``, the end record declares one member while the directory holds all of them:
    :mod:`zipfile` walks the directory by its size, so the declared count alone proves nothing.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("Proton Pass/data.json", b'{"encrypted": false, "vaults": {}}')
        for index in range(count - 1):
            archive.writestr(f"f{index}", b"")
    data = bytearray(buffer.getvalue())
    if lie:
        eocd = data.rfind(b"PK\x05\x06")
        struct.pack_into("<HH", data, eocd + 8, 1, 1)
    return bytes(data)


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "hidden"])
def test_zip_members_are_counted_before_zipfile_lists_them(tmp_path: Path, lie: bool) -> None:
    """30,000 members are refused from the central directory, before a ZipInfo per member.

    Stands for the million-member zip that cost 13 s and 576 MB before the limit was checked;
    the peak stays near the size of the directory itself.
    """
    path = tmp_path / "many.zip"
    path.write_bytes(_many_member_zip(30_000, lie=lie))
    result, peak = _peak(lambda: read_vault(path, format="protonpass-zip"))
    assert isinstance(result, ExportTooLarge), result
    assert "members" in str(result)
    assert peak < 2 * path.stat().st_size


def test_dense_json_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """A JSON export of nothing but ``{}`` (25 bytes of memory per byte) is refused cheaply."""
    path = _write(tmp_path, json_wide(400_000))
    result, peak = _peak(lambda: read_vault(path, format="bitwarden-json"))
    assert isinstance(result, ExportTooLarge), result
    assert peak < MEMORY_PER_BYTE * path.stat().st_size


def test_dense_json_inside_a_zip_under_the_ratio_limit_is_refused(tmp_path: Path) -> None:
    """A 1PUX under the zip ratio limit whose JSON would cost GBs is refused before parsing.

    Stands for the 1.35 MB zip whose 256 MB of JSON needed more than 4 GB: padding keeps the
    member under the ratio limit, the containers are still far too dense.
    """
    body = ",".join(f"[[{i}]]" for i in range(600_000))  # distinct numbers: ratio ~5, not 200
    data = '{"accounts": [' + body + "]}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.attributes", b"{}")
        archive.writestr("export.data", data.encode())
    path = tmp_path / "dense.1pux"
    path.write_bytes(buffer.getvalue())
    result, peak = _peak(lambda: read_vault(path, format="1password-1pux"))
    assert isinstance(result, ExportTooLarge), result
    assert peak < MEMORY_PER_BYTE * len(data)


def test_nested_entries_with_long_group_names_stay_bounded(tmp_path: Path) -> None:
    """Entries in every one of 250 nested, long-named groups: folder paths stay bounded."""
    body = ("<Group><Name>" + "n" * 20_000 + "</Name>" + _ENTRY) * 250 + "</Group>" * 250
    path = tmp_path / "long.xml"
    path.write_text("<KeePassFile><Root>" + body + "</Root></KeePassFile>")
    result, peak = _peak(lambda: read_vault(path, format="keepass-xml"))
    assert isinstance(result, ExportTooLarge), result
    assert peak < MEMORY_PER_BYTE * path.stat().st_size


_ENTRY = "<Entry><String><Key>Password</Key><Value>x</Value></String></Entry>"


# --- item 6: typed errors ---------------------------------------------------------------------

_BIG = "9" * 5_000


@pytest.mark.parametrize(
    ("fmt", "document"),
    [
        ("bitwarden-json", '{"encrypted": false, "items": [{"id": "a", "type": ' + _BIG + "}]}"),
        ("enpass-json", '{"folders": [], "items": [{"uuid": "a", "createdAt": ' + _BIG + "}]}"),
        ("keeper-json", '{"records": [{"title": "t", "uid": ' + _BIG + "}]}"),
        ("protonpass-json", '{"encrypted": false, "vaults": {"v": {"n": ' + _BIG + "}}}"),
        ("bitwarden-encrypted-json", '{"encrypted": true, "kdfIterations": ' + _BIG + "}"),
    ],
)
def test_integers_beyond_4300_digits_are_malformed(tmp_path: Path, fmt: str, document: str) -> None:
    """A JSON integer of 5,000 digits is a MalformedExport naming its line, in every format."""
    path = tmp_path / "big.json"
    path.write_text(document)
    with pytest.raises(MalformedExport, match="4,300 digits") as info:
        read_vault(path, format=fmt)
    assert "line 1" in str(info.value)


def test_integers_beyond_4300_digits_inside_a_1pux(tmp_path: Path) -> None:
    """The 4,300-digit limit is typed inside a zip member too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.attributes", b"{}")
        archive.writestr("export.data", '{"accounts": [' + _BIG + "]}")
    path = tmp_path / "big.1pux"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(MalformedExport, match="4,300 digits"):
        read_vault(path, format="1password-1pux")


def _encrypted_bitwarden(inner: bytes, salt: str, password: str) -> bytes:
    """A password-protected Bitwarden export (Bitwarden's documented layout) around ``inner``."""
    usable = salt.encode("utf-8", "replace").decode()  # the writer's KDF needs UTF-8 bytes
    enc, mac = bitwarden_key(password, usable, PBKDF2_FAST)
    document = {
        "encrypted": True,
        "passwordProtected": True,
        "salt": salt,
        **PBKDF2_FAST,
        "encKeyValidation_DO_NOT_EDIT": encstring(b"validation", enc, mac),
        "data": encstring(inner, enc, mac),
    }
    return json.dumps(document).encode()


def test_integers_beyond_4300_digits_inside_a_decrypted_bitwarden_export(tmp_path: Path) -> None:
    """The decrypted payload of an encrypted Bitwarden export obeys the same limit."""
    inner = b'{"encrypted": false, "items": [{"id": "a", "type": ' + _BIG.encode() + b"}]}"
    path = tmp_path / "enc.json"
    path.write_bytes(_encrypted_bitwarden(inner, "user@example.org", "pw"))
    with pytest.raises(MalformedExport, match="4,300 digits"):
        read_vault(path, format="bitwarden-encrypted-json", password="pw")


def test_bitwarden_salt_with_a_lone_surrogate_is_malformed(tmp_path: Path) -> None:
    """A salt holding a lone surrogate (legal JSON, not UTF-8) names the field, no crash."""
    path = tmp_path / "enc.json"
    path.write_bytes(_encrypted_bitwarden(b"{}", "\ud800", "pw"))
    with pytest.raises(MalformedExport, match=r"\$\.salt"):
        read_vault(path, format="bitwarden-encrypted-json", password="pw")


def test_lone_surrogates_in_titles_and_ids_read(tmp_path: Path) -> None:
    """Titles and ids with lone surrogates (JSON escapes) are read as they are, not refused."""
    vault = read_vault(_write(tmp_path, json_surrogates(3)), format="bitwarden-json")
    assert [item.title for item in vault] == ["\ud800t", "\ud800t\ud800t", "\ud800t" * 3]
    assert vault.items[0].id.startswith("\udc00")


@pytest.mark.parametrize("index", range(6))
def test_keepass_xml_with_a_foreign_declared_encoding_is_malformed(
    tmp_path: Path, index: int
) -> None:
    """Unknown, multi-byte or mismatched declared encodings are MalformedExport, not ValueError."""
    with pytest.raises(MalformedExport):
        read_vault(_write(tmp_path, xml_encoding(index)), format="keepass-xml")


def test_corrupt_lzma_zip_member_is_malformed(tmp_path: Path) -> None:
    """A damaged LZMA-compressed member is a MalformedExport naming the member."""
    with pytest.raises(MalformedExport, match=r"export\.data"):
        read_vault(_write(tmp_path, zip_corrupt_lzma(3)), format="1password-1pux")


@pytest.mark.parametrize("fmt", ["auto", "bitwarden-json", "keepass-kdbx", "dashlane-zip"])
def test_devices_are_refused_before_reading(fmt: str) -> None:
    """``/dev/zero`` (endless) is refused up front instead of filling memory."""
    with pytest.raises(UnsupportedFormat, match="regular"):
        read_vault("/dev/zero", format=fmt, password="pw")


@pytest.mark.parametrize("fmt", ["auto", "bitwarden-json", "keepass-xml", "lastpass-csv"])
def test_fifos_are_refused_without_waiting_for_a_writer(tmp_path: Path, fmt: str) -> None:
    """A FIFO is refused at once: opening it for reading must not block."""
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedFormat, match="FIFO"):
        read_vault(fifo, format=fmt)


def test_read_bytes_never_asks_for_the_whole_limit(tmp_path: Path) -> None:
    """Reading a small file allocates about its size, not the 512 MiB limit up front."""
    path = tmp_path / "small.json"
    path.write_bytes(b"{}")
    data, peak = _peak(lambda: vio.read_bytes(path))
    assert data == b"{}"
    assert peak < 2**20


# --- item 7: KDBX with a known password -------------------------------------------------------


def test_kdbx_compression_bomb_is_refused(tmp_path: Path) -> None:
    """A small KDBX whose payload inflates more than 200x past 16 MiB is refused.

    Stands for the 255 KB file that inflated to 250 MB of XML and 3.6 GB of memory.
    """
    root = Group("Root", entries=[Entry("t", password="p", notes="a" * (40 * 2**20))])
    path = tmp_path / "bomb.kdbx"
    path.write_bytes(write_kdbx4(root, password="pw"))
    assert path.stat().st_size < 200_000
    with pytest.raises(ExportTooLarge, match="compression bomb"):
        read_vault(path, password="pw")


def test_kdbx_nested_groups_are_refused(tmp_path: Path) -> None:
    """Groups nested past the bound inside an encrypted KDBX 4 are a typed refusal."""
    root = Group("Root")
    group = root
    for _ in range(MAX_GROUP_DEPTH + 5):
        child = Group("g")
        group.groups.append(child)
        group = child
    group.entries.append(Entry("t", password="p"))
    path = tmp_path / "nested.kdbx"
    path.write_bytes(write_kdbx4(root, password="pw"))
    with pytest.raises(ExportTooLarge, match="MAX_GROUP_DEPTH"):
        read_vault(path, password="pw")


def test_kdbx3_protected_values_use_the_c_salsa20(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KDBX 3.1 with a 2 MB protected value is un-protected without the Python Salsa20.

    Stands for the 41 KB file with one 30 MB protected value that took 39 s: the reference
    block function (kept for the tests' spec vectors) must never run while reading.
    """
    root = Group("Root", entries=[Entry("t", password="x" * 2_000_000)])
    path = tmp_path / "v3.kdbx"
    path.write_bytes(write_kdbx3(root, password="pw"))

    def forbidden(*args: object) -> bytes:
        raise AssertionError("the pure-Python Salsa20 ran")

    monkeypatch.setattr(stream, "salsa20_block", forbidden)
    (item,) = read_vault(path, password="pw")
    assert item.password == "x" * 2_000_000


def test_slow_aes_kdf_is_refused_before_it_starts(tmp_path: Path) -> None:
    """10^9 AES-KDF rounds (38 s here) are refused from the header, saying how to allow them."""
    root = Group("Root", entries=[Entry("t", password="p")])
    path = tmp_path / "slow.kdbx"
    path.write_bytes(
        write_kdbx4(root, password="pw", kdf=KdfSpec(kind="aes"),
                    claimed_kdf=KdfSpec(kind="aes", rounds=10**9))
    )  # fmt: skip
    with pytest.raises(ExportTooLarge, match="max_kdf_seconds=") as info:
        read_vault(path, password="pw")
    assert "--max-kdf-seconds" in str(info.value)


def test_slow_argon2_is_refused_before_it_starts(tmp_path: Path) -> None:
    """Argon2 at the work limit (225 s and 3 GB here) is refused from the header."""
    root = Group("Root", entries=[Entry("t", password="p")])
    claimed = KdfSpec(memory=2 * 2**30, iterations=100, parallelism=1)
    path = tmp_path / "slow.kdbx"
    path.write_bytes(write_kdbx4(root, password="pw", claimed_kdf=claimed))
    with pytest.raises(ExportTooLarge, match="key derivation"):
        read_vault(path, password="pw")


def test_max_kdf_seconds_is_an_estimate_from_the_parameters(tmp_path: Path) -> None:
    """The bound compares the file's own KDF cost, so the same file opens under a looser one."""
    root = Group("Root", entries=[Entry("t", password="p")])
    rounds = keys.AES_KDF_ROUNDS_PER_SECOND // 100  # estimated at 2 x 1/100 s
    path = tmp_path / "kdf.kdbx"
    path.write_bytes(write_kdbx4(root, password="pw", kdf=KdfSpec(kind="aes", rounds=rounds)))
    with pytest.raises(ExportTooLarge, match="max_kdf_seconds=1 "):
        read_vault(path, password="pw", max_kdf_seconds=0.01)
    (item,) = read_vault(path, password="pw", max_kdf_seconds=0.03)
    assert item.password == "p"


# --- the invariant, generated -----------------------------------------------------------------


@settings(max_examples=40)
@given(hostile=hostile_exports(scale=1))
def test_hostile_exports_are_items_or_typed_errors_in_bounded_memory(
    tmp_path_factory: pytest.TempPathFactory, hostile: Hostile
) -> None:
    """Any generated hostile export reads to items or a PwhygieneError within the memory cap."""
    path = tmp_path_factory.mktemp("hostile") / hostile.name
    path.write_bytes(hostile.data)
    result, peak = _peak(lambda: read_vault(path, format=hostile.format))
    assert isinstance(result, (PwhygieneError, Vault)), result
    assert peak <= MEMORY_PER_BYTE * len(hostile.data) + MEMORY_FLOOR, (hostile, peak)
