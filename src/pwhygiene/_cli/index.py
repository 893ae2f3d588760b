"""``pwhygiene index build`` and ``pwhygiene index info``: make and inspect an offline index.

Progress goes to stderr (a bar only on a TTY), the ``info`` report to stdout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.corpus import Corpus
from pwhygiene._breach.index.format import IndexInfo
from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._breach.source import HashMode

PREFIX_FILES = 16**5
KIND_LABEL: dict[HashMode, str] = {"sha1": "SHA-1", "ntlm": "NTLM"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``index build`` and ``index info`` to the parser."""
    parser = sub.add_parser(
        "index",
        help="build or inspect an offline breach index",
        description="Build a compact offline index of the Pwned Passwords download, or show one.",
    )
    actions = parser.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build",
        help="index the downloader's output",
        description="Index the Pwned Passwords downloader's output: its single sorted "
        "HASH:COUNT file or its folder of XXXXX.txt prefix files.",
    )
    build.add_argument("source", type=Path, metavar="SOURCE", help="downloaded file or folder")
    build.add_argument("-o", "--output", type=Path, required=True, metavar="INDEX")
    build.add_argument("--ntlm", action="store_true", help="the download holds NTLM hashes")
    build.add_argument(
        "--with-suffixes",
        action="store_true",
        help="keep full digests (about 21 B/hash instead of 6) so 'pwhygiene serve' can "
        "answer the range API",
    )
    build.set_defaults(handler=_build)
    info = actions.add_parser("info", help="show an index's header and metadata")
    info.add_argument("index", type=Path, metavar="INDEX")
    info.add_argument(
        "--verify", action="store_true", help="also checksum the whole data region (slow)"
    )
    info.set_defaults(handler=_info)


def _build(args: argparse.Namespace) -> int:
    mode: HashMode = "ntlm" if args.ntlm else "sha1"
    corpus = Corpus.open(args.source, mode)
    if corpus.is_folder and len(corpus.files) < PREFIX_FILES:
        print(
            f"pwhygiene: warning: {args.source} has {len(corpus.files)} of {PREFIX_FILES} "
            "prefix files; hashes under the missing prefixes will count as not breached",
            file=sys.stderr,
        )
    started = time.perf_counter()
    with _progress(corpus.total_bytes) as advance:
        info = build_index(
            args.source, args.output, mode=mode, with_suffixes=args.with_suffixes, progress=advance
        )
    elapsed = max(time.perf_counter() - started, 1e-9)
    print(
        f"indexed {info.hash_count:,} {KIND_LABEL[mode]} hashes in {elapsed:.1f} s "
        f"({info.hash_count / elapsed:,.0f}/s), {info.bytes_per_hash:.2f} bytes/hash "
        f"-> {args.output}",
        file=sys.stderr,
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    with OfflineIndex.open(args.index) as index:
        if args.verify:
            index.verify()
        print(render_info(index.info, verified=args.verify))
    return 0


def render_info(info: IndexInfo, *, verified: bool) -> str:
    """The ``index info`` report: one ``name: value`` per line."""
    rows = [
        ("index", str(info.path)),
        ("format version", str(info.format_version)),
        ("hash kind", KIND_LABEL[info.mode]),
        ("hashes", f"{info.hash_count:,}"),
        ("occurrences", f"{info.occurrences:,}"),
        ("source", info.source),
        ("built", info.built_at.isoformat()),
        ("built by", info.builder),
        ("size", f"{info.file_size:,} bytes ({info.bytes_per_hash:.2f} bytes/hash)"),
        ("bucket bits", str(info.bucket_bits)),
        ("overflow counts", f"{info.overflow_count:,}"),
        ("shared-key hashes", f"{info.collision_count:,}"),
        ("false-positive bound", f"{info.false_positive_bound:.2e} per lookup"),
        ("range API (serve)", "yes" if info.has_suffixes else "no (build with --with-suffixes)"),
        ("checksums", "header, table and data verified" if verified else "header and table ok"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name + ':':<{width + 1}} {value}" for name, value in rows)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (
        TextColumn("indexing"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("index", total=total)
        yield lambda done: bar.advance(task, done)
