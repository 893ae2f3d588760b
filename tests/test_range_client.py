"""RangeClient against the real loopback server: privacy, correctness, retries, concurrency."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import BreachSource, RangeClient, __version__
from pwhygiene._breach.range import fetch as range_fetch
from pwhygiene._breach.source import HashMode
from pwhygiene.breach import ntlm_digest, sha1_digest
from pwhygiene.exceptions import BadRangeResponse, BreachServiceUnavailable, InvalidInput
from pwhygiene.testing import FaultKind, RangeServer
from range_clients import HANG_TIMEOUT, PATIENT_TIMEOUT, fast_client
from strategies.range_bodies import suffixes

PREFIX_PATH = re.compile(r"/range/[0-9A-F]{5}")
passwords = st.text(min_size=1, max_size=24)
# Secrets carry a marker no output can contain by accident ("HTTP:/" is a valid password).
secrets_ = st.text(max_size=24).map("\u00a7".__add__)


class MutableCorpus:
    """A provider the tests fill as they go, so one server can serve many examples."""

    def __init__(self, mode: HashMode) -> None:
        self.mode: HashMode = mode
        self.rows: dict[str, dict[str, int]] = {}

    def add(self, digest: str, count: int) -> None:
        """Hold ``digest`` with ``count`` (0 makes a row that looks like padding)."""
        self.rows.setdefault(digest[:5], {})[digest[5:]] = count

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """The sorted rows under ``prefix``."""
        return sorted(self.rows.get(prefix, {}).items())


@pytest.fixture(scope="module")
def corpora() -> Iterator[tuple[RangeServer, MutableCorpus, MutableCorpus]]:
    """A padded SHA-1 + NTLM server over mutable corpora, shared by the property tests."""
    sha1, ntlm = MutableCorpus("sha1"), MutableCorpus("ntlm")
    with RangeServer(sha1, ntlm, padding_rows=(10, 40), seed=11) as server:
        yield server, sha1, ntlm


@given(st.dictionaries(passwords, st.integers(1, 10**9), max_size=6), passwords)
def test_counts_equal_the_corpus_in_both_modes(
    corpora: tuple[RangeServer, MutableCorpus, MutableCorpus],
    counts: dict[str, int],
    absent: str,
) -> None:
    """Oracle: every password's count is what the server holds; an unknown one counts 0."""
    server, sha1, ntlm = corpora
    for password, count in counts.items():
        sha1.add(sha1_digest(password), count)
        ntlm.add(ntlm_digest(password), count)
    other = sha1_digest(absent)
    held = sha1.rows.get(other[:5], {}).get(other[5:], 0)  # 0 unless an example added it
    with fast_client(server.url, cache=False) as client:
        many = client.count_many(sha1_digest(pw) for pw in counts)
        assert many == {sha1_digest(pw): n for pw, n in counts.items()}
        assert client.count(other.lower()) == held
    with fast_client(server.url, mode="ntlm", cache=False) as client:
        for password, count in counts.items():
            assert client.count(ntlm_digest(password)) == count


@given(st.lists(secrets_, min_size=1, max_size=5), st.sampled_from(["sha1", "ntlm"]))
def test_only_five_hex_prefixes_ever_leave(
    corpora: tuple[RangeServer, MutableCorpus, MutableCorpus], secrets: list[str], mode: HashMode
) -> None:
    """The request log holds 5-hex prefixes only: never a password, a digest or a suffix."""
    server, _, _ = corpora
    server.clear_log()
    digest_of = sha1_digest if mode == "sha1" else ntlm_digest
    digests = [digest_of(pw) for pw in secrets]
    with fast_client(server.url, mode=mode, cache=False) as client:
        client.count_many(digests)
        client.count(digests[0])
    logged = server.requests
    assert {r.prefix for r in logged} == {d[:5] for d in digests}
    for request in logged:
        assert PREFIX_PATH.fullmatch(request.path)
        assert request.query == ("mode=ntlm" if mode == "ntlm" else "")
        assert request.header("Add-Padding") == "true"
        assert request.header("User-Agent") == f"pwhygiene/{__version__}"
        seen = (request.path + request.query + repr(request.headers)).upper()
        for password, digest in zip(secrets, digests, strict=True):
            assert digest[5:] not in seen
            assert digest[4:] not in seen
            assert password.upper() not in seen


