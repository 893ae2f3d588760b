"""The public loopback range server: protocol quirks, padding, ETags, faults, request log."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._breach.digests import ntlm_digest, sha1_digest
from pwhygiene._breach.source import HashMode
from pwhygiene.testing import FAULT_KINDS, FaultKind, InMemoryCorpus, RangeServer

ROW = re.compile(r"([0-9A-F]+):([0-9,]+)")


def _rows(body: str) -> list[tuple[str, str]]:
    rows = []
    for line in body.split("\r\n"):
        match = ROW.fullmatch(line)
        assert match is not None
        rows.append((match.group(1), match.group(2)))
    return rows


@pytest.fixture(scope="module")
def server() -> Iterator[RangeServer]:
    """One padded, SHA-1 + NTLM server for the read-only tests of this module."""
    with RangeServer.from_passwords(
        {"hunter2": 17, "password": 86453}, padding_rows=(20, 30), seed=7
    ) as srv:
        yield srv


def test_unpadded_body_is_crlf_rows_without_final_newline(server: RangeServer) -> None:
    """Without Add-Padding the body is the real rows only, CRLF-joined, no trailing newline."""
    digest = sha1_digest("password")
    response = requests.get(f"{server.url}/range/{digest[:5]}", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == f"{digest[5:]}:86453"


def test_padding_adds_zero_rows_after_real_rows(server: RangeServer) -> None:
    """Add-Padding fills the answer to the configured size with count-0 rows after the real one."""
    digest = sha1_digest("hunter2")
    response = requests.get(
        f"{server.url}/range/{digest[:5]}", headers={"Add-Padding": "true"}, timeout=5
    )
    rows = _rows(response.text)
    assert 20 <= len(rows) <= 30
    assert rows[0] == (digest[5:], "17")
    assert all(count == "0" and len(suffix) == 35 for suffix, count in rows[1:])
    assert len({suffix for suffix, _ in rows}) == len(rows)


def test_ntlm_mode_serves_27_hex_suffixes(server: RangeServer) -> None:
    """``?mode=ntlm`` answers from the NTLM corpus with 27-hex suffixes."""
    digest = ntlm_digest("hunter2")
    response = requests.get(f"{server.url}/range/{digest[:5]}?mode=ntlm", timeout=5)
    assert response.text == f"{digest[5:]}:17"


def test_etag_revalidation_answers_304(server: RangeServer) -> None:
    """A matching If-None-Match gets 304 even though padding differs between answers."""
    url = f"{server.url}/range/{sha1_digest('hunter2')[:5]}"
    first = requests.get(url, headers={"Add-Padding": "true"}, timeout=5)
    again = requests.get(
        url, headers={"Add-Padding": "true", "If-None-Match": first.headers["ETag"]}, timeout=5
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]


def test_bad_paths_and_modes_are_rejected(server: RangeServer) -> None:
    """As the real API: a malformed prefix or an unknown mode is 400, any other path 404."""
    assert requests.get(f"{server.url}/range/ABCDEF", timeout=5).status_code == 400
    assert requests.get(f"{server.url}/range/ABCD", timeout=5).status_code == 400
    assert requests.get(f"{server.url}/pwnedpassword/AB", timeout=5).status_code == 404
    assert requests.get(f"{server.url}/range/ABCDE?mode=md5", timeout=5).status_code == 400


def test_thousands_separators_and_lf_final_newline() -> None:
    """Formatting options reproduce the separator and line-ending quirks seen in the wild."""
    digest = sha1_digest("password")
    with RangeServer.from_digests(
        {digest: 86453}, thousands_separators=True, line_ending="\n", final_newline=True
    ) as srv:
        body = requests.get(f"{srv.url}/range/{digest[:5]}", timeout=5).text
    assert body == f"{digest[5:]}:86,453\n"


def test_request_log_records_path_headers_and_fault() -> None:
    """Each request is logged with its path, headers and the fault it received."""
    with RangeServer.from_passwords({"x": 1}) as srv:
        srv.inject("server_error")
        requests.get(f"{srv.url}/range/abcde", headers={"User-Agent": "probe/1"}, timeout=5)
        requests.get(f"{srv.url}/range/ABCDE?mode=ntlm", timeout=5)
        first, second = srv.requests
    assert (first.prefix, first.fault, first.header("user-agent")) == (
        "abcde",
        "server_error",
        "probe/1",
    )
    assert (second.prefix, second.query, second.fault) == ("ABCDE", "mode=ntlm", None)
    assert "probe" not in repr(first)


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        ("server_error", 500, "text/plain"),
        ("unavailable", 503, "text/plain"),
        ("rate_limited", 429, "text/plain"),
        ("html", 200, "text/html"),
        ("redirect", 302, "text/html"),
        ("garbage", 200, "text/plain"),
    ],
)
def test_http_level_faults(fault: FaultKind, status: int, content_type: str) -> None:
    """Status-code and wrong-content faults answer as scripted, then the server recovers."""
    digest = sha1_digest("hunter2")
    with RangeServer.from_passwords({"hunter2": 17}, retry_after=3) as srv:
        srv.inject(fault)
        url = f"{srv.url}/range/{digest[:5]}"
        bad = requests.get(url, timeout=5, allow_redirects=False)
        good = requests.get(url, timeout=5)
    assert bad.status_code == status
    assert bad.headers["Content-Type"].startswith(content_type)
    assert bad.text != good.text
    assert good.text == f"{digest[5:]}:17"
    if fault == "rate_limited":
        assert bad.headers["Retry-After"] == "3"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("reset", requests.ConnectionError),
        ("truncated", requests.exceptions.ChunkedEncodingError),
        ("hang", requests.Timeout),
    ],
)
def test_connection_level_faults(fault: FaultKind, error: type[Exception]) -> None:
    """Reset, truncation and hangs surface as the transport errors a real network produces."""
    with RangeServer.from_passwords({"hunter2": 17}, padding_rows=(50, 60)) as srv:
        srv.inject(fault)
        with requests.Session() as session, pytest.raises(error):
            session.get(
                f"{srv.url}/range/{sha1_digest('hunter2')[:5]}",
                headers={"Add-Padding": "true"},
                timeout=(2, 0.2),
            )


def test_fault_rate_one_faults_every_request() -> None:
    """With fault_rate=1 every request is faulted, with a kind drawn from fault_kinds."""
    with RangeServer.from_passwords({"a": 1}, fault_rate=1.0, fault_kinds=["unavailable"]) as srv:
        codes = {requests.get(f"{srv.url}/range/00000", timeout=5).status_code for _ in range(5)}
        assert {r.fault for r in srv.requests} == {"unavailable"}
    assert codes == {503}


def test_close_releases_hanging_handlers() -> None:
    """Closing the server wakes a handler stuck in a 'hang' fault instead of waiting it out."""
    srv = RangeServer.from_passwords({"a": 1}, hang_seconds=600).start()
    srv.inject("hang")
    errors: list[BaseException] = []

    def call() -> None:
        try:
            requests.get(f"{srv.url}/range/00000", timeout=(2, 30))
        except requests.RequestException as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    while not srv.requests:
        threading.Event().wait(0.01)
    srv.close()
    caller.join(timeout=30)
    assert not caller.is_alive()
    assert errors


def test_constructor_validation() -> None:
    """Duplicate modes, no provider, a bad rate and non-positive counts are refused."""
    corpus = InMemoryCorpus({"0" * 40: 1})
    with pytest.raises(ValueError, match="two providers"):
        RangeServer(corpus, corpus)
    with pytest.raises(ValueError, match="at least one"):
        RangeServer()
    with pytest.raises(ValueError, match="between 0 and 1"):
        RangeServer(corpus, fault_rate=2.0)
    with pytest.raises(ValueError, match="positive"):
        InMemoryCorpus({"0" * 40: 0})
    assert set(FAULT_KINDS) >= {"reset", "hang", "truncated", "html", "garbage"}


@given(
    st.dictionaries(st.text(max_size=20).map("pw:".__add__), st.integers(1, 10**8), max_size=8),
)
def test_corpus_ranges_hold_exactly_the_given_counts(counts: dict[str, int]) -> None:
    """Every password's digest is found under its prefix with its count, in both modes."""
    modes: tuple[tuple[HashMode, Callable[[str], str]], ...] = (
        ("sha1", sha1_digest),
        ("ntlm", ntlm_digest),
    )
    for mode, digest_of in modes:
        corpus = InMemoryCorpus.from_passwords(counts, mode)
        for password, count in counts.items():
            digest = digest_of(password)
            rows = corpus.range(digest[:5])
            assert (digest[5:], count) in rows
            assert rows == sorted(rows)
        assert all(pw not in repr(corpus) for pw in counts)


