"""The shared circuit breaker: fail fast when the range service is down, recover after a pause."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import RangeClient
from pwhygiene._breach.range.breaker import CircuitBreaker
from pwhygiene._breach.range.client import BreachCount
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import BreachServiceUnavailable, InvalidInput
from pwhygiene.testing import RangeServer
from range_clients import fast_client

UNRESOLVABLE = "http://pwhygiene-test.invalid"  # RFC 6761: .invalid never resolves


def digests(n: int, tag: str = "breaker") -> list[str]:
    """``n`` digests of distinct made-up passwords (most land on distinct prefixes)."""
    return [sha1_digest(f"{tag}-{i}") for i in range(n)]


class Clock:
    """A clock the test advances by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        """The time the test has set."""
        return self.now


# -- the breaker on its own ------------------------------------------------------------------

outcomes = st.lists(st.sampled_from(["ok", "fail", "conclusive"]), max_size=60)


@given(outcomes, st.integers(1, 6))
def test_breaker_opens_exactly_on_a_run_or_a_conclusive_failure(
    events: list[str], threshold: int
) -> None:
    """Oracle: open iff a conclusive failure or `threshold` failures came since the last success."""
    breaker = CircuitBreaker("h", threshold=threshold, cooldown=60, clock=Clock())
    run, conclusive = 0, False
    for event in events:
        if event == "ok":
            breaker.succeeded()
            run, conclusive = 0, False
        else:
            breaker.failed("x", conclusive=event == "conclusive")
            run += 1
            conclusive = conclusive or event == "conclusive"
        assert breaker.is_open == (conclusive or run >= threshold)


@given(st.integers(1, 8), st.integers(2, 200))
def test_faults_interleaved_with_successes_never_open_it(threshold: int, rounds: int) -> None:
    """Any number of failures never opens the breaker while runs stay below the threshold."""
    breaker = CircuitBreaker("h", threshold=threshold, clock=Clock())
    for _ in range(rounds):
        for _ in range(threshold - 1):
            breaker.failed("HTTP 503")
        breaker.succeeded()
        breaker.before_attempt()
    assert not breaker.is_open


def test_open_breaker_refuses_then_lets_one_probe_through_after_the_cooldown() -> None:
    """Half-open: after the cool-down one probe goes; others wait; its outcome decides."""
    clock = Clock()
    breaker = CircuitBreaker("api.example", threshold=3, cooldown=30, clock=clock)
    breaker.failed("could not resolve host", conclusive=True)
    with pytest.raises(BreachServiceUnavailable, match="could not resolve host") as info:
        breaker.before_attempt()
    assert "api.example" in str(info.value)
    clock.now = 30.0
    breaker.before_attempt()  # the probe
    with pytest.raises(BreachServiceUnavailable):
        breaker.before_attempt()  # a second caller while the probe is out
    breaker.failed("connection refused", conclusive=True)  # the probe failed: open again
    clock.now = 59.0
    with pytest.raises(BreachServiceUnavailable, match="connection refused"):
        breaker.before_attempt()
    clock.now = 60.0
    breaker.before_attempt()
    breaker.succeeded()  # the probe got through: closed
    breaker.before_attempt()
    breaker.before_attempt()
    assert not breaker.is_open


def test_a_failed_probe_reopens_without_waiting_for_a_new_run() -> None:
    """One failed probe is enough to reopen: the threshold applies to a closed breaker only."""
    clock = Clock()
    breaker = CircuitBreaker("h", threshold=5, cooldown=10, clock=clock)
    for _ in range(5):
        breaker.failed("timed out")
    clock.now = 10.0
    breaker.before_attempt()
    breaker.failed("timed out")
    assert breaker.is_open


def test_bad_breaker_options_are_rejected() -> None:
    """A threshold below 1 or a negative cool-down is an InvalidInput naming the option."""
    with pytest.raises(InvalidInput, match="breaker_threshold"):
        RangeClient("http://127.0.0.1:9", breaker_threshold=0)
    with pytest.raises(InvalidInput, match="breaker_cooldown"):
        RangeClient("http://127.0.0.1:9", breaker_cooldown=-1)


# -- the breaker inside the client, against real sockets -------------------------------------