@given(st.lists(suffixes("sha1"), min_size=1, max_size=20, unique=True), st.data())
def test_padding_rows_never_produce_a_hit(
    corpora: tuple[RangeServer, MutableCorpus, MutableCorpus],
    zero_suffixes: list[str],
    data: st.DataObject,
) -> None:
    """Rows with count 0 (what padding looks like) always answer 0, never a count."""
    server, sha1, _ = corpora
    prefix = data.draw(st.integers(0, 16**5 - 1).map(lambda n: f"{n:05X}"))
    for suffix in zero_suffixes:
        sha1.add(prefix + suffix, 0)
    with fast_client(server.url, cache=False) as client:
        answers = client.count_many(prefix + suffix for suffix in zero_suffixes)
    assert set(answers.values()) == {0}


def test_count_many_dedups_prefixes_and_keeps_input_order() -> None:
    """Digests sharing a prefix cost one request; keys are upper-cased, in input order."""
    a, b, c = "ABCDE" + "1" * 35, "ABCDE" + "2" * 35, "01234" + "F" * 35
    with RangeServer.from_digests({a: 3, c: 9}) as server, fast_client(server.url) as client:
        result = client.count_many([c.lower(), a, b, a.lower()])
        assert list(result.items()) == [(c, 9), (a, 3), (b, 0)]
        assert sorted(r.prefix or "" for r in server.requests) == ["01234", "ABCDE"]
        assert client.count_many([]) == {}


def test_padding_can_be_turned_off() -> None:
    """padding=False sends no Add-Padding header."""
    with RangeServer.from_passwords({"x": 1}) as server:
        with fast_client(server.url, padding=False) as client:
            client.count(sha1_digest("x"))
        assert server.requests[0].header("Add-Padding") is None


FAULT_ERRORS: list[tuple[FaultKind, type[Exception]]] = [
    ("server_error", BreachServiceUnavailable),
    ("unavailable", BreachServiceUnavailable),
    ("rate_limited", BreachServiceUnavailable),
    ("reset", BreachServiceUnavailable),
    ("hang", BreachServiceUnavailable),
    ("truncated", BadRangeResponse),
    ("html", BadRangeResponse),
    ("redirect", BadRangeResponse),
    ("garbage", BadRangeResponse),
]


@pytest.mark.parametrize(("fault", "error"), FAULT_ERRORS)
def test_each_fault_is_retried_to_the_right_answer(
    fault: FaultKind, error: type[Exception]
) -> None:
    """One fault of each kind is retried and the count comes out right."""
    with RangeServer.from_passwords({"hunter2": 17}, padding_rows=(50, 80)) as server:
        server.inject(fault)
        # The retry after a hang must not time out too, so its read timeout is a full second.
        timeout = (2.0, 1.0) if fault == "hang" else PATIENT_TIMEOUT
        with fast_client(server.url, timeout=timeout) as client:
            assert client.count(sha1_digest("hunter2")) == 17
        assert [r.fault for r in server.requests] == [fault, None]


@pytest.mark.parametrize(("fault", "error"), FAULT_ERRORS)
def test_persistent_faults_raise_never_zero(fault: FaultKind, error: type[Exception]) -> None:
    """When every attempt fails the caller gets the matching error, not a count of 0."""
    with RangeServer.from_passwords(
        {"hunter2": 17}, fault_rate=1.0, fault_kinds=[fault], padding_rows=(50, 80)
    ) as server:
        client = fast_client(server.url, retries=2, timeout=HANG_TIMEOUT)
        with client, pytest.raises(error) as info:
            client.count(sha1_digest("hunter2"))
        assert len(server.requests) == 3
    assert "3 attempts" in str(info.value)
    assert sha1_digest("hunter2")[:5] not in str(info.value)


def test_retry_after_beyond_the_cap_fails_at_once() -> None:
    """A 429 asking for longer than max_retry_after is reported now rather than waited out."""
    with RangeServer.from_passwords({"a": 1}, retry_after=120) as server:
        server.inject("rate_limited")
        client = fast_client(server.url, max_retry_after=60)
        with client, pytest.raises(BreachServiceUnavailable, match="wait 120 s"):
            client.count(sha1_digest("a"))
        assert len(server.requests) == 1


def test_client_errors_are_not_retried() -> None:
    """A 404 (wrong base_url) is a BadRangeResponse at once: retrying cannot fix it."""
    with RangeServer.from_passwords({"a": 1}) as server:
        with (
            fast_client(server.url + "/v2") as client,
            pytest.raises(BadRangeResponse, match="404"),
        ):
            client.count(sha1_digest("a"))
        assert len(server.requests) == 1


