"""1Password readers: 1PUX archives and the 1Password 8 CSV."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import PwhygieneError, read_vault
from pwhygiene._vault.registry import detect
from pwhygiene.exceptions import ExportTooLarge, MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_core import (
    Login,
    json_with_one_value_replaced,
    login_lists,
    marked_passwords,
    onepassword_csv,
    onepux,
    write_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vault" / "onepassword"


def test_1pux_fixture_items() -> None:
    """The 1PUX fixture: vault names as folders, categories, history, archive, exclusions."""
    vault = read_vault(FIXTURES / "export.1pux")
    assert vault.source_format == "1password-1pux"
    by_id = {i.id: i for i in vault}
    login = by_id["item-login-1"]
    assert (login.title, login.username, login.password) == (
        "Example",
        "alice@example.com",
        "Corr3ct&Horse",
    )
    assert login.urls == ("https://example.com/login", "https://www.example.com")
    assert login.folder == "Personal"
    assert login.totp is True
    assert login.notes_present is True
    assert [(h.password, h.changed) for h in login.history] == [
        ("old-one", datetime.fromtimestamp(1650000000, timezone.utc)),
        ("older-one", datetime.fromtimestamp(1620000000, timezone.utc)),
    ]
    assert login.password_changed is not None
    assert login.password_changed.source == "passwordHistory"
    assert login.created is not None
    assert login.created.source == "createdAt"
    archived = by_id["item-login-2"]
    assert archived.trashed is True
    assert archived.excluded is True
    assert by_id["item-pw-1"].kind is ItemKind.LOGIN
    assert by_id["item-pw-1"].password == "router-Pass-9"
    assert by_id["item-pw-1"].folder == "Shared"
    assert by_id["item-note-1"].kind is ItemKind.NOTE
    assert by_id["item-card-1"].kind is ItemKind.CARD
    assert by_id["item-card-1"].password is None


def test_csv_fixture_items() -> None:
    """The 1Password 8 CSV: archived rows kept as trashed, TOTP presence, quoted commas."""
    vault = read_vault(FIXTURES / "1password8.csv")
    assert vault.source_format == "1password-csv"
    assert [(i.title, i.username, i.password, i.totp, i.trashed) for i in vault] == [
        ("Example", "alice@example.com", "Corr3ct&Horse", True, False),
        ("Old forum", "bob", "123456", False, True),
        ("No URL", "carol", "pa,ss", False, False),
    ]


@pytest.mark.parametrize(
    ("name", "expected"), [("export.1pux", "1password-1pux"), ("1password8.csv", "1password-csv")]
)
def test_detection(name: str, expected: str) -> None:
    """Both variants are recognised from content."""
    assert detect(FIXTURES / name).name == expected


def test_1pux_without_export_data(tmp_path: Path) -> None:
    """A zip without export.data is malformed, and the error names the missing member."""
    path = tmp_path / "x.1pux"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("export.attributes", "{}")
    with pytest.raises(MalformedExport, match=r"export\.data"):
        read_vault(path, format="1password-1pux")


def test_1pux_zip_bomb_refused(tmp_path: Path) -> None:
    """A highly compressed export.data is refused as a zip bomb, not inflated."""
    path = tmp_path / "bomb.1pux"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.attributes", "{}")
        zf.writestr("export.data", b"{" + b" " * 20_000_000 + b"}")
    with pytest.raises(ExportTooLarge, match="zip bomb"):
        read_vault(path)


def test_1pux_bad_item_names_the_json_path(tmp_path: Path) -> None:
    """A malformed item field is reported with its JSON path inside export.data."""
    raw = (FIXTURES / "export.1pux").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        data = zf.read("export.data").replace(b'"createdAt": 1600000000', b'"createdAt": "soon"')
        attrs = zf.read("export.attributes")
    path = tmp_path / "bad.1pux"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("export.attributes", attrs)
        zf.writestr("export.data", data)
    with pytest.raises(MalformedExport, match=r"\$\.accounts\[0\]\.vaults\[0\]\.items\[2\]"):
        read_vault(path)
    assert len(read_vault(path, strict=False).warnings) == 1


@given(items=login_lists)
def test_1pux_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Items written as 1PUX read back with credentials, URLs, history and state."""
    vault = read_vault(write_file(tmp_path_factory, "e.1pux", onepux(items)))
    assert len(vault) == len(items)
    for a, b in zip(items, vault, strict=True):
        assert (b.title, b.username, b.password, b.urls) == (
            a.title,
            a.username,
            a.password,
            a.urls,
        )
        assert (b.totp, b.trashed, b.folder) == (a.totp, a.trashed, "Personal")
        assert [h.password for h in b.history] == [pw for pw, _ in a.history]
        assert b.created is not None
        assert b.created.at == a.created.replace(microsecond=0)


