"""Enpass CSV: rows of any length, label/value pairs, the header row skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from pwhygiene import read_vault
from pwhygiene.vault import ItemKind
from strategies.vault_core import Login, login_lists
from strategies.vault_enpass_csv import enpass_csv

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "enpass-csv" / "enpass.csv"


def test_fixture_items() -> None:
    """A login, a card, a note and a router read with the right kinds and fields.

    Stands for an Enpass 6 "File > Export > .csv" with items of different field counts.
    """
    vault = read_vault(FIXTURE)
    assert vault.source_format == "enpass-csv"
    github, visa, door, router = vault.items
    assert (github.kind, github.username, github.password) == (
        ItemKind.LOGIN,
        "kim",
        "En-github-0001",
    )
    assert github.urls == ("https://github.com/login",)
    assert github.notes_present
    assert (visa.kind, visa.password) == (ItemKind.CARD, None)
    assert (door.kind, door.notes_present) == (ItemKind.NOTE, True)
    assert (router.password, router.totp) == ("En-router-0002", True)


@given(items=login_lists)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Login]) -> None:
    """Logins written as Enpass CSV read back with username, password, URLs, TOTP and notes."""
    path = tmp_path_factory.mktemp("encsv") / "export.csv"
    path.write_text(enpass_csv(items), encoding="utf-8")
    vault = read_vault(path)
    assert len(vault) == len(items)
    for item, login in zip(vault, items, strict=True):
        assert (item.title, item.username, item.password) == (
            login.title,
            login.username,
            login.password,
        )
        assert item.urls == login.urls
        assert item.totp == login.totp
        assert item.notes_present == bool(login.notes.strip())
