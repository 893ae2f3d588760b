"""One prefix, fetched until it is answered or the retry budget is spent.

This is the seam where ``requests`` exceptions and HTTP statuses become pwhygiene errors:
transient ones are retried (exponential backoff with full jitter, or a 429's ``Retry-After``),
and the last one is raised as :class:`~pwhygiene.exceptions.BreachServiceUnavailable` (could not
reach a working service) or :class:`~pwhygiene.exceptions.BadRangeResponse` (reached something that
did not answer like one). Messages name the host and the cause, never the prefix or a suffix. Every
attempt is reported to the client's shared :class:`CircuitBreaker`, which ends all retrying at once
when the service is evidently down.

Requests are sent from a :class:`RequestPlan`: the session's and the environment's settings
(headers, auth, proxies, CA bundle) resolved once per lookup or batch, instead of once per
request as ``Session.get`` does.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3 import HTTPConnectionPool

from pwhygiene._breach.range.body import validate_range_body
from pwhygiene._breach.range.breaker import CircuitBreaker, conclusive_reason
from pwhygiene._breach.range.cache import CachedRange, RangeCache, usable_etag
from pwhygiene._breach.range.deadline import Deadline
from pwhygiene._breach.range.wire import Reply, read_body, via_pool, via_session
from pwhygiene._breach.source import HashMode
from pwhygiene.exceptions import BadRangeResponse, BreachLookupError, BreachServiceUnavailable

MAX_BODY_BYTES = 2 * 1024 * 1024  # a real answer is ~40 KB; anything this big is not one
_jitter = random.Random()  # noqa: S311  # reason: backoff jitter, not a secret


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry one prefix."""

    retries: int = 6  # extra attempts; 5 % random faults then fail ~1 prefix in 10^9
    backoff: float = 0.25  # seconds; attempt n waits uniform(0, min(max_backoff, backoff*2**n))
    max_backoff: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After is a failure now, not a long stall

    def delay(self, attempt: int) -> float:
        """Full-jitter exponential backoff before retry number ``attempt + 1``."""
        return _jitter.uniform(0.0, min(self.max_backoff, self.backoff * 2.0**attempt))


