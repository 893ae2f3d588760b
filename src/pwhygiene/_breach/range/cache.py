"""A cache of range answers: an in-memory LRU with a TTL, optionally mirrored to disk or Redis.

What is cached is public data -- the breached suffixes under a prefix and their counts, the
same for every user -- keyed by the prefix. The memory cache reveals nothing beyond the
process. **A disk cache is a privacy trade-off:** its file names are the prefixes that were
looked up, so anyone who can read the directory learns which 1-in-a-million slices of the hash
space your passwords fall in (and when, from the timestamps). That is no more than the range
API itself learns, but it outlives the process. It is therefore opt-in, created ``0700`` with
``0600`` files, written atomically, and revalidated with ``ETag``/``If-None-Match`` once its
entries are older than the TTL.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Protocol

from pwhygiene._breach.range.body import RangeRows, parse_range_body
from pwhygiene._breach.range.disk import DiskStore, private_directory
from pwhygiene._breach.range.redis_store import DEFAULT_REDIS_EXPIRY, RedisStore
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import BadRangeResponse, InvalidInput

DEFAULT_CACHE_SIZE = 128  # prefixes; a real answer is ~1,000 rows, roughly 130 KB in memory
DEFAULT_CACHE_TTL = 3600.0  # seconds before an entry is revalidated with the server
_MAGIC = "pwhygiene-range-cache 1"
CLOCK_SKEW = 300.0  # seconds an entry's time may lie ahead of the clock (another host wrote it)
MAX_ETAG_LENGTH = 256
_ETAG = re.compile(rf"[\x21-\x7e]{{1,{MAX_ETAG_LENGTH}}}")


def usable_etag(value: str | None) -> str | None:
    """``value`` if it is an ETag worth keeping (visible ASCII, at most 256 characters).

    RFC 9110 also allows bytes above 0x7F (``obs-text``) inside an ETag. Such a tag, or a huge
    one, is ignored rather than stored: the entry is then revalidated by downloading it again,
    which costs a little bandwidth and never a wrong answer or an encoding error on disk.
    """
    return value if value is not None and _ETAG.fullmatch(value) else None


@dataclass(frozen=True)
class CachedRange:
    """The real rows of one prefix's answer, the ETag they came with, and when (epoch s)."""

    rows: Mapping[str, int] = field(repr=False)
    etag: str | None
    fetched_at: float


class RangeCache:
    """Prefix answers kept for ``ttl`` seconds, least recently used dropped beyond ``maxsize``.

    With ``directory``, answers are also written there and read back by later processes (see
    the module docstring for what that reveals). With ``redis_url`` (``redis://host:6379/0``,
    needs ``pwhygiene[redis]``) they are shared through Redis by every process of a fleet
    instead, each key expiring after ``redis_expiry`` seconds; a Redis outage only warns and
    makes the cache behave as empty. Safe to share between threads and clients.
    Stale entries are kept so the client can revalidate them cheaply with their ETag.
    """

    def __init__(
        self,
        *,
        maxsize: int = DEFAULT_CACHE_SIZE,
        ttl: float = DEFAULT_CACHE_TTL,
        directory: str | PathLike[str] | None = None,
        redis_url: str | None = None,
        redis_expiry: float = DEFAULT_REDIS_EXPIRY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if maxsize < 1 or ttl < 0:
            raise InvalidInput(f"cache needs maxsize >= 1 and ttl >= 0 (got {maxsize}, {ttl})")
        if directory is not None and redis_url is not None:
            raise InvalidInput("a RangeCache takes a directory or a redis_url, not both")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[HashMode, str], CachedRange] = OrderedDict()
        self.directory = None if directory is None else Path(directory).expanduser()
        self._store: _Store | None = None  # stays None for a directory that is not private
        if self.directory is not None and private_directory(self.directory):
            self._store = DiskStore(self.directory)
        self._redis = None if redis_url is None else RedisStore(redis_url, expiry=redis_expiry)
        if self._redis is not None:
            self._store = self._redis

    def get(self, mode: HashMode, prefix: str) -> CachedRange | None:
        """The cached answer for ``prefix``, fresh or stale, or ``None``."""
        key = (mode, prefix)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        data = self._store.load(mode, prefix) if self._store is not None else None
        entry = None if data is None else _deserialise(data, mode, self._clock())
        if entry is not None:
            self._remember(key, entry)
        return entry

    def is_fresh(self, entry: CachedRange) -> bool:
        """Whether ``entry`` may be used without asking the server."""
        return -CLOCK_SKEW <= self._clock() - entry.fetched_at < self.ttl

    def put(self, mode: HashMode, prefix: str, rows: Mapping[str, int], etag: str | None) -> None:
        """Store (or refresh, after a 304) the answer for ``prefix``."""
        kept = rows if isinstance(rows, RangeRows) else dict(rows)  # RangeRows is immutable
        entry = CachedRange(kept, usable_etag(etag), self._clock())
        self._remember((mode, prefix), entry)
        if self._store is not None:
            self._store.save(mode, prefix, _serialise(entry))

    def clear(self) -> None:
        """Forget every entry, in memory and on disk."""
        with self._lock:
            self._entries.clear()
        if self._store is not None:
            self._store.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        where = f", directory={str(self.directory)!r}" if self.directory else ""
        if self._redis is not None:
            where = f", redis_url={self._redis.where!r}"  # never the password
        return f"RangeCache(maxsize={self.maxsize}, ttl={self.ttl}{where})"

    def _remember(self, key: tuple[HashMode, str], entry: CachedRange) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


class _Store(Protocol):
    """Where entries outlive the process: a private directory, or a Redis shared by a fleet."""

    def load(self, mode: HashMode, prefix: str) -> bytes | None: ...
    def save(self, mode: HashMode, prefix: str, data: bytes) -> None: ...
    def clear(self) -> None: ...


def _serialise(entry: CachedRange) -> bytes:
    """Magic, ETag, time, then one ``SUFFIX:COUNT`` row per line: ASCII by construction."""
    header = [_MAGIC, entry.etag or "", repr(entry.fetched_at)]
    rows = [f"{suffix}:{count}" for suffix, count in sorted(entry.rows.items())]
    return "\n".join(header + rows).encode("ascii")


def _deserialise(data: bytes, mode: HashMode, now: float) -> CachedRange | None:
    """The entry in ``data``, or ``None`` if it is damaged or odd (it is then refetched).

    Odd includes a time that is not finite or lies ahead of ``now`` by more than the skew,
    which would keep an entry fresh for ever.
    """
    lines = data.decode("ascii", "replace").split("\n")
    if len(lines) < 3 or lines[0] != _MAGIC:
        return None
    _, etag, fetched, *rows = lines
    try:
        fetched_at = float(fetched)
        if not (math.isfinite(fetched_at) and 0 <= fetched_at <= now + CLOCK_SKEW):
            return None
        body = "\n".join(rows).encode("ascii")
        return CachedRange(parse_range_body(body, mode=mode), usable_etag(etag), fetched_at)
    except (BadRangeResponse, ValueError):
        return None
