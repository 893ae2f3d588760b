"""The Pwned Passwords range client: k-anonymous, validated, concurrent, and honest on failure.

Only the first five hex characters of a digest leave the process (``GET /range/{PREFIX}``);
the suffix is matched locally against the validated answer. Padding is requested by default so
the answer's size says little about the prefix. Transient failures (connection errors, connect
*and* read timeouts, 5xx, 429, truncated or invalid bodies) are retried with exponential
backoff and full jitter; when the budget is spent the caller gets a
:class:`~pwhygiene.exceptions.BreachLookupError`, never a 0 that would mean "not breached".
"""

from __future__ import annotations

import math
import threading
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import closing
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

import requests

from pwhygiene._breach.digests import normalize_digest
from pwhygiene._breach.range.breaker import (
    DEFAULT_BREAKER_COOLDOWN,
    DEFAULT_BREAKER_THRESHOLD,
    CircuitBreaker,
)
from pwhygiene._breach.range.cache import RangeCache
from pwhygiene._breach.range.deadline import Deadline, Watchdog, WatchedAdapter
from pwhygiene._breach.range.fetch import RangeFetcher, RequestPlan, RetryPolicy
from pwhygiene._breach.range.wire import ACCEPT_ENCODING
from pwhygiene._breach.source import HashMode
from pwhygiene._version import __version__
from pwhygiene.exceptions import BreachLookupError, BreachServiceUnavailable, InvalidInput

DEFAULT_BASE_URL = "https://api.pwnedpasswords.com"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
DEFAULT_MAX_WORKERS = 32  # concurrent prefix requests; docs/k-anonymity.md says why 32
USER_AGENT = f"pwhygiene/{__version__}"


@dataclass(frozen=True)
class BreachCount:
    """One digest's answer from :meth:`RangeClient.iter_counts`: a count, or why there is none.

    ``count`` is ``None`` exactly when ``error`` is set: the answer is unknown, not zero. The
    digest is kept out of ``repr`` (it identifies a password as well as the password does).
    """

    digest: str = field(repr=False)
    count: int | None
    error: BreachLookupError | None = None


