"""1Password 7 for Mac CSV: detected on its own columns, never read as Safari's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pwhygiene import read_vault
from pwhygiene.exceptions import AmbiguousFormat
from pwhygiene.vault import ItemKind

FIXTURE = Path(__file__).parent / "fixtures" / "vault" / "1password7-mac-csv" / "1password7-mac.csv"


def test_mac_csv_is_detected_and_keeps_each_kind() -> None:
    r"""A 1Password 7 Mac CSV is its own format; a card stays a card, a router is audited.

    Stands for 1Password 7 for Mac "Export > All Items > CSV" with column labels and the
    ``Type`` column, quotes inside cells escaped as ``\"``.
    """
    vault = read_vault(FIXTURE)
    assert vault.source_format == "1password7-mac-csv"
    kinds = {item.title: item.kind for item in vault}
    assert kinds == {
        "Bank": ItemKind.LOGIN,
        "Visa": ItemKind.CARD,
        "Recipe": ItemKind.NOTE,
        "Router": ItemKind.LOGIN,
    }
    bank = vault.items[0]
    assert (bank.username, bank.password) == ("kim", 'Op7-bank "quoted" 01')


def test_header_shared_with_safari_is_ambiguous(tmp_path: Path) -> None:
    """``Title,URL,Username,Password,Notes`` alone fits both readers: detection says so."""
    path = tmp_path / "export.csv"
    path.write_text("Title,URL,Username,Password,Notes\nA,https://a.example,u,pw-1,\n")
    with pytest.raises(AmbiguousFormat) as info:
        read_vault(path)
    assert "1password7-mac-csv" in str(info.value)
    assert "safari-csv" in str(info.value)
    assert read_vault(path, format="1password7-mac-csv").items[0].password == "pw-1"
