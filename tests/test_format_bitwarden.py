"""Bitwarden JSON and CSV readers: fixtures, round-trips, hostile input, no secret leaks."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import PwhygieneError, VaultItem, read_vault
from pwhygiene._vault.registry import detect
from pwhygiene.exceptions import MalformedExport, UnsupportedFormat
from pwhygiene.vault import ItemKind
from strategies.vault_core import (
    PASSKEY_PRIVATE_KEY,
    Login,
    bitwarden_csv,
    bitwarden_json,
    json_with_one_value_replaced,
    login_lists,
    logins,
    marked_passwords,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "bitwarden"


def utc(*parts: int) -> datetime:
    """A UTC datetime from (year, month, day[, hour, minute, second]), for expectations."""
    y, mo, d, h, mi, se = (*parts, 0, 0, 0)[:6]
    return datetime(y, mo, d, h, mi, se, tzinfo=timezone.utc)


def _write(factory: pytest.TempPathFactory, name: str, data: bytes | str) -> Path:
    path = factory.mktemp("bw") / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def test_json_individual_fixture_items() -> None:
    """The individual JSON fixture yields every item typed, with dates, history and trash."""
    vault = read_vault(FIXTURES / "individual.json")
    assert vault.source_format == "bitwarden-json"
    assert [i.kind for i in vault] == [
        ItemKind.LOGIN, ItemKind.LOGIN, ItemKind.LOGIN, ItemKind.NOTE,
        ItemKind.CARD, ItemKind.IDENTITY, ItemKind.SSH_KEY,
    ]  # fmt: skip
    mail, forum, bank, note, card, *_ = vault.items
    assert mail.id == "0b9d1e7a-1111-4000-8000-000000000001"
    assert (mail.title, mail.username, mail.password) == (
        "Example Mail",
        "alice@example.com",
        "c0rrect-Horse",
    )
    assert mail.urls == ("https://mail.example.com/login", "https://example.com")
    assert (mail.totp, mail.passkey) == (True, False)
    assert (forum.totp, forum.passkey) == (False, True)
    assert "FIXTURE" not in repr(vault)  # the fixture passkey's keyValue
    assert mail.folder == "Work"
    assert mail.notes_present is True
    assert mail.created is not None
    assert mail.created.at == utc(2021, 7, 8, 9, 10, 11)
    assert mail.password_changed is not None
    assert mail.password_changed.source == "passwordRevisionDate"
    assert mail.password_changed.at == utc(2023, 5, 1, 10)
    assert [(h.password, h.changed) for h in mail.history] == [
        ("old-Pass-1", utc(2023, 5, 1, 10)),
        ("older-Pass-0", utc(2022, 1, 15, 8, 30)),
    ]
    assert forum.password_changed is not None
    assert forum.password_changed.source == "creationDate"  # never changed: as old as the item
    assert bank.trashed is True
    assert bank.folder == "Home/Bank"
    assert note.password is None
    assert note.notes_present is True
    assert card.password is None
    assert card.username is None
    assert len(vault.logins()) == 2


def test_json_organization_fixture_uses_collections_as_folders() -> None:
    """An organization export maps each item to its first known collection's name."""
    vault = read_vault(FIXTURES / "organization.json")
    assert [(i.title, i.folder) for i in vault] == [
        ("CI server", "Shared/Ops"),
        ("Runbook", "Engineering"),
    ]


def test_csv_individual_fixture_items() -> None:
    """The CSV fixture: CRLF, multi-line notes, several URIs in one cell, quoted commas."""
    vault = read_vault(FIXTURES / "individual.csv")
    assert vault.source_format == "bitwarden-csv"
    rows = [(i.title, i.kind, i.username, i.password, i.urls, i.folder, i.totp) for i in vault]
    assert rows == [
        ("Example Mail", ItemKind.LOGIN, "alice@example.com", "c0rrect-Horse",
         ("https://mail.example.com/login", "https://example.com"), "Work", True),
        ("Forum", ItemKind.LOGIN, "alice", "hunter2", (), None, False),
        ("Wi-Fi", ItemKind.NOTE, None, None, (), "Home/Bank", False),
        ('Quote "Inc"', ItemKind.LOGIN, "bob, jr", 'pa,ss"word', ("https://q.example",),
         None, False),
    ]  # fmt: skip
    assert all(i.id.startswith("fp-") for i in vault)


