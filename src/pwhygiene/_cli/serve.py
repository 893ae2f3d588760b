"""``pwhygiene serve``: a Pwned Passwords range-API mirror over an offline index.

It serves ``GET /range/{PREFIX}`` (``?mode=ntlm`` for an NTLM index) with ``Add-Padding``,
ETags and ``Cache-Control``, plus ``GET /health``, from an index built ``--with-suffixes``. The
mirror (``pwhygiene._breach.mirror``) runs on uvicorn, an asyncio engine (``pip install
'pwhygiene[serve]'``): idle keep-alive connections cost a socket, not a thread, and are closed
after ``--keep-alive`` seconds; ``--max-connections`` bounds what a flood of clients can hold.
Access logs are off unless asked for (``--access-log``), because every line would record a
prefix. SIGTERM and Ctrl-C stop it gracefully: requests in flight are finished first. It binds
to loopback unless told otherwise: a mirror for one machine or, behind your own TLS proxy, for a
network.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._breach.mirror import MirrorApp, RangeMirror
from pwhygiene._breach.mirror.asgi import (
    CACHE_VARIABLE,
    DEFAULT_CACHED_RANGES,
    INDEX_VARIABLE,
    RANGES_VARIABLE,
)
from pwhygiene._breach.mirror.core import DEFAULT_CACHE_SECONDS, HEALTH_PATH
from pwhygiene._cli.index import KIND_LABEL as _KIND
from pwhygiene.exceptions import OfflineIndexError, PwhygieneError

if TYPE_CHECKING:
    import uvicorn

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_KEEP_ALIVE = 5.0  # seconds an idle keep-alive connection is kept
DEFAULT_MAX_CONNECTIONS = 1000  # beyond this, new requests get 503 instead of starving others
GRACEFUL_SHUTDOWN = 10  # seconds requests in flight get to finish after SIGTERM
_LOOPBACK = ("127.", "::1", "localhost")
_APP_FACTORY = "pwhygiene._breach.mirror.asgi:app_from_environment"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the parser."""
    parser = sub.add_parser(
        "serve",
        help="serve an offline index as a range-API mirror",
        description="Answer the Pwned Passwords range API (GET /range/PREFIX) from an index "
        "built with 'pwhygiene index build --with-suffixes' or 'pwhygiene index fetch "
        "--with-suffixes'. Needs the serve extra: pip install 'pwhygiene[serve]'.",
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
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes sharing the port (default 1)"
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=DEFAULT_KEEP_ALIVE,
        metavar="SECONDS",
        help=f"close idle keep-alive connections after this long (default {DEFAULT_KEEP_ALIVE:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help=f"answer 503 beyond N open connections per worker (default {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--cache-seconds",
        type=int,
        default=DEFAULT_CACHE_SECONDS,
        metavar="SECONDS",
        help=f"Cache-Control max-age of an answer (default {DEFAULT_CACHE_SECONDS}; 0: no-cache)",
    )
    parser.add_argument(
        "--cached-ranges",
        type=int,
        default=DEFAULT_CACHED_RANGES,
        metavar="N",
        help=f"keep N hot ranges rendered in memory per worker (default {DEFAULT_CACHED_RANGES})",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: each line records a hash prefix)",
    )
    parser.set_defaults(handler=run)


def run(
    args: argparse.Namespace,
    *,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve until ``stop`` is set, SIGTERM or Ctrl-C; ``ready`` receives the base URL."""
    _require_engine()
    if args.workers < 1 or args.max_connections < 1 or args.keep_alive <= 0:
        raise PwhygieneError("--workers, --max-connections and --keep-alive must be positive")
    if args.cached_ranges < 0:
        raise PwhygieneError("--cached-ranges must be 0 or more")
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
        sock = _bind(args.host, args.port)
        host, port = sock.getsockname()[:2]
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        print(
            f"serving {index.info.hash_count:,} {_KIND[index.mode]} hashes from {args.index} "
            f"at {url}/range/PREFIX ({args.workers} worker(s); health at {url}{HEALTH_PATH}; "
            "Ctrl-C stops)",
            file=sys.stderr,
        )
        config = _config(args, index)
        on_ready = (lambda: ready(url)) if ready is not None else (lambda: None)
        with contextlib.closing(sock), _stop_on_signals(stop):
            if args.workers == 1:
                _serve_one(config, sock, on_ready, stop)
            else:
                _serve_many(config, sock, on_ready, stop)
    return 0


def _require_engine() -> None:
    """Fail with the install command when the optional engine is missing."""
    try:
        import uvicorn  # noqa: F401, PLC0415  # reason: an optional extra, loaded only to serve
    except ImportError as exc:
        raise PwhygieneError(
            "'pwhygiene serve' needs its HTTP engine: pip install 'pwhygiene[serve]'"
        ) from exc


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before any worker starts (so ``--port 0`` has one port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError as exc:
        sock.close()
        raise OfflineIndexError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host"
        ) from exc
    return sock


def _config(args: argparse.Namespace, index: OfflineIndex) -> uvicorn.Config:
    """The engine's settings: quiet, bounded, and the app (or its factory, for workers)."""
    import uvicorn  # noqa: PLC0415  # reason: an optional extra, loaded only to serve

    common: dict[str, object] = {
        "workers": args.workers,
        "access_log": args.access_log,
        "log_level": "info" if args.access_log else "warning",
        "timeout_keep_alive": args.keep_alive,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN,
        "limit_concurrency": args.max_connections,
        "server_header": False,
        "proxy_headers": False,
        "lifespan": "on",
    }
    if args.workers == 1:
        mirror = RangeMirror(
            index, cache_seconds=args.cache_seconds, cached_ranges=args.cached_ranges
        )
        app = MirrorApp(mirror)
        return uvicorn.Config(app, **common)  # type: ignore[arg-type]  # reason: typed kwargs
    os.environ[INDEX_VARIABLE] = str(Path(args.index).resolve())  # read by each worker
    os.environ[CACHE_VARIABLE] = str(args.cache_seconds)
    os.environ[RANGES_VARIABLE] = str(args.cached_ranges)
    return uvicorn.Config(_APP_FACTORY, factory=True, **common)  # type: ignore[arg-type]


def _serve_one(
    config: uvicorn.Config,
    sock: socket.socket,
    on_ready: Callable[[], None],
    stop: threading.Event,
) -> None:
    """Serve in this process until ``stop`` is set or a signal asks to stop."""
    import uvicorn  # noqa: PLC0415  # reason: see _require_engine

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                on_ready()

    server = _Server(config)
    watcher = threading.Thread(target=_when_set, args=(stop, server), daemon=True)
    watcher.start()
    try:
        server.run(sockets=[sock])
    finally:
        stop.set()
        watcher.join()


def _when_set(stop: threading.Event, server: uvicorn.Server) -> None:
    stop.wait()
    server.should_exit = True


def _relay(stop: threading.Event, should_exit: threading.Event) -> None:
    stop.wait()
    should_exit.set()


def _serve_many(
    config: uvicorn.Config,
    sock: socket.socket,
    on_ready: Callable[[], None],
    stop: threading.Event,
) -> None:
    """Serve from ``config.workers`` processes; this one supervises and relays SIGTERM."""
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415  # reason: see _require_engine

    if threading.current_thread() is not threading.main_thread():
        raise PwhygieneError("--workers above 1 must run in the main thread")
    supervisor = Multiprocess(config, sockets=[sock])  # takes SIGINT/SIGTERM until we restore
    relay = threading.Thread(target=_relay, args=(stop, supervisor.should_exit), daemon=True)
    relay.start()
    on_ready()  # the socket is listening: connections queue until a worker accepts them
    try:
        supervisor.run()
    finally:
        stop.set()
        relay.join()


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (kill, systemd) and Ctrl-C set ``stop``; the old handlers come back after.

    The engine installs its own handlers while it runs and hands a caught signal back to these
    afterwards, so the process exits 0 instead of dying of the re-raised signal.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handled = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in handled}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
