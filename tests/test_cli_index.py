"""The ``pwhygiene index`` and ``pwhygiene serve`` commands, run through ``main``."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from pathlib import Path

import pytest

import pwhygiene
from pwhygiene._breach.digests import ntlm_digest
from pwhygiene._cli import build_parser, main
from pwhygiene._cli import serve as serve_cli
from strategies.corpora import Corpus, write_folder, write_single

PASSWORDS = {f"password{i}": i * 37 + 1 for i in range(300)}


def _corpus(mode: str = "sha1") -> Corpus:
    def digest(pw: str) -> str:
        return hashlib.sha1(pw.encode()).hexdigest().upper() if mode == "sha1" else ntlm_digest(pw)

    return Corpus(mode, tuple(sorted((digest(pw), n) for pw, n in PASSWORDS.items())))


def test_build_then_info_reports_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index build` writes the index and a summary on stderr; `index info` prints its facts."""
    source = write_single(tmp_path / "pwned.txt", _corpus(), crlf=True)
    assert main(["index", "build", str(source), "-o", str(tmp_path / "p.idx")]) == 0
    built = capsys.readouterr()
    assert built.out == ""
    assert "indexed 300 SHA-1 hashes" in built.err
    assert main(["index", "info", str(tmp_path / "p.idx"), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "hashes:               300" in out
    assert "source:               pwned.txt" in out
    assert "format version:       2" in out
    assert "data verified" in out
    with pwhygiene.OfflineIndex.open(tmp_path / "p.idx") as index:
        assert index.count(hashlib.sha1(b"password5").hexdigest()) == PASSWORDS["password5"]


def test_ntlm_folder_build_warns_about_missing_prefix_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An NTLM folder builds with --ntlm, with a warning that most prefix files are missing."""
    folder = write_folder(tmp_path / "ntlm", _corpus("ntlm"), crlf=False)
    assert main(["index", "build", str(folder), "-o", str(tmp_path / "n.idx"), "--ntlm"]) == 0
    assert "will count as not breached" in capsys.readouterr().err
    with pwhygiene.OfflineIndex.open(tmp_path / "n.idx") as index:
        assert index.mode == "ntlm"
        assert index.count(ntlm_digest("password9")) == PASSWORDS["password9"]


def test_bad_input_exits_2_with_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed corpus, a corrupt index and a wrong hash kind each exit 2 with one line."""
    (tmp_path / "bad.txt").write_text("A" * 40 + ":1\n" + "0" * 40 + ":1\n")
    assert main(["index", "build", str(tmp_path / "bad.txt"), "-o", str(tmp_path / "x.idx")]) == 2
    assert "line 2: is out of order" in capsys.readouterr().err
    source = write_single(tmp_path / "ok.txt", _corpus(), crlf=False)
    assert main(["index", "build", str(source), "-o", str(tmp_path / "x.idx"), "--ntlm"]) == 2
    assert "line 1: expected ':' after a 32-character hash" in capsys.readouterr().err
    (tmp_path / "junk.idx").write_bytes(b"nope")
    assert main(["index", "info", str(tmp_path / "junk.idx")]) == 2
    assert "not a pwhygiene offline index" in capsys.readouterr().err
    assert main(["index"]) == 2


def test_info_verify_catches_damaged_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index info` passes a record-damaged index; `--verify` fails it with exit 2."""
    source = write_single(tmp_path / "c.txt", _corpus(), crlf=False)
    main(["index", "build", str(source), "-o", str(tmp_path / "c.idx")])
    data = bytearray((tmp_path / "c.idx").read_bytes())
    data[-3] ^= 0xFF
    (tmp_path / "c.idx").write_bytes(bytes(data))
    assert main(["index", "info", str(tmp_path / "c.idx")]) == 0
    assert main(["index", "info", str(tmp_path / "c.idx"), "--verify"]) == 2
    assert "data checksum mismatch" in capsys.readouterr().err


@pytest.mark.parametrize("mode", ["sha1", "ntlm"])
def test_serve_mirrors_the_range_api_for_a_range_client(tmp_path: Path, mode: str) -> None:
    """`serve` answers a real RangeClient with the corpus counts, padding and all."""
    corpus = _corpus(mode)
    source = write_single(tmp_path / "c.txt", corpus, crlf=False)
    build = ["index", "build", str(source), "-o", str(tmp_path / "c.idx"), "--with-suffixes"]
    assert main(build + (["--ntlm"] if mode == "ntlm" else [])) == 0
    args = build_parser().parse_args(["serve", "--index", str(tmp_path / "c.idx"), "--port", "0"])
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
        assert ready.wait(10)
        absent = hashlib.sha1(b"not in the corpus").hexdigest().upper()
        if mode == "ntlm":
            absent = ntlm_digest("not in the corpus")
        with pwhygiene.RangeClient(urls[0], mode=mode) as client:  # type: ignore[arg-type]
            wanted = [digest for digest, _ in corpus.rows[:40]] + [absent]
            assert client.count_many(wanted) == {**dict(corpus.rows[:40]), absent: 0}
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_serve_refuses_a_compact_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A compact index cannot answer range queries: serve says to rebuild --with-suffixes."""
    source = write_single(tmp_path / "c.txt", _corpus(), crlf=False)
    main(["index", "build", str(source), "-o", str(tmp_path / "c.idx")])
    assert main(["serve", "--index", str(tmp_path / "c.idx"), "--port", "0"]) == 2
    assert "--with-suffixes" in capsys.readouterr().err
    assert main(["serve", "--index", str(tmp_path / "missing.idx")]) == 2


def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """SIGTERM (kill, systemd) stops the mirror with exit 0 and restores the old handler."""
    source = write_single(tmp_path / "c.txt", _corpus(), crlf=False)
    main(["index", "build", str(source), "-o", str(tmp_path / "c.idx"), "--with-suffixes"])
    args = build_parser().parse_args(["serve", "--index", str(tmp_path / "c.idx"), "--port", "0"])
    before = signal.getsignal(signal.SIGTERM)
    assert serve_cli.run(args, ready=lambda _url: os.kill(os.getpid(), signal.SIGTERM)) == 0
    assert signal.getsignal(signal.SIGTERM) is before
