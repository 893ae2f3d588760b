"""Proton Pass readers (CSV, JSON, zip) and the PGP refusal: fixtures, round-trips, leaks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import VaultItem, read_vault
from pwhygiene._vault.formats import protonpass, protonpass_pgp
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    PASSKEY_PRIVATE_KEY,
    PROTON_HEADER,
    Entry,
    assert_rejection_hides,
    csv_text,
    entry_lists,
    expected,
    marked_passwords,
    observed,
    protonpass_csv,
    protonpass_json,
    write_file,
    zip_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
DATA_JSON = FIXTURES / "protonpass-json" / "data.json"
REFUSAL = "export again without a passphrase, or decrypt it with `gpg --decrypt` first"


def utc(epoch_seconds: int) -> datetime:
    """A UTC datetime from Unix seconds, as Proton Pass writes times."""
    return datetime.fromtimestamp(epoch_seconds, timezone.utc)


def test_json_fixture_items() -> None:
    """data.json: ids, vault names as folders, trash state, every URL, TOTP in extra fields."""
    vault = read_vault(DATA_JSON)
    assert vault.source_format == "protonpass-json"
    login, note, card, alias, wifi, trashed = vault.items
    assert login == VaultItem(
        id="item-login-1", title="Example", source_format="protonpass-json", username="me",
        password="Pp-example-0001", urls=("https://example.com/", "https://example2.com/"),
        totp=True, folder="Personal", notes_present=True,
        created=login.created, modified=login.modified,
    )  # fmt: skip
    assert login.created is not None
    assert (login.created.at, login.created.source) == (utc(1689182868), "createTime")
    assert login.modified is not None
    assert login.modified.source == "modifyTime"
    assert (note.kind, note.trashed) == (ItemKind.NOTE, True)
    assert (card.kind, card.password) == (ItemKind.CARD, None)
    assert (alias.kind, alias.password) == (ItemKind.OTHER, None)
    assert (wifi.kind, wifi.password) == (ItemKind.LOGIN, "Pp-wifi-0004")
    assert (trashed.folder, trashed.trashed, trashed.urls) == (
        "Work", True, ("https://ops.example.com/",),
    )  # fmt: skip


def test_folders_inside_vaults(tmp_path: Path) -> None:
    """Newer exports nest folders in vaults; an item's ``folderId`` gives ``Vault/Parent/Child``."""
    data = json.loads(DATA_JSON.read_text("utf-8"))
    share = data["vaults"]["share-A"]
    share["folders"] = [
        {"folderId": "f-child", "parentFolderId": "f-parent", "name": "Child"},
        {"folderId": "f-parent", "parentFolderId": None, "name": "Parent"},
        {"folderId": "f-loop", "parentFolderId": "f-loop", "name": "Loop"},
    ]
    share["items"][0]["folderId"] = "f-child"
    share["items"][1]["folderId"] = "f-loop"
    share["items"][2]["folderId"] = "unknown"
    first, second, third, *_ = read_vault(write_file(tmp_path, "data.json", json.dumps(data)))
    assert (first.folder, second.folder, third.folder) == (
        "Personal/Parent/Child", "Personal/Loop", "Personal",
    )  # fmt: skip


def test_zip_fixture_matches_json() -> None:
    """The zip around ``Proton Pass/data.json`` yields the same items as the bare JSON."""
    from_zip = read_vault(FIXTURES / "protonpass-zip" / "Proton Pass_export_2024-05-01.zip")
    from_json = read_vault(DATA_JSON)
    assert from_zip.source_format == "protonpass-zip"
    assert [replace(i, source_format="x") for i in from_zip] == [
        replace(i, source_format="x") for i in from_json
    ]


def test_csv_fixture_items() -> None:
    """CSV: autofillUrls JSON beats the url cell; email stands in for a username; types kept."""
    login, email_only, note, card, alias = read_vault(
        FIXTURES / "protonpass-csv" / "protonpass.csv"
    )
    assert (login.username, login.urls, login.totp, login.folder) == (
        "me", ("https://example.com/", "https://login.example.com/"), True, "Personal",
    )  # fmt: skip
    assert email_only.username == "only@example.net"
    assert [i.kind for i in (note, card, alias)] == [ItemKind.NOTE, ItemKind.CARD, ItemKind.OTHER]
    assert card.password is None


