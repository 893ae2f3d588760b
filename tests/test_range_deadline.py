"""An overall deadline: a lookup that the server would hold for ever ends, and says why.

Real-world shape: a hostile or broken server (or middlebox) that never lets a socket timeout
fire -- it drips a body a byte at a time, floods ``HTTP/1.1 100 Continue`` lines (RFC 9110
section 15.2.1 allows any number of 1xx answers before the final one), asks to be retried in
59 s with ``Retry-After``, or accepts the request and then says nothing. The servers here never
stop by themselves, so only the client's deadline can end each lookup: no test measures time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import pytest
import requests

from pwhygiene import RangeClient
from pwhygiene._breach.range import client as client_module
from pwhygiene._breach.range.deadline import Deadline
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import BadRangeResponse, BreachServiceUnavailable, InvalidInput
from pwhygiene.testing import HostileServer, RangeServer, RawAnswer, http_response

DIGEST = sha1_digest("zephyr-marrow-glyph-tundra")
OTHERS = [sha1_digest(f"other-{n}") for n in range(4)]
BODY = f"{DIGEST[5:]}:12\r\n{'0' * 35}:0".encode()
DEADLINE = 0.5  # seconds; every server below would hold a lookup far longer
SLOW = (2.0, 3.0)  # the timeouts: no single read ever waits long enough to time out

DRIP_BODY = RawAnswer(
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n",
    drip=b"A",
    interval=0.01,
    endless=True,
)
DRIP_CHUNKS = RawAnswer(
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
    drip=b"1\r\nA\r\n",
    interval=0.01,
    endless=True,
)
CONTINUE_FLOOD = RawAnswer(b"", drip=b"HTTP/1.1 100 Continue\r\n\r\n", interval=0.001, endless=True)
HOLD_OPEN = RawAnswer(b"", ending="hold")
RETRY_LATER = RawAnswer(
    http_response(b"", status="429 Too Many Requests", headers=[("Retry-After", "59")])
)


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """A raw-bytes server per test; it releases held and dripping connections on close."""
    with HostileServer() as server:
        yield server


def _client(url: str, **options: object) -> RangeClient:
    """The issue's settings (timeout=(2, 3), retries=0) plus a short deadline, no cache."""
    settings: dict[str, object] = {
        "timeout": SLOW,
        "retries": 0,
        "cache": False,
        "deadline": DEADLINE,
    }
    settings.update(options)
    return RangeClient(url, **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "answer",
    [DRIP_BODY, DRIP_CHUNKS, CONTINUE_FLOOD, HOLD_OPEN],
    ids=["drip-body", "drip-chunks", "100-continue-flood", "hold-open"],
)
def test_count_ends_at_the_deadline(hostile: HostileServer, answer: RawAnswer) -> None:
    """A server that never finishes: ``count`` fails with the deadline, and close() returns."""
    hostile.default = answer
    with _client(hostile.url) as client, pytest.raises(BreachServiceUnavailable, match="deadline"):
        client.count(DIGEST)


@pytest.mark.parametrize(
    "answer", [DRIP_BODY, CONTINUE_FLOOD], ids=["drip-body", "100-continue-flood"]
)
def test_a_whole_batch_ends_at_the_deadline(hostile: HostileServer, answer: RawAnswer) -> None:
    """Every prefix of a batch under one deadline: each answer is an error naming it."""
    hostile.default = answer
    with _client(hostile.url, max_workers=2) as client:
        answers = list(client.iter_counts([DIGEST, *OTHERS]))
        with pytest.raises(BreachServiceUnavailable, match="deadline"):
            client.count_many([DIGEST, *OTHERS])
    assert len(answers) == 5
    for item in answers:
        assert isinstance(item.error, BreachServiceUnavailable)
        assert "deadline" in str(item.error)


def test_a_retry_after_beyond_the_deadline_fails_now(hostile: HostileServer) -> None:
    """429 ``Retry-After: 59`` with 0.5 s left: no 59 s sleep, no second request."""
    hostile.default = RETRY_LATER
    before = hostile.connections
    with (
        _client(hostile.url, retries=3) as client,
        pytest.raises(BreachServiceUnavailable, match=r"deadline.*asks to wait 59 s"),
    ):
        client.count(DIGEST)
    assert hostile.connections - before == 1