def test_csv_organization_fixture_with_bom() -> None:
    """The organization CSV (with a UTF-8 BOM) takes the first collection as the folder."""
    vault = read_vault(FIXTURES / "organization.csv")
    assert [(i.title, i.folder, i.kind) for i in vault] == [
        ("CI server", "Shared/Ops", ItemKind.LOGIN),
        ("Runbook", "Engineering", ItemKind.NOTE),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("individual.json", "bitwarden-json"),
        ("organization.json", "bitwarden-json"),
        ("individual.csv", "bitwarden-csv"),
        ("organization.csv", "bitwarden-csv"),
    ],
)
def test_detection(name: str, expected: str) -> None:
    """Each fixture is recognised from its content alone."""
    assert detect(FIXTURES / name).name == expected


def test_detection_ignores_extension(tmp_path: Path) -> None:
    """A renamed export is still recognised by content."""
    renamed = tmp_path / "backup.txt"
    renamed.write_bytes((FIXTURES / "individual.json").read_bytes())
    assert detect(renamed).name == "bitwarden-json"


def _same(item_in: Login, item_out: object, *, with_dates: bool) -> None:
    assert isinstance(item_out, VaultItem)
    assert item_out.title == item_in.title
    assert item_out.username == item_in.username
    assert item_out.password == item_in.password
    assert item_out.urls == item_in.urls
    assert item_out.folder == item_in.folder
    assert item_out.totp == item_in.totp
    assert item_out.notes_present == bool(item_in.notes)
    # Only the JSON export carries passkeys (login.fido2Credentials); the CSV has no column.
    assert item_out.passkey == (item_in.passkey and with_dates)
    if with_dates:
        assert item_out.trashed == item_in.trashed
        assert item_out.created is not None
        assert item_out.created.at == item_in.created
        assert item_out.password_changed is not None
        assert item_out.password_changed.at == item_in.changed
        assert [(h.password, h.changed) for h in item_out.history] == list(item_in.history)


@given(items=login_lists)
def test_json_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Items written as Bitwarden JSON read back with every field intact."""
    path = _write(tmp_path_factory, "export.json", json.dumps(bitwarden_json(items), indent=2))
    vault = read_vault(path)
    assert len(vault) == len(items)
    for a, b in zip(items, vault, strict=True):
        _same(a, b, with_dates=True)


@given(items=login_lists)
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Items written as Bitwarden CSV read back with the fields CSV carries."""
    path = _write(tmp_path_factory, "export.csv", bitwarden_csv(items))
    vault = read_vault(path)
    assert len(vault) == len(items)
    for a, b in zip(items, vault, strict=True):
        _same(a, b, with_dates=False)


@given(items=login_lists, extra=logins())
def test_adding_an_item_leaves_the_others_unchanged(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], extra: Login
) -> None:
    """Appending an item to an export never changes how the existing items are read."""
    before = read_vault(_write(tmp_path_factory, "a.csv", bitwarden_csv(items)))
    after = read_vault(_write(tmp_path_factory, "b.csv", bitwarden_csv([*items, extra])))
    assert after.items[: len(before)] == before.items


def test_bad_timestamp_names_the_json_path(tmp_path: Path) -> None:
    """A malformed date is an error naming the item's JSON path and the field."""
    data = json.loads((FIXTURES / "individual.json").read_text())
    data["items"][2]["revisionDate"] = "yesterday"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(MalformedExport, match=r"\$\.items\[2\].*revisionDate"):
        read_vault(path)


