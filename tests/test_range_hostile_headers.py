"""Hostile numbers and headers: a lookup gives the true count or a BreachLookupError, nothing else.

Real-world shape: a broken or malicious server (or a middlebox) answering with a count of
thousands of digits, an ``ETag`` holding bytes above 0x7F (RFC 9110's ``obs-text`` allows them),
a ``Content-Type`` or ``Content-Length`` in odd characters, a ``Retry-After`` that is neither
delay-seconds nor an HTTP date (RFC 9110 section 10.2.3). Header values cross the wire as
Latin-1 bytes, so every value here is one ``http.client`` can deliver.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pwhygiene import RangeClient
from pwhygiene._breach.range.body import parse_range_body
from pwhygiene.breach import BreachCount, RangeCache, sha1_digest
from pwhygiene.exceptions import BadRangeResponse, BreachLookupError
from pwhygiene.testing import HostileServer, RawAnswer, http_response
from range_clients import fast_client

DIGEST = sha1_digest("zephyr-marrow-glyph-tundra")
PREFIX, SUFFIX = DIGEST[:5], DIGEST[5:]
CACHED_COUNT = 41  # what a stale cache entry says, served again after a 304
PADDING = ("0" * 35 + ":0", "F" * 35 + ":0")

# Latin-1 text without line breaks: every header value http.client can hand to requests.
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\r\n\x7f"),
    max_size=40,
).map(str.strip)
counts = st.one_of(
    st.integers(0, 10**15 - 1).map(str),
    st.integers(1, 10**15 - 1).map(lambda n: f"{n:,}"),
    st.integers(16, 6000).map(lambda n: "9" * n),  # over the 15-digit cap, past int()'s limit
    st.integers(6, 2000).map(lambda n: "1" + ",000" * n),
)
etags = st.one_of(
    st.none(),
    header_text,
    st.sampled_from(['"caf\xe9"', 'W/"\xff\xfe"', '"' + "a" * 5000 + '"', '"ok"']),
)
content_types = st.one_of(
    st.none(),
    header_text,
    st.sampled_from(["text/plain; charset=\xff", "TEXT/PLAIN", ";", "text/html", "text/plain\x00"]),
)
retry_afters = st.one_of(
    st.none(),
    header_text,
    st.sampled_from(["\xb2", "1\xb2", "9" * 5000, "-1", "1e9", "Fri, 31 Dec 9999 23:59:59 GMT"]),
    st.sampled_from(["Mon, 01 Jan 0001 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 +9999"]),
)
lengths = st.one_of(st.none(), st.sampled_from(["\xb2", "\xb9\xb2", "1" * 30, "-0", " 5 "]))
statuses = st.sampled_from(["200 OK", "304 Not Modified", "429 Too Many", "503 Unavailable"])


@st.composite
def hostile_answers(draw: st.DrawFn) -> tuple[bytes, str, str]:
    """One raw answer, its status, and the count its row carries."""
    status = draw(statuses)
    count = draw(counts)
    body = "\r\n".join([f"{SUFFIX}:{count}", *PADDING]).encode("ascii")
    headers = [
        (name, value)
        for name, value in (
            ("Content-Type", draw(content_types)),
            ("ETag", draw(etags)),
            ("Retry-After", draw(retry_afters)),
        )
        if value is not None
    ]
    length = draw(lengths)
    if length is not None:  # a second, odd Content-Length beside the true one
        headers.append(("Content-Length", length))
    framing: Literal["length", "chunked"] = draw(st.sampled_from(["length", "chunked"]))
    return http_response(body, status=status, headers=headers, framing=framing), status, count


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    """One raw-bytes server for the module; each example sets what it answers."""
    with HostileServer() as server:
        yield server


def _client(url: str, cache: RangeCache) -> RangeClient:
    """One retry (so Retry-After is read and honoured), no sleep worth the name, no breaker."""
    return fast_client(url, retries=1, max_retry_after=0.01, cache=cache, breaker_threshold=10**9)


def _allowed(status: str, count: str) -> set[int]:
    """The counts a lookup may return: the body's own (if it is a count), or the cached one."""
    if status.startswith("304"):
        return {CACHED_COUNT}
    if not status.startswith("200"):
        return set()
    digits = count.replace(",", "")
    return {int(digits)} if len(digits) <= 15 else set()


