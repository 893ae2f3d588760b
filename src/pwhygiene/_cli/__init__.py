"""The ``pwhygiene`` command line: one ``main(argv)`` that returns an exit code.

Exit codes are :class:`~pwhygiene._cli.exit_codes.ExitCode` (documented in docs/cli.md).

Each sub-command lives in its own module with a ``register(subparsers)`` function that sets a
``handler(args) -> int`` default; this module only wires them together and maps errors to
exit codes. Results go to stdout (or ``-o FILE``), progress and diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from pwhygiene._cli import audit, check, data, formats, index, serve
from pwhygiene._cli.exit_codes import ExitCode
from pwhygiene._version import __version__
from pwhygiene.exceptions import BreachLookupError, PwhygieneError


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
        return int(exc.code) if isinstance(exc.code, int) else ExitCode.USAGE
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    return _run(handler, args)


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command, mapping every expected failure to its exit code and one stderr line."""
    try:
        return int(handler(args))
    except BreachLookupError as exc:
        print(f"pwhygiene: breach service unavailable: {exc}", file=sys.stderr)
        return ExitCode.BREACH_UNAVAILABLE
    except PwhygieneError as exc:
        print(f"pwhygiene: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("pwhygiene: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone (``pwhygiene audit ... | head``).

    Unix tools stop quietly when the pipe closes; without this, Python's final flush of stdout
    would fail again at exit and print an "Exception ignored" traceback.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests, IDEs)
        pass
