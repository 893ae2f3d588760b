"""Cache entries in Redis, so a fleet of web servers shares answers and revalidates them by ETag.

Same privacy trade-off as the disk cache: the keys are the prefixes looked up, readable by
anyone who can read that Redis. And same distrust: whatever comes back is checked like a disk
file (size, format, time) before it is used, because anyone who can write to that Redis could
otherwise make a breached password look clean.

Redis is an optimisation, never a dependency of an answer: when it is down, slow or refuses a
command, the cache warns once, behaves as if it were empty (lookups go to the range API) and
tries Redis again a few seconds later. Short socket timeouts keep an outage from eating a
lookup's deadline.
"""

from __future__ import annotations

import threading
import time
import warnings
from typing import Any
from urllib.parse import urlsplit

from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import InvalidInput

MAX_VALUE_BYTES = 4 * 1024 * 1024  # as for a disk file: far above any real answer
DEFAULT_REDIS_EXPIRY = 7 * 24 * 3600.0  # seconds a key lives; stale entries revalidate sooner
REDIS_TIMEOUT = 0.25  # seconds for connecting and for each command: Redis is on the LAN
RETRY_AFTER = 5.0  # seconds without Redis after a failure, so an outage costs one timeout
_KEY = "pwhygiene:range:"


class RedisStore:
    """Entries as Redis strings under ``pwhygiene:range:{mode}:{prefix}``, expiring."""

    def __init__(self, url: str, *, expiry: float = DEFAULT_REDIS_EXPIRY) -> None:
        try:
            import redis  # noqa: PLC0415  # reason: an optional extra, loaded only when asked for
        except ImportError as exc:
            raise InvalidInput(
                "redis_url needs the redis package: pip install 'pwhygiene[redis]'"
            ) from exc
        self.where = _masked(url)
        if expiry <= 0:
            raise InvalidInput(f"redis_expiry must be > 0 seconds (got {expiry!r})")
        self._expiry = max(1, round(expiry))
        try:
            self._redis: Any = redis.Redis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT,
                retry_on_timeout=False,
            )
        except ValueError:  # not chained: a parser's message may quote the URL, password and all
            raise InvalidInput(
                f"redis_url {self.where} is not a redis://, rediss:// or unix:// URL"
            ) from None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic; Redis is skipped until then
        self._warned = False

    def load(self, mode: HashMode, prefix: str) -> bytes | None:
        """The stored bytes for ``prefix``, or ``None`` (absent, too large, or Redis is down)."""
        if self._skipping():
            return None
        try:
            value = self._redis.getrange(_KEY + f"{mode}:{prefix}", 0, MAX_VALUE_BYTES)
        except self._errors as exc:
            self._failed(exc)
            return None
        self._worked()
        if not isinstance(value, bytes) or not value or len(value) > MAX_VALUE_BYTES:
            return None  # GETRANGE answers b"" for a missing key; one byte over is too large
        return value

    def save(self, mode: HashMode, prefix: str, data: bytes) -> None:
        """Store ``data`` for ``prefix``, expiring after the configured time."""
        if self._skipping():
            return
        try:
            self._redis.set(_KEY + f"{mode}:{prefix}", data, ex=self._expiry)
        except self._errors as exc:
            self._failed(exc)
            return
        self._worked()

    def clear(self) -> None:
        """Delete every pwhygiene range key (other keys in that Redis are left alone)."""
        if self._skipping():
            return
        try:
            keys = list(self._redis.scan_iter(match=_KEY + "*", count=1000))
            for at in range(0, len(keys), 1000):
                self._redis.delete(*keys[at : at + 1000])
        except self._errors as exc:
            self._failed(exc)

    def _skipping(self) -> bool:
        with self._lock:
            return time.monotonic() < self._down_until

    def _failed(self, exc: BaseException) -> None:
        """Note an outage: skip Redis for a while, and warn once per outage."""
        with self._lock:
            self._down_until = time.monotonic() + RETRY_AFTER
            warn, self._warned = not self._warned, True
        if warn:
            warnings.warn(
                f"range cache Redis at {self.where} failed ({type(exc).__name__}); "
                f"answers are fetched without it, retrying Redis every {RETRY_AFTER:g} s",
                RuntimeWarning,
                stacklevel=4,
            )

    def _worked(self) -> None:
        with self._lock:
            self._warned = False  # the next outage warns again


def _masked(url: str) -> str:
    """``url`` without credentials or path, safe to show: ``redis://host:port``."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return "<unparseable URL>"
    return f"{parts.scheme}://{host}" if host else f"{parts.scheme}://"