class RangeClient:
    """A :class:`~pwhygiene.BreachSource` backed by a Pwned Passwords range API.

    ``session`` may be your own :class:`requests.Session` (proxies, CA bundle); it is then left
    open and its adapters untouched. Otherwise the client owns a session whose connection pool
    matches ``max_workers``. ``retries`` extra attempts per prefix wait
    ``uniform(0, min(max_backoff, backoff * 2**n))`` seconds, or what a 429's ``Retry-After``
    asks (up to ``max_retry_after``). ``cache`` is ``True`` for a private in-memory
    :class:`RangeCache`, ``False`` for none, or a cache to share (e.g. one on disk).

    A circuit breaker shared by all lookups stops retrying when the service is evidently down:
    at once when the host does not resolve or refuses connections, else after
    ``breaker_threshold`` (default 10) failed attempts in a row with no success in between.
    Every pending lookup then fails at once with
    :class:`~pwhygiene.exceptions.BreachServiceUnavailable`; after ``breaker_cooldown`` seconds
    (default 30) one attempt probes the service again. One client is safe to share between threads;
    close it (or use ``with``) when done.

    ``deadline`` (seconds, default none) bounds one :meth:`count` and one whole
    :meth:`count_many`/:meth:`iter_counts` batch: connecting, headers, body, retries and
    backoff together. A ``Retry-After`` longer than what is left fails at once. Past the
    deadline a lookup fails with :class:`~pwhygiene.exceptions.BreachServiceUnavailable`, even
    mid-read against a server that drips its answer: with the session the client owns, a
    watchdog shuts the connection. With your own ``session`` the deadline is checked between
    attempts and body chunks and caps every timeout, and a batch returns at the deadline, but
    a single ``count()`` reading a dripped body can run past it.

    Credentials in ``base_url`` (``https://user:pass@mirror``) are used for requests but never
    shown: the ``base_url`` attribute, ``repr`` and error messages mask them as ``***@``.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        session: requests.Session | None = None,
        padding: bool = True,
        mode: HashMode = "sha1",
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        max_workers: int = DEFAULT_MAX_WORKERS,
        retries: int = RetryPolicy.retries,
        backoff: float = RetryPolicy.backoff,
        max_backoff: float = RetryPolicy.max_backoff,
        max_retry_after: float = RetryPolicy.max_retry_after,
        cache: RangeCache | bool = True,
        breaker_threshold: int = DEFAULT_BREAKER_THRESHOLD,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        deadline: float | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInput("base_url must be an http:// or https:// URL with a host")
        if mode not in ("sha1", "ntlm"):
            raise InvalidInput(f"mode must be 'sha1' or 'ntlm' (got {mode!r})")
        _check_credentials(parts)
        if max_workers < 1 or retries < 0:
            raise InvalidInput("max_workers must be >= 1 and retries >= 0")
        if deadline is not None and not (deadline > 0 and math.isfinite(deadline)):
            raise InvalidInput(f"deadline must be a positive number of seconds (got {deadline!r})")
        host = parts.netloc.rpartition("@")[2]
        self.base_url = _masked(base_url, parts, host).rstrip("/")
        self.padding = padding
        self.max_workers = max_workers
        self._mode: HashMode = mode
        self._owns_session = session is None
        self._session = session if session is not None else _pooled_session(max_workers)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
        if padding:
            headers["Add-Padding"] = "true"
        if isinstance(cache, RangeCache):
            self._cache: RangeCache | None = cache
        else:
            self._cache = RangeCache() if cache else None
        self._fetcher = RangeFetcher(
            session=self._session,
            url=f"{base_url.rstrip('/')}/range/",
            params={"mode": "ntlm"} if mode == "ntlm" else {},
            headers=headers,
            timeout=timeout,
            mode=mode,
            policy=RetryPolicy(retries, backoff, max_backoff, max_retry_after),
            cache=self._cache,
            host=host,
            breaker=CircuitBreaker(host, threshold=breaker_threshold, cooldown=breaker_cooldown),
            padded=padding,
            direct=session is None,
        )
        self._deadline = deadline
        self._watchdog = Watchdog()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    @property
    def mode(self) -> HashMode:
        """Which digests the client takes: ``"sha1"`` (40 hex) or ``"ntlm"`` (32 hex)."""
        return self._mode

    @property
    def deadline(self) -> float | None:
        """Seconds one lookup or one batch may take in all, or ``None`` for no bound."""
        return self._deadline

    @property
    def cache(self) -> RangeCache | None:
        """The prefix cache in use, if any."""
        return self._cache

    def count(self, digest: str) -> int:
        """Times ``digest`` was seen in breaches; 0 only when the answer says it is absent."""
        upper = normalize_digest(digest, self._mode)
        if self._closed:
            raise RuntimeError("RangeClient is closed")
        deadline = self._start_deadline()
        try:
            rows = self._fetcher.fetch(upper[:5], None, deadline)
            return rows.get(upper[5:], 0)
        finally:
            if deadline is not None:
                deadline.finish()

    def count_many(self, digests: Iterable[str]) -> dict[str, int]:
        """Counts for all ``digests`` (keys upper-cased, in input order), fetched concurrently.

        Raises the first :class:`~pwhygiene.exceptions.BreachLookupError` met; use
        :meth:`iter_counts` to keep the answers that did arrive.
        """
        ordered = [normalize_digest(digest, self._mode) for digest in digests]
        results: dict[str, int] = {}
        with closing(self.iter_counts(ordered)) as stream:  # closing cancels what is queued
            for item in stream:
                if item.error is not None:
                    raise item.error
                if item.count is not None:
                    results[item.digest] = item.count
        return {digest: results[digest] for digest in ordered}

    def iter_counts(self, digests: Iterable[str]) -> Generator[BreachCount, None, None]:
        """Yield each distinct digest's :class:`BreachCount` as soon as its prefix is answered.

        All digests are validated first (:class:`~pwhygiene.exceptions.InvalidInput` before any
        request); the requests start immediately, so a caller can do other work before iterating.
        Each prefix is fetched once however many digests share it.
        """
        by_prefix: dict[str, dict[str, None]] = {}
        for digest in digests:
            upper = normalize_digest(digest, self._mode)
            by_prefix.setdefault(upper[:5], {})[upper] = None
        executor = self._get_executor()
        plan = self._fetcher.plan(batch=True)
        deadline = self._start_deadline()
        futures = {
            executor.submit(_lookup, self._fetcher, prefix, digests, plan, deadline): prefix
            for prefix, digests in by_prefix.items()
        }
        return _stream(futures, by_prefix, deadline)

    def close(self) -> None:
        """Stop the worker threads and close the session if the client created it."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        self._fetcher.stop()  # queued lookups now fail at once instead of running
        if executor is not None:
            # Not cancel_futures: a future cancelled in the queue never wakes as_completed().
            executor.shutdown(wait=True)
        self._watchdog.stop()
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> RangeClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"RangeClient({self.base_url!r}, mode={self._mode!r}, padding={self.padding}, "
            f"max_workers={self.max_workers})"
        )

    def _start_deadline(self) -> Deadline | None:
        return None if self._deadline is None else self._watchdog.start(self._deadline)

    def _get_executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("RangeClient is closed")
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self.max_workers, thread_name_prefix="pwhygiene-range"
                )
            return self._executor


