"""Dashlane credentials.csv and CSV-zip readers: fixtures, round-trips, hostile input, leaks."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import VaultItem, read_vault
from pwhygiene._vault.formats import dashlane
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    DASHLANE_HEADER,
    Entry,
    csv_text,
    dashlane_csv,
    entry_lists,
    marked_passwords,
    write_file,
    zip_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
CSV = FIXTURES / "dashlane-csv" / "credentials.csv"
ZIP = FIXTURES / "dashlane-zip" / "dashlane-export.zip"


def _login(**kw: object) -> VaultItem:
    return VaultItem(source_format="dashlane-csv", **kw)  # type: ignore[arg-type]


def test_credentials_fixture_items() -> None:
    """credentials.csv: CRLF, a multi-line note, username2 fallback, non-ASCII, a duplicate."""
    vault = read_vault(CSV)
    assert vault.source_format == "dashlane-csv"
    assert vault.warnings == ()
    mail, forum, router, mail2 = vault.items
    assert mail == _login(
        id=mail.id, title="Example Mail", username="jdoe@example.com", password="Dl-mail-0001",
        urls=("https://mail.example.com",), totp=True, folder="Personal", notes_present=True,
    )  # fmt: skip
    assert forum == _login(
        id=forum.id, title="Forum", username="alt-name", password="Dl-forum-0002",
        urls=("https://forum.example.org",),
    )  # fmt: skip
    assert (router.title, router.password) == ("Café «Router»", "Dl-router-éß3")
    assert mail2.id == f"{mail.id}-2", "identical non-secret fields still get distinct ids"
    assert mail.id.startswith("fp-")


def test_otpurl_variant_with_bom() -> None:
    """The newer header ends in ``otpUrl``; a BOM does not hide the first column."""
    bank, shop = read_vault(FIXTURES / "dashlane-csv" / "credentials-otpurl-bom.csv")
    assert (bank.username, bank.totp, bank.folder) == ("kim", True, "Finance")
    assert (shop.totp, shop.folder) == (False, None)


def test_zip_fixture_keeps_every_table_typed() -> None:
    """The zip yields logins with passwords and typed notes, cards and identities without."""
    vault = read_vault(ZIP)
    assert vault.source_format == "dashlane-zip"
    kinds = [i.kind for i in vault]
    assert kinds == [ItemKind.LOGIN] * 4 + [
        ItemKind.NOTE, ItemKind.CARD, ItemKind.OTHER, ItemKind.IDENTITY, ItemKind.IDENTITY,
        ItemKind.IDENTITY,
    ]  # fmt: skip
    titles = [i.title for i in vault if i.kind is not ItemKind.LOGIN]
    assert titles == [
        "Wifi at home", "Work Visa", "Savings", "Jane Doe passport", "MS Jane Doe", "Jane's email"
    ]  # fmt: skip
    assert all(i.password is None for i in vault if i.kind is not ItemKind.LOGIN)
    assert {i.source_format for i in vault} == {"dashlane-zip"}
    assert len({i.id for i in vault}) == len(vault)


def test_zip_unknown_csv_member_is_reported(tmp_path: Path) -> None:
    """A CSV in the zip that is no Dashlane table is named in a warning, not guessed at."""
    data = zip_bytes({"credentials.csv": CSV.read_text("utf-8"), "extra.csv": "a,b\r\n1,2\r\n"})
    vault = read_vault(write_file(tmp_path, "d.zip", data))
    assert len(vault) == 4
    assert vault.warnings == (f"{tmp_path / 'd.zip' / 'extra.csv'}: not a Dashlane table; ignored",)


def test_zip_error_names_the_member_and_line(tmp_path: Path) -> None:
    """A broken row inside the zip is reported as ``export.zip/credentials.csv: line N``."""
    bad = ",".join(DASHLANE_HEADER) + "\r\nonly,three,cells\r\n"
    path = write_file(tmp_path, "d.zip", zip_bytes({"credentials.csv": bad}))
    with pytest.raises(MalformedExport, match=r"d\.zip/credentials\.csv: line 2"):
        read_vault(path)


def test_unknown_header_is_malformed(tmp_path: Path) -> None:
    """Forcing the reader on a CSV that is no Dashlane table says what header it expected."""
    path = write_file(tmp_path, "x.csv", "name,url,username,password\r\na,b,c,d\r\n")
    with pytest.raises(MalformedExport, match="line 1: expected a Dashlane header"):
        read_vault(path, format="dashlane-csv")


@pytest.mark.parametrize(
    "header",
    [
        "name,url,username,password",  # Chrome
        "url,username,password,totp,extra,name,grouping,fav",  # LastPass
        "title,note",  # a lone securenotes.csv is too generic to claim
        "username,password,title",
    ],
)
def test_sniffer_does_not_claim_other_csvs(tmp_path: Path, header: str) -> None:
    """Other exporters' headers, and a bare ``title,note`` in any file but securenotes.csv."""
    path = write_file(tmp_path, "x.csv", header + "\r\n")
    assert dashlane.sniff_csv(take_sample(path)) is Detection.NO


