"""``pwhygiene formats``: list the export formats pwhygiene reads and how each is recognised.

The list is the registry itself (:func:`pwhygiene.vault.formats`), so it can never drift from what
``--format`` accepts. ``--names`` prints bare names, one per line, for scripts and completion.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pwhygiene._cli.exit_codes import ExitCode
from pwhygiene._vault.registry import FormatInfo, formats

if TYPE_CHECKING:
    from rich.table import Table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``formats`` sub-command to the parser."""
    p = sub.add_parser(
        "formats",
        help="list the export formats pwhygiene can read",
        description="List every readable password-manager export format: its name (for "
        "--format), what it is, and how it is recognised when --format is auto.",
    )
    p.add_argument("--names", action="store_true", help="print only the names, one per line")
    p.set_defaults(handler=run)


def table(infos: tuple[FormatInfo, ...]) -> Table:
    """The formats as a rich table (name, description, how detected, encrypted)."""
    from rich.table import Table  # noqa: PLC0415 -- every other command runs without rich

    t = Table(title="Export formats (use the name with --format; auto-detection is the default)")
    t.add_column("name", style="bold", no_wrap=True)
    t.add_column("description")
    t.add_column("detected by")
    t.add_column("encrypted", justify="center")
    for info in infos:
        t.add_row(info.name, info.description, info.detection, "yes" if info.encrypted else "")
    return t


def run(args: argparse.Namespace) -> int:
    """Print the registry to stdout; always succeeds."""
    infos = formats()
    if args.names:
        sys.stdout.write("".join(f"{info.name}\n" for info in infos))
        return ExitCode.OK
    from rich.console import Console  # noqa: PLC0415

    Console(file=sys.stdout, soft_wrap=False).print(table(infos))
    return ExitCode.OK