def test_connection_refused_is_unavailable() -> None:
    """Nothing listening: BreachServiceUnavailable after the budget."""
    server = RangeServer.from_passwords({"a": 1})
    url = server.url
    server.close()
    with fast_client(url, retries=1) as client, pytest.raises(BreachServiceUnavailable):
        client.count(sha1_digest("a"))


def test_iter_counts_reports_unknowns_and_keeps_the_rest() -> None:
    """A prefix that fails yields count None with its error; the others still arrive."""
    counts = {"alpha": 1, "bravo": 2, "charlie": 3}
    with RangeServer.from_passwords(counts) as server:
        server.inject("unavailable")
        with fast_client(server.url, retries=0, max_workers=1) as client:
            results = list(client.iter_counts(sha1_digest(pw) for pw in counts))
    failed = [r for r in results if r.error is not None]
    assert len(results) == 3
    assert len(failed) == 1
    assert failed[0].count is None
    assert isinstance(failed[0].error, BreachServiceUnavailable)
    by_digest = {sha1_digest(pw): n for pw, n in counts.items()}
    assert all(r.count == by_digest[r.digest] for r in results if r.error is None)
    assert failed[0].digest not in repr(failed[0])


def test_count_many_raises_when_a_prefix_stays_unknown() -> None:
    """count_many never fills an unknown with 0: it raises."""
    with RangeServer.from_passwords({"alpha": 1, "bravo": 2}) as server:
        server.inject("html")
        client = fast_client(server.url, retries=0, max_workers=1)
        with client, pytest.raises(BadRangeResponse):
            client.count_many([sha1_digest("alpha"), sha1_digest("bravo")])


@pytest.mark.parametrize("bad", ["", "xyz", "A" * 39, "G" * 40, "A" * 32])
def test_invalid_digests_raise_before_any_request(bad: str) -> None:
    """A malformed digest is InvalidInput (a ValueError) and nothing is sent."""
    with RangeServer.from_passwords({"a": 1}) as server, fast_client(server.url) as client:
        with pytest.raises(InvalidInput):
            client.count(bad)
        with pytest.raises(ValueError, match="40-character"):
            client.count_many([sha1_digest("a"), bad])
        assert server.requests == ()


def test_constructor_rejects_bad_configuration() -> None:
    """Bad URLs, modes and sizes are InvalidInput."""
    for kwargs in ({"base_url": "ftp://x"}, {"mode": "md5"}, {"max_workers": 0}, {"retries": -1}):
        with pytest.raises(InvalidInput):
            RangeClient(**kwargs)


def test_cache_answers_repeats_without_requests() -> None:
    """A fresh cached prefix is not fetched again; cache=False fetches every time."""
    with RangeServer.from_passwords({"a": 1}) as server:
        with fast_client(server.url) as client:
            assert [client.count(sha1_digest("a")) for _ in range(3)] == [1, 1, 1]
        assert len(server.requests) == 1
        with fast_client(server.url, cache=False) as client:
            assert [client.count(sha1_digest("a")) for _ in range(2)] == [1, 1]
        assert len(server.requests) == 3


def test_caller_session_is_used_and_left_open() -> None:
    """A session passed in carries the requests and is not closed with the client."""
    with RangeServer.from_passwords({"a": 1}) as server, requests.Session() as session:
        session.headers["X-Probe"] = "yes"
        with fast_client(server.url, session=session) as client:
            client.count(sha1_digest("a"))
        assert server.requests[0].header("X-Probe") == "yes"
        assert session.get(server.url + "/range/00000", timeout=5).status_code == 200


def test_proxy_from_the_environment_carries_every_batch_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTP_PROXY is honoured for single lookups and batches (settings resolved per batch)."""
    with RangeServer.from_passwords({"a": 3, "b": 5}) as proxy:
        for name in ("HTTP_PROXY", "http_proxy"):  # urllib prefers the lower-case one
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        # The host does not exist: only a proxy can answer for it.
        with fast_client("http://range.pwhygiene.invalid") as client:
            assert client.count(sha1_digest("a")) == 3
            assert client.count_many([sha1_digest("a"), sha1_digest("b")]) == {
                sha1_digest("a"): 3,
                sha1_digest("b"): 5,
            }
        assert {r.header("Host") for r in proxy.requests} == {"range.pwhygiene.invalid"}
        assert all(r.prefix for r in proxy.requests)


def test_caller_session_proxies_and_auth_apply_to_batches() -> None:
    """A caller's session settings (proxies, auth) reach every request of a batch."""
    digests = [sha1_digest(str(k)) for k in range(20)]
    with RangeServer.from_passwords({"1": 1}) as proxy, requests.Session() as session:
        session.trust_env = False
        session.proxies = {"http": proxy.url}
        session.auth = ("team", "mirror-token")
        with fast_client("http://mirror.pwhygiene.invalid", session=session) as client:
            counts = client.count_many(digests)
        assert counts[sha1_digest("1")] == 1
        assert sum(counts.values()) == 1
        requests_seen = proxy.requests
        assert len(requests_seen) == len({d[:5] for d in digests})
        assert all((r.header("Authorization") or "").startswith("Basic ") for r in requests_seen)
        assert {r.header("Host") for r in requests_seen} == {"mirror.pwhygiene.invalid"}


