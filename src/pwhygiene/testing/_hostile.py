"""A loopback server that answers with exactly the bytes a test scripts, and misbehaves on cue.

:class:`~pwhygiene.testing.RangeServer` speaks HTTP correctly and injects the faults a range
client meets every day. Attacks and broken middleboxes do what no HTTP server library will: cut
an answer inside its header block, lie about lengths and encodings, drip a body one byte at a
time, flood ``100 Continue``. :class:`HostileServer` writes raw bytes, so a test can say what
crosses the wire to the byte, and counts connections so a test can prove what a client did.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

Ending = Literal["close", "reset", "hold"]
MAX_REQUEST_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawAnswer:
    """What one connection receives: ``head`` at once, then ``drip`` one byte at a time.

    ``interval`` is the pause before each dripped byte; ``endless`` repeats ``drip`` until the
    client hangs up or the server closes. ``ending`` says how the connection ends once all is
    sent: a normal close, a TCP reset, or held open (idle) until the client gives up.
    """

    head: bytes
    drip: bytes = b""
    interval: float = 0.0
    endless: bool = False
    ending: Ending = "close"

    def __repr__(self) -> str:
        return (
            f"RawAnswer(<{len(self.head)} bytes>, drip=<{len(self.drip)} bytes>, "
            f"endless={self.endless}, ending={self.ending!r})"
        )


class HostileServer:
    """A threaded TCP server on 127.0.0.1 answering each connection with a scripted RawAnswer.

    Answers are taken in order from :meth:`queue`; when the script is empty, ``default`` is
    sent (if given) or the connection is closed at once. Use it as a context manager.
    """

    def __init__(self, default: RawAnswer | None = None, *, host: str = "127.0.0.1") -> None:
        self.default = default
        self._script: deque[RawAnswer] = deque()
        self._lock = threading.Lock()
        self._connections = 0
        self._closing = threading.Event()
        self._server = _TCPServer((host, 0), _Handler)
        self._server.owner = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give a client."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def connections(self) -> int:
        """How many connections were accepted so far."""
        with self._lock:
            return self._connections

    def queue(self, *answers: RawAnswer) -> None:
        """Answer the next connections with ``answers``, one each, in order."""
        with self._lock:
            self._script.extend(answers)

    def start(self) -> HostileServer:
        """Serve in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release every held or dripping connection."""
        self._closing.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _next(self) -> RawAnswer | None:
        with self._lock:
            self._connections += 1
            return self._script.popleft() if self._script else self.default

    def _serve(self, connection: socket.socket) -> None:
        _read_request(connection)
        answer = self._next()
        if answer is None:
            return
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.sendall(answer.head)
        while answer.drip and not self._closing.is_set():
            for byte in answer.drip:
                if self._closing.wait(answer.interval):
                    return
                connection.sendall(bytes((byte,)))
            if not answer.endless:
                break
        if answer.ending == "reset":
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif answer.ending == "hold":
            connection.settimeout(0.05)
            while not self._closing.is_set():
                try:
                    if not connection.recv(4096):
                        return  # the client hung up
                except TimeoutError:
                    continue


def _read_request(connection: socket.socket) -> None:
    """Consume the request's header block (GET requests carry no body)."""
    received = b""
    while b"\r\n\r\n" not in received and len(received) < MAX_REQUEST_BYTES:
        data = connection.recv(4096)
        if not data:
            return
        received += data


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: HostileServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hang up on purpose here; a broken connection is not a test failure."""


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        self.server.owner._serve(self.request)


def http_response(
    body: bytes,
    *,
    status: str = "200 OK",
    headers: Iterable[tuple[str, str]] = (("Content-Type", "text/plain"),),
    framing: Literal["length", "chunked", "close"] = "length",
    chunk_size: int = 64,
) -> bytes:
    """The bytes of an HTTP/1.1 response carrying ``body`` with the given ``framing``."""
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers)]
    if framing == "length":
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    elif framing == "chunked":
        lines.append("Transfer-Encoding: chunked")
        pieces = [body[at : at + chunk_size] for at in range(0, len(body), chunk_size)]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    else:
        lines.append("Connection: close")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
