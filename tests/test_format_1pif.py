"""1PIF (1Password 4-7): separator-delimited JSON objects, every category that holds a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import read_vault
from pwhygiene.exceptions import MalformedExport
from pwhygiene.vault import ItemKind
from strategies.vault_1pif import SEPARATOR, onepif
from strategies.vault_core import Login, login_lists

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "1password-1pif" / "data.1pif"


def test_fixture_items() -> None:
    """Logins, a password item, a card, a router, a trashed note; folders and tombstones.

    Stands for a 1Password 7 "Export > 1Password Interchange Format" ``data.1pif``.
    """
    vault = read_vault(FIXTURE)
    assert vault.source_format == "1password-1pif"
    by_id = {item.id: item for item in vault}
    assert set(by_id) == {"L0G1N", "PASSW0RD", "CARD", "R0UTER", "N0TE"}
    login = by_id["L0G1N"]
    assert (login.username, login.password, login.folder) == (
        "kim@example.com",
        "Pif-example-0001",
        "Personal",
    )
    assert login.urls == ("https://example.com/login", "https://www.example.com")
    assert [h.password for h in login.history] == ["Pif-example-old"]
    assert by_id["PASSW0RD"].password == "Pif-password-0002"
    assert (by_id["CARD"].kind, by_id["CARD"].password) == (ItemKind.CARD, None)
    assert (by_id["R0UTER"].kind, by_id["R0UTER"].password) == (ItemKind.LOGIN, "Pif-router-0003")
    assert by_id["N0TE"].trashed


@given(items=login_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Logins written as 1PIF read back field for field (history, folders, trash, dates, TOTP)."""
    path = tmp_path_factory.mktemp("pif") / "data.1pif"
    path.write_text(onepif(items), encoding="utf-8")
    vault = read_vault(path)
    assert len(vault) == len(items)
    for item, login in zip(vault, items, strict=True):
        assert (item.title, item.username, item.password) == (
            login.title,
            login.username,
            login.password,
        )
        assert item.urls == login.urls
        assert item.folder == login.folder
        assert item.trashed == login.trashed
        assert [h.password for h in item.history] == [old for old, _ in login.history]
        assert item.notes_present == bool(login.notes)
        assert (item.totp, item.passkey) == (login.totp, False)  # 1PIF predates passkeys
        assert item.created is not None
        assert item.created.at.timestamp() == int(login.created.timestamp())


def test_broken_record_names_its_number(tmp_path: Path) -> None:
    """A record that is not JSON is refused naming it; lenient mode skips it, reads the rest."""
    good = FIXTURE.read_text()
    path = tmp_path / "data.1pif"
    path.write_text(
        '{"typeName": "webforms.WebForm", "title": "x", "secret\n' + SEPARATOR + "\n" + good
    )
    with pytest.raises(MalformedExport, match="record 1"):
        read_vault(path)
    lenient = read_vault(path, strict=False)
    assert len(lenient) == 5
    assert any("record 1" in w for w in lenient.warnings)
