"""NordPass CSV reader: fixtures (current and legacy columns), round-trips, hostile input, leaks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import VaultItem, read_vault
from pwhygiene._vault.formats import nordpass
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_more import (
    NORDPASS_HEADER,
    Entry,
    assert_rejection_hides,
    csv_text,
    entry_lists,
    expected,
    marked_passwords,
    nordpass_csv,
    observed,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "nordpass-csv"


def _item(**kw: object) -> VaultItem:
    return VaultItem(source_format="nordpass-csv", **kw)  # type: ignore[arg-type]


def test_current_fixture_items() -> None:
    """Folder rows are not items; ``type`` decides the kind; additional URLs follow the first."""
    vault = read_vault(FIXTURES / "nordpass.csv")
    portal, memo, card, me, db = vault.items
    assert portal == _item(
        id=portal.id, title="Harlow Portal", username="alex", password="Np-portal-0001",
        urls=("https://portal.harlow.test", "https://files.harlow.test", "https://sso.harlow.test"),
        folder="Work",
    )  # fmt: skip
    assert memo == _item(id=memo.id, title="Memo", kind=ItemKind.NOTE, folder="Work",
                         notes_present=True)  # fmt: skip
    assert (card.kind, card.password, card.title) == (ItemKind.CARD, None, "Northwind Card")
    assert (me.kind, me.password, me.username) == (ItemKind.IDENTITY, None, None)
    assert (db.username, db.password, db.folder) == (None, "Np-db-0002", "Team")
    assert vault.warnings == ()


def test_legacy_fixture_infers_kinds() -> None:
    """Without a ``type`` column the filled columns decide: card, note or login."""
    site, card, note = read_vault(FIXTURES / "nordpass-legacy.csv")
    assert (site.kind, site.username, site.password, site.folder) == (
        ItemKind.LOGIN, "old-user", "Np-old-0003", "Archive",
    )  # fmt: skip
    assert (card.kind, note.kind) == (ItemKind.CARD, ItemKind.NOTE)


def _row(**cells: str) -> list[str]:
    return [cells.get(c, "") for c in NORDPASS_HEADER]


def test_comma_separated_additional_urls(tmp_path: Path) -> None:
    """Some exports list additional URLs comma-separated instead of as JSON."""
    text = csv_text(NORDPASS_HEADER, [_row(name="N", url="https://n.test", type="password",
                    additional_urls="https://n2.test, https://n3.test", password="x")])  # fmt: skip
    (item,) = read_vault(write_file(tmp_path, "n.csv", text))
    assert item.urls == ("https://n.test", "https://n2.test", "https://n3.test")


def test_bad_additional_urls_names_line_and_column(tmp_path: Path) -> None:
    """A broken JSON list is an error naming line and column; lenient mode warns and goes on."""
    rows = [_row(name="A", additional_urls="[not json", type="password", password="pw"),
            _row(name="B", type="password", password="pw")]  # fmt: skip
    path = write_file(tmp_path, "n.csv", csv_text(NORDPASS_HEADER, rows))
    with pytest.raises(MalformedExport, match="line 2 column additional_urls"):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert [i.title for i in lenient] == ["B"]
    assert len(lenient.warnings) == 1
    assert "line 2 column additional_urls" in lenient.warnings[0]


def test_unknown_type_with_password_is_a_login(tmp_path: Path) -> None:
    """A type NordPass adds later keeps its password audited when it has one."""
    rows = [_row(name="P", type="passkey_thing", password="pw"), _row(name="D", type="document")]
    first, second = read_vault(write_file(tmp_path, "n.csv", csv_text(NORDPASS_HEADER, rows)))
    assert (first.kind, second.kind) == (ItemKind.LOGIN, ItemKind.OTHER)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    """Forcing the reader on a CSV without NordPass columns names the missing ones."""
    path = write_file(tmp_path, "x.csv", "name,url\r\na,b\r\n")
    with pytest.raises(MalformedExport, match="NordPass columns username, password, note"):
        read_vault(path, format="nordpass-csv")


@pytest.mark.parametrize(
    "header",
    [
        "name,url,username,password,note",
        "name,url,username,password",
        "Title,URL,Username,Password",
    ],
)
def test_sniffer_leaves_browser_csvs_alone(tmp_path: Path, header: str) -> None:
    """Chrome's ``name,url,username,password[,note]`` is not NordPass's (no card columns)."""
    sample = take_sample(write_file(tmp_path, "x.csv", header + "\n"))
    assert nordpass.sniff(sample) is Detection.NO


@given(items=entry_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Entry]) -> None:
    """Logins written as a NordPass CSV (with folder rows) read back field for field.

    NordPass exports no TOTP column, so ``totp`` is always false.
    """
    path = write_file(tmp_path_factory.mktemp("np"), "np.csv", nordpass_csv(items))
    vault = read_vault(path)
    assert [observed(i) for i in vault] == [
        expected(replace(e, totp=False), "nordpass-csv", folder=e.folder) for e in items
    ]
    assert detect(path).name == "nordpass-csv"


@given(items=entry_lists, secret=marked_passwords)
def test_no_password_in_reprs_errors_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Entry], secret: str
) -> None:
    """No repr, error or warning shows a password, even in a row that cannot be read."""
    folder = tmp_path_factory.mktemp("nps")
    items = [replace(items[0], password=secret), *items[1:]]
    vault = read_vault(write_file(folder, "ok.csv", nordpass_csv(items)))
    assert secret not in repr(vault)
    assert secret not in str(list(vault))
    bad = csv_text(NORDPASS_HEADER, [_row(name="A", password=secret, additional_urls="[x",
                                          type="password")])  # fmt: skip
    path = write_file(folder, "bad.csv", bad)
    assert_rejection_hides(path, secret)


def test_title_from_a_url_drops_its_credentials(tmp_path: Path) -> None:
    """An unnamed login is named after its URL's host, never its ``user:pass@``."""
    header = (
        "name,url,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,"
        "folder,full_name,phone_number,email,address1,address2,city,country,state"
    )
    row = ",https://kim:Hunter-Secret-9@mail.example.com/,kim,pw" + "," * 15
    path = tmp_path / "nordpass.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    (item,) = read_vault(path, format="nordpass-csv")
    assert item.title == "mail.example.com"
    assert "Hunter-Secret-9" not in repr(item)