def test_closed_client_refuses_work() -> None:
    """After close() lookups raise RuntimeError instead of silently reopening."""
    client = RangeClient("http://127.0.0.1:9")
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.count(sha1_digest("a"))
    with pytest.raises(RuntimeError, match="closed"):
        client.count_many([sha1_digest("a")])


def test_client_is_a_breach_source() -> None:
    """RangeClient satisfies the BreachSource protocol shared with the offline index."""
    with RangeClient() as client:
        assert isinstance(client, BreachSource)
        assert "RangeClient(" in repr(client)


def test_one_client_shared_across_threads() -> None:
    """Eight threads sharing one client (count and count_many) all get correct answers."""
    counts = {f"shared-{i}": i + 1 for i in range(120)}
    expected = {sha1_digest(pw): n for pw, n in counts.items()}
    digests = list(expected)
    failures: list[BaseException] = []
    with (
        RangeServer.from_passwords(counts, padding_rows=(5, 10), fault_rate=0.05, seed=5) as srv,
        fast_client(srv.url, max_workers=4) as client,
    ):

        def work(offset: int) -> None:
            try:
                mine = digests[offset::8]
                assert client.count_many(mine) == {d: expected[d] for d in mine}
                assert all(client.count(d) == expected[d] for d in mine[:5])
            except BaseException as exc:  # reported to the main thread
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_default_budget_survives_five_percent_faults_on_3000_hashes() -> None:
    """With the default retry budget, 5 % random faults of every kind leave no digest unanswered."""
    counts = {f"batch-{i}": i % 97 + 1 for i in range(3000)}
    with RangeServer.from_passwords(counts, padding_rows=(0, 0), fault_rate=0.05, seed=2024) as srv:
        # Hangs must time out, yet a slow machine must not turn good answers into faults.
        with fast_client(srv.url, timeout=(2.0, 1.0)) as client:
            answers = client.count_many(sha1_digest(pw) for pw in counts)
        faults = [r.fault for r in srv.requests if r.fault is not None]
    assert answers == {sha1_digest(pw): n for pw, n in counts.items()}
    assert len(faults) > 100


@pytest.mark.online
def test_real_api_knows_password() -> None:
    """Against the real service: 'password' is breached in SHA-1 and NTLM mode (online only)."""
    with RangeClient() as client:
        assert client.count(sha1_digest("password")) > 1000
    with RangeClient(mode="ntlm") as client:
        assert client.count(ntlm_digest("password")) > 1000


@given(st.lists(secrets_, min_size=1, max_size=3), st.sampled_from(FAULT_ERRORS))
def test_errors_and_reprs_never_contain_a_secret(
    secrets: list[str], fault_error: tuple[FaultKind, type[Exception]]
) -> None:
    """Messages, reprs and chained causes name no password, digest, suffix or even prefix."""
    fault, _ = fault_error
    digests = [sha1_digest(pw) for pw in secrets]
    with (
        RangeServer.from_passwords(
            dict.fromkeys(secrets, 5), fault_rate=1.0, fault_kinds=[fault], hang_seconds=5
        ) as server,
        fast_client(server.url, retries=0, timeout=(2.0, 0.05)) as client,
    ):
        answers = list(client.iter_counts(digests))
        outputs = [repr(client), repr(server), *(repr(a) for a in answers)]
        for answer in answers:
            assert answer.error is not None
            outputs += [str(answer.error), repr(answer.error)]
    text = "\n".join(outputs).upper()
    for password, digest in zip(secrets, digests, strict=True):
        assert digest[:5] not in text
        assert password.upper() not in text


def test_redirects_are_not_followed() -> None:
    """A 302 (captive portal) is a bad response; the prefix is never taken to another host."""
    with RangeServer.from_passwords({"a": 1}, fault_rate=1.0, fault_kinds=["redirect"]) as server:
        client = fast_client(server.url, retries=1)
        with client, pytest.raises(BadRangeResponse, match="redirect"):
            client.count(sha1_digest("a"))
        assert len(server.requests) == 2


