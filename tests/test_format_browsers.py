"""Browser CSV readers: Chromium (Chrome/Edge/Brave), Firefox, Safari / Apple Passwords."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import read_vault
from pwhygiene._vault.formats.browsers import sniff_chrome
from pwhygiene._vault.registry import Detection, detect, take_sample
from pwhygiene.exceptions import MalformedExport
from strategies.vault_core import (
    Login,
    chrome_csv,
    firefox_csv,
    login_lists,
    marked_passwords,
    safari_csv,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "browsers"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chrome.csv", "chrome-csv"),
        ("chrome-note.csv", "chrome-csv"),
        ("firefox.csv", "firefox-csv"),
        ("safari-utf16.csv", "safari-csv"),
    ],
)
def test_detection(name: str, expected: str) -> None:
    """Each browser export is recognised from its header (BOM, UTF-16, CR CR LF included)."""
    assert detect(FIXTURES / name).name == expected


def test_chrome_fixtures() -> None:
    """Chromium's 4- and 5-column exports read the same logins; note is notes_present."""
    four = read_vault(FIXTURES / "chrome.csv")
    five = read_vault(FIXTURES / "chrome-note.csv")
    assert [(i.title, i.username, i.password, i.urls) for i in four] == [
        ("example.com", "alice@example.com", "Corr3ct&Horse", ("https://example.com/login",)),
        ("forum.example.org", "bob", "123456", ("http://forum.example.org/",)),
    ]
    assert [i.notes_present for i in five] == [True, False]
    assert five.items[1].urls == ("android://hash@com.example.app/",)


def test_firefox_fixture_skips_accounts_entry_with_warning() -> None:
    """Firefox: guid ids, epoch-ms dates, CR CR LF, and the FxA entry skipped with a warning."""
    vault = read_vault(FIXTURES / "firefox.csv")
    assert [i.id for i in vault] == [
        "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}",
        "{2b4e28ba-2fa1-11d2-883f-0016d3cca427}",
    ]
    first = vault.items[0]
    assert first.title == "example.com"
    assert first.created is not None
    assert first.created.at == datetime.fromtimestamp(1600000000, timezone.utc)
    assert first.password_changed is not None
    assert first.password_changed.source == "timePasswordChanged"
    assert first.password_changed.at == datetime.fromtimestamp(1650000000, timezone.utc)
    assert len(vault.warnings) == 1
    assert "chrome://FirefoxAccounts" in vault.warnings[0]


def test_safari_utf16_fixture() -> None:
    """Safari's export in UTF-16 with BOM reads non-ASCII values and TOTP presence."""
    vault = read_vault(FIXTURES / "safari-utf16.csv")
    assert [(i.title, i.username, i.password, i.totp, i.notes_present) for i in vault] == [
        ("Example (alice@example.com)", "alice@example.com", "Corr3ct&Horse", True, True),
        ("Übung", "jörg", "pässwörd", False, False),
    ]


def test_chrome_superset_header_is_not_claimed(tmp_path: Path) -> None:
    """A header with extra columns is not Chromium's: the chrome-csv sniffer says no."""
    path = tmp_path / "other.csv"
    path.write_text("name,url,username,password,note,folder\na,b,c,d,e,f\n")
    assert sniff_chrome(take_sample(path)) is Detection.NO


def test_firefox_bad_time_names_line_and_field(tmp_path: Path) -> None:
    """A malformed Firefox timestamp is an error naming the line and the column."""
    text = (FIXTURES / "firefox.csv").read_bytes().replace(b'"1500000000000"', b'"later"', 1)
    path = tmp_path / "ff.csv"
    path.write_bytes(text)
    with pytest.raises(MalformedExport, match="timeCreated"):
        read_vault(path)


def test_firefox_unparsable_url_becomes_the_title(tmp_path: Path) -> None:
    """A URL urllib cannot split (unclosed IPv6 bracket) is kept whole, as title and URL."""
    text = (
        (FIXTURES / "firefox.csv").read_bytes().replace(b'https://example.com"', b'http://[::1"', 1)
    )
    path = tmp_path / "ff.csv"
    path.write_bytes(text)
    first = read_vault(path).items[0]
    assert first.title == "http://[::1"
    assert first.urls == ("http://[::1",)


@given(items=login_lists, note=st.booleans())
def test_chrome_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], note: bool
) -> None:
    """Chromium CSV round-trips title, username, password and the first URL."""
    vault = read_vault(write_file(tmp_path_factory, "c.csv", chrome_csv(items, note=note)))
    assert vault.source_format == "chrome-csv"
    assert [(i.title, i.username, i.password, i.urls) for i in vault] == [
        (i.title, i.username, i.password, i.urls[:1]) for i in items
    ]


@given(items=login_lists)
def test_firefox_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Firefox CSV round-trips credentials and millisecond timestamps."""
    vault = read_vault(write_file(tmp_path_factory, "f.csv", firefox_csv(items)))
    for a, b in zip(items, vault, strict=True):
        assert (b.username, b.password, b.urls) == (a.username, a.password, a.urls[:1])
        assert b.created is not None
        assert b.created.at == a.created
        assert b.password_changed is not None
        assert b.password_changed.at == a.changed


@given(items=login_lists)
def test_safari_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Safari CSV round-trips credentials, first URL and TOTP presence."""
    vault = read_vault(write_file(tmp_path_factory, "s.csv", safari_csv(items)))
    assert [(i.title, i.username, i.password, i.urls, i.totp) for i in vault] == [
        (i.title, i.username, i.password, i.urls[:1], i.totp) for i in items
    ]


WRITERS = {
    "chrome-csv": lambda items: chrome_csv(items, note=True),
    "firefox-csv": firefox_csv,
    "safari-csv": safari_csv,
}


@given(items=login_lists, secret=marked_passwords, fmt=st.sampled_from(sorted(WRITERS)))
def test_no_password_in_reprs_warnings_or_errors(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], secret: str, fmt: str
) -> None:
    """A password shows in no repr, warning or error, even on a row that breaks the file."""
    items = [Login(**{**items[0].__dict__, "password": secret}), *items[1:]]
    text = WRITERS[fmt](items)
    vault = read_vault(write_file(tmp_path_factory, "b.csv", text))
    assert vault.source_format == fmt
    assert secret not in repr(vault)
    assert all(secret not in w for w in vault.warnings)
    for broken in (text + f'"{secret},x\r\n', text + f"{secret}\r\n"):  # open quote, short row
        with pytest.raises(MalformedExport) as info:
            read_vault(write_file(tmp_path_factory, "b.csv", broken), format=fmt)
        assert secret not in str(info.value)
