"""The mirror as an ASGI application, for a production server engine (``pwhygiene serve``).

It only translates ASGI to and from :meth:`RangeMirror.answer`. Lookups are answered on the
event loop: an offline-index range is a few binary searches over a memory map (microseconds),
cheaper than a hop to a thread pool. ``HEAD`` is answered like ``GET`` without a body; other
methods get 405. Nothing is logged per request: a log line would record which prefixes were
asked for.

With several worker processes the engine imports the app by name, so
:func:`app_from_environment` opens the index named by ``PWHYGIENE_SERVE_INDEX`` in each worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pwhygiene._breach.mirror.core import (
    DEFAULT_CACHE_SECONDS,
    Answer,
    RangeMirror,
    wants_padding,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

INDEX_VARIABLE = "PWHYGIENE_SERVE_INDEX"
CACHE_VARIABLE = "PWHYGIENE_SERVE_CACHE_SECONDS"
RANGES_VARIABLE = "PWHYGIENE_SERVE_CACHED_RANGES"
DEFAULT_CACHED_RANGES = 1024  # ~40 MB of rendered rows at the real corpus's ~1,000 rows a range
_log = logging.getLogger("pwhygiene.serve")


class MirrorApp:
    """An ASGI 3 application serving a :class:`RangeMirror`."""

    def __init__(self, mirror: RangeMirror) -> None:
        self.mirror = mirror

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request, or run the lifespan protocol."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            answer = Answer(405, b"Method not allowed", (("Allow", "GET, HEAD"),))
        else:
            answer = self._answer(scope)
        headers = [(b"content-length", str(len(answer.body)).encode("ascii"))]
        headers += [
            (name.lower().encode("ascii"), value.encode()) for name, value in answer.headers
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        body = answer.body if method != "HEAD" else b""
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: Scope) -> Answer:
        padding: str | None = None
        if_none_match: str | None = None
        for name, value in scope["headers"]:
            if name == b"add-padding":
                padding = value.decode("latin-1")
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            return self.mirror.answer(
                scope["path"], query, padded=wants_padding(padding), if_none_match=if_none_match
            )
        except Exception as exc:  # a damaged index must cost one request a 500, not the server
            # The type only: a traceback could name the prefix asked for.
            _log.error("a range could not be read: %s", type(exc).__name__)
            return self.mirror.failure()


async def _lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge startup and shutdown (the index is opened before the app is made)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def app_from_environment() -> MirrorApp:
    """The app over the index in ``$PWHYGIENE_SERVE_INDEX`` (one per worker process)."""
    from pwhygiene._breach.index.offline import OfflineIndex  # noqa: PLC0415  # reason: numpy only here

    index = OfflineIndex.open(os.environ[INDEX_VARIABLE])
    cache_seconds = int(os.environ.get(CACHE_VARIABLE, str(DEFAULT_CACHE_SECONDS)))
    cached = int(os.environ.get(RANGES_VARIABLE, str(DEFAULT_CACHED_RANGES)))
    return MirrorApp(RangeMirror(index, cache_seconds=cache_seconds, cached_ranges=cached))