@given(items=login_lists)
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Items written as 1Password CSV read back with the fields CSV carries."""
    vault = read_vault(write_file(tmp_path_factory, "e.csv", onepassword_csv(items)))
    got = [(i.title, i.username, i.password, i.urls, i.totp, i.trashed) for i in vault]
    assert got == [(i.title, i.username, i.password, i.urls[:1], i.totp, i.trashed) for i in items]


@given(items=login_lists, secret=marked_passwords)
def test_no_password_in_reprs_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login], secret: str
) -> None:
    """A password never shows in a vault repr, even when it sits next to a malformed field."""
    items = [Login(**{**items[0].__dict__, "password": secret}), *items[1:]]
    raw = onepux(items).replace(b'"createdAt"', b'"createdAt": "x", "_":')
    vault = read_vault(write_file(tmp_path_factory, "e.1pux", raw), strict=False)
    assert secret not in repr(vault)
    assert all(secret not in w for w in vault.warnings)


@given(st.data())
def test_any_json_value_anywhere_raises_only_pwhygiene_errors(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Swapping any value of export.data for any JSON value is read or refused cleanly."""
    with zipfile.ZipFile(FIXTURES / "export.1pux") as zf:
        document = json.loads(zf.read("export.data"))
    doc = data.draw(json_with_one_value_replaced(document))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("export.attributes", "{}")
        zf.writestr("export.data", json.dumps(doc))
    path = write_file(tmp_path_factory, "e.1pux", buf.getvalue())
    with contextlib.suppress(PwhygieneError):
        read_vault(path, format="1password-1pux")


def test_every_item_that_carries_a_password_is_audited() -> None:
    """1PUX Wi-Fi, server, database, e-mail and API-credential items keep their password.

    Stands for a 1Password 8 1PUX export with items of the non-login categories 109 (wireless
    router), 110 (server), 102 (database), 111 (email account) and 112 (API credential); a
    bank account's PIN is not a password and stays out.
    """
    vault = read_vault(FIXTURES / "export-categories.1pux")
    found = {item.id: (item.kind, item.username, item.password) for item in vault}
    assert found == {
        "wifi-1": (ItemKind.LOGIN, None, "Op-basestation-01"),
        "server-1": (ItemKind.LOGIN, "deploy", "Op-server-03"),
        "db-1": (ItemKind.LOGIN, "dba", "Op-database-04"),
        "mail-1": (ItemKind.LOGIN, "kim", "Op-email-05"),
        "api-1": (ItemKind.LOGIN, "svc", "Op-api-cred-06"),
        "bank-1": (ItemKind.OTHER, None, None),
    }


def test_bare_export_data_reads_like_the_1pux_it_came_from() -> None:
    """An unzipped ``export.data`` is detected and gives the 1PUX's items.

    Stands for a user who unzipped their ``.1pux`` and points pwhygiene at ``export.data``.
    """
    bare = read_vault(FIXTURES.parent / "1password-export-data" / "export.data")
    zipped = read_vault(FIXTURES / "export.1pux")
    assert bare.source_format == "1password-export-data"
    assert [(i.id, i.kind, i.password, i.history) for i in bare] == [
        (i.id, i.kind, i.password, i.history) for i in zipped
    ]


@given(items=login_lists)
def test_bare_export_data_round_trip(
    tmp_path_factory: pytest.TempPathFactory, items: list[Login]
) -> None:
    """Logins written as 1PUX, then unzipped, read back with their passwords."""
    with zipfile.ZipFile(io.BytesIO(onepux(items))) as zf:
        data = zf.read("export.data")
    path = write_file(tmp_path_factory, "export.data", data)
    vault = read_vault(path)
    assert vault.source_format == "1password-export-data"
    assert [(i.title, i.password) for i in vault] == [(i.title, i.password) for i in items]