def test_unresolvable_host_fails_the_whole_batch_with_the_reason() -> None:
    """A host that does not resolve fails every prefix with 'could not resolve host'."""
    with fast_client(UNRESOLVABLE) as client:
        results = list(client.iter_counts(digests(40)))
    assert len(results) == 40
    assert all(isinstance(r.error, BreachServiceUnavailable) for r in results)
    assert all("could not resolve host" in str(r.error) for r in results)
    assert all(r.count is None for r in results)


def test_refused_connection_fails_the_whole_batch_with_the_reason() -> None:
    """Nothing listening on the port: every prefix fails with 'connection refused'."""
    server = RangeServer.from_passwords({"a": 1})
    url = server.url
    server.close()
    with fast_client(url) as client:
        with pytest.raises(BreachServiceUnavailable, match="connection refused"):
            client.count_many(digests(40))
        with pytest.raises(BreachServiceUnavailable, match="connection refused"):
            client.count(sha1_digest("later"))


def test_a_run_of_failed_attempts_stops_the_batch_early() -> None:
    """A service answering only 503 gets ~threshold requests, not every prefix's full budget."""
    with RangeServer.from_passwords({"a": 1}, fault_rate=1.0, fault_kinds=["unavailable"]) as srv:
        with fast_client(srv.url, max_workers=4, breaker_threshold=10) as client:
            results = list(client.iter_counts(digests(200)))
        asked = len(srv.requests)
    assert all(isinstance(r.error, BreachServiceUnavailable) for r in results)
    assert any("10 failed attempts in a row" in str(r.error) for r in results)
    assert asked <= 10 + 4  # the run that opened it, plus attempts already in flight


def test_lookups_sleeping_in_a_backoff_fail_as_soon_as_it_opens() -> None:
    """Workers waiting out a long backoff give up when the breaker opens, not after the sleep."""
    with RangeServer.from_passwords({"a": 1}, fault_rate=1.0, fault_kinds=["unavailable"]) as srv:
        client = fast_client(
            srv.url, max_workers=4, breaker_threshold=4, backoff=600, max_backoff=600
        )
        results: list[BreachCount] = []
        worker = threading.Thread(target=lambda: results.extend(client.iter_counts(digests(20))))
        worker.start()
        worker.join(timeout=60)  # generous: without the breaker it sleeps up to 600 s
        finished = not worker.is_alive()
        client.close()  # wakes the sleepers if the breaker did not
        worker.join()
        asked = len(srv.requests)
    assert finished
    assert len(results) == 20
    assert all(isinstance(r.error, BreachServiceUnavailable) for r in results)
    assert asked <= 8


def test_an_open_breaker_asks_nothing_and_a_probe_recovers() -> None:
    """Once open, lookups fail without a request; after the cool-down a probe closes it."""
    with RangeServer.from_passwords({"alpha": 1, "bravo": 2}) as server:
        server.inject("unavailable", "unavailable")
        opts = {"retries": 0, "breaker_threshold": 2}
        with fast_client(server.url, breaker_cooldown=3600, **opts) as client:
            for _ in range(2):
                with pytest.raises(BreachServiceUnavailable, match="HTTP 503"):
                    client.count(sha1_digest("alpha"))
            with pytest.raises(BreachServiceUnavailable, match="in a row"):
                client.count(sha1_digest("bravo"))
        assert len(server.requests) == 2
        server.inject("unavailable", "unavailable")
        with fast_client(server.url, breaker_cooldown=0, **opts) as client:
            for _ in range(2):
                with pytest.raises(BreachServiceUnavailable):
                    client.count(sha1_digest("alpha"))
            assert client.count(sha1_digest("bravo")) == 2  # the probe
            assert client.count(sha1_digest("alpha")) == 1
        assert len(server.requests) == 6


def test_rate_limiting_does_not_open_the_breaker() -> None:
    """429s mean the service is up: a run of them is waited out, never counted as an outage."""
    with RangeServer.from_passwords({"a": 7}, retry_after=0) as server:
        server.inject("rate_limited", "rate_limited", "rate_limited", "rate_limited")
        with fast_client(server.url, breaker_threshold=2) as client:
            assert client.count(sha1_digest("a")) == 7
        assert len(server.requests) == 5
