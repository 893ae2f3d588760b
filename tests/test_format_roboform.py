"""RoboForm CSV reader: BOM, CR CR LF, spilled RfFieldsV2 cells, round-trips, leaks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import VaultItem, read_vault
from pwhygiene._vault.formats import roboform
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    ROBOFORM_HEADER,
    Entry,
    assert_rejection_hides,
    csv_text,
    entry_lists,
    expected,
    marked_passwords,
    observed,
    roboform_csv,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "roboform-csv"


def test_fixture_items() -> None:
    """BOM header; spilled form fields joined back; bookmarks and safenotes typed."""
    vault = read_vault(FIXTURES / "roboform.csv")
    assert vault.source_format == "roboform-csv"
    example, shop, fields_only, bookmark, safenote = vault.items
    assert example == VaultItem(
        id=example.id, title="Example", source_format="roboform-csv", username="jane",
        password="Rf-example-0001", urls=("https://example.test/login", "https://example.test/"),
        totp=True, folder="Work/Logins", notes_present=True,
    )  # fmt: skip
    assert (shop.totp, shop.folder) == (False, "Personal")
    assert (fields_only.username, fields_only.password) == ("fieldsuser", "Rf-fields-0003")
    assert (bookmark.kind, bookmark.urls, bookmark.password) == (
        ItemKind.OTHER, ("https://bookmark.test",), None,
    )  # fmt: skip
    assert (safenote.kind, safenote.notes_present) == (ItemKind.NOTE, True)


def test_cr_cr_lf_line_ends() -> None:
    """Rows ending in CR CR LF read as if they ended in CRLF (no phantom blank rows)."""
    mail, bank = read_vault(FIXTURES / "roboform-crcrlf.csv")
    assert (mail.title, mail.password, bank.folder) == ("Mail", "Rf-mail-0004", "Finance")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-8"])
@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r\r\n"])
def test_encodings_and_line_ends(tmp_path: Path, encoding: str, line_end: str) -> None:
    """UTF-8 with or without BOM and UTF-16 with BOM; LF, CRLF and CR CR LF line ends."""
    text = line_end.join(
        [
            "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2",
            "Café,https://c.test,,zoë,Rf-ß-1,,,",
            "",
        ]
    )
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path = write_file(tmp_path, "r.csv", bom + text.encode(encoding))
    (item,) = read_vault(path)
    assert (item.title, item.username, item.password) == ("Café", "zoë", "Rf-ß-1")


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        ("User ID$,,,txt,jane", ("User ID", "txt", "jane")),
        ("TOTP KEY$,,,txt,otpauth://x?a=1,b=2", ("TOTP KEY", "txt", "otpauth://x?a=1,b=2")),
        ("Pass$,,,PWD,", ("Pass", "pwd", "")),
        ("Test,,,txt,Test", ("Test", "txt", "Test")),  # custom fields carry no '$'
        ("not a field, just prose", None),
        ("words,and,more,,x", None),
        ("Short$,,txt", None),
    ],
)
def test_parse_field(cell: str, parsed: tuple[str, str, str] | None) -> None:
    """``Label[$],,,type,value``: the value keeps its commas; other shapes are not fields."""
    field = roboform.parse_field(cell)
    assert (None if field is None else (field.label, field.kind, field.value)) == parsed


def test_shifted_columns_name_the_line_and_cell(tmp_path: Path) -> None:
    """A spilled cell that is no form field (an unquoted comma in a note) names line and cell."""
    text = (
        "Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2\r\n"
        "Ok,https://ok.test,,u,p,,,\r\n"
        "Bad,https://bad.test,,u,p,note,with,commas,/F,\r\n"
    )
    path = write_file(tmp_path, "r.csv", text)
    with pytest.raises(MalformedExport, match="line 3 cell 8: expected RoboForm form fields"):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert [i.title for i in lenient] == ["Ok"]
    assert "line 3" in lenient.warnings[0]


def test_spill_without_field_column_names_the_cell(tmp_path: Path) -> None:
    """Without an RfFieldsV2 column, an extra cell is named by its position."""
    text = "Name,Url,MatchUrl,Login,Pwd,Note\r\nA,,,u,p,n,stray\r\n"
    with pytest.raises(MalformedExport, match="line 2 cell 7"):
        read_vault(write_file(tmp_path, "r.csv", text), format="roboform-csv")


def test_legacy_rf_fields_column(tmp_path: Path) -> None:
    """The older ``Rf_fields`` column (``name:value:type``) is accepted."""
    text = "Name,Url,MatchUrl,Login,Pwd,Note,Folder,Rf_fields\r\nA,https://a.test,,u,,,,pass:Rf-1:pwd\r\n"
    (item,) = read_vault(write_file(tmp_path, "r.csv", text), format="roboform-csv")
    assert item.password == "Rf-1"


@pytest.mark.parametrize(
    "header",
    ["name,url,username,password", "Title,URL,Username,Password,Notes", "Name,Url,Login,Pwd"],
)
def test_sniffer_only_claims_roboform_header(tmp_path: Path, header: str) -> None:
    """Only ``Name,Url,MatchUrl,Login,Pwd`` is RoboForm's."""
    assert roboform.sniff(take_sample(write_file(tmp_path, "x.csv", header + "\n"))) is Detection.NO
    assert detect(FIXTURES / "roboform.csv").name == "roboform-csv"


def _expected(e: Entry) -> tuple[object, ...]:
    return expected(e, "roboform-csv", urls=e.urls[:1], folder=e.folder)


@given(items=entry_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins with spilled form fields (and TOTP keys) read back field for field."""
    path = write_file(tmp_path_factory.mktemp("rf"), "r.csv", roboform_csv(items))
    assert [observed(i) for i in read_vault(path)] == [_expected(e) for e in items]


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_errors_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr, error or warning shows a password, even in a row with shifted columns."""
    folder = tmp_path_factory.mktemp("rfs")
    items = [replace(items[0], password=secret), *items[1:]]
    vault = read_vault(write_file(folder, "ok.csv", roboform_csv(items)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    row = ["T", "", "", "u", "", "", "", f"Password$,,,pwd,{secret}", secret]
    path = write_file(folder, "bad.csv", csv_text(ROBOFORM_HEADER, [row]))
    assert_rejection_hides(path, secret)


# --- Issue 11: rows RoboForm itself writes ----------------------------------------------------


def test_seven_cell_rows_and_custom_fields_read() -> None:
    """Safenote and bookmark rows of 7 cells and a ``Test,,,txt,Test`` custom field read.

    Stands for a RoboForm 9 CSV export: rows without form fields leave out the empty last
    ``RfFieldsV2`` cell, and custom fields carry no ``$`` after their label.
    """
    vault = read_vault(FIXTURES / "roboform-7-cells.csv")
    bank, news, locker = vault.items
    assert (bank.kind, bank.username, bank.password) == (ItemKind.LOGIN, "kim", "Rf-bank-0007")
    assert news.kind is ItemKind.OTHER
    assert news.urls == ("https://news.example/",)
    assert locker.kind is ItemKind.NOTE
    assert locker.folder == "Notes"


def test_older_header_with_rf_fields_is_detected() -> None:
    """The older header ``Name,Url,Login,Pwd,Note,Folder,Rf_fields`` is detected and read."""
    path = FIXTURES / "roboform-rf-fields.csv"
    assert detect(path).name == "roboform-csv"
    forum, wiki = read_vault(path).items
    assert (forum.username, forum.password) == ("kim", "Rf-old-0008")
    assert (wiki.kind, wiki.password) == (ItemKind.LOGIN, "Rf-old-0009")