def _expected(e: Entry, fmt: str) -> tuple[object, ...]:
    return (fmt, ItemKind.LOGIN, e.title, e.expected_username, e.password, e.urls[:1],
            e.folder, e.totp, bool(e.note))  # fmt: skip


def _observed(i: VaultItem) -> tuple[object, ...]:
    return (i.source_format, i.kind, i.title, i.username, i.password, i.urls, i.folder, i.totp,
            i.notes_present)  # fmt: skip


@given(items=entry_lists)
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins written as credentials.csv read back field for field, in order."""
    path = write_file(tmp_path_factory.mktemp("dl"), "credentials.csv", dashlane_csv(items))
    vault = read_vault(path)
    assert [_observed(i) for i in vault] == [_expected(e, "dashlane-csv") for e in items]
    assert len({i.id for i in vault}) == len(items)


@given(items=entry_lists)
def test_zip_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """The same logins inside the export zip read back identically (as ``dashlane-zip``)."""
    data = zip_bytes({"credentials.csv": dashlane_csv(items), "securenotes.csv": "title,note\r\n"})
    vault = read_vault(write_file(tmp_path_factory.mktemp("dlz"), "export.zip", data))
    assert [_observed(i) for i in vault] == [_expected(e, "dashlane-zip") for e in items]


@given(items=entry_lists, extra=entry_lists)
def test_appending_rows_leaves_earlier_items_unchanged(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], extra: list[Entry]
) -> None:
    """Adding rows at the end never changes the items (ids included) read before them."""
    folder = tmp_path_factory.mktemp("dlm")
    before = read_vault(write_file(folder, "a.csv", dashlane_csv(items)))
    after = read_vault(write_file(folder, "b.csv", dashlane_csv(items + extra)))
    assert after.items[: len(items)] == before.items


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_or_errors(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr or error message shows a password, even one sitting in a broken row."""
    folder = tmp_path_factory.mktemp("dls")
    items = [replace(items[0], password=secret), *items[1:]]
    vault = read_vault(write_file(folder, "ok.csv", dashlane_csv(items)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    broken = dashlane_csv(items) + csv_text(None, [["jo", "", "", "T", secret]])
    with pytest.raises(MalformedExport) as info:
        read_vault(write_file(folder, "bad.csv", broken))
    assert secret not in str(info.value)


def test_detection_of_fixtures() -> None:
    """Both fixtures are recognised from their content."""
    assert detect(CSV).name == "dashlane-csv"
    assert detect(ZIP).name == "dashlane-zip"


def test_title_from_a_url_drops_its_credentials(tmp_path: Path) -> None:
    """An untitled credential is named after its URL's host, never its ``user:pass@``."""
    path = tmp_path / "credentials.csv"
    path.write_text(
        "username,username2,username3,title,password,note,url,category,otpSecret\n"
        "kim,,,,pw,,https://kim:Hunter-Secret-9@mail.example.com/login,,\n",
        encoding="utf-8",
    )
    (item,) = read_vault(path, format="dashlane-csv")
    assert item.title == "mail.example.com"
    assert "Hunter-Secret-9" not in repr(item)


@pytest.mark.parametrize(
    "member", ["securenotes.csv", "payments.csv", "ids.csv", "personalInfo.csv"]
)
def test_each_table_of_the_zip_is_detected_alone(tmp_path: Path, member: str) -> None:
    """A non-credential table taken out of the Dashlane zip is detected without --format.

    Stands for a user who unzipped Dashlane's CSV export and audits one of its files.
    """
    with zipfile.ZipFile(ZIP) as zf:
        data = zf.read(member)
    path = write_file(tmp_path, member, data)
    vault = read_vault(path)
    assert vault.source_format == "dashlane-csv"
    assert len(vault) >= 1
    assert all(item.password is None for item in vault)
