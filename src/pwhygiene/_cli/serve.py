"""``pwhygiene serve``: a Pwned Passwords range-API mirror over an offline index.

It serves ``GET /range/{PREFIX}`` (``?mode=ntlm`` for an NTLM index) with ``Add-Padding``
support, from an index built ``--with-suffixes``, through :class:`pwhygiene.testing.RangeServer`.
It binds to loopback unless told otherwise: a mirror for one machine or, behind your own TLS
proxy, for a network.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._cli.index import KIND_LABEL as _KIND
from pwhygiene.exceptions import OfflineIndexError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
_LOOPBACK = ("127.", "::1", "localhost")


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """Let ``kill``/systemd stop the mirror cleanly (main thread only, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the parser."""
    parser = sub.add_parser(
        "serve",
        help="serve an offline index as a range-API mirror",
        description="Answer the Pwned Passwords range API (GET /range/PREFIX) from an index "
        "built with 'pwhygiene index build --with-suffixes'.",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=os.environ.get("PWHYGIENE_INDEX"),
        required="PWHYGIENE_INDEX" not in os.environ,
        metavar="INDEX",
        help="the index file (default: $PWHYGIENE_INDEX)",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"0 picks a free port (default {DEFAULT_PORT})",
    )
    parser.set_defaults(handler=run)


def run(
    args: argparse.Namespace,
    *,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve until ``stop`` is set or Ctrl-C; ``ready`` receives the base URL once listening."""
    from pwhygiene.testing import RangeServer  # noqa: PLC0415  # reason: only serve needs HTTP

    stop = stop or threading.Event()
    with OfflineIndex.open(args.index) as index:
        if not index.info.has_suffixes:
            raise OfflineIndexError(
                f"{args.index}: built without suffixes, so it cannot answer range queries; "
                "rebuild it with 'pwhygiene index build SOURCE -o INDEX --with-suffixes'"
            )
        if not str(args.host).startswith(_LOOPBACK):
            print(
                f"pwhygiene: warning: serving on {args.host}, reachable beyond this machine; "
                "put it behind a TLS proxy",
                file=sys.stderr,
            )
        try:
            server = RangeServer(index, host=args.host, port=args.port, log_requests=False)
        except OSError as exc:
            raise OfflineIndexError(
                f"cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port"
            ) from exc
        with server:
            server.start()
            print(
                f"serving {index.info.hash_count:,} {_KIND[index.mode]} hashes from "
                f"{args.index} at {server.url}/range/PREFIX (Ctrl-C stops)",
                file=sys.stderr,
            )
            with _stop_on_sigterm(stop):
                if ready is not None:
                    ready(server.url)
                while not stop.wait(1.0):  # a timed wait stays responsive to Ctrl-C
                    pass
    return 0
