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
the same way (that is what ``pwhygiene serve`` does).
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Literal

from pwhygiene._breach.digests import normalize_digest, password_digest
from pwhygiene._breach.range.body import SUFFIX_LENGTH
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

    ``latency_ms`` delays every answer; ``fault_rate`` (0..1) turns a random share of requests
    into one of ``fault_kinds``; ``inject()`` scripts the next requests exactly. ``padding_rows``
    is the ``(min, max)`` total row count a padded answer is filled up to (the real API uses
    about 800..1000). ``seed`` makes padding and faults reproducible.
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
        self._providers: dict[HashMode, RangeProvider] = {}
        for provider in providers:
            if provider.mode in self._providers:
                raise ValueError(f"two providers for mode {provider.mode!r}")
            self._providers[provider.mode] = provider
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
        self._rng = random.Random(seed)  # noqa: S311  # reason: test padding, not secrets
        self._lock = threading.Lock()
        self._script: deque[FaultKind | None] = deque()
        self._log: list[LoggedRequest] = []
        self._closing = threading.Event()
        self._pools: dict[HashMode, tuple[str, frozenset[str]]] = {}
        self._httpd = RangeHTTPServer((host, port), RangeRequestHandler)
        self._httpd.range_server = self
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

        For a long-running mirror (``pwhygiene serve``), construct with ``log_requests=False``
        so the request log does not grow without bound.
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

    def _next_fault(self) -> FaultKind | None:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return self._rng.choice(self.fault_kinds)
            return None

    def _record(self, request: LoggedRequest) -> None:
        if self.log_requests:
            with self._lock:
                self._log.append(request)

    def _padding_count(self, real_rows: int) -> int:
        low, high = self.padding_rows
        with self._lock:
            target = self._rng.randint(low, high) if high > 0 else 0
        return max(0, target - real_rows)

    def _random_suffixes(self, length: int, count: int, taken: set[str]) -> list[str]:
        """``count`` distinct random hex suffixes not in ``taken`` (which they are added to)."""
        width = (length + 1) // 2 * 2  # whole bytes of hex per suffix
        suffixes: list[str] = []
        while len(suffixes) < count:
            with self._lock:
                blob = self._rng.randbytes(width // 2 * (count - len(suffixes))).hex().upper()
            for start in range(0, len(blob), width):
                suffix = blob[start : start + length]
                if suffix not in taken:
                    taken.add(suffix)
                    suffixes.append(suffix)
        return suffixes

    def _padding_text(self, mode: HashMode, count: int, taken: set[str]) -> str:
        """``count`` padding rows (``SUFFIX:0``) joined by the line ending, none in ``taken``.

        Rows are cut from a pool of random suffixes made once per mode (4x the largest
        padding), starting at a random row and wrapping around: each answer gets a different
        run of random-looking rows without generating hex per row per request.
        """
        length = SUFFIX_LENGTH[mode]
        pool = self._pools.get(mode)
        if pool is None:
            size = 4 * max(self.padding_rows[1], 1)
            suffixes = self._random_suffixes(length, size, set())
            text = "".join(f"{suffix}:0{self.line_ending}" for suffix in suffixes)
            pool = self._pools.setdefault(mode, (text, frozenset(suffixes)))
        text, members = pool
        width = length + 2 + len(self.line_ending)
        size = len(text) // width
        if count > size or not members.isdisjoint(taken):  # rare: make fresh rows instead
            rows = self._random_suffixes(length, count, set(taken))
            return self.line_ending.join(f"{suffix}:0" for suffix in rows)
        with self._lock:
            start = self._rng.randrange(size)
        end = start + count
        run = (
            text[start * width : end * width]
            if end <= size
            else (text[start * width :] + text[: (end - size) * width])
        )
        return run[: -len(self.line_ending)]

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server is closing."""
        if seconds > 0:
            self._closing.wait(seconds)

    # -- bodies ------------------------------------------------------------------------------

    def _format_count(self, count: int) -> str:
        return f"{count:,}" if self.thousands_separators else str(count)

    def render(self, mode: HashMode, prefix: str, *, padded: bool) -> tuple[bytes, str]:
        """The body for ``prefix`` and its ETag (which ignores padding, as padding is random)."""
        rows = self._providers[mode].range(prefix)
        lines = [f"{suffix}:{self._format_count(count)}" for suffix, count in rows]
        etag = '"' + hashlib.sha256("\n".join([mode, *lines]).encode()).hexdigest()[:32] + '"'
        if padded and (pad := self._padding_count(len(rows))):
            lines.append(self._padding_text(mode, pad, {suffix for suffix, _ in rows}))
        text = self.line_ending.join(lines)
        if self.final_newline and lines:
            text += self.line_ending
        return text.encode("ascii"), etag

    def __repr__(self) -> str:
        return f"RangeServer(url={self.url!r}, modes={sorted(self._providers)})"