def test_legacy_csv_splits_the_url_cell() -> None:
    """Older CSVs have no email/autofillUrls columns; ``url`` holds URLs joined by ``, ``."""
    (item,) = read_vault(FIXTURES / "protonpass-csv" / "protonpass-legacy.csv")
    assert item.urls == ("https://a.example.com", "https://b.example.com")
    assert item.username == "legacy@example.com"


@pytest.mark.parametrize(
    "name",
    ["protonpass-pgp/Proton Pass_export.pgp", "protonpass-pgp/Proton Pass_export-encrypted.zip"],
)
def test_pgp_exports_are_refused_with_next_step(name: str) -> None:
    """The passphrase-protected export is detected and refused with how to get a readable one."""
    path = FIXTURES / name
    assert detect(path).name == "protonpass-pgp"
    with pytest.raises(UnsupportedFormat, match="not supported") as info:
        read_vault(path)
    assert REFUSAL in str(info.value)


def test_binary_pgp_needs_its_extension(tmp_path: Path) -> None:
    """A binary OpenPGP message is claimed by extension; the same bytes unnamed are not."""
    data = bytes([0xC3, 0x0D, 0x04, 0x09, 0x03, 0x08]) + b"\x00" * 32
    assert protonpass_pgp.sniff(take_sample(write_file(tmp_path, "x.gpg", data))) is Detection.YES
    assert protonpass_pgp.sniff(take_sample(write_file(tmp_path, "x.bin", data))) is Detection.NO


def test_encrypted_flag_is_refused(tmp_path: Path) -> None:
    """``"encrypted": true`` in data.json gets the same clear refusal."""
    data = {"version": "1", "userId": "u", "encrypted": True, "vaults": {}}
    with pytest.raises(UnsupportedFormat, match="PGP-encrypted"):
        read_vault(write_file(tmp_path, "data.json", json.dumps(data)))


def test_zip_without_data_json(tmp_path: Path) -> None:
    """A zip forced through the reader without data.json names the member it expected."""
    path = write_file(tmp_path, "p.zip", zip_bytes({"other.txt": "x"}))
    with pytest.raises(MalformedExport, match=r"Proton Pass/data\.json"):
        read_vault(path, format="protonpass-zip")


def test_bitwarden_json_is_not_claimed(tmp_path: Path) -> None:
    """Bitwarden's ``{"encrypted": false, "items": [...]}`` has no ``vaults`` object."""
    text = json.dumps({"encrypted": False, "folders": [], "items": []})
    assert protonpass.sniff_json(take_sample(write_file(tmp_path, "b.json", text))) is Detection.NO


def test_bad_time_names_json_path_and_lenient_mode_warns(tmp_path: Path) -> None:
    """A non-integer time is an error at its JSON path; lenient mode skips only that item."""
    data = json.loads(DATA_JSON.read_text("utf-8"))
    data["vaults"]["share-A"]["items"][2]["createTime"] = "yesterday"
    path = write_file(tmp_path, "data.json", json.dumps(data))
    with pytest.raises(MalformedExport, match=r'\$\.vaults\["share-A"\]\.items\[2\]\.createTime'):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert len(lenient) == 5
    assert len(lenient.warnings) == 1


def test_bad_csv_time_names_the_line(tmp_path: Path) -> None:
    """A CSV time that is neither Unix nor ISO names its line and column."""
    row = ["login", "N", "", "", "", "u", "pw", "", "", "soon", "1", "V"]
    path = write_file(tmp_path, "p.csv", csv_text(PROTON_HEADER, [row]))
    with pytest.raises(MalformedExport, match="line 2: expected createTime"):
        read_vault(path)


def _csv_expected(e: Entry) -> tuple[object, ...]:
    return expected(e, "protonpass-csv", folder=e.folder, created=True, modified=True)


@given(items=entry_lists, structured=st.booleans())
def test_csv_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], structured: bool
) -> None:
    """Logins written as either CSV variant read back field for field."""
    text = protonpass_csv(items, structured=structured)
    path = write_file(tmp_path_factory.mktemp("ppc"), "p.csv", text)
    assert [observed(i) for i in read_vault(path)] == [_csv_expected(e) for e in items]
    assert detect(path).name == "protonpass-csv"


def _json_expected(e: Entry, fmt: str) -> tuple[object, ...]:
    return expected(e, fmt, folder=e.folder or "Personal", trashed=e.trashed, created=True,
                    modified=True, passkey=True)  # fmt: skip


