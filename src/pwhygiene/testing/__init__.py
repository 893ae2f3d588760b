"""A real Pwned Passwords range server on 127.0.0.1, for your tests and ours.

Mocking ``requests`` proves little about a network client; this module runs the actual HTTP
protocol on loopback instead, with the quirks of the real API and the failures a client meets
in the field::

    from pwhygiene import RangeClient
    from pwhygiene.breach import sha1_digest
    from pwhygiene.testing import RangeServer

    with RangeServer.from_passwords({"hunter2": 17}) as server:
        with RangeClient(server.url) as client:
            assert client.count(sha1_digest("hunter2")) == 17
        assert all(r.prefix for r in server.requests)  # only 5-hex prefixes were asked for

The server answers ``GET /range/{PREFIX}`` (``?mode=ntlm`` for NTLM) from one
:class:`~pwhygiene.breach.RangeProvider` per hash mode, like the real service: sorted
``SUFFIX:COUNT`` rows separated by CRLF with no final newline, random count-0 padding rows appended
when the request carries ``Add-Padding: true``, an ``ETag`` answered with ``304`` on
``If-None-Match``. Faults can be injected at random (``fault_rate``) or as a script consumed one
per request (:meth:`RangeServer.inject`); every request is logged (:attr:`RangeServer.requests`).

Anything with ``.mode`` and ``.range(prefix)`` is a provider, so an offline index can be served
the same way. Normal answers are rendered by the same code as the production mirror
(``pwhygiene serve``, which runs it on uvicorn); this server adds the faults and the log, and
is built on ``http.server``: for tests, not for production.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Literal

from pwhygiene._breach.digests import normalize_digest, password_digest
from pwhygiene._breach.mirror.body import BodyFormat, Padding
from pwhygiene._breach.mirror.core import RangeMirror
from pwhygiene._breach.source import HashMode, RangeProvider
from pwhygiene.testing._handler import (
    FAULT_KINDS,
    FaultKind,
    LoggedRequest,
    RangeHTTPServer,
    RangeRequestHandler,
)
from pwhygiene.testing._hostile import HostileServer, RawAnswer, http_response

__all__ = [
    "FAULT_KINDS",
    "FaultKind",
    "HostileServer",
    "InMemoryCorpus",
    "LoggedRequest",
    "RangeServer",
    "RawAnswer",
    "http_response",
]


class InMemoryCorpus:
    """A :class:`~pwhygiene.breach.RangeProvider` over a mapping of full digests to counts.

    Digests are validated and upper-cased; counts must be positive (a count of 0 would be
    indistinguishable from padding).
    """

    def __init__(self, counts: Mapping[str, int], mode: HashMode = "sha1") -> None:
        self._mode: HashMode = mode
        by_prefix: dict[str, list[tuple[str, int]]] = {}
        for digest, count in counts.items():
            upper = normalize_digest(digest, mode)
            if count < 1:
                raise ValueError(f"counts must be positive (got {count})")
            by_prefix.setdefault(upper[:5], []).append((upper[5:], count))
        self._ranges = {prefix: sorted(rows) for prefix, rows in by_prefix.items()}

    @classmethod
    def from_passwords(cls, counts: Mapping[str, int], mode: HashMode = "sha1") -> InMemoryCorpus:
        """A corpus of the passwords' ``mode`` digests (the passwords themselves are not kept)."""
        return cls({password_digest(pw, mode): n for pw, n in counts.items()}, mode)

    @property
    def mode(self) -> HashMode:
        """Which digests the corpus holds."""
        return self._mode

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """The sorted ``(SUFFIX, count)`` rows under ``prefix``."""
        return list(self._ranges.get(prefix.upper(), ()))

    def __repr__(self) -> str:
        return f"InMemoryCorpus(mode={self._mode!r}, prefixes={len(self._ranges)})"


