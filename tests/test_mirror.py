"""The range-API mirror on its production engine: real HTTP on 127.0.0.1, real sockets.

``pwhygiene serve`` and :class:`pwhygiene.testing.RangeServer` share one renderer and router
(``pwhygiene._breach.mirror``); these tests pin what the mirror answers on uvicorn and that the
fake renders exactly what the mirror renders.
"""

from __future__ import annotations

import hashlib
import random
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import uvicorn

import pwhygiene
from pwhygiene._breach.mirror import BodyFormat, MirrorApp, Padding, RangeMirror
from pwhygiene._breach.source import HashMode
from pwhygiene._cli import build_parser
from pwhygiene._cli import serve as serve_cli
from pwhygiene.breach import build_index
from pwhygiene.testing import InMemoryCorpus, RangeServer
from strategies.corpora import Corpus, write_single

# Real-world shape: a Pwned Passwords range answer is sorted SUFFIX:COUNT rows, CRLF between
# rows, no final newline, 800-1,000 rows when padded (per the API documentation at
# haveibeenpwned.com/API/v3#PwnedPasswords); errors are 400 for a malformed prefix.
PASSWORDS = {f"mirror{i}": i * 13 + 1 for i in range(200)}
ROW = re.compile(r"[0-9A-F]{35}:[0-9]+")


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest().upper()


def _corpus() -> Corpus:
    return Corpus("sha1", tuple(sorted((_sha1(pw), n) for pw, n in PASSWORDS.items())))


class _Started(uvicorn.Server):
    """A uvicorn server that tells a test when it listens (no sleeping, no polling)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


@pytest.fixture
def app_url() -> Iterator[str]:
    """The mirror app over an in-memory corpus on uvicorn, on a free loopback port."""
    mirror = RangeMirror(
        InMemoryCorpus.from_passwords(PASSWORDS, "sha1"),
        InMemoryCorpus.from_passwords(PASSWORDS, "ntlm"),
        cached_ranges=16,
    )
    yield from _run(MirrorApp(mirror))


def _run(app: MirrorApp, keep_alive: float = 5.0) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", timeout_keep_alive=keep_alive)  # type: ignore[arg-type]
    server = _Started(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    assert server.listening.wait(30)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    assert requests.get(f"{url}/health", timeout=10).text == "ok"
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SHA-1 index built with suffixes, so it can answer the range API."""
    folder = tmp_path_factory.mktemp("mirror")
    source = write_single(folder / "c.txt", _corpus(), crlf=False)
    build_index(source, folder / "c.idx", with_suffixes=True)
    return folder / "c.idx"


def test_range_client_reads_the_mirror_with_padding(app_url: str) -> None:
    """A real RangeClient gets every count (and 0 for an absent digest) from the mirror."""
    wanted = [_sha1(pw) for pw in list(PASSWORDS)[:50]] + [_sha1("absent")]
    with pwhygiene.RangeClient(app_url) as client:
        counts = client.count_many(wanted)
    assert counts == {**{_sha1(pw): PASSWORDS[pw] for pw in list(PASSWORDS)[:50]}, wanted[-1]: 0}


def test_padded_answer_has_the_real_apis_shape(app_url: str) -> None:
    """A padded answer is 800-1,000 CRLF rows, no final newline, real rows first and sorted."""
    digest = _sha1("mirror7")
    response = requests.get(
        f"{app_url}/range/{digest[:5]}", headers={"Add-Padding": "true"}, timeout=10
    )
    lines = response.text.split("\r\n")
    assert 800 <= len(lines) <= 1000
    assert all(ROW.fullmatch(line) for line in lines)
    assert f"{digest[5:]}:{PASSWORDS['mirror7']}" in lines
    real = [line for line in lines if not line.endswith(":0")]
    assert real == sorted(real)
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["Content-Type"] == "text/plain"


def test_etag_304_head_and_errors_on_the_engine(app_url: str) -> None:
    """ETag revalidation is a 304, HEAD has no body, and errors are the real API's codes."""
    url = f"{app_url}/range/{_sha1('mirror3')[:5]}"
    first = requests.get(url, timeout=10)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert (again.status_code, again.content, again.headers["ETag"]) == (
        304,
        b"",
        first.headers["ETag"],
    )
    head = requests.head(url, timeout=10)
    assert (head.status_code, head.content) == (200, b"")
    assert int(head.headers["Content-Length"]) == len(first.content)
    assert requests.get(f"{app_url}/range/ABCD", timeout=10).status_code == 400
    assert requests.get(f"{app_url}/range/ABCDEF", timeout=10).status_code == 400
    assert requests.get(f"{app_url}/range/ABCDE?mode=md5", timeout=10).status_code == 400
    assert requests.get(f"{app_url}/range/abcde?mode=ntlm", timeout=10).status_code == 200
    assert requests.get(f"{app_url}/pwnedpassword/ABCDE", timeout=10).status_code == 404
    assert requests.post(url, timeout=10).status_code == 405


def test_answer_arrives_while_300_idle_connections_are_open(app_url: str) -> None:
    """300 connections held open and silent do not stop another client being answered."""
    host, port = app_url.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port)), timeout=30) for _ in range(300)]
    try:
        digest = _sha1("mirror9")
        response = requests.get(f"{app_url}/range/{digest[:5]}", timeout=30)
        assert f"{digest[5:]}:{PASSWORDS['mirror9']}" in response.text.split("\r\n")
    finally:
        for conn in idle:
            conn.close()