def test_lenient_mode_keeps_a_warning_per_skipped_item(tmp_path: Path) -> None:
    """With strict=False a bad item is skipped and reported, the rest are read."""
    data = json.loads((FIXTURES / "individual.json").read_text())
    data["items"][1]["type"] = 42
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    vault = read_vault(path, strict=False)
    assert len(vault) == len(data["items"]) - 1
    assert len(vault.warnings) == 1
    assert "$.items[1].type" in vault.warnings[0]


def test_csv_unknown_type_names_the_line(tmp_path: Path) -> None:
    """A CSV row with an unknown type is an error naming its line."""
    path = tmp_path / "bad.csv"
    data = (FIXTURES / "individual.csv").read_bytes()
    path.write_bytes(data.replace(b",,login,Forum", b",,card,Forum"))
    with pytest.raises(MalformedExport, match="line 4"):
        read_vault(path)


def test_encrypted_json_refused_by_plain_reader(tmp_path: Path) -> None:
    """Forcing the plain reader on an encrypted export points at the right format."""
    path = tmp_path / "enc.json"
    path.write_text('{"encrypted": true, "passwordProtected": true}')
    with pytest.raises(UnsupportedFormat, match="bitwarden-encrypted-json"):
        read_vault(path, format="bitwarden-json")


@given(items=st.lists(logins(), min_size=1, max_size=4), secret=marked_passwords)
def test_no_password_in_reprs_or_errors(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], secret: str
) -> None:
    """Neither a vault's repr, its items' reprs, nor an error message shows a password."""
    data = bitwarden_json(items)
    data["items"][0]["login"]["password"] = secret  # type: ignore[index]
    vault = read_vault(_write(tmp_path_factory, "ok.json", json.dumps(data)))
    assert secret not in repr(vault)
    assert secret not in str(vault.items)
    data["items"][0]["login"]["passwordRevisionDate"] = secret  # type: ignore[index]
    with pytest.raises(MalformedExport) as info:
        read_vault(_write(tmp_path_factory, "bad.json", json.dumps(data)))
    assert secret not in str(info.value)
    lenient = read_vault(_write(tmp_path_factory, "bad.json", json.dumps(data)), strict=False)
    assert all(secret not in w for w in lenient.warnings)


@given(st.data())
def test_any_json_value_anywhere_raises_only_pwhygiene_errors(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Swapping any value of a valid export for any JSON value is read or refused cleanly."""
    name = data.draw(st.sampled_from(["individual.json", "organization.json"]))
    doc = data.draw(json_with_one_value_replaced(json.loads((FIXTURES / name).read_text())))
    path = _write(tmp_path_factory, name, json.dumps(doc))
    with contextlib.suppress(PwhygieneError):
        read_vault(path, format="bitwarden-json")


@given(items=st.lists(logins(), min_size=1, max_size=4), key=marked_passwords)
def test_passkey_private_key_never_reaches_any_output(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], key: str
) -> None:
    """A passkey's ``keyValue`` shows in no repr, error or warning, even where it is misplaced.

    Stands for Bitwarden's JSON export of a login holding a passkey (``login.fido2Credentials``
    entries carry the private key in ``keyValue``), and for a damaged export where the key
    sits where the credential object belongs.
    """
    data = bitwarden_json(items)
    login = data["items"][0]["login"]  # type: ignore[index]
    login["fido2Credentials"] = [{"keyValue": key, "rpId": "example.com"}]
    vault = read_vault(_write(tmp_path_factory, "ok.json", json.dumps(data)))
    assert vault.items[0].passkey is True
    assert key not in repr(vault)
    assert key not in str(vault.items)
    assert PASSKEY_PRIVATE_KEY not in repr(vault)
    login["fido2Credentials"] = [key]
    bad = _write(tmp_path_factory, "bad.json", json.dumps(data))
    with pytest.raises(MalformedExport, match=r"fido2Credentials\[0\]") as info:
        read_vault(bad)
    assert key not in str(info.value)
    assert key not in repr(info.value)
    lenient = read_vault(bad, strict=False)
    assert lenient.warnings
    assert all(key not in w for w in lenient.warnings)
    assert key not in repr(lenient)