class BrokenProvider:
    """A provider whose storage fails, like a damaged offline index."""

    mode: HashMode = "sha1"

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """Always fail."""
        raise OSError("index unreadable")


def test_provider_failure_is_a_500_and_the_server_survives() -> None:
    """A provider raising gets the client a 500; the next request is still served."""
    with RangeServer(BrokenProvider()) as server:
        for _ in range(2):
            assert requests.get(f"{server.url}/range/00000", timeout=5).status_code == 500


def test_serve_forever_in_a_thread_of_your_own_and_no_log() -> None:
    """serve_forever() blocks its caller until close(); log_requests=False keeps no log."""
    server = RangeServer.from_passwords({"a": 1}, log_requests=False)
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    try:
        assert requests.get(f"{server.url}/range/00000", timeout=5).status_code == 200
    finally:
        server.close()
        runner.join(timeout=30)
    assert not runner.is_alive()
    assert server.requests == ()


def test_padding_varies_per_answer_and_never_repeats_a_real_suffix() -> None:
    """Padded answers differ in size and rows; padding never reuses a real row's suffix."""
    corpus = {"hunter2": 17}
    with RangeServer.from_passwords(corpus, padding_rows=(200, 400), seed=3) as srv:
        prefix = sha1_digest("hunter2")[:5]
        bodies = [srv.render("sha1", prefix, padded=True)[0].decode() for _ in range(12)]
    sizes = {body.count("\r\n") for body in bodies}
    paddings = {frozenset(line for line in body.split("\r\n")[1:]) for body in bodies}
    assert len(sizes) > 1
    assert len(paddings) == len(bodies)
    for body in bodies:
        lines = body.split("\r\n")
        assert lines[0] == f"{sha1_digest('hunter2')[5:]}:17"
        assert 200 <= len(lines) <= 400
        assert all(line.endswith(":0") and len(line) == 37 for line in lines[1:])
        assert len({line[:35] for line in lines}) == len(lines)


def test_padding_avoids_real_suffixes_that_happen_to_be_in_its_pool() -> None:
    """A real row whose suffix is also a padding candidate is never repeated as padding."""
    first = RangeServer.from_digests({"00000" + "A" * 35: 1}, padding_rows=(50, 50), seed=4)
    pool = first.render("sha1", "00000", padded=True)[0].decode().split("\r\n")[1:]
    first.close()
    clashing = {"00000" + line[:35]: 9 for line in pool[:5]}
    with RangeServer.from_digests(clashing, padding_rows=(50, 50), seed=4) as srv:
        body = srv.render("sha1", "00000", padded=True)[0].decode()
    suffixes = [line[:35] for line in body.split("\r\n")]
    assert len(suffixes) == len(set(suffixes)) == 50
    assert [line for line in body.split("\r\n") if not line.endswith(":0")] == sorted(
        f"{digest[5:]}:9" for digest in clashing
    )
