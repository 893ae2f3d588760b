"""The ``pwhygiene formats`` sub-command."""

from __future__ import annotations

import argparse

import pytest

import pwhygiene
import pwhygiene.vault
from pwhygiene._cli import formats as formats_cli


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pwhygiene")
    formats_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_names_lists_every_registered_format(capsys: pytest.CaptureFixture[str]) -> None:
    """`formats --names` prints exactly the registry's names, one per line."""
    assert _run(["formats", "--names"]) == 0
    assert capsys.readouterr().out.splitlines() == [i.name for i in pwhygiene.vault.formats()]


def test_table_shows_name_description_and_detection(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table has every format's name and the start of how it is detected."""
    monkeypatch.setenv("COLUMNS", "400")
    assert _run(["formats"]) == 0
    out = capsys.readouterr().out
    for info in pwhygiene.vault.formats():
        assert info.name in out
        assert info.detection.split()[0] in out
    assert "chrome-csv" in out
    assert "Edge" in out
    assert "Brave" in out
