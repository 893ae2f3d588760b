"""Hostile range answers, byte for byte: a cut, emptied or mis-framed answer is never "clean".

Real-world shape: a middlebox or a dying server that closes the connection part-way through an
answer, at any byte (inside the status line, inside the header block, inside a chunk, inside a
gzip stream). The real API answers a padded request with 800-1,000 rows over chunked or
``Content-Length`` framing, gzip-encoded when asked; these tests build the same answers small.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

import pytest

from pwhygiene import Checker
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import BreachLookupError
from pwhygiene.testing import HostileServer, RawAnswer, http_response
from range_clients import fast_client

BREACHED = "zephyr-marrow-glyph-tundra"  # strong, and on no embedded blocklist
DIGEST = sha1_digest(BREACHED)
COUNT = 3_730_471
PADDING = ("0" * 35 + ":0", "F" * 35 + ":0")
BODY = "\r\n".join(sorted([DIGEST[5:] + f":{COUNT}", *PADDING])).encode("ascii")

# Every way the real API, a CDN or a proxy frames and encodes a correct answer.
WHOLE_ANSWERS = {
    "length": http_response(BODY, framing="length"),
    "chunked": http_response(BODY, framing="chunked", chunk_size=40),
    "gzip-length": http_response(
        gzip.compress(BODY),
        headers=[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
        framing="length",
    ),
    "gzip-chunked": http_response(
        gzip.compress(BODY),
        headers=[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
        framing="chunked",
        chunk_size=16,
    ),
    "deflate-length": http_response(
        zlib.compress(BODY),
        headers=[("Content-Type", "text/plain"), ("Content-Encoding", "deflate")],
        framing="length",
    ),
}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """A raw-bytes server per test, so no test meets answers another one queued."""
    with HostileServer() as server:
        yield server


def _one_shot_client(url: str):  # type: ignore[no-untyped-def]
    """No retries, no cache, a breaker that never opens: one connection per lookup."""
    return fast_client(url, retries=0, cache=False, breaker_threshold=10**9)


@pytest.mark.parametrize("kind", sorted(WHOLE_ANSWERS))
def test_a_whole_answer_is_read_in_every_framing(hostile: HostileServer, kind: str) -> None:
    """Oracle: each framing and encoding of the full answer gives the true count."""
    hostile.queue(RawAnswer(WHOLE_ANSWERS[kind]))
    with _one_shot_client(hostile.url) as client:
        assert client.count(DIGEST) == COUNT


@pytest.mark.parametrize("kind", sorted(WHOLE_ANSWERS))
def test_an_answer_cut_at_any_byte_is_an_error_never_a_count(
    hostile: HostileServer, kind: str
) -> None:
    """Every proper prefix of a correct answer, then a close: an error, never 0 or a count.

    The one exception is a chunked answer whose last chunk (the size 0) arrived and only the
    line ends after it are missing: every data chunk arrived in full and the sender has declared
    the body whole, so the true count may be read there, and nothing else ever is.
    """
    whole = WHOLE_ANSWERS[kind]
    declared_whole = whole.rindex(b"0\r\n\r\n") + 1 if "chunked" in kind else len(whole)
    before = hostile.connections
    outcomes: dict[int, object] = {}
    with _one_shot_client(hostile.url) as client:
        for cut in range(len(whole)):
            hostile.queue(RawAnswer(whole[:cut]))
            try:
                outcomes[cut] = client.count(DIGEST)
            except BreachLookupError:
                continue
    early = {cut: count for cut, count in outcomes.items() if cut < declared_whole}
    assert early == {}, f"cuts read as counts: {sorted(early.items())[:5]}"
    assert set(outcomes.values()) <= {COUNT}
    assert hostile.connections - before == len(whole)  # every cut was really served


@pytest.mark.parametrize("kind", sorted(WHOLE_ANSWERS))
def test_a_cut_then_reset_is_an_error_too(hostile: HostileServer, kind: str) -> None:
    """The same cuts ended by a TCP reset instead of a close (every 7th offset)."""
    whole = WHOLE_ANSWERS[kind]
    with _one_shot_client(hostile.url) as client:
        for cut in range(0, len(whole), 7):
            hostile.queue(RawAnswer(whole[:cut], ending="reset"))
            with pytest.raises(BreachLookupError):
                client.count(DIGEST)


def test_the_header_block_cut_after_the_status_line_is_not_clean(hostile: HostileServer) -> None:
    """The attack sweep's case: the status line alone, then a close, reads as an error."""
    hostile.queue(RawAnswer(b"HTTP/1.1 200 OK\r\n"))
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_an_empty_answer_to_a_padded_request_is_not_clean(hostile: HostileServer) -> None:
    """A well-framed empty 200 cannot answer a padded request: the real API pads to ~800 rows."""
    hostile.queue(RawAnswer(http_response(b"")))
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_an_empty_answer_without_padding_is_a_valid_empty_range(hostile: HostileServer) -> None:
    """Without padding a small mirror may hold nothing under a prefix: framed empty means 0."""
    hostile.queue(RawAnswer(http_response(b"")))
    with fast_client(hostile.url, retries=0, cache=False, padding=False) as client:
        assert client.count(DIGEST) == 0


