"""``pwhygiene index fetch`` and ``index update`` against a real loopback range server."""

from __future__ import annotations

import builtins
import os
import random
import threading
from pathlib import Path

import pytest

from pwhygiene._breach.index.fetch import fetch_index, parse_span
from pwhygiene._breach.source import HashMode
from pwhygiene._cli import main
from pwhygiene.breach import OfflineIndex
from pwhygiene.exceptions import InvalidInput
from pwhygiene.testing import RangeServer

SPAN = "0A000-0A03F"  # 64 prefixes: a slice, as a team splitting the download would use


class LiveCorpus:
    """A range provider whose data can change under a running server, or fail on demand.

    Real-world shape: the Pwned Passwords corpus gains digests and counts between releases,
    prefix by prefix; ``fail_after`` stands for the service going away mid-download.
    """

    def __init__(self, mode: HashMode = "sha1", seed: int = 5) -> None:
        self.mode: HashMode = mode
        rng = random.Random(seed)
        width = 35 if mode == "sha1" else 27
        self.ranges: dict[str, dict[str, int]] = {}
        for number in parse_span(SPAN):
            prefix = f"{number:05X}"
            if number % 9 == 4:
                continue  # a few prefixes have no rows at all
            rows = {
                f"{rng.getrandbits(4 * width):0{width}X}": rng.choice([1, 2, 254, 255, 10**12])
                for _ in range(rng.randint(1, 30))
            }
            self.ranges[prefix] = rows
        self.ranges["0B000"] = {"A" * width: 7}  # outside the slice: never fetched
        self._lock = threading.Lock()
        self.fail_after: int | None = None
        self.served = 0

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """The sorted rows under ``prefix``; fails once ``fail_after`` ranges were served."""
        with self._lock:
            if self.fail_after is not None and self.served >= self.fail_after:
                raise OSError("service went away")
            self.served += 1
            return sorted(self.ranges.get(prefix, {}).items())

    def digests(self, span: builtins.range) -> dict[str, int]:
        """Every digest under the span's prefixes, with its count."""
        return {
            p + s: c
            for p, rows in self.ranges.items()
            if int(p, 16) in span
            for s, c in rows.items()
        }


def _assert_index_matches(index_path: Path, corpus: LiveCorpus) -> None:
    span = parse_span(SPAN)
    expected = corpus.digests(span)
    with OfflineIndex.open(index_path) as index:
        assert index.info.hash_count == len(expected)
        assert index.count_many(expected) == expected
        for number in span:
            prefix = f"{number:05X}"
            assert index.range(prefix) == sorted(corpus.ranges.get(prefix, {}).items())
        assert index.count("0B000" + "A" * 35) == 0


def _fetch(url: str, output: Path, *extra: str) -> int:
    command = ["index", "fetch", "-o", str(output), "--range-url", url, "--prefixes", SPAN]
    return main([*command, "--with-suffixes", "--workers", "4", *extra])


def test_fetch_reproduces_the_servers_corpus_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fetched slice holds exactly the server's rows: one request per prefix, none outside."""
    corpus = LiveCorpus()
    with RangeServer(corpus, padding_rows=(0, 0)) as server:
        assert _fetch(server.url, tmp_path / "p.idx") == 0
        prefixes = [r.prefix for r in server.requests]
    assert sorted(prefixes) == [f"{n:05X}" for n in parse_span(SPAN)]  # type: ignore[type-var]
    _assert_index_matches(tmp_path / "p.idx", corpus)
    assert "fetched 64 prefixes" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "p.idx.ranges").glob("*.part")) == []


def test_fetch_reads_answers_in_every_layout_seen_in_the_wild(tmp_path: Path) -> None:
    """Thousands separators, LF line endings and a final newline still fetch the exact rows."""
    corpus = LiveCorpus(seed=8)
    quirks = {"thousands_separators": True, "line_ending": "\n", "final_newline": True}
    with RangeServer(corpus, **quirks) as server:  # type: ignore[arg-type]
        assert _fetch(server.url, tmp_path / "q.idx") == 0
    _assert_index_matches(tmp_path / "q.idx", corpus)


