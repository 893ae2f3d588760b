"""``pwhygiene serve`` (the mirror on uvicorn) vs the plain ``http.server`` fake, same ranges.

Both serve one offline index built ``--with-suffixes`` (``--prefixes`` prefixes of ``--rows``
real rows each, about what the real API holds per prefix) and answer padded requests
(``Add-Padding: true``: 800..1000 rows, ~37 KB). Each server runs in its own process; the load
comes from this one: ``--clients`` keep-alive connections on loopback, each sending
``--requests`` requests one after another (an asyncio client on raw sockets, so the client is
not what is measured). Then ``--idle`` connections are opened and left idle while one more
request is timed. With granian installed, ``--granian`` adds the same mirror on granian.

    python benchmarks/bench_serve.py                  # 50 clients x 200 requests per server
    python benchmarks/bench_serve.py --quick          # 20 clients x 50 requests
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
import uvicorn

from pwhygiene._breach.mirror import MirrorApp, RangeMirror
from pwhygiene.breach import OfflineIndex, RangeProvider, build_index
from pwhygiene.testing import InMemoryCorpus, RangeServer


@dataclass(frozen=True)
class Result:
    """One server's figures."""

    name: str
    requests: int
    seconds: float
    latencies: list[float]
    idle_answer: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds

    def quantile(self, q: float) -> float:
        """Latency quantile in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_corpus(folder: Path, prefixes: int, rows: int, seed: int) -> tuple[Path, list[str]]:
    """``prefixes`` random prefixes x ``rows`` random digests, as a sorted HASH:COUNT file.

    Counts follow a heavy tail like the real corpus's (most seen a few times, under 1 % at 255
    or more).
    """
    rng = random.Random(seed)
    chosen = sorted({f"{rng.randrange(16**5):05X}" for _ in range(prefixes * 2)})[:prefixes]
    lines = sorted(
        f"{prefix}{rng.getrandbits(140):035X}:{min(int(rng.paretovariate(0.9)), 10**7)}"
        for prefix in chosen
        for _ in range(rows)
    )
    source = folder / "corpus.txt"
    source.write_text("\n".join(lines) + "\n")
    return source, chosen


def _provider(source: str, kind: str) -> RangeProvider:
    if kind == "index":
        return OfflineIndex.open(source)
    text = Path(source).read_text().split()
    return InMemoryCorpus({line[:40]: int(line[41:]) for line in text})


def _serve(
    conn: multiprocessing.connection.Connection, source: str, kind: str, fake: bool, cached: int
) -> None:
    """Child process: one server over the provider, until the parent says stop."""
    provider = _provider(source, kind)
    if fake:
        with RangeServer(provider, log_requests=False) as fake_server:
            conn.send(fake_server.url)
            conn.recv()
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        MirrorApp(RangeMirror(provider, cached_ranges=cached)),
        port=port,
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    threading.Thread(target=_stop_when_told, args=(conn, server)).start()
    conn.send(f"http://127.0.0.1:{port}")
    server.run()


def _stop_when_told(conn: multiprocessing.connection.Connection, server: uvicorn.Server) -> None:
    conn.recv()
    server.should_exit = True


@contextmanager
def child_server(source: Path, kind: str, *, fake: bool, cached: int = 0) -> Iterator[str]:
    """The plain ``http.server`` fake, or the mirror app on uvicorn, in its own process."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(child, str(source), kind, fake, cached))
    process.start()
    try:
        yield _wait_healthy(parent.recv())
    finally:
        parent.send("stop")
        process.join(30)


