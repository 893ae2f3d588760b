"""``pwhygiene audit EXPORT``: audit a password-manager export and report what to fix first.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage error or unreadable input;
3 ``--require-breach`` was given and breach status could not be established for every password.
Every option has a ``PWHYGIENE_*`` environment default (docs/audit.md lists them). The export
password comes from ``--password-file``, ``PWHYGIENE_EXPORT_PASSWORD`` or a prompt on a TTY,
never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pwhygiene._audit.ignore import load_ignore
from pwhygiene._audit.render import OUTPUT_FORMATS, OutputFormat, iter_render
from pwhygiene._audit.report import CHECKS, AuditReport, Finding, Severity
from pwhygiene._audit.runner import DEFAULT_MAX_AGE_DAYS, ProgressHook, audit
from pwhygiene._audit.urls import credentials_hide_their_end
from pwhygiene._breach.source import BreachSource
from pwhygiene._cli.exit_codes import ExitCode
from pwhygiene._cli.inputs import password_from_file, regular_file
from pwhygiene._vault.model import Vault
from pwhygiene.exceptions import InvalidInput, PasswordRequired

PROGRESS_MIN_ITEMS = 200
_TRUE = {"1", "true", "yes", "on"}


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PWHYGIENE_{name}")
    return value if value not in (None, "") else default


def _env_flag(name: str) -> bool:
    return (_env(name) or "").strip().lower() in _TRUE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``audit`` sub-command to the parser."""
    p = sub.add_parser(
        "audit",
        help="audit a password-manager export",
        description="Audit a password-manager export: weak, breached, reused, similar, old "
        "passwords and more. The report goes to stdout (or -o FILE), diagnostics to stderr.",
        epilog="exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or "
        "unreadable input, 3 breach status required (--require-breach) but unavailable",
    )
    p.add_argument("export", metavar="EXPORT", help="the export file (format is detected)")
    p.add_argument("--format", default=_env("FORMAT", "auto"), help="export format name")
    p.add_argument(
        "--output",
        choices=OUTPUT_FORMATS,
        default=_env("OUTPUT", "table"),
        help="report format (default: table)",
    )
    p.add_argument(
        "-o",
        dest="output_file",
        metavar="FILE",
        default=_env("OUTPUT_FILE"),
        help="write the report to FILE (atomically, mode 0600)",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--range-url",
        metavar="URL",
        type=_range_url,
        default=_env("RANGE_URL"),
        help="a Pwned Passwords range API (default: the public one)",
    )
    source.add_argument(
        "--offline",
        metavar="INDEX",
        default=_env("OFFLINE_INDEX"),
        help="an offline breach index built with 'pwhygiene index build'",
    )
    source.add_argument(
        "--no-breach",
        action="store_true",
        default=_env_flag("NO_BREACH"),
        help="no breach lookups: only the embedded common-password blocklist",
    )
    p.add_argument(
        "--require-breach",
        action="store_true",
        default=_env_flag("REQUIRE_BREACH"),
        help="exit 3 unless every password's breach status is known",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=_date,
        default=_env("AS_OF"),
        help="judge password age as of DATE (YYYY-MM-DD; default: now)",
    )
    p.add_argument(
        "--max-age",
        metavar="DAYS",
        type=_days,
        default=_env("MAX_AGE", str(DEFAULT_MAX_AGE_DAYS)),
        help=f"flag passwords older than DAYS (default: {DEFAULT_MAX_AGE_DAYS})",
    )
    p.add_argument(
        "--ignore",
        metavar="FILE",
        default=_env("IGNORE_FILE"),
        help="an ignore file of accepted findings (TOML or JSON)",
    )
    p.add_argument(
        "--fail-on",
        metavar="CHECKS",
        type=_fail_on,
        default=_env("FAIL_ON", "any"),
        help="comma-separated check names and/or a severity (low, medium, high, "
        "critical); 'any' (default) or 'none'",
    )
    p.add_argument(
        "--password-file",
        metavar="FILE",
        default=_env("PASSWORD_FILE"),
        help="read the export password from FILE (first line)",
    )
    p.add_argument(
        "--key-file",
        metavar="FILE",
        default=_env("KEY_FILE"),
        help="KeePass key file that opens the database (with or without a password)",
    )
    p.add_argument(
        "--max-kdf-seconds",
        type=float,
        default=_env("MAX_KDF_SECONDS"),
        metavar="S",
        help="refuse a KeePass key derivation estimated to take longer than S seconds "
        "(default 10; raise it for a database you trust on a slow machine)",
    )
    p.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def _range_url(text: str) -> str:
    """A range-API base URL whose user name and password (if any) can be told from its host.

    The message never repeats the value: it may hold a password.
    """
    if credentials_hide_their_end(text) or any(c.isspace() or not c.isprintable() for c in text):
        raise argparse.ArgumentTypeError(
            "not a usable http(s) URL (not shown: it may hold a password); a user name or "
            "password in it must percent-encode '/', '?', '#', '@' and spaces (%2F, %3F, "
            "%23, %40, %20)"
        )
    return text