def test_fetch_ntlm_mode_asks_for_ntlm_ranges(tmp_path: Path) -> None:
    """--mode ntlm sends ?mode=ntlm and builds an NTLM index."""
    corpus = LiveCorpus("ntlm")
    with RangeServer(corpus) as server:
        assert _fetch(server.url, tmp_path / "n.idx", "--mode", "ntlm") == 0
        assert {r.query for r in server.requests} == {"mode=ntlm"}
    expected = corpus.digests(parse_span(SPAN))
    with OfflineIndex.open(tmp_path / "n.idx") as index:
        assert index.mode == "ntlm"
        assert index.count_many(expected) == expected


def test_update_downloads_only_the_changed_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After the data changed, update revalidates every prefix and re-downloads only those."""
    corpus = LiveCorpus()
    with RangeServer(corpus) as server:
        assert _fetch(server.url, tmp_path / "p.idx") == 0
        capsys.readouterr()
        before = os.stat(tmp_path / "p.idx").st_ino
        server.clear_log()
        assert main(["index", "update", str(tmp_path / "p.idx"), "--workers", "4"]) == 0
        assert "64 prefixes checked, none changed" in capsys.readouterr().err
        assert all(r.header("If-None-Match") for r in server.requests)
        assert os.stat(tmp_path / "p.idx").st_ino == before  # nothing changed: not rebuilt
        for prefix in ("0A001", "0A010", "0A03F"):
            first = next(iter(corpus.ranges[prefix]))
            corpus.ranges[prefix][first] += 1000
        corpus.ranges["0A004"] = {"B" * 35: 3}  # a prefix that was empty gains a row
        server.clear_log()
        assert main(["index", "update", str(tmp_path / "p.idx"), "--workers", "4"]) == 0
        assert len(server.requests) == 64
    assert "4 of 64 prefixes changed" in capsys.readouterr().err
    _assert_index_matches(tmp_path / "p.idx", corpus)


def test_interrupted_fetch_resumes_without_repeating_finished_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fetch cut off after 20 prefixes exits 3; run again, it asks only for the other 44."""
    corpus = LiveCorpus()
    corpus.fail_after = 20
    with RangeServer(corpus) as server:
        assert _fetch(server.url, tmp_path / "p.idx", "--retries", "0") == 3
        assert "run the command again to resume" in capsys.readouterr().err
        assert not (tmp_path / "p.idx").exists()
        corpus.fail_after = None
        served_before = corpus.served
        server.clear_log()
        assert _fetch(server.url, tmp_path / "p.idx") == 0
        asked = [r.prefix for r in server.requests]
    assert served_before == 20
    assert len(asked) == len(set(asked)) == 44
    assert "20 already done" in capsys.readouterr().err
    _assert_index_matches(tmp_path / "p.idx", corpus)


def test_resume_refuses_another_mode_or_server(tmp_path: Path) -> None:
    """A work folder from one server and mode is not silently mixed with another's rows."""
    with RangeServer(LiveCorpus()) as server:
        assert _fetch(server.url, tmp_path / "p.idx") == 0
        with pytest.raises(InvalidInput, match="same --range-url and --mode"):
            fetch_index(tmp_path / "p.idx", base_url=server.url, mode="ntlm")
    assert main(["index", "update", str(tmp_path / "missing.idx")]) == 2


@pytest.mark.parametrize("text", ["0000", "00000-", "FFFFF-00000", "00000-1000000", "zzzzz"])
def test_bad_prefix_spans_are_usage_errors(text: str) -> None:
    """--prefixes takes START-END in 5 hex, START <= END."""
    with pytest.raises(InvalidInput, match="5 hex"):
        parse_span(text)


def test_span_parsing() -> None:
    """A span covers both ends; one prefix is a span of one."""
    assert parse_span("00000-FFFFF") == range(0x100000)
    assert parse_span("0a000-0A00f") == range(0xA000, 0xA010)
    assert parse_span("ABCDE") == range(0xABCDE, 0xABCDF)