def test_idle_keep_alive_connection_is_closed_by_the_server() -> None:
    """After an answer, a connection left idle past the keep-alive timeout is closed."""
    app = MirrorApp(RangeMirror(InMemoryCorpus.from_passwords(PASSWORDS)))
    for url in _run(app, keep_alive=0.2):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as conn:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            received = b""
            while chunk := conn.recv(65536):  # ends when the server closes the connection
                received += chunk
        assert received.startswith(b"HTTP/1.1 200")


class BrokenProvider:
    """A provider whose storage fails, like a damaged offline index."""

    mode: HashMode = "sha1"

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """Always fail."""
        raise OSError("index unreadable")


def test_provider_failure_is_a_500_naming_no_prefix(caplog: pytest.LogCaptureFixture) -> None:
    """A failing provider costs its request a 500; the log names the error, not the prefix."""
    for url in _run(MirrorApp(RangeMirror(BrokenProvider()))):
        for _ in range(2):
            response = requests.get(f"{url}/range/C0FFE", timeout=10)
            assert (response.status_code, response.text) == (500, "The range could not be read")
    assert "OSError" in caplog.text
    assert "C0FFE" not in caplog.text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fake_renders_exactly_what_the_mirror_renders(seed: int) -> None:
    """RangeServer and the mirror share one renderer: same seed, byte-identical bodies."""
    corpus = InMemoryCorpus.from_passwords(PASSWORDS)
    prefix = _sha1("mirror1")[:5]
    fake = RangeServer(corpus, padding_rows=(40, 60), seed=seed, thousands_separators=True)
    try:
        fake_bodies = [fake.render("sha1", prefix, padded=padded) for padded in (True, False)]
    finally:
        fake.close()
    mirror = RangeMirror(
        corpus,
        padding=Padding((40, 60), rng=random.Random(seed)),
        fmt=BodyFormat(thousands_separators=True),
    )
    assert fake_bodies == [mirror.render("sha1", prefix, padded=padded) for padded in (True, False)]


def test_cached_ranges_still_pad_afresh_each_time() -> None:
    """A cached range keeps its rows and ETag, but each padded answer draws new padding."""
    mirror = RangeMirror(InMemoryCorpus.from_passwords(PASSWORDS), cached_ranges=4)
    prefix = _sha1("mirror2")[:5]
    answers = [mirror.render("sha1", prefix, padded=True) for _ in range(6)]
    assert len({etag for _, etag in answers}) == 1
    assert len({body for body, _ in answers}) > 1
    assert all(f"{_sha1('mirror2')[5:]}:{PASSWORDS['mirror2']}" in b.decode() for b, _ in answers)


def _serve_process(index: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "pwhygiene", "serve", "--index", str(index), "--port", "0"]
    process = subprocess.Popen(
        [*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"at (http://\S+)/range/PREFIX", line)
    assert match is not None, line
    return process, match.group(1)


def _healthy(url: str) -> None:
    """Wait for a worker to answer /health (the socket listens before workers accept)."""
    assert requests.get(f"{url}/health", timeout=60).text == "ok"


def test_serve_with_workers_stops_gracefully_on_sigterm(index: Path) -> None:
    """`serve --workers 2` answers, then exits 0 on SIGTERM with its workers gone."""
    process, url = _serve_process(index, "--workers", "2")
    try:
        _healthy(url)
        digest = _sha1("mirror5")
        with pwhygiene.RangeClient(url) as client:
            assert client.count(digest) == PASSWORDS["mirror5"]
        process.terminate()
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    assert process.stdout is not None
    rest = process.stderr.read() + process.stdout.read()
    assert "Traceback" not in rest
    assert digest[:5] not in rest  # no access log by default


def test_access_log_is_opt_in(index: Path) -> None:
    """With --access-log the engine logs each request line to stdout, prefix and all."""
    process, url = _serve_process(index, "--access-log")
    try:
        _healthy(url)
        requests.get(f"{url}/range/C0FFE", timeout=30)
        process.terminate()
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stdout is not None
    assert "/range/C0FFE" in process.stdout.read()


def test_serve_rejects_bad_engine_settings(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Non-positive workers or keep-alive are usage errors with a message, exit 2."""
    from pwhygiene._cli import main  # noqa: PLC0415

    assert main(["serve", "--index", str(index), "--workers", "0"]) == 2
    assert "must be positive" in capsys.readouterr().err
    assert main(["serve", "--index", str(index), "--cached-ranges", "-1"]) == 2


def test_serve_in_a_thread_answers_health_and_stops(index: Path) -> None:
    """`serve` run in a thread reports its URL once listening and stops when told."""
    args = build_parser().parse_args(["serve", "--index", str(index), "--port", "0"])
    urls: list[str] = []
    ready, stop = threading.Event(), threading.Event()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    thread = threading.Thread(
        target=serve_cli.run, args=(args,), kwargs={"ready": on_ready, "stop": stop}
    )
    thread.start()
    try:
        assert ready.wait(30)
        assert requests.get(f"{urls[0]}/health", timeout=10).text == "ok"
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