_GRACE = 0.5  # seconds a batch waits past its deadline for lookups to report it themselves


_Counts = dict[str, "int | BreachLookupError"]  # one prefix's answers: digest -> count or why not


def _lookup(
    fetcher: RangeFetcher,
    prefix: str,
    digests: Iterable[str],
    plan: RequestPlan,
    deadline: Deadline | None,
) -> _Counts:
    """Fetch ``prefix`` and keep only the counts of ``digests``: the body is dropped here.

    A batch's futures live until the batch ends; holding each prefix's rows (a padded answer
    is ~40 KB of text) would make its memory grow with rows per prefix, not with what was asked.
    """
    rows = fetcher.fetch(prefix, plan, deadline)
    counts: _Counts = {}
    for digest in digests:
        try:
            counts[digest] = rows.get(digest[5:], 0)
        except BreachLookupError as exc:  # a suffix listed twice with different counts
            counts[digest] = exc
    return counts


def _stream(
    futures: dict[Future[_Counts], str],
    by_prefix: dict[str, dict[str, None]],
    deadline: Deadline | None,
) -> Generator[BreachCount, None, None]:
    """Yield per-digest answers in completion order; cancel what is left if abandoned.

    Lookups end themselves at the deadline; one that has not (a caller's session reading a
    dripped body) is reported as late shortly after it, and left to finish in the background.
    """
    pending = set(futures)
    try:
        try:
            timeout = None if deadline is None else deadline.left() + _GRACE
            for future in as_completed(futures, timeout=timeout):
                pending.discard(future)
                digests = by_prefix[futures[future]]
                outcome = _outcome(future)
                for digest in digests:
                    yield _answer(digest, outcome)
        except FuturesTimeout:
            assert deadline is not None  # as_completed only times out with one
            late = BreachServiceUnavailable(
                f"the batch's deadline of {deadline.seconds:g} s passed before the range API "
                "answered every prefix"
            )
            for future in list(pending):  # a slow consumer: some may have finished meanwhile
                finished = future.done() and not future.cancelled()
                outcome = _outcome(future) if finished else late
                for digest in by_prefix[futures[future]]:
                    yield _answer(digest, outcome)
    finally:
        if deadline is not None:  # an abandoned batch: cut what is still running, now
            deadline.expire()
            deadline.finish()
        for future in futures:
            future.cancel()


def _answer(digest: str, outcome: _Counts | BreachLookupError) -> BreachCount:
    """One digest's count from its prefix's answers (a conflicting duplicate row is an error)."""
    count = outcome if isinstance(outcome, BreachLookupError) else outcome[digest]
    if isinstance(count, BreachLookupError):
        return BreachCount(digest, None, count)
    return BreachCount(digest, count)


def _outcome(future: Future[_Counts]) -> _Counts | BreachLookupError:
    """The counts a finished lookup found, or why it found none."""
    try:
        return future.result()
    except BreachLookupError as exc:
        return exc


def _check_credentials(parts: SplitResult) -> None:
    """Refuse now what requests would fail on at the first lookup with the password in args.

    HTTP Basic auth (which requests derives from ``user:pass@``) can only send Latin-1.
    """
    for part in (parts.username, parts.password):  # no encode(): its error would hold them
        if any(ord(char) > 0xFF for char in unquote(part or "")):
            raise InvalidInput(
                "base_url credentials must be Latin-1 text (HTTP Basic auth cannot send others)"
            )


def _masked(url: str, parts: SplitResult, host: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``: safe to show."""
    return urlunsplit(parts._replace(netloc=f"***@{host}")) if "@" in parts.netloc else url


def _pooled_session(max_workers: int) -> requests.Session:
    """A session whose pool keeps one connection per worker; retries are ours, not urllib3's.

    Its connections register their sockets with the running lookup's deadline.
    """
    session = requests.Session()
    adapter = WatchedAdapter(pool_connections=4, pool_maxsize=max_workers, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