def _date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from exc
    if days < 0:
        raise argparse.ArgumentTypeError("the age limit must be zero or more days")
    return days


FailRule = Callable[[Finding], bool]


def _fail_on(text: str) -> FailRule:
    """``any``, ``none``, check names and/or one severity threshold, comma-separated."""
    tokens = [t.strip().lower() for t in text.split(",") if t.strip()]
    if tokens in ([], ["any"]):
        return lambda _f: True
    if tokens == ["none"]:
        return lambda _f: False
    checks = {t for t in tokens if t in CHECKS}
    levels = [Severity(t) for t in tokens if t in {s.value for s in Severity}]
    unknown = [t for t in tokens if t not in checks and t not in {s.value for s in Severity}]
    if unknown or len(levels) > 1:
        raise argparse.ArgumentTypeError(
            f"expected 'any', 'none', check names ({', '.join(CHECKS)}) and at most one "
            f"severity; got {text!r}"
        )
    floor = levels[0] if levels else None
    return lambda f: f.check in checks or (floor is not None and f.severity >= floor)


def _export_password(args: argparse.Namespace) -> str | None:
    if args.password_file:
        return password_from_file(args.password_file)
    return _env("EXPORT_PASSWORD")


def _usage(message: str) -> int:
    print(f"pwhygiene audit: error: {message}", file=sys.stderr)
    return ExitCode.USAGE


def _read(args: argparse.Namespace) -> Vault:
    from pwhygiene._vault.registry import read_vault  # noqa: PLC0415 -- loads every reader

    password = _export_password(args)
    key_file = regular_file(args.key_file, "--key-file") if args.key_file else None
    try:
        return read_vault(
            Path(args.export),
            format=args.format,
            password=password,
            key_file=key_file,
            max_kdf_seconds=_kdf_bound(args),
        )
    except PasswordRequired:
        if password is not None or not sys.stdin.isatty():
            raise
        prompt = f"Password for {Path(args.export).name}: "
        return read_vault(
            Path(args.export),
            format=args.format,
            password=getpass.getpass(prompt),
            key_file=key_file,
            max_kdf_seconds=_kdf_bound(args),
        )


def _kdf_bound(args: argparse.Namespace) -> float:
    """``--max-kdf-seconds``, or the reader's own default when the user set none."""
    if args.max_kdf_seconds is None:
        from pwhygiene._vault.kdbx.keys import DEFAULT_MAX_KDF_SECONDS  # noqa: PLC0415

        return DEFAULT_MAX_KDF_SECONDS
    seconds = float(args.max_kdf_seconds)
    if not seconds > 0:
        raise InvalidInput("--max-kdf-seconds must be a positive number of seconds")
    return seconds


