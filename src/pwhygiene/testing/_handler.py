"""The HTTP side of :class:`pwhygiene.testing.RangeServer`: parse a request, log it, answer.

Kept apart from the server's configuration and corpus so each file has one job. Normal answers
come from the same mirror logic (``pwhygiene._breach.mirror``) that ``pwhygiene serve`` runs; the
handler asks its server for faults, latency and the log through the small :class:`RequestDesk`
interface only.
"""

from __future__ import annotations

import re
import socket
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal, Protocol
from urllib.parse import urlsplit

from pwhygiene._breach.mirror.core import Answer, RangeMirror, wants_padding

FaultKind = Literal[
    "server_error",  # 500
    "unavailable",  # 503
    "rate_limited",  # 429 with Retry-After
    "reset",  # TCP reset before any response
    "hang",  # no answer until well past the client's read timeout
    "truncated",  # the body stops short of its Content-Length
    "html",  # a captive-portal page, 200 text/html
    "redirect",  # 302 to a captive portal's login page elsewhere
    "garbage",  # 200 text/plain with bytes that are no range body
]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "server_error",
    "unavailable",
    "rate_limited",
    "reset",
    "hang",
    "truncated",
    "html",
    "redirect",
    "garbage",
)


_PREFIX_PATH = re.compile(r"/range/([0-9A-Fa-f]{5})")
_PORTAL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head>"
    b"<body><form action='/login'>Accept the terms to continue</form></body></html>"
)


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it: enough to prove what a client revealed."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    fault: FaultKind | None

    @property
    def prefix(self) -> str | None:
        """The 5-hex prefix if the path was exactly ``/range/{PREFIX}``, else ``None``."""
        match = _PREFIX_PATH.fullmatch(self.path)
        return match.group(1) if match else None

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class RequestDesk(Protocol):
    """All the handler may ask of its :class:`~pwhygiene.testing.RangeServer`.

    The fault machinery stays private to the server; the handler sees this interface only.
    """

    @property
    def mirror(self) -> RangeMirror:
        """The fault-free mirror that renders every normal answer."""
        ...

    @property
    def retry_after(self) -> int:
        """The ``Retry-After`` seconds of a ``rate_limited`` fault."""
        ...

    def admit(self, request: LoggedRequest) -> FaultKind | None:
        """Draw this request's fault, log it, and wait out the configured latency."""
        ...

    def hang(self) -> None:
        """Stall a ``hang`` fault until its time is up or the server closes."""
        ...

    def noise(self, size: int) -> bytes:
        """``size`` random bytes for a ``garbage`` fault."""
        ...


class RangeHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server that knows the desk it answers for."""

    daemon_threads = True
    block_on_close = False
    desk: RequestDesk

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client drops its connection (clients time out on purpose here)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class RangeRequestHandler(BaseHTTPRequestHandler):
    """One request: log it, maybe misbehave, else answer what the mirror answers."""

    protocol_version = "HTTP/1.1"  # keep-alive, so a client's connection pool is exercised
    server: RangeHTTPServer

    def setup(self) -> None:
        """Disable Nagle, or a delayed ACK adds ~40 ms to each keep-alive answer.

        Headers and body go out as separate writes; with Nagle on, the second one waits.
        """
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests read :attr:`RangeServer.requests` instead of stderr."""

    def do_GET(self) -> None:
        """Answer a range request (or misbehave as scripted)."""
        desk = self.server.desk
        split = urlsplit(self.path)
        fault = desk.admit(
            LoggedRequest(
                method="GET",
                path=split.path,
                query=split.query,
                headers=tuple(self.headers.items()),
                fault=None,
            )
        )
        padded = wants_padding(self.headers.get("Add-Padding"))
        if fault is not None:
            routed = desk.mirror.route(split.path, split.query)
            real = b""
            if not isinstance(routed, Answer):
                real = desk.mirror.render(*routed, padded=padded)[0]
            self._misbehave(fault, real)
            return
        try:
            answer = desk.mirror.answer(
                split.path,
                split.query,
                padded=padded,
                if_none_match=self.headers.get("If-None-Match"),
            )
        except Exception:  # a provider failing (say, a damaged index) is the server's 500
            self._send_answer(desk.mirror.failure())
            raise
        self._send_answer(answer)

    def _send_answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        if answer.status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/plain",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _misbehave(self, fault: FaultKind, real_body: bytes) -> None:
        desk = self.server.desk
        if fault == "server_error":
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"Internal Server Error")
        elif fault == "unavailable":
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"Service Unavailable")
        elif fault == "rate_limited":
            retry = {"Retry-After": str(desk.retry_after)}
            self._send(HTTPStatus.TOO_MANY_REQUESTS, b"Rate limit exceeded", retry)
        elif fault == "html":
            self._send(HTTPStatus.OK, _PORTAL_PAGE, content_type="text/html; charset=utf-8")
        elif fault == "redirect":
            portal = {"Location": "http://portal.invalid/login?continue=/range"}
            self._send(HTTPStatus.FOUND, b"Moved", portal, content_type="text/html")
        elif fault == "garbage":
            self._send(HTTPStatus.OK, b"\xff\xfe" + desk.noise(64))
        elif fault == "truncated":
            body = real_body or b"0" * 35 + b":1"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body) + 10))
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.close_connection = True
        elif fault == "hang":
            desk.hang()
            self.close_connection = True
        else:  # "reset": RST instead of an answer (SO_LINGER with a zero timeout)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