@contextmanager
def serve_command(index: Path, workers: int, cached: int) -> Iterator[str]:
    """``pwhygiene serve`` in its own process; the URL is read from its start-up line."""
    command = [sys.executable, "-m", "pwhygiene", "serve", "--index", str(index), "--port", "0"]
    command += ["--workers", str(workers), "--cached-ranges", str(cached)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"at (http://\S+)/range/PREFIX", line)
        if match is None:
            raise RuntimeError(f"pwhygiene serve did not start: {line}")
        yield _wait_healthy(match.group(1))
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def granian_server(index: Path, workers: int) -> Iterator[str]:
    """The same mirror app on granian (for the engine comparison)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PWHYGIENE_SERVE_INDEX": str(index)}
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(
        [*command, "pwhygiene._breach.mirror.asgi:app_from_environment"], env=env
    )
    try:
        yield _wait_healthy(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(30)


def _wait_healthy(url: str) -> str:
    for _ in range(200):
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return url
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} never became healthy")


async def _client(
    host: str, port: int, prefixes: list[str], *, count: int, seed: int, latencies: list[float]
) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for _ in range(count):
            prefix = rng.choice(prefixes)
            request = f"GET /range/{prefix} HTTP/1.1\r\nHost: {host}\r\nAdd-Padding: true\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200") or b":" not in body:
                raise RuntimeError(f"bad answer: {head[:40]!r}")
    finally:
        writer.close()


async def _load(url: str, prefixes: list[str], clients: int, count: int, idle: int) -> Result:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    warm: list[float] = []
    await asyncio.gather(
        *(
            _client(host, int(port), prefixes, count=1, seed=i, latencies=warm)
            for i in range(clients)
        )
    )
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(host, int(port), prefixes, count=count, seed=i, latencies=latencies)
            for i in range(clients)
        )
    )
    seconds = time.perf_counter() - started
    held = [await asyncio.open_connection(host, int(port)) for _ in range(idle)]
    one: list[float] = []
    await _client(host, int(port), prefixes, count=1, seed=0, latencies=one)
    for _, writer in held:
        writer.close()
    return Result("", len(latencies), seconds, latencies, one[0])


def measure(name: str, url: str, args: argparse.Namespace, prefixes: list[str]) -> Result:
    """Run the load against ``url`` and print its figures."""
    result = asyncio.run(_load(url, prefixes, args.clients, args.requests, args.idle))
    result = Result(name, result.requests, result.seconds, result.latencies, result.idle_answer)
    print(
        f"{name:<28} {result.rate:>9,.0f} req/s   p50 {result.quantile(0.5):7.1f} ms   "
        f"p99 {result.quantile(0.99):7.1f} ms   one answer with {args.idle} idle "
        f"connections open: {1000 * result.idle_answer:.1f} ms"
    )
    return result


def main() -> None:
    """Build the index, run both servers one after the other, print figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument("--prefixes", type=int, default=256)
    parser.add_argument("--rows", type=int, default=500, help="real rows per prefix")
    parser.add_argument("--idle", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--granian", action="store_true", help="also run the app on granian")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.requests, args.prefixes = 20, 50, 64
    with tempfile.TemporaryDirectory() as tmp:
        source, prefixes = make_corpus(Path(tmp), args.prefixes, args.rows, seed=1)
        index = Path(tmp) / "bench.idx"
        build_index(source, index, with_suffixes=True)
        print(
            f"{args.prefixes} prefixes x {args.rows} rows, padded answers; {args.clients} "
            f"keep-alive clients x {args.requests} requests each"
        )
        print("-- an in-memory corpus: the servers, not the provider, are measured")
        with child_server(source, "memory", fake=True) as url:
            plain = measure("http.server fake", url, args, prefixes)
        with child_server(source, "memory", fake=False) as url:
            mirror = measure("mirror on uvicorn", url, args, prefixes)
        print(
            f"ratio: {mirror.rate / plain.rate:.1f}x the plain server's req/s; p99 "
            f"{mirror.quantile(0.99):.1f} ms vs {plain.quantile(0.99):.1f} ms"
        )
        print(
            f"-- the offline index, end to end, {args.workers} worker(s): the hot set of "
            f"{args.prefixes} prefixes fits pwhygiene serve's default cache of 1,024 ranges"
        )
        with child_server(index, "index", fake=True) as url:
            plain = measure("http.server fake", url, args, prefixes)
        with serve_command(index, args.workers, 0) as url:
            measure("serve --cached-ranges 0", url, args, prefixes)
        with serve_command(index, args.workers, 1024) as url:
            mirror = measure("serve (1,024 cached)", url, args, prefixes)
        if args.granian and importlib.util.find_spec("granian"):
            with granian_server(index, args.workers) as url:
                measure("the mirror on granian", url, args, prefixes)
        print(
            f"ratio: {mirror.rate / plain.rate:.1f}x the plain server's req/s; p99 "
            f"{mirror.quantile(0.99):.1f} ms vs {plain.quantile(0.99):.1f} ms"
        )


if __name__ == "__main__":
    main()