def test_an_unframed_answer_is_refused_even_when_whole(hostile: HostileServer) -> None:
    """A close-delimited body cannot prove it is complete, so it is never trusted."""
    hostile.queue(RawAnswer(WHOLE_ANSWERS["length"].replace(b"Content-Length", b"X-Length")))
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_a_gzip_body_cut_at_a_row_boundary_is_refused(hostile: HostileServer) -> None:
    """A gzip stream flushed after the padding rows and cut there decodes to valid rows: refused."""
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    head = compressor.compress(b"\r\n".join(p.encode() for p in PADDING))
    head += compressor.flush(zlib.Z_SYNC_FLUSH)  # a decodable prefix without the stream's end
    assert zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)  # it does decode
    answer = http_response(
        head,
        headers=[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
        framing="chunked",
    )
    hostile.queue(RawAnswer(answer))
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_a_short_body_behind_a_lying_length_is_refused(hostile: HostileServer) -> None:
    """Content-Length larger than what arrives before the close: truncated, in any encoding."""
    whole = WHOLE_ANSWERS["gzip-length"]
    body = gzip.compress(BODY)
    lying = whole.replace(f"Content-Length: {len(body)}".encode(), b"Content-Length: 9999")
    hostile.queue(RawAnswer(lying))
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_an_unrequested_encoding_is_refused(hostile: HostileServer) -> None:
    """A ``br`` body was not asked for (we send ``Accept-Encoding: gzip, deflate``): refused."""
    hostile.queue(
        RawAnswer(
            http_response(
                BODY, headers=[("Content-Type", "text/plain"), ("Content-Encoding", "br")]
            )
        )
    )
    with _one_shot_client(hostile.url) as client, pytest.raises(BreachLookupError):
        client.count(DIGEST)


def test_a_cut_answer_is_retried_and_the_retry_gives_the_true_count(
    hostile: HostileServer,
) -> None:
    """A cut is a transient fault: the next attempt's whole answer is used."""
    hostile.queue(RawAnswer(b"HTTP/1.1 200 OK\r\n"), RawAnswer(WHOLE_ANSWERS["chunked"]))
    before = hostile.connections
    with fast_client(hostile.url, retries=1, cache=False) as client:
        assert client.count(DIGEST) == COUNT
    assert hostile.connections - before == 2


def test_the_checker_rejects_when_the_answer_is_cut(hostile: HostileServer) -> None:
    """``on_unavailable="reject"``: a cut answer makes the checker refuse, status unknown."""
    with _one_shot_client(hostile.url) as client:
        checker = Checker(breach=client, on_unavailable="reject")
        hostile.queue(RawAnswer(b"HTTP/1.1 200 OK\r\n"), RawAnswer(b"HTTP/1.1 200 OK\r\n"))
        result = checker.check(BREACHED)
    assert result.breach_status == "unknown"
    assert not result.acceptable
