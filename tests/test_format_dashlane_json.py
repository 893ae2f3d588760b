"""Dashlane legacy JSON: credentials audited, every other list kept with its kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import read_vault
from pwhygiene.vault import ItemKind
from strategies.vault_core import Login, login_lists
from strategies.vault_dashlane_json import dashlane_legacy_json

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "dashlane-json" / "dashlane-legacy.json"


def test_fixture_items() -> None:
    """Credentials (with e-mail or login, untitled ones named by host), card, e-mail, bank.

    Stands for a Dashlane 6 desktop "Export > Unsecured archive (readable) in JSON".
    """
    vault = read_vault(FIXTURE)
    assert vault.source_format == "dashlane-json"
    mail, forum, *rest = vault.items
    assert (mail.username, mail.password, mail.urls) == (
        "kim@example.com",
        "Dl-legacy-0001",
        ("https://mail.example.com",),
    )
    assert (forum.title, forum.username, forum.password) == (
        "forum.example.com",
        "kim",
        "Dl-legacy-0002",
    )
    assert sorted(item.kind for item in rest) == sorted(
        [ItemKind.OTHER, ItemKind.CARD, ItemKind.IDENTITY]
    )
    assert all(item.password is None for item in rest)


@given(items=login_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Logins written as legacy Dashlane JSON read back with username, password and URL."""
    path = tmp_path_factory.mktemp("dlj") / "export.json"
    path.write_text(json.dumps(dashlane_legacy_json(items)), encoding="utf-8")
    vault = read_vault(path)
    logins = [item for item in vault if item.kind is ItemKind.LOGIN]
    assert [(i.title, i.username, i.password) for i in logins] == [
        (login.title, login.username, login.password) for login in items
    ]
    assert [i.urls for i in logins] == [login.urls[:1] for login in items]
