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
"""

from __future__ import annotations

import time
import zlib
from typing import Any

import requests
import urllib3.exceptions

from pwhygiene.exceptions import BadRangeResponse

ACCEPT_ENCODING = "gzip, deflate"  # what we decode and verify; never br or zstd
CHUNK_BYTES = 64 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def read_body(response: requests.Response, *, limit: int, deadline: float | None = None) -> bytes:
    """The decoded body of ``response``, proven complete; at most ``limit`` bytes decoded.

    ``deadline`` (a :func:`time.monotonic` value) bounds the whole read, so a server that drips
    one byte at a time cannot hold a lookup beyond it: past it the read fails as a timeout.
    """
    headers = response.headers
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    declared = None if chunked else _content_length(headers.get("Content-Length"))
    if not chunked and declared is None:
        raise BadRangeResponse(
            "range answer has neither Content-Length nor chunked framing, so a cut transfer "
            "could not be told from a complete one"
        )
    raw = _read_raw(response, limit=limit, deadline=deadline)
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


def _read_raw(response: requests.Response, *, limit: int, deadline: float | None) -> bytes:
    """The body's bytes as sent, translating urllib3's failures as ``requests`` does."""
    stream: Any = getattr(response.raw, "stream", None)
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
