"""Read one range answer's body off the wire: completely, or not at all.

A cut transfer must never look like a short answer, because a short answer is read as "these
suffixes were not breached". ``requests`` cannot promise that on its own: a body with neither
``Content-Length`` nor chunked framing ends wherever the connection ends (a middlebox closing
right after the status line yields an empty 200), and a compressed body cut at a block boundary
decodes to a shorter, well-formed text. So this module reads the raw bytes itself and proves
the answer whole:

- the body must be framed (``Content-Length`` or ``Transfer-Encoding: chunked``), and a
  ``Content-Length`` body must be exactly that long, whatever its encoding;
- a compressed body is decoded here, and its compressed stream must reach its own end.

Transport failures are raised as the ``requests`` exceptions they would have been (read
timeouts, broken transfers, TLS), so the fetcher has one seam for all of them; what is wrong
with the answer itself is :class:`~pwhygiene.exceptions.BadRangeResponse`. Messages never quote the
body.

An exchange is made either through ``Session.send`` (:func:`via_session`) or, for the batches of
a client that owns its session, straight through that session's urllib3 pool
(:func:`via_pool`): ``Session.send`` costs about 0.45 ms of CPU per request (hooks, cookie
jars, adapter and response objects), a third of what a padded request costs in all.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import requests
import urllib3.exceptions
from urllib3 import BaseHTTPResponse, HTTPConnectionPool, Timeout

from pwhygiene.exceptions import BadRangeResponse

ACCEPT_ENCODING = "gzip, deflate"  # what we decode and verify; never br or zstd
CHUNK_BYTES = 64 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS


class Reply(NamedTuple):
    """One answer's status and headers, and the urllib3 response its body is read from."""

    status: int
    headers: Mapping[str, str]
    raw: Any  # a urllib3 response, or whatever a caller's transport adapter put there


@contextmanager
def via_session(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    timeout: tuple[float, float],
    settings: Mapping[str, Any],
) -> Iterator[Reply]:
    """Send ``prepared`` with ``Session.send`` (hooks, cookies, proxies, a caller's adapters)."""
    with session.send(
        prepared,
        timeout=timeout,
        allow_redirects=False,  # a redirect would hand the prefix to another host
        **settings,  # proxies, verify, cert, and stream=True
    ) as response:
        yield Reply(response.status_code, response.headers, response.raw)


@contextmanager
def via_pool(
    pool: HTTPConnectionPool, path: str, headers: Mapping[str, str], timeout: tuple[float, float]
) -> Iterator[Reply]:
    """GET ``path`` straight from ``pool``, failing with the exceptions ``requests`` would raise.

    No retries and no redirects inside urllib3 (both are the fetcher's), no decoding (that is
    :func:`read_body`'s). A connection whose body was not read to its end is closed, not
    reused, as ``requests`` does.
    """
    try:
        raw: BaseHTTPResponse = pool.urlopen(
            "GET",
            path,
            headers=dict(headers),
            retries=False,
            redirect=False,
            assert_same_host=False,
            timeout=Timeout(connect=timeout[0], read=timeout[1]),
            preload_content=False,
            decode_content=False,
            release_conn=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        raise _as_requests_error(exc) from exc
    try:
        yield Reply(raw.status, raw.headers, raw)
    finally:
        if not raw.closed:  # unread or half-read: the connection cannot carry another answer
            raw.close()
        raw.release_conn()


def _as_requests_error(exc: urllib3.exceptions.HTTPError) -> requests.RequestException:
    """What ``HTTPAdapter.send`` turns a urllib3 failure into (without urllib3's retries)."""
    if isinstance(exc, urllib3.exceptions.SSLError):
        return requests.exceptions.SSLError(exc)
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) and not isinstance(
        exc, urllib3.exceptions.NewConnectionError
    ):
        return requests.exceptions.ConnectTimeout(exc)
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return requests.exceptions.ReadTimeout(exc)
    return requests.exceptions.ConnectionError(exc)


def read_body(reply: Reply, *, limit: int, deadline: float | None = None) -> bytes:
    """The decoded body of ``reply``, proven complete; at most ``limit`` bytes decoded.

    ``deadline`` (a :func:`time.monotonic` value) bounds the whole read, so a server that drips
    one byte at a time cannot hold a lookup beyond it: past it the read fails as a timeout.
    """
    headers = reply.headers
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    declared = None if chunked else _content_length(headers.get("Content-Length"))
    if not chunked and declared is None:
        raise BadRangeResponse(
            "range answer has neither Content-Length nor chunked framing, so a cut transfer "
            "could not be told from a complete one"
        )
    raw = _read_raw(reply.raw, limit=limit, deadline=deadline)
    if declared is not None and len(raw) != declared:
        raise BadRangeResponse(
            f"range body has {len(raw)} bytes but Content-Length announced {declared} "
            "(truncated transfer)"
        )
    return _decode(raw, headers.get("Content-Encoding", ""), limit)


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    # ASCII digits only: int() also takes "+1" and "1_0", and isdigit() alone also takes "²"
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise BadRangeResponse("range answer's Content-Length is not a byte count")
    return int(text)


def _read_raw(response: Any, *, limit: int, deadline: float | None) -> bytes:  # noqa: ANN401  # reason: a caller's adapter may put anything in Response.raw
    """The body's bytes as sent, translating urllib3's failures as ``requests`` does."""
    stream: Any = getattr(response, "stream", None)
    if stream is None:
        raise BadRangeResponse(
            "the session's transport adapter returned no urllib3 response, so the answer "
            "could not be proven complete"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in stream(CHUNK_BYTES, decode_content=False):
            size += len(chunk)
            if size > limit:
                raise BadRangeResponse(f"range body larger than {limit} bytes")
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout("the lookup's deadline passed mid-body")
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(type(exc).__name__) from exc
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(type(exc).__name__) from exc
    except urllib3.exceptions.ProtocolError as exc:  # IncompleteRead, a bad chunk, a reset
        raise requests.exceptions.ChunkedEncodingError(type(exc).__name__) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise requests.exceptions.ConnectionError(type(exc).__name__) from exc
    return b"".join(chunks)


def _decode(raw: bytes, content_encoding: str, limit: int) -> bytes:
    """``raw`` decoded per ``Content-Encoding``; a compressed stream must be complete."""
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        wbits = _GZIP_WBITS
    elif encoding == "deflate":  # RFC 9110 says zlib-wrapped; some servers send it raw
        wbits = zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        raise BadRangeResponse(
            f"range answer uses Content-Encoding {encoding[:20]!r}, which was not asked for"
        )
    decompressor = zlib.decompressobj(wbits)
    try:
        text = decompressor.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise BadRangeResponse(f"range body is not valid {encoding} data") from exc
    if len(text) > limit:
        raise BadRangeResponse(f"range body decompresses to more than {limit} bytes")
    if not decompressor.eof:
        raise BadRangeResponse(
            f"{encoding} range body ends before its compressed stream does (truncated transfer)"
        )
    if decompressor.unused_data:
        raise BadRangeResponse(f"range body has bytes after the end of its {encoding} stream")
    return text
