"""Batches of a client that owns its session: the direct-to-pool transport and what they hold."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._breach.range import body as range_body
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import BadRangeResponse, BreachServiceUnavailable
from pwhygiene.testing import FaultKind, RangeServer
from range_clients import fast_client

PASSWORDS = {f"batch-{n}": n + 1 for n in range(12)}


def _count_sends(session: requests.Session) -> list[int]:
    """Count ``Session.send`` calls on this one session (the real method still runs)."""
    calls: list[int] = []
    send = session.send

    def counting(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        calls.append(1)
        return send(request, **kwargs)

    session.send = counting  # type: ignore[method-assign]
    return calls


def test_owned_session_batches_skip_session_send_but_single_lookups_do_not() -> None:
    """A batch on the client's own session goes straight to its pool; count() uses requests."""
    with (
        RangeServer.from_passwords(PASSWORDS) as server,
        fast_client(server.url, cache=False) as client,
    ):
        calls = _count_sends(client._session)
        digests = [sha1_digest(pw) for pw in PASSWORDS]
        assert list(client.count_many(digests).values()) == list(PASSWORDS.values())
        assert calls == []
        assert client.count(digests[0]) == 1
        assert calls == [1]


def test_a_callers_session_still_sends_every_batch_request_itself() -> None:
    """With the caller's session, every request of a batch goes through its Session.send."""
    with (
        RangeServer.from_passwords(PASSWORDS) as server,
        requests.Session() as session,
        fast_client(server.url, session=session) as client,
    ):
        calls = _count_sends(session)
        client.count_many(sha1_digest(pw) for pw in PASSWORDS)
        assert len(calls) == len(server.requests) == len(PASSWORDS)


def test_batch_requests_carry_what_single_lookups_carry() -> None:
    """Direct batch requests send the same headers (agent, padding, encodings, URL auth)."""
    with RangeServer.from_passwords({"a": 1, "b": 2}) as server:
        url = server.url.replace("http://", "http://user:s%C3%A9cret@")
        with fast_client(url, cache=False) as client:
            client.count(sha1_digest("a"))
            client.count_many([sha1_digest("b")])
        single, batch = server.requests
        names = ("User-Agent", "Add-Padding", "Accept-Encoding", "Authorization", "Host")
        assert [batch.header(n) for n in names] == [single.header(n) for n in names]
        assert batch.header("Authorization") is not None


BATCH_FAULTS: list[tuple[FaultKind, type[Exception]]] = [
    ("server_error", BreachServiceUnavailable),
    ("rate_limited", BreachServiceUnavailable),
    ("reset", BreachServiceUnavailable),
    ("hang", BreachServiceUnavailable),
    ("truncated", BadRangeResponse),
    ("html", BadRangeResponse),
    ("redirect", BadRangeResponse),
    ("garbage", BadRangeResponse),
]


@pytest.mark.parametrize(("fault", "error"), BATCH_FAULTS)
def test_each_fault_in_a_batch_is_retried_and_a_lasting_one_raises(
    fault: FaultKind, error: type[Exception]
) -> None:
    """The direct transport retries each fault kind, and raises its error when it persists."""
    with RangeServer.from_passwords({"hunter2": 17}, padding_rows=(50, 80)) as server:
        digest = sha1_digest("hunter2")
        timeout = (2.0, 1.0) if fault == "hang" else (2.0, 10.0)  # the retry's read must wait
        with fast_client(server.url, timeout=timeout, retries=1, cache=False) as client:
            server.inject(fault)
            assert client.count_many([digest]) == {digest: 17}
            server.inject(fault, fault)
            with pytest.raises(error):
                client.count_many([digest])
        assert [r.fault for r in server.requests] == [fault, None, fault, fault]


def test_a_finished_batch_holds_counts_not_bodies() -> None:
    """Once every prefix is answered, a batch holds its counts, not ~40 KB of rows per prefix.

    Stands for the real API's padded answers (800-1,000 rows each): 150 of them are ~5 MB of
    text, which a batch used to keep until its last answer was read.
    """
    corpus = {f"held-{n}": n + 1 for n in range(150)}
    digests = [sha1_digest(pw) for pw in corpus]
    with (
        RangeServer.from_passwords(corpus) as server,
        fast_client(server.url, cache=False) as client,
    ):
        client.count(digests[0])  # warm up: the server's padding pool, the connection
        tracemalloc.start()
        try:
            stream = client.iter_counts(digests)
            answers = [next(stream) for _ in digests]  # all answered; the batch is still open
            held, _ = tracemalloc.get_traced_memory()
            stream.close()
        finally:
            tracemalloc.stop()
        assert sorted(a.count or 0 for a in answers) == sorted(corpus.values())
        assert len({r.prefix for r in server.requests}) == len({d[:5] for d in digests})
    assert held < 1_500_000  # the bodies alone would be ~5 MB


hex_rows = st.tuples(
    st.text("0123456789ABCDEFabcdef", min_size=35, max_size=35),
    st.integers(0, 10**9),
    st.booleans(),
)
breaks = st.sampled_from(["\r\n", "\n", "\r", "\n\n", ""])


@given(st.lists(st.tuples(hex_rows, breaks), max_size=6), st.data())
def test_the_fast_check_never_accepts_what_the_line_parser_refuses(
    rows: list[tuple[tuple[str, int, bool], str]], data: st.DataObject
) -> None:
    """The one-pass well-formedness check never accepts a body the line-by-line reading refuses.

    Bodies are rows as the API sends them (with or without thousands separators) joined by
    real and broken line breaks, then possibly one byte replaced, as a garbled transfer would.
    """
    body = "".join(
        f"{suffix}:{count:,}{brk}" if commas else f"{suffix}:{count}{brk}"
        for (suffix, count, commas), brk in rows
    ).encode()
    if body and data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([data.draw(st.integers(0, 255))]) + body[at + 1 :]
    reference = _every_line_is_a_row(body)  # the line reader's rule, duplicates aside
    if range_body._well_formed(body, "sha1"):
        assert reference
    clean = all(brk in ("\r\n", "\n") for _, brk in rows[:-1])
    clean = clean and (not rows or rows[-1][1] in ("", "\r\n", "\n"))
    if clean and reference:  # the common, well-formed answer takes the fast path
        assert range_body._well_formed(body, "sha1")


def test_a_trailing_blank_line_after_a_repeated_suffix_is_refused_by_both_readings() -> None:
    """Pinned from a CI draw: a repeated suffix then a blank last line is not well formed."""
    body = b"0" * 35 + b":2\r\n" + b"0" * 35 + b":1\n\n"
    assert not _every_line_is_a_row(body)
    assert not range_body._well_formed(body, "sha1")


def _every_line_is_a_row(body: bytes) -> bool:
    """What ``_parse_lines`` accepts, without stopping at a suffix listed twice.

    A duplicate is reported on lookup, not by the well-formedness check, and stopping there
    would hide a malformed line after it (a trailing blank line once slipped through that way).
    """
    lines = body.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    row = range_body._ROW["sha1"]
    return all(row.fullmatch(line.removesuffix(b"\r")) for line in lines)