@given(items=entry_lists)
def test_json_and_zip_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry]
) -> None:
    """Logins written as data.json, bare or zipped, read back with ids, vaults and trash."""
    folder = tmp_path_factory.mktemp("ppj")
    data = protonpass_json(items)
    vaults = list(dict.fromkeys(e.folder or "Personal" for e in items))
    by_vault = [e for v in vaults for e in items if (e.folder or "Personal") == v]
    plain = read_vault(write_file(folder, "data.json", json.dumps(data)))
    assert [observed(i) for i in plain] == [_json_expected(e, "protonpass-json") for e in by_vault]
    zipped = zip_bytes({"Proton Pass/data.json": json.dumps(data)})
    from_zip = read_vault(write_file(folder, "export.zip", zipped))
    assert [observed(i) for i in from_zip] == [
        _json_expected(e, "protonpass-zip") for e in by_vault
    ]


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_errors_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr, error or warning shows a password, even in an item that cannot be read."""
    folder = tmp_path_factory.mktemp("pps")
    items = [replace(items[0], password=secret), *items[1:]]
    data = protonpass_json(items)
    vault = read_vault(write_file(folder, "ok.json", json.dumps(data)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    first = next(iter(data["vaults"].values()))["items"][0]  # type: ignore[attr-defined]
    first["createTime"] = secret
    first["data"]["content"]["urls"] = [secret, 7]
    path = write_file(folder, "bad.json", json.dumps(data))
    assert_rejection_hides(path, secret)


@given(items=entry_lists, key=marked_passwords)
def test_passkey_private_key_never_reaches_any_output(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], key: str
) -> None:
    """A passkey's private key shows in no repr, error or warning, even where it is misplaced.

    Stands for a Proton Pass JSON export of a login holding a passkey (``content.passkeys``
    entries carry the private key in ``content``), and a damaged one where the key sits where
    the passkey object belongs.
    """
    folder = tmp_path_factory.mktemp("ppk")
    data = protonpass_json(items)
    first = next(iter(data["vaults"].values()))["items"][0]  # type: ignore[attr-defined]
    first["data"]["content"]["passkeys"] = [{"content": key, "rpId": "example.com"}]
    vault = read_vault(write_file(folder, "ok.json", json.dumps(data)))
    assert vault.items[0].passkey is True
    assert key not in repr(vault)
    assert key not in str(list(vault))
    assert PASSKEY_PRIVATE_KEY not in repr(vault)
    first["data"]["content"]["passkeys"] = [key]
    path = write_file(folder, "bad.json", json.dumps(data))
    with pytest.raises(MalformedExport, match=r"passkeys\[0\]"):
        read_vault(path)
    assert_rejection_hides(path, key)


# --- Issue 11: current and oldest exports -----------------------------------------------------

CURRENT_JSON = FIXTURES / "protonpass-json" / "data-1.36.json"
CURRENT_ZIP = FIXTURES / "protonpass-zip" / "Proton Pass_export_2026-01-15.zip"
OLDEST_CSV = FIXTURES / "protonpass-csv" / "protonpass-oldest.csv"


@pytest.mark.parametrize(
    ("path", "fmt"), [(CURRENT_JSON, "protonpass-json"), (CURRENT_ZIP, "protonpass-zip")]
)
def test_current_export_without_encrypted_flag_reads(path: Path, fmt: str) -> None:
    """Proton Pass 1.36 ``{userId, vaults, version}`` (no ``encrypted``) is detected and read.

    Stands for a current Proton Pass JSON or zip export (Proton's ``ExportData`` type).
    """
    vault = read_vault(path)
    assert vault.source_format == fmt
    by_id = {item.id: item for item in vault}
    assert by_id["item-136-login"].password == "Pp-136-mail-pass"
    assert by_id["item-136-login"].username == "kim@example.com"
    assert by_id["item-136-wifi"].kind is ItemKind.LOGIN  # a Wi-Fi password is audited
    assert by_id["item-136-wifi"].password == "Pp-136-wifi-pass"
    assert by_id["item-136-note"].trashed


def test_oldest_csv_header_without_vault_column_reads() -> None:
    """The first Proton Pass CSV header (no ``vault`` column) is detected and read."""
    vault = read_vault(OLDEST_CSV)
    assert vault.source_format == "protonpass-csv"
    login, note = vault.items
    assert (login.username, login.password, login.folder) == ("kim", "Pp-oldest-0001", None)
    assert note.kind is ItemKind.NOTE
