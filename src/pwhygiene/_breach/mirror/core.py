"""What a range-API mirror answers, independent of any HTTP server.

:meth:`RangeMirror.answer` turns a request (path, query and the two headers that matter) into a
complete :class:`Answer`: status, headers and body. The ASGI app that ``pwhygiene serve`` runs
and the test fake's ``http.server`` handler both only translate this to and from their own
wire, so they cannot drift apart.

Errors follow the real API: 400 for a malformed prefix or an unsupported mode, 404 for any other
path. ``GET /health`` answers ``200 ok`` for load balancers and readiness checks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs

from pwhygiene._breach.mirror.body import (
    BodyFormat,
    Padding,
    RenderedRows,
    finish_body,
    render_rows,
)
from pwhygiene._breach.source import HashMode, RangeProvider

DEFAULT_CACHE_SECONDS = 86_400  # a day: an index changes when it is rebuilt, not per request
HEALTH_PATH = "/health"
_RANGE_PATH = re.compile(r"/range/(.*)")
_PREFIX = re.compile(r"[0-9A-Fa-f]{5}")
_TEXT = "text/plain"


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer; ``headers`` excludes ``Content-Length`` (the server adds it)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _text(status: HTTPStatus, message: str) -> Answer:
    return Answer(int(status), message.encode("ascii"), (("Content-Type", _TEXT),))


class RangeMirror:
    """Answers ``GET /range/{PREFIX}`` from one provider per hash mode, like the real API.

    ``padding`` fills padded answers (``None``: the real API's 800..1000 rows); ``fmt`` is the
    body format; ``etag`` turns ETags and 304s on; ``cache_seconds`` is the ``Cache-Control``
    max-age of a range answer (0 sends ``no-cache``). ``cached_ranges`` keeps that many ranges'
    rendered rows (least recently used out), for providers that do not change while served (an
    offline index): writing ~1,000 rows costs about a millisecond, and common passwords make a
    few prefixes hot. Padding is still drawn afresh for every answer.
    """

    def __init__(
        self,
        *providers: RangeProvider,
        padding: Padding | None = None,
        fmt: BodyFormat | None = None,
        etag: bool = True,
        cache_seconds: int = DEFAULT_CACHE_SECONDS,
        cached_ranges: int = 0,
    ) -> None:
        if not providers:
            raise ValueError("a range mirror needs at least one RangeProvider")
        self._providers: dict[HashMode, RangeProvider] = {}
        for provider in providers:
            if provider.mode in self._providers:
                raise ValueError(f"two providers for mode {provider.mode!r}")
            self._providers[provider.mode] = provider
        self.padding = padding if padding is not None else Padding()
        self.fmt = fmt if fmt is not None else BodyFormat()
        self.etag = etag
        self._cache_control = (
            f"public, max-age={cache_seconds}" if cache_seconds > 0 else "no-cache"
        )
        self._rows = (
            functools.lru_cache(maxsize=cached_ranges)(self._render_rows)
            if cached_ranges > 0
            else self._render_rows
        )

    @property
    def modes(self) -> tuple[HashMode, ...]:
        """The hash modes served, sorted."""
        return tuple(sorted(self._providers))

    def route(self, path: str, query: str) -> tuple[HashMode, str] | Answer:
        """``(mode, PREFIX)`` for a well-formed range request, else the error or health answer."""
        if path == HEALTH_PATH:
            return _text(HTTPStatus.OK, "ok")
        match = _RANGE_PATH.fullmatch(path)
        if match is None:
            return _text(HTTPStatus.NOT_FOUND, "Not found")
        if _PREFIX.fullmatch(match.group(1)) is None:
            return _text(HTTPStatus.BAD_REQUEST, "The hash prefix was not in a valid format")
        mode = parse_qs(query).get("mode", ["sha1"])[-1].lower() if query else "sha1"
        if mode not in self._providers:
            return _text(HTTPStatus.BAD_REQUEST, "The hash mode is not supported")
        return mode, match.group(1).upper()

    def render(self, mode: HashMode, prefix: str, *, padded: bool) -> tuple[bytes, str]:
        """The body for ``prefix`` and its ETag (which ignores padding, as padding is random)."""
        rendered = self._rows(mode, prefix)
        padding = self.padding if padded else None
        return finish_body(mode, rendered, fmt=self.fmt, padding=padding), rendered.etag

    def _render_rows(self, mode: HashMode, prefix: str) -> RenderedRows:
        return render_rows(mode, self._providers[mode].range(prefix), self.fmt)

    def answer(self, path: str, query: str, *, padded: bool, if_none_match: str | None) -> Answer:
        """The whole answer to ``GET path?query``; a provider's exception propagates (a 500)."""
        routed = self.route(path, query)
        if isinstance(routed, Answer):
            return routed
        mode, prefix = routed
        body, etag = self.render(mode, prefix, padded=padded)
        headers: tuple[tuple[str, str], ...] = (
            ("Content-Type", _TEXT),
            ("Cache-Control", self._cache_control),
            ("Vary", "Add-Padding"),
        )
        if not self.etag:
            return Answer(200, body, headers)
        if etag in _etags(if_none_match):
            return Answer(304, b"", (("ETag", etag), *headers[1:]))
        return Answer(200, body, (*headers, ("ETag", etag)))

    def failure(self) -> Answer:
        """The answer when a provider fails (a damaged index, say): a 500 naming no prefix."""
        return _text(HTTPStatus.INTERNAL_SERVER_ERROR, "The range could not be read")

    def __repr__(self) -> str:
        return f"RangeMirror(modes={list(self.modes)})"


def wants_padding(value: str | None) -> bool:
    """Whether an ``Add-Padding`` header value asks for padding."""
    return (value or "").strip().lower() == "true"


def _etags(header: str | None) -> set[str]:
    """The entity tags listed in an ``If-None-Match`` header."""
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