class RangeServer:
    """A threaded range-API server on loopback; use it as a context manager.

    Normal answers come from the same mirror logic as ``pwhygiene serve`` (one body renderer);
    this class adds what only tests need. ``latency_ms`` delays every answer; ``fault_rate``
    (0..1) turns a random share of requests into one of ``fault_kinds``; ``inject()`` scripts
    the next requests exactly. ``padding_rows`` is the ``(min, max)`` total row count a padded
    answer is filled up to (the real API uses about 800..1000). ``seed`` makes padding and
    faults reproducible.
    """

    def __init__(
        self,
        *providers: RangeProvider,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0.0,
        fault_rate: float = 0.0,
        fault_kinds: Iterable[FaultKind] = FAULT_KINDS,
        retry_after: int = 0,
        hang_seconds: float = 30.0,
        padding_rows: tuple[int, int] = (800, 1000),
        thousands_separators: bool = False,
        line_ending: Literal["\r\n", "\n"] = "\r\n",
        final_newline: bool = False,
        etag: bool = True,
        log_requests: bool = True,
        seed: int | None = None,
    ) -> None:
        if not providers:
            raise ValueError("RangeServer needs at least one RangeProvider")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1 (got {fault_rate})")
        kinds = tuple(fault_kinds)
        if fault_rate and not kinds:
            raise ValueError("fault_rate needs at least one fault kind")
        self.latency_ms = latency_ms
        self.fault_rate = fault_rate
        self.fault_kinds = kinds
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.padding_rows = padding_rows
        self.thousands_separators = thousands_separators
        self.line_ending = line_ending
        self.final_newline = final_newline
        self.etag = etag
        self.log_requests = log_requests
        # One random stream for padding and faults, so a seed reproduces both.
        self._rng = random.Random(seed)  # noqa: S311  # reason: test padding, not secrets
        self._mirror = RangeMirror(
            *providers,
            padding=Padding(padding_rows, line_ending=line_ending, rng=self._rng),
            fmt=BodyFormat(thousands_separators, line_ending, final_newline),
            etag=etag,
        )
        self._lock = threading.Lock()
        self._script: deque[FaultKind | None] = deque()
        self._log: list[LoggedRequest] = []
        self._closing = threading.Event()
        self._httpd = RangeHTTPServer((host, port), RangeRequestHandler)
        self._httpd.desk = _Desk(self)
        self._thread: threading.Thread | None = None
        self._serving = False

    @classmethod
    def from_passwords(cls, counts: Mapping[str, int], **options: object) -> RangeServer:
        """A server knowing ``counts`` (password -> times seen) in both SHA-1 and NTLM mode."""
        return cls(
            InMemoryCorpus.from_passwords(counts, "sha1"),
            InMemoryCorpus.from_passwords(counts, "ntlm"),
            **options,  # type: ignore[arg-type]  # reason: forwarded keyword options
        )

    @classmethod
    def from_digests(
        cls, counts: Mapping[str, int], mode: HashMode = "sha1", **options: object
    ) -> RangeServer:
        """A server knowing ``counts`` (full hex digest -> times seen) in one mode."""
        return cls(InMemoryCorpus(counts, mode), **options)  # type: ignore[arg-type]

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``http://127.0.0.1:49152``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> RangeServer:
        """Serve in a daemon thread (idempotent); the usual way in tests."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.serve_forever, name=f"RangeServer{self.url}", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`close` is called elsewhere (or Ctrl-C).

        A test fake, not a production server: ``pwhygiene serve`` runs the same mirror on a
        production engine.
        """
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=0.05)
        finally:
            self._serving = False

    def close(self) -> None:
        """Stop serving, release hanging handlers and close the socket."""
        self._closing.set()
        if self._serving or self._thread is not None:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> RangeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- faults and the log ------------------------------------------------------------------

    def inject(self, *faults: FaultKind | None) -> None:
        """Script the next requests: one fault per request, ``None`` for a normal answer."""
        with self._lock:
            self._script.extend(faults)

    @property
    def requests(self) -> tuple[LoggedRequest, ...]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return tuple(self._log)

    def clear_log(self) -> None:
        """Forget the requests logged so far."""
        with self._lock:
            self._log.clear()

    # -- bodies ------------------------------------------------------------------------------

    def render(self, mode: HashMode, prefix: str, *, padded: bool) -> tuple[bytes, str]:
        """The body for ``prefix`` and its ETag (which ignores padding, as padding is random)."""
        return self._mirror.render(mode, prefix, padded=padded)

    def __repr__(self) -> str:
        return f"RangeServer(url={self.url!r}, modes={list(self._mirror.modes)})"


class _Desk:
    """The :class:`RequestDesk` the handler talks to: faults, latency and the log, no more."""

    def __init__(self, server: RangeServer) -> None:
        self._server = server

    @property
    def mirror(self) -> RangeMirror:
        return self._server._mirror

    @property
    def retry_after(self) -> int:
        return self._server.retry_after

    def admit(self, request: LoggedRequest) -> FaultKind | None:
        server = self._server
        with server._lock:
            if server._script:
                fault = server._script.popleft()
            elif server.fault_rate and server._rng.random() < server.fault_rate:
                fault = server._rng.choice(server.fault_kinds)
            else:
                fault = None
            if server.log_requests:
                server._log.append(dataclasses.replace(request, fault=fault))
        self._sleep(server.latency_ms / 1000.0)
        return fault

    def hang(self) -> None:
        self._sleep(self._server.hang_seconds)

    def noise(self, size: int) -> bytes:
        with self._server._lock:
            return bytes(self._server._rng.getrandbits(8) for _ in range(size))

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server is closing."""
        if seconds > 0:
            self._server._closing.wait(seconds)
