"""LastPass CSV reader: secure notes, folders, and the HTML-entity heuristic."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pwhygiene import read_vault
from pwhygiene._vault.formats.lastpass import looks_html_escaped
from pwhygiene._vault.registry import detect
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_core import (
    Login,
    lastpass_csv,
    login_lists,
    marked_passwords,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "lastpass"


def test_extension_export_fixture() -> None:
    """Logins, typed secure notes (http://sn) and backslash folders read as expected."""
    vault = read_vault(FIXTURES / "extension.csv")
    assert vault.source_format == "lastpass-csv"
    assert vault.warnings == ()
    rows = [(i.title, i.kind, i.username, i.password, i.urls, i.folder, i.totp) for i in vault]
    assert rows == [
        ("Example", ItemKind.LOGIN, "alice@example.com", "Corr3ct&Horse",
         ("https://example.com/login",), "Email/Personal", True),
        ("Visa", ItemKind.CARD, None, None, (), "Finance", False),
        ("Wi-Fi", ItemKind.NOTE, None, None, (), None, False),
        ("Bare", ItemKind.LOGIN, "dave", "hunter2", (), None, False),
    ]  # fmt: skip


def test_web_export_entities_are_decoded() -> None:
    """A fully HTML-escaped web export is decoded, and the vault says so."""
    vault = read_vault(FIXTURES / "web-escaped.csv")
    shop, b = vault.items
    assert (shop.title, shop.username, shop.password, shop.folder) == (
        'Shop "One"',
        "tom & jerry",
        "p&ss<word>",
        "Fun & Games",
    )
    assert shop.urls == ("https://shop.example/?a=1&b=2",)
    assert b.password == "it's"
    assert len(vault.warnings) == 1
    assert "HTML" in vault.warnings[0]


def test_detection() -> None:
    """Both fixtures are recognised from the header."""
    assert detect(FIXTURES / "extension.csv").name == "lastpass-csv"
    assert detect(FIXTURES / "web-escaped.csv").name == "lastpass-csv"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a &amp; b", True),
        ("&lt;x&gt; &#039; &quot;", True),
        ("a & b &amp; c", False),  # one bare & means the file is not escaped
        ("no entities at all", False),
        ("R&D", False),
    ],
)
def test_escape_heuristic(text: str, escaped: bool) -> None:
    """Entities are decoded only when every & in the file starts one."""
    assert looks_html_escaped(text) is escaped


def test_empty_row_is_an_error(tmp_path: Path) -> None:
    """A row with no name, url, username or password is reported with its line."""
    path = tmp_path / "lp.csv"
    path.write_text("url,username,password,totp,extra,name,grouping,fav\n,,,,,,,0\n")
    with pytest.raises(MalformedExport, match="line 2"):
        read_vault(path)


@given(items=login_lists, escape=st.booleans())
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], escape: bool
) -> None:
    """Items written plain or HTML-escaped (as the web vault does) read back identically."""
    text = lastpass_csv(items, escape=escape)
    # The heuristic's documented blind spot: a plain file whose only ampersands are entities.
    assume(escape or not looks_html_escaped(text))
    vault = read_vault(write_file(tmp_path_factory, "lp.csv", text))
    for a, b in zip(items, vault, strict=True):
        assert (b.title, b.username, b.password) == (a.title, a.username, a.password)
        assert (b.urls, b.folder, b.totp) == (a.urls[:1], a.folder, a.totp)


@given(items=login_lists)
def test_plain_export_is_never_decoded(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login]
) -> None:
    """A plain export containing a bare & keeps every value byte for byte."""
    items = [Login(**{**items[0].__dict__, "password": items[0].password + "&"}), *items[1:]]
    vault = read_vault(write_file(tmp_path_factory, "lp.csv", lastpass_csv(items)))
    assert [i.password for i in vault] == [i.password for i in items]


@given(items=login_lists, secret=marked_passwords)
def test_no_password_in_reprs_warnings_or_errors(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], secret: str
) -> None:
    """A password shows in no repr, warning or error, even on a row that breaks the file."""
    items = [Login(**{**items[0].__dict__, "password": secret}), *items[1:]]
    text = lastpass_csv(items, escape=True)
    vault = read_vault(write_file(tmp_path_factory, "lp.csv", text))
    assert secret not in repr(vault)
    assert all(secret not in w for w in vault.warnings)
    for broken in (text + f'"{secret},x\r\n', text + f"{secret}\r\n"):  # open quote, short row
        with pytest.raises(MalformedExport) as info:
            read_vault(write_file(tmp_path_factory, "lp.csv", broken))
        assert secret not in str(info.value)
