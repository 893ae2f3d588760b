"""An overall deadline for one lookup or one batch, enforced even inside a blocked read.

A socket timeout bounds each ``recv``, not a lookup: a server that drips one byte a second,
or floods ``100 Continue`` lines, never lets a ``recv`` time out, and ``http.client`` blocks in
``read(n)`` until ``n`` bytes have come. Checking the clock between reads cannot end that. So a
:class:`Watchdog` thread (one per client) waits for each :class:`Deadline` and, when it passes,
shuts down (``SHUT_RDWR``) the socket every lookup under that deadline is using: the blocked
read returns at once, and the fetcher reports the deadline.

The sockets are found by the connection classes of :func:`watched_adapter`, which the client
mounts on the session it owns: when a connection is opened or starts reading a response, it
registers a duplicate of its socket with the deadline bound to the current thread (see
:meth:`Deadline.bound`). A caller's own session is left untouched, so there the deadline is
checked only between attempts and body chunks, and caps every timeout.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager
from urllib3.response import HTTPResponse

_bound = threading.local()  # .deadline: the Deadline of the lookup this thread is running


class Deadline:
    """When one ``count()`` or one batch must be over, and the sockets it is reading from."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._expired = False
        self._done = False
        self._sockets: dict[int, socket.socket] = {}  # thread ident -> a dup of its socket

    @property
    def passed(self) -> bool:
        """Whether the deadline has passed (by the clock, or by the watchdog's word)."""
        return self._expired or time.monotonic() >= self.at

    def left(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    @contextmanager
    def bound(self) -> Iterator[None]:
        """Bind this deadline to the current thread, so its connections register with it."""
        previous = getattr(_bound, "deadline", None)
        _bound.deadline = self
        try:
            yield
        finally:
            self.release()
            _bound.deadline = previous

    def track(self, sock: socket.socket) -> None:
        """Watch ``sock`` for the current thread; shut it at once if the deadline has passed."""
        try:  # a plain dup: shutting it ends the connection, and it survives TLS wrapping
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            old = self._sockets.pop(threading.get_ident(), None)
            self._sockets[threading.get_ident()] = dup
            if self._expired:
                _shut(dup)
        if old is not None:
            old.close()

    def release(self) -> None:
        """Stop watching the current thread's socket (before its connection goes to the pool)."""
        with self._lock:
            dup = self._sockets.pop(threading.get_ident(), None)
        if dup is not None:
            dup.close()

    def expire(self) -> None:
        """The deadline passed: shut every watched socket so blocked reads return now."""
        with self._lock:
            self._expired = True
            for dup in self._sockets.values():
                _shut(dup)

    def finish(self) -> None:
        """The lookup or batch is over; the watchdog may forget it."""
        self._done = True

    @property
    def done(self) -> bool:
        """Whether :meth:`finish` was called."""
        return self._done


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed or never connected: nothing blocks
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread expiring a client's deadlines as they pass.

    The thread starts with the first deadline and ends when none is pending, so a client that
    is never closed holds no thread for longer than its last deadline.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self, seconds: float) -> Deadline:
        """A new deadline ``seconds`` from now, watched until it passes or is finished."""
        deadline = Deadline(seconds)
        with self._condition:
            if self._stopping:
                deadline.expire()
                return deadline
            if len(self._heap) > 1024:  # drop finished ones so long deadlines cannot pile up
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pwhygiene-range-deadline", daemon=True
                )
                self._thread.start()
            self._condition.notify()
        return deadline

    def stop(self) -> None:
        """Expire every deadline still pending and end the thread."""
        with self._condition:
            self._stopping = True
            pending, self._heap = self._heap, []
            self._condition.notify()
            thread = self._thread
        for _, _, deadline in pending:
            deadline.expire()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        with self._condition:
            while not self._stopping:
                if not self._heap:
                    self._thread = None  # start() begins a new one for the next deadline
                    return
                at, _, deadline = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                heapq.heappop(self._heap)
                if not deadline.done:
                    deadline.expire()


def _track(sock: socket.socket | None) -> None:
    """Register ``sock`` with the deadline bound to this thread, if any."""
    deadline: Deadline | None = getattr(_bound, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.track(sock)


class _WatchedHTTPConnection(HTTPConnection):
    """Registers its socket when it connects and when it starts reading a response."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _track(sock)  # covers the TLS handshake too: the dup survives wrapping
        return sock

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 does
        _track(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    """The TLS twin of :class:`_WatchedHTTPConnection`."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _track(sock)
        return sock

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 does
        _track(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections (direct or through an HTTP proxy) a deadline can cut."""

    def init_poolmanager(
        self,
        connections: int,
        maxsize: int,
        block: bool = False,
        **pool_kwargs: Any,  # noqa: ANN401  # reason: the stub's type, passed on to urllib3
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(
        self,
        proxy: str,
        **proxy_kwargs: Any,  # noqa: ANN401  # reason: the stub's type, passed on to urllib3
    ) -> Any:  # noqa: ANN401  # reason: the stub's type (a urllib3 or a SOCKS proxy manager)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, PoolManager) and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS  # SOCKS pools are left as they are
        return manager