def test_oversized_bodies_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A body beyond MAX_BODY_BYTES is not read to the end but rejected as a bad response."""
    monkeypatch.setattr(range_fetch, "MAX_BODY_BYTES", 1000)
    with RangeServer.from_passwords({"a": 1}, padding_rows=(100, 100)) as server:
        client = fast_client(server.url, retries=0)
        with client, pytest.raises(BadRangeResponse, match="larger than 1000 bytes"):
            client.count(sha1_digest("a"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 0 ", 0.0),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: retry now
    ],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    """Retry-After is read as delay-seconds or an HTTP date; anything else is ignored."""
    assert range_fetch._retry_after(header) == expected


def test_retry_after_http_date_in_the_future() -> None:
    """An HTTP-date Retry-After becomes the seconds until that date."""
    future = datetime.now(timezone.utc) + timedelta(seconds=90)
    wait = range_fetch._retry_after(format_datetime(future, usegmt=True))
    assert wait is not None
    assert 60 < wait <= 90


def test_close_interrupts_a_retry_backoff() -> None:
    """Closing the client makes a lookup waiting out a long backoff fail promptly."""
    with RangeServer.from_passwords(
        {"a": 1}, fault_rate=1.0, fault_kinds=["unavailable"]
    ) as server:
        client = RangeClient(server.url, backoff=600, max_backoff=600, retries=3)
        errors: list[BaseException] = []

        def lookup() -> None:
            try:
                client.count(sha1_digest("a"))
            except BreachServiceUnavailable as exc:
                errors.append(exc)

        worker = threading.Thread(target=lookup)
        worker.start()
        while not server.requests:
            threading.Event().wait(0.01)
        client.close()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert len(errors) == 1
    assert "closed" in str(errors[0])


def test_closing_mid_batch_turns_queued_lookups_into_errors() -> None:
    """Lookups still queued when the client closes are reported unknown, never 0."""
    counts = {f"queued-{i}": i + 1 for i in range(12)}
    # 100 ms per answer: the 11 queued lookups need 1.1 s, so even a stalled CI machine
    # closes the client before the queue drains.
    with RangeServer.from_passwords(counts, latency_ms=100) as server:
        client = fast_client(server.url, max_workers=1)
        stream = client.iter_counts(sha1_digest(pw) for pw in counts)
        first = next(stream)
        client.close()
        rest = list(stream)
    assert first.error is None
    assert len(rest) == len(counts) - 1
    unknown = [r for r in rest if r.error is not None]
    assert unknown
    assert all(r.count is None and "closed" in str(r.error) for r in unknown)


@pytest.fixture(scope="module")
def corrupting() -> Iterator[tuple[RangeServer, MutableCorpus]]:
    """A server that corrupts 40 % of its answers, over a corpus the test fills."""
    corpus = MutableCorpus("sha1")
    kinds: list[FaultKind] = ["truncated", "html", "garbage", "redirect"]
    with RangeServer(
        corpus, padding_rows=(10, 30), fault_rate=0.4, fault_kinds=kinds, seed=9
    ) as server:
        yield server, corpus


@given(st.dictionaries(secrets_, st.integers(1, 10**7), min_size=1, max_size=6))
def test_corrupted_answers_never_become_a_wrong_count(
    corrupting: tuple[RangeServer, MutableCorpus], counts: dict[str, int]
) -> None:
    """Each lookup through a corrupting server is right or a BadRangeResponse, never wrong."""
    server, corpus = corrupting
    for password, count in counts.items():
        corpus.add(sha1_digest(password), count)
    with fast_client(server.url, retries=1, cache=False) as client:
        for answer in client.iter_counts(sha1_digest(pw) for pw in counts):
            if answer.error is None:
                assert answer.count == corpus.rows[answer.digest[:5]][answer.digest[5:]]
            else:
                assert isinstance(answer.error, BadRangeResponse)
                assert answer.count is None


def test_tls_failures_are_not_retried_and_say_so() -> None:
    """A TLS failure (here: https:// to a plain-HTTP server) fails at once with a hint."""
    with RangeServer.from_passwords({"a": 1}) as server:
        https_url = server.url.replace("http://", "https://")
        client = fast_client(https_url, retries=5, backoff=600)
        with client, pytest.raises(BreachServiceUnavailable, match="TLS"):
            client.count(sha1_digest("a"))
