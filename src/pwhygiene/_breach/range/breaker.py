"""A circuit breaker shared by every lookup of one client: stop hammering a service that is down.

Retries per prefix are right for transient faults, but when the service is plainly unreachable
(no network, DNS failing, nothing listening) each prefix would spend its whole retry budget on
its own, and an audit of thousands of prefixes would take hours to say "offline". The breaker
sees every attempt of the client, so it can tell the two apart:

* **closed** -- attempts go through. A *conclusive* failure (the host name does not resolve,
  the connection is refused) or ``threshold`` failed attempts in a row with no success in
  between (across all prefixes and threads) opens it. Faults interleaved with successes, like
  a CDN dropping 5 % of requests, never add up to a run, so they never open it.
* **open** -- every attempt fails at once with
  :class:`~pwhygiene.exceptions.BreachServiceUnavailable` saying why, including lookups sleeping
  in a backoff, until ``cooldown`` seconds have passed.
* **half-open** -- one attempt (the probe) is let through; its success closes the breaker, its
  failure opens it for another ``cooldown``. So a long-lived client (a signup form) recovers
  from a network blip by itself.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from urllib3.exceptions import NameResolutionError

from pwhygiene.exceptions import BreachServiceUnavailable, InvalidInput

DEFAULT_BREAKER_THRESHOLD = 10  # failed attempts in a row; 5 % faults make such a run ~1e-13
DEFAULT_BREAKER_COOLDOWN = 30.0  # seconds before an open breaker lets one probe through


class CircuitBreaker:
    """Counts failed attempts in a row; opens on a conclusive failure or a long run of them."""

    def __init__(
        self,
        host: str,
        *,
        threshold: int = DEFAULT_BREAKER_THRESHOLD,
        cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or cooldown < 0:
            raise InvalidInput(
                f"breaker_threshold must be >= 1 and breaker_cooldown >= 0 "
                f"(got {threshold}, {cooldown})"
            )
        self.threshold = threshold
        self.cooldown = cooldown
        self._host = host
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0  # failed attempts since the last success
        self._reason: str | None = None  # set while open or half-open: why it opened
        self._opened_at = 0.0
        self._probe_started: float | None = None  # set while a half-open probe is out

    @property
    def is_open(self) -> bool:
        """Whether attempts are being refused right now (a probe may be pending)."""
        with self._lock:
            return self._reason is not None and self._probe_started is None and not self._due()

    def before_attempt(self) -> None:
        """Let an attempt go, or raise :class:`BreachServiceUnavailable` if the circuit is open."""
        with self._lock:
            if self._reason is None:
                return
            now = self._clock()
            probe_stuck = self._probe_started is not None and now - self._probe_started > max(
                self.cooldown, 1.0
            )
            if (self._probe_started is None and self._due()) or probe_stuck:
                self._probe_started = now  # this attempt is the half-open probe
                return
            reason = self._reason
        raise BreachServiceUnavailable(
            f"Pwned Passwords range API at {self._host} is unreachable ({reason}); "
            f"not retrying for {self.cooldown:g} s -- check the network or base_url"
        )

    def succeeded(self) -> None:
        """The service answered: close the circuit and forget the run of failures."""
        with self._lock:
            self._failures = 0
            self._reason = None
            self._probe_started = None

    def failed(self, reason: str, *, conclusive: bool = False) -> None:
        """An attempt failed to reach the service; ``conclusive`` ones open the circuit at once."""
        with self._lock:
            self._failures += 1
            probing = self._probe_started is not None
            if self._reason is not None and not probing:
                return  # already open: keep the reason and the time it opened
            if not (conclusive or probing or self._failures >= self.threshold):
                return
            self._opened_at = self._clock()
            if not (conclusive or probing):
                reason = f"{reason}; {self._failures} failed attempts in a row"
            self._reason = reason
            self._probe_started = None

    def _due(self) -> bool:
        """Whether the cool-down is over (caller holds the lock)."""
        return self._clock() - self._opened_at >= self.cooldown


def conclusive_reason(exc: BaseException) -> str | None:
    """Why ``exc`` proves the service unreachable (no retry can help), or ``None``.

    ``requests`` wraps urllib3's errors, which wrap the socket's; walk the chain of causes,
    ``args`` and urllib3's ``reason`` attributes looking for a resolver failure or a refusal.
    """
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen or len(seen) > 32:
            continue
        seen.add(id(current))
        if isinstance(current, (NameResolutionError, socket.gaierror)):
            return "could not resolve host"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        pending.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        pending.extend(current.args)
    return None