class _Transient(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(
        self,
        unavailable: bool,
        reason: str,
        wait: float | None = None,
        *,
        conclusive: bool = False,
        throttled: bool = False,
    ) -> None:
        super().__init__(reason)
        self.unavailable = unavailable  # True: service unreachable; False: bad answer
        self.reason = reason
        self.wait = wait
        self.conclusive = conclusive  # retrying cannot help: the host does not resolve/listen
        self.throttled = throttled  # a 429: the service is up, just asking us to slow down


_PLACEHOLDER = "/range/00000"  # the path a plan's template is prepared with


@dataclass(frozen=True)
class RequestPlan:
    """What every request of one lookup or batch shares, resolved once.

    ``Session.get`` re-reads the proxy variables (walking the whole environment twice), netrc
    and the CA-bundle variables and re-prepares headers, cookies and auth on every call: about
    1 ms of CPU per request on this project's machines, more than everything else the client
    does. A plan prepares one template request and merges those settings once; each prefix's
    request is a copy with its own URL. Settings are therefore read when a batch starts, not
    per request.
    """

    template: requests.PreparedRequest = field(repr=False)
    url_head: str = field(repr=False)  # may carry user:password@
    url_tail: str
    settings: dict[str, Any] = field(repr=False)  # send()'s proxies, verify, cert, stream
    pool: HTTPConnectionPool | None = field(default=None, repr=False)  # see RangeFetcher.plan
    path_head: str = ""

    def request(self, prefix: str, etag: str | None) -> requests.PreparedRequest:
        """The request for ``prefix``, revalidating ``etag`` when given."""
        prepared = self.template.copy()
        prepared.url = self.url_head + prefix + self.url_tail
        if etag:
            prepared.headers["If-None-Match"] = etag
        return prepared

    def exchange(
        self, session: requests.Session, prefix: str, etag: str | None, timeout: tuple[float, float]
    ) -> AbstractContextManager[Reply]:
        """Send the request for ``prefix``: straight to the pool when the plan has one."""
        if self.pool is None:
            return via_session(session, self.request(prefix, etag), timeout, self.settings)
        headers = dict(self.template.headers)
        if etag:
            headers["If-None-Match"] = etag
        return via_pool(self.pool, self.path_head + prefix + self.url_tail, headers, timeout)


class RangeFetcher:
    """Fetches and validates one prefix's rows, through the cache, with retries."""

    def __init__(
        self,
        *,
        session: requests.Session,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        timeout: float | tuple[float, float],
        mode: HashMode,
        policy: RetryPolicy,
        cache: RangeCache | None,
        host: str,
        breaker: CircuitBreaker,
        padded: bool,
        direct: bool = False,
    ) -> None:
        self._session = session
        self._direct = direct  # batches may bypass Session.send (the client owns the session)
        self._url = url
        self._params = dict(params)
        self._headers = dict(headers)
        self._timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self._mode: HashMode = mode
        self._policy = policy
        self._cache = cache
        self._host = host
        self._breaker = breaker
        self._padded = padded  # a padded request's answer always has rows
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Make pending retries give up instead of sleeping (the client is closing)."""
        self._stopping.set()

    def plan(self, batch: bool = False) -> RequestPlan:
        """Resolve the session's and the environment's settings for the requests to come.

        A ``batch`` plan of a client that owns its session, with no proxy for the URL, sends
        straight through the session's urllib3 pool (same connections, TLS settings and
        deadline watch; no per-request ``Session.send``). Single lookups, a caller's own
        session and proxied URLs go through ``Session.send``.

        A request that cannot even be prepared (say, a session hook or adapter refusing the
        URL) is :class:`~pwhygiene.exceptions.BreachServiceUnavailable`, as any other unusable
        request.
        """
        request = requests.Request(
            "GET",
            self._url.removesuffix("/range/") + _PLACEHOLDER,
            params=self._params,
            headers=self._headers,
        )
        try:
            template = self._session.prepare_request(request)
            full = template.url or ""
            settings = self._session.merge_environment_settings(full, {}, True, None, None)
            pool = self._pool(template, settings) if batch and self._direct else None
        except requests.RequestException as exc:
            raise BreachServiceUnavailable(
                f"request to the range API at {self._host} could not be prepared: "
                f"{type(exc).__name__}"
            ) from exc
        head = full[: full.rindex(_PLACEHOLDER) + len("/range/")]
        tail = full[len(head) + 5 :]  # the query, e.g. "?mode=ntlm"
        path_head = urlsplit(head).path
        return RequestPlan(template, head, tail, dict(settings), pool, path_head)

    def _pool(
        self, template: requests.PreparedRequest, settings: Mapping[str, Any]
    ) -> HTTPConnectionPool | None:
        """The session's pool for the range URL, or ``None`` when a proxy must be used."""
        adapter = self._session.get_adapter(template.url or "")
        if not isinstance(adapter, HTTPAdapter) or select_proxy(
            template.url or "", settings.get("proxies") or {}
        ):
            return None
        pool = adapter.get_connection_with_tls_context(
            template, settings.get("verify", True), None, settings.get("cert")
        )
        return pool if isinstance(pool, HTTPConnectionPool) else None

    def fetch(
        self, prefix: str, plan: RequestPlan | None = None, deadline: Deadline | None = None
    ) -> Mapping[str, int]:
        """The real rows under ``prefix`` (5 upper-case hex), from cache or the service.

        Pass the batch's ``plan``; without one, the settings are resolved for this lookup.
        Past ``deadline`` the lookup fails with
        :class:`~pwhygiene.exceptions.BreachServiceUnavailable` (see :mod:`.deadline`).
        """
        if self._stopping.is_set():
            raise BreachServiceUnavailable("RangeClient closed before the lookup ran")
        cached = self._cache.get(self._mode, prefix) if self._cache is not None else None
        if cached is not None and self._cache is not None and self._cache.is_fresh(cached):
            return cached.rows
        attempts = self._policy.retries + 1
        last: _Transient | None = None
        plan = plan if plan is not None else self.plan()
        for attempt in range(attempts):
            if deadline is not None and deadline.passed:
                raise self._late(deadline, last) from last
            try:
                self._breaker.before_attempt()
            except BreachServiceUnavailable as exc:
                raise exc from last
            try:
                rows = self._attempt(plan, prefix, cached, deadline)
            except _Transient as exc:
                last = exc
                self._after(exc, deadline, retry=attempt if attempt + 1 < attempts else None)
            except BreachServiceUnavailable as exc:  # TLS and the like: reached nothing usable
                if deadline is not None and deadline.passed:
                    raise self._late(deadline, None) from exc
                self._breaker.failed("TLS or the request itself failed")
                raise
            except BadRangeResponse:  # an HTTP 4xx: the service is up, the request is wrong
                self._breaker.succeeded()
                raise
            else:
                self._breaker.succeeded()
                return rows
        assert last is not None  # the loop ran at least once and did not return
        raise _give_up(last, self._host, attempts) from last

    def _after(self, failure: _Transient, deadline: Deadline | None, retry: int | None) -> None:
        """Raise if ``failure`` ends the lookup; else back off before retry number ``retry``."""
        if deadline is not None and deadline.passed:  # cut by the watchdog, or simply late
            raise self._late(deadline, failure) from failure
        self._tell_breaker(failure)
        if failure.wait is not None and failure.wait > self._policy.max_retry_after:
            raise BreachServiceUnavailable(
                f"Pwned Passwords range API at {self._host} is rate limiting and asks "
                f"to wait {failure.wait:.0f} s; retry later or lower max_workers"
            ) from failure
        if retry is None:
            return
        wait = failure.wait if failure.wait is not None else self._policy.delay(retry)
        if deadline is not None and wait >= deadline.left():
            raise self._late(deadline, failure) from failure  # no time left for that wait
        if self._pause(wait):
            raise BreachServiceUnavailable("RangeClient closed during a retry") from failure

    def _late(self, deadline: Deadline, last: _Transient | None) -> BreachServiceUnavailable:
        """The error for a lookup whose deadline passed, saying what it was waiting on."""
        if last is None:
            cause = ""
        elif last.throttled and last.wait is not None:
            cause = f"; the service is rate limiting and asks to wait {last.wait:.0f} s"
        else:
            cause = f"; last attempt: {last.reason}"
        return BreachServiceUnavailable(
            f"Pwned Passwords range API at {self._host}: the lookup's deadline of "
            f"{deadline.seconds:g} s passed before an answer came{cause}"
        )

    def _tell_breaker(self, failure: _Transient) -> None:
        """Feed one failed attempt to the shared breaker (a bad body still proves a server)."""
        if failure.throttled:
            return
        if failure.unavailable:
            self._breaker.failed(failure.reason, conclusive=failure.conclusive)
        else:
            self._breaker.succeeded()

    def _pause(self, seconds: float) -> bool:
        """Back off for ``seconds``; ``True`` if the client is closing.

        Returns early (``False``) as soon as the breaker opens, so a lookup sleeping in a
        backoff fails with the breaker's reason instead of finishing its sleep first.
        """
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stopping.wait(min(left, 0.05)):
                return True
            if self._breaker.is_open:
                return False
        return self._stopping.is_set()

    def _attempt(
        self,
        plan: RequestPlan,
        prefix: str,
        cached: CachedRange | None,
        deadline: Deadline | None,
    ) -> Mapping[str, int]:
        etag = cached.etag if cached is not None else None
        timeout = self._timeout
        if deadline is not None:  # no single wait may outlast the deadline
            left = max(deadline.left(), 0.001)
            timeout = (min(timeout[0], left), min(timeout[1], left))
        try:
            with (
                deadline.bound() if deadline is not None else nullcontext(),
                plan.exchange(self._session, prefix, etag, timeout) as response,
            ):
                try:
                    whole = response.status == 200
                    until = deadline.at if deadline is not None else None
                    body = (
                        read_body(response, limit=MAX_BODY_BYTES, deadline=until) if whole else b""
                    )
                finally:
                    if deadline is not None:  # before the connection goes back to the pool
                        deadline.release()
        except BadRangeResponse as exc:  # framing, length or encoding: not a whole answer
            raise _Transient(False, str(exc)) from exc
        except requests.exceptions.SSLError as exc:  # retrying cannot fix a certificate
            raise BreachServiceUnavailable(
                f"TLS with the range API at {self._host} failed (an intercepting proxy, or "
                "plain HTTP behind an https:// URL?); set REQUESTS_CA_BUNDLE or pass a session "
                "that trusts the proxy"
            ) from exc
        except requests.Timeout as exc:  # connect *and* read timeouts
            raise _Transient(True, f"timed out ({type(exc).__name__})") from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise _Transient(False, "the transfer broke off mid-body (truncated)") from exc
        except requests.ConnectionError as exc:
            reason = conclusive_reason(exc)
            if reason is not None:
                raise _Transient(True, reason, conclusive=True) from exc
            raise _Transient(True, "connection failed or was reset") from exc
        except requests.RequestException as exc:
            raise BreachServiceUnavailable(
                f"request to the range API at {self._host} failed: {type(exc).__name__}"
            ) from exc
        return self._answer(prefix, response, body, cached)

    def _answer(
        self, prefix: str, response: Reply, body: bytes, cached: CachedRange | None
    ) -> Mapping[str, int]:
        status = response.status
        if status == 200:
            rows = self._validate(response, body)
            if self._cache is not None:
                self._cache.put(self._mode, prefix, rows, usable_etag(response.headers.get("ETag")))
            return rows
        if status == 304:
            if cached is None or not cached.etag:
                raise _Transient(False, "HTTP 304 to a request that had no ETag")
            if self._cache is not None:
                etag = usable_etag(response.headers.get("ETag")) or cached.etag
                self._cache.put(self._mode, prefix, cached.rows, etag)
            return cached.rows
        if status == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            raise _Transient(True, "HTTP 429 (rate limited)", wait, throttled=True)
        if status >= 500 or status == 408:
            raise _Transient(True, f"HTTP {status}")
        if 300 <= status < 400:
            raise _Transient(False, f"HTTP {status} redirect (a captive portal or proxy?)")
        raise BadRangeResponse(
            f"range API at {self._host} answered HTTP {status}; "
            "is base_url a Pwned Passwords range API?"
        )

    def _validate(self, response: Reply, body: bytes) -> Mapping[str, int]:
        try:
            return validate_range_body(
                body,
                mode=self._mode,
                content_type=response.headers.get("Content-Type"),
                padded=self._padded,
            )
        except BadRangeResponse as exc:
            raise _Transient(False, str(exc)) from exc


def _retry_after(value: str | None) -> float | None:
    """Seconds asked for by ``Retry-After`` (delay-seconds or an HTTP date), if parseable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float() refuses it
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _give_up(last: _Transient, host: str, attempts: int) -> BreachLookupError:
    if last.unavailable:
        return BreachServiceUnavailable(
            f"Pwned Passwords range API at {host} unavailable after {attempts} attempts: "
            f"{last.reason}; check the network or base_url, or retry later"
        )
    return BadRangeResponse(
        f"range API at {host} kept answering with something that is not a range body "
        f"({attempts} attempts): {last.reason}"
    )