def _breach_source(args: argparse.Namespace) -> BreachSource | None:
    if args.no_breach:
        return None
    if args.offline:
        from pwhygiene._breach.index.offline import OfflineIndex  # noqa: PLC0415

        return OfflineIndex.open(args.offline)
    from pwhygiene._breach.range.client import DEFAULT_BASE_URL, RangeClient  # noqa: PLC0415

    return RangeClient(args.range_url or DEFAULT_BASE_URL)


def run(args: argparse.Namespace) -> int:
    """Read, audit, render, write; return the exit code."""
    if args.output not in OUTPUT_FORMATS:  # argparse does not check env-var defaults
        return _usage(
            f"PWHYGIENE_OUTPUT={args.output!r}: expected one of {', '.join(OUTPUT_FORMATS)}"
        )
    if args.require_breach and args.no_breach:
        return _usage("--require-breach cannot be combined with --no-breach")
    if not Path(args.export).exists():  # a file, or a pass store directory
        return _usage(f"{args.export}: no such file or directory")
    ignore = load_ignore(args.ignore) if args.ignore else None
    vault = _read(args)
    source = _breach_source(args)
    try:
        with _progress(len(vault)) as hook:
            report = audit(
                vault,
                breach=source,
                as_of=args.as_of,
                max_age_days=args.max_age,
                ignore=ignore,
                workers=args.workers,
                progress=hook,
            )
    finally:
        close = getattr(source, "close", None)
        if callable(close):
            close()
    _emit(report, args.output, args.output_file)
    _summary_line(report, args)
    if args.require_breach and (report.breach.unknown or report.breach.source == "blocklist"):
        print(
            "pwhygiene audit: breach status unavailable for "
            f"{report.breach.unknown} password(s) (--require-breach)",
            file=sys.stderr,
        )
        return ExitCode.BREACH_UNAVAILABLE
    failing = [f for f in report.findings if args.fail_on(f)]
    return ExitCode.FINDINGS if failing else ExitCode.OK


def _emit(report: AuditReport, output: OutputFormat, path: str | None) -> None:
    """Write the report to ``path`` (atomically) or stdout; JSON is streamed item by item."""
    if output == "table" and not path:
        from rich.console import Console  # noqa: PLC0415 -- only the terminal table needs rich

        from pwhygiene._audit.render import table  # noqa: PLC0415

        Console(highlight=False, emoji=False, soft_wrap=False).print(table.renderable(report))
        return
    chunks = iter_render(report, output)  # large reports never exist as one string
    if path:
        write_atomic(Path(path), chunks)
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()


def _summary_line(report: AuditReport, args: argparse.Namespace) -> None:
    if args.output == "table" and not args.output_file:
        return
    s = report.summary
    where = f" -> {args.output_file}" if args.output_file else ""
    print(
        f"pwhygiene audit: {s.items_audited} items, {len(report.findings)} findings, "
        f"score {s.score}/100{where}",
        file=sys.stderr,
    )
    for warning in report.warnings:
        print(f"pwhygiene audit: warning: {warning}", file=sys.stderr)


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``path`` via a 0600 temporary file in the same directory + rename.

    An existing target that is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is
    written to as it is: renaming over it would replace the device itself, which as root
    turns ``-o /dev/null`` into a regular file every other program then writes into.
    """
    try:
        target_mode = path.stat().st_mode
    except OSError:
        target_mode = None
    if target_mode is not None and not stat.S_ISREG(target_mode):
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(chunks)
        return
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(chunks)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _progress(size: int) -> Iterator[ProgressHook | None]:
    """A rich progress bar on stderr for long runs on a TTY; ``None`` otherwise."""
    if size < PROGRESS_MIN_ITEMS or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks = {
            "score": bar.add_task("Scoring passwords", total=None),
            "breach": bar.add_task("Breach lookups", total=None),
        }

        def hook(phase: str, done: int, total: int) -> None:
            bar.update(tasks[phase], completed=done, total=total)

        yield hook