def test_retries_stop_at_the_deadline(hostile: HostileServer) -> None:
    """Many retries allowed, each one dripping: the deadline ends them all, not the budget."""
    hostile.default = DRIP_BODY
    with (
        _client(hostile.url, retries=1000) as client,
        pytest.raises(BreachServiceUnavailable, match="deadline"),
    ):
        client.count(DIGEST)


def test_with_a_caller_session_chunks_are_checked_against_the_deadline(
    hostile: HostileServer,
) -> None:
    """Your own session is not instrumented, but a chunked drip still ends at the deadline."""
    hostile.default = DRIP_CHUNKS
    with (
        requests.Session() as session,
        _client(hostile.url, session=session) as client,
        pytest.raises(BreachServiceUnavailable, match="deadline"),
    ):
        client.count(DIGEST)


def test_answers_within_the_deadline_are_read_over_kept_alive_connections() -> None:
    """A prompt server is unaffected: right counts, lookup after lookup, on pooled connections."""
    with (
        RangeServer.from_passwords({"zephyr-marrow-glyph-tundra": 12}) as server,
        _client(server.url, deadline=30.0) as client,
    ):
        assert [client.count(DIGEST) for _ in range(5)] == [12] * 5
        assert client.count_many([DIGEST, *OTHERS]) == {DIGEST: 12} | dict.fromkeys(OTHERS, 0)


def test_the_deadline_is_a_read_only_setting() -> None:
    """``deadline`` reads back; it defaults to none; a non-positive or infinite one is refused."""
    assert RangeClient(deadline=3.0).deadline == 3.0
    assert RangeClient().deadline is None
    with pytest.raises(AttributeError):
        RangeClient().deadline = 1.0  # type: ignore[misc]
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(InvalidInput):
            RangeClient(deadline=bad)


def test_an_abandoned_batch_is_cut_so_close_returns(hostile: HostileServer) -> None:
    """count_many raising its first error (a 404) cuts the other, dripping lookup at once.

    The deadline is far away, so without the cut ``close()`` would wait on the drip for ever;
    the close runs in a thread and the test waits for it on an event.
    """
    hostile.queue(RawAnswer(http_response(b"", status="404 Not Found")))
    hostile.default = DRIP_BODY
    client = _client(hostile.url, deadline=600.0, max_workers=2)
    with pytest.raises(BadRangeResponse):
        client.count_many([DIGEST, OTHERS[0]])
    closed = threading.Event()

    def close() -> None:
        client.close()
        closed.set()

    threading.Thread(target=close, daemon=True).start()
    assert closed.wait(60), "close() waited on a lookup of an abandoned batch"


def test_a_slow_reader_of_iter_counts_keeps_answers_that_arrived(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the batch's time, a prefix answered while the caller was busy keeps its count.

    Drives the stream directly: the batch's time is made already up (a negative grace), and
    the second prefix is answered between the caller's two reads, as for a caller scoring
    passwords between answers.
    """
    monkeypatch.setattr(client_module, "_GRACE", -600.0)
    first, second = OTHERS[0], OTHERS[1]
    answered: Future[client_module._Counts] = Future()
    answered.set_result({first: 3})  # a lookup's answer: the counts of the digests asked for
    meanwhile: Future[client_module._Counts] = Future()
    late: Future[client_module._Counts] = Future()  # never answered
    stream = client_module._stream(
        {answered: first[:5], meanwhile: second[:5], late: DIGEST[:5]},
        {first[:5]: {first: None}, second[:5]: {second: None}, DIGEST[:5]: {DIGEST: None}},
        Deadline(600.0),
    )
    assert next(stream).count == 3
    meanwhile.set_result({second: 5})
    rest = {item.digest: item for item in stream}
    assert rest[second].count == 5
    assert rest[DIGEST].count is None
    assert isinstance(rest[DIGEST].error, BreachServiceUnavailable)