def _lookups(client: RangeClient) -> list[object]:
    """count, count_many and iter_counts, each outcome a count or the exception raised."""
    lookups: tuple[Callable[[], object], ...] = (
        lambda: client.count(DIGEST),
        lambda: client.count_many([DIGEST])[DIGEST],
        lambda: _first(client.iter_counts([DIGEST])),
    )
    outcomes: list[object] = []
    for lookup in lookups:
        try:
            outcomes.append(lookup())
        except Exception as exc:  # the point is which type escapes
            outcomes.append(exc)
    return outcomes


def _first(stream: Iterator[BreachCount]) -> int | BreachLookupError | None:
    """The first answer of ``iter_counts``: its count, or its error."""
    answer = next(stream)
    return answer.error if answer.error is not None else answer.count


@given(answer=hostile_answers(), on_disk=st.booleans())
@example(
    answer=(http_response(f"{SUFFIX}:{'9' * 5000}".encode()), "200 OK", "9" * 5000), on_disk=False
)
@example(
    answer=(
        http_response(f"{SUFFIX}:7".encode(), headers=[("ETag", '"caf\xe9"')]),
        "200 OK",
        "7",
    ),
    on_disk=True,
)
@example(
    answer=(
        http_response(b"", status="429 Too Many", headers=[("Retry-After", "\xb2")]),
        "429 Too Many",
        "0",
    ),
    on_disk=False,
)
def test_only_a_true_count_or_a_lookup_error_comes_out(
    hostile: HostileServer, answer: tuple[bytes, str, str], on_disk: bool
) -> None:
    """Whatever the headers and numbers, each call gives an allowed count or a lookup error.

    With a disk cache (``on_disk``) every answer is also written to and read back from disk.
    """
    raw, status, count = answer
    hostile.default = RawAnswer(raw)
    with tempfile.TemporaryDirectory() as directory:
        where = Path(directory) if on_disk else None
        cache = RangeCache(ttl=0, directory=where)  # ttl=0: every lookup revalidates
        cache.put("sha1", PREFIX, {SUFFIX: CACHED_COUNT}, '"v1"')
        with _client(hostile.url, cache) as client:
            outcomes = _lookups(client)
        if where is not None:  # what was written reads back as an entry or a miss, never raises
            RangeCache(directory=where).get("sha1", PREFIX)
    allowed = _allowed(status, count)
    for outcome in outcomes:
        assert isinstance(outcome, BreachLookupError) or outcome in allowed, repr(outcome)


def test_a_count_of_thousands_of_digits_is_a_bad_range_response() -> None:
    """The attack sweep's case: a 5,000-digit count is malformed, not Python's ValueError."""
    body = f"{SUFFIX}:{'9' * 5000}".encode()
    with pytest.raises(BadRangeResponse, match="longer than 15 digits"):
        parse_range_body(body)


def test_a_fifteen_digit_count_is_still_a_count() -> None:
    """The cap leaves room: 15 digits, with or without separators, parse as counts."""
    rows = parse_range_body(f"{SUFFIX}:999,999,999,999,999\r\n{'A' * 35}:123456789012345".encode())
    assert rows == {SUFFIX: 10**15 - 1, "A" * 35: 123456789012345}


def test_a_non_ascii_etag_is_ignored_by_the_disk_cache(tmp_path: Path) -> None:
    """An ETag with obs-text bytes is not stored (the entry is refetched whole next time)."""
    cache = RangeCache(directory=tmp_path)
    cache.put("sha1", PREFIX, {SUFFIX: 3}, '"caf\xe9"')
    entry = RangeCache(directory=tmp_path).get("sha1", PREFIX)
    assert entry is not None
    assert entry.etag is None
    assert entry.rows == {SUFFIX: 3}
