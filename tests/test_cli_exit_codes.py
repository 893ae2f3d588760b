"""The CLI's exit codes: one enum, the table in docs/cli.md, and what each command returns."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pwhygiene._cli
from pwhygiene._cli import main
from pwhygiene._cli.exit_codes import ExitCode

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
SAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "sample-bitwarden.json")


def test_docs_table_lists_exactly_the_enum() -> None:
    """docs/cli.md documents every ExitCode member, by number and name, and nothing else."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Exit codes") : text.index("## Examples")]
    rows = re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert {(int(code), name) for code, name in rows} == {(c.value, c.name) for c in ExitCode}


def test_no_command_module_defines_its_own_exit_constants() -> None:
    """Exit codes are defined once: no ``EXIT_*`` constant in any module of the CLI."""
    for info in pkgutil.iter_modules(pwhygiene._cli.__path__, "pwhygiene._cli."):
        module = importlib.import_module(info.name)
        stray = [name for name in vars(module) if name.startswith("EXIT_")]
        assert not stray, f"{info.name} defines {stray}"


def test_commands_return_enum_members() -> None:
    """What ``main`` returns for a usage error and for findings are the enum's members."""
    assert main(["audit", "does-not-exist.json"]) == ExitCode.USAGE
    assert main(["audit", SAMPLE, "--no-breach", "--as-of", "2026-11-25"]) == ExitCode.FINDINGS
