"""``pwhygiene index build|fetch|update|info``: make, refresh and inspect an offline index.

Progress goes to stderr (a bar only on a TTY), the ``info`` report to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.corpus import Corpus
from pwhygiene._breach.index.fetch import (
    DEFAULT_RETRIES,
    DEFAULT_WORKERS,
    WHOLE_CORPUS,
    fetch_index,
    parse_span,
    update_index,
)
from pwhygiene._breach.index.format import IndexInfo
from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._breach.range.client import DEFAULT_BASE_URL
from pwhygiene._breach.source import HashMode

PREFIX_FILES = 16**5
KIND_LABEL: dict[HashMode, str] = {"sha1": "SHA-1", "ntlm": "NTLM"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``index build``, ``fetch``, ``update`` and ``info`` to the parser."""
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
    fetch = actions.add_parser(
        "fetch",
        help="download the corpus from a range API into an index",
        description="Download every prefix of a span from a Pwned Passwords range API, "
        "concurrently and resumably (the work folder INDEX.ranges/ is kept for 'index update'), "
        "then build the index.",
    )
    fetch.add_argument("-o", "--output", type=Path, required=True, metavar="INDEX")
    fetch.add_argument(
        "--range-url",
        default=os.environ.get("PWHYGIENE_RANGE_URL", DEFAULT_BASE_URL),
        metavar="URL",
        help=f"the range API (default: $PWHYGIENE_RANGE_URL or {DEFAULT_BASE_URL})",
    )
    fetch.add_argument("--mode", choices=("sha1", "ntlm"), default="sha1")
    fetch.add_argument(
        "--prefixes",
        type=parse_span,
        default=parse_span(WHOLE_CORPUS),
        metavar="START-END",
        help=f"the prefixes to fetch, e.g. 00000-7FFFF (default {WHOLE_CORPUS}: everything)",
    )
    fetch.add_argument("--with-suffixes", action="store_true", help="as for 'index build'")
    _network_options(fetch)
    fetch.set_defaults(handler=_fetch)
    update = actions.add_parser(
        "update",
        help="revalidate a fetched index by ETag and download what changed",
        description="Ask the range API whether each fetched prefix changed (If-None-Match); "
        "download only those that did and rebuild the index atomically.",
    )
    update.add_argument("index", type=Path, metavar="INDEX")
    _network_options(update)
    update.set_defaults(handler=_update)
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
    with _progress(corpus.total_bytes, "indexing") as advance:
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


def _network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="concurrent requests (default 16)"
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=DEFAULT_RETRIES,
        help=f"extra attempts per prefix (default {DEFAULT_RETRIES})",
    )


def _fetch(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with _progress(len(args.prefixes), "fetching", unit="prefixes") as advance:
        result = fetch_index(
            args.output,
            base_url=args.range_url,
            mode=args.mode,
            prefixes=args.prefixes,
            with_suffixes=args.with_suffixes,
            workers=args.workers,
            retries=args.retries,
            progress=advance,
        )
    elapsed = max(time.perf_counter() - started, 1e-9)
    hashes = result.info.hash_count if result.info is not None else 0
    print(
        f"fetched {result.downloaded:,} prefixes in {elapsed:.1f} s "
        f"({result.downloaded / elapsed:,.0f}/s; {result.skipped:,} already done), "
        f"{hashes:,} {KIND_LABEL[args.mode]} hashes -> {args.output}",
        file=sys.stderr,
    )
    return 0


def _update(args: argparse.Namespace) -> int:
    with OfflineIndex.open(args.index) as index:
        total = index.info.hash_count
    with _progress(None, "revalidating", unit="prefixes") as advance:
        result = update_index(
            args.index, workers=args.workers, retries=args.retries, progress=advance
        )
    checked = result.downloaded + result.unchanged
    if result.info is None:
        print(f"{checked:,} prefixes checked, none changed; {args.index} kept", file=sys.stderr)
    else:
        print(
            f"{result.downloaded:,} of {checked:,} prefixes changed; rebuilt {args.index} "
            f"({total:,} -> {result.info.hash_count:,} hashes)",
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
def _progress(
    total: int | None, label: str, unit: str = "bytes"
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns = (TextColumn(label), BarColumn(), amount, TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("index", total=total)
        yield lambda done: bar.advance(task, done)
