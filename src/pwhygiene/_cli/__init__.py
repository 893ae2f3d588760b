"""The ``pwhygiene`` command line: one ``main(argv)`` that returns an exit code.

Exit codes (documented in docs/cli.md, stable):

* 0: success, nothing at or above the failure threshold;
* 1: findings (``audit``) or an unacceptable password (``check``);
* 2: usage error or unreadable input (with a message on stderr, never a traceback);
* 3: the breach service was required but could not be reached.

Each sub-command lives in its own module with a ``register(subparsers)`` function that sets a
``handler(args) -> int`` default; this module only wires them together and maps errors to
exit codes. Results go to stdout (or ``-o FILE``), progress and diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pwhygiene._cli import audit, check, data, formats, index, serve
from pwhygiene._version import __version__
from pwhygiene.exceptions import BreachLookupError, PwhygieneError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_BREACH_UNAVAILABLE = 3


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser; separate from ``main`` so docs and tests can inspect it."""
    parser = argparse.ArgumentParser(
        prog="pwhygiene",
        description="Password strength and hygiene: check, audit exports, look up breaches.",
    )
    parser.add_argument("--version", action="version", version=f"pwhygiene {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (check, audit, formats, index, serve, data):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; never calls ``sys.exit`` itself."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help/--version (0) and usage errors (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(handler(args))
    except BreachLookupError as exc:
        print(f"pwhygiene: breach service unavailable: {exc}", file=sys.stderr)
        return EXIT_BREACH_UNAVAILABLE
    except PwhygieneError as exc:
        print(f"pwhygiene: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("pwhygiene: interrupted", file=sys.stderr)
        return 130
