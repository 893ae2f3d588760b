"""Data sets (2FA, passkeys, breaches): parsing, verified storage, updates, and honest absence.

Real-world shape: the fixtures in ``tests/fixtures/data`` follow the sources' published API
schemas (see their README); the updater is exercised against a real HTTP server on loopback
and against a mirrored directory, as a team without internet access would use it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._cli import main
from pwhygiene._data import store
from pwhygiene._data.sets import DATA_SETS, parse_breaches, parse_passkeys, parse_two_factor
from pwhygiene._data.store import LoadedDataSet, MissingDataSet, load
from pwhygiene._data.update import update
from pwhygiene.exceptions import DataSetError

FIXTURES = Path(__file__).parent / "fixtures" / "data"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _raw(name: str) -> object:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _user_only(directory: Path) -> tuple[tuple[Path, store.Location], ...]:
    return ((directory, "user"),)


class _Source(BaseHTTPRequestHandler):
    """Serves scripted answers by path and counts requests (a stand-in for the public APIs)."""

    answers: dict[str, tuple[int, bytes]]
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        status, body = self.answers.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read ``hits``."""


@pytest.fixture
def source() -> Iterator[tuple[str, type[_Source]]]:
    """A real HTTP server on 127.0.0.1 serving each fixture at /NAME.json."""
    handler = type(
        "Handler",
        (_Source,),
        {
            "answers": {
                f"/{n}.json": (200, (FIXTURES / f"{n}.json").read_bytes()) for n in DATA_SETS
            },
            "hits": [],
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_two_factor_entries_carry_methods_and_additional_domains() -> None:
    """Oracle: each site maps to its methods, strongest first; contact-only sites are absent."""
    sites = parse_two_factor(_raw("2fa"))
    assert sites["mailbox.example"] == ("Mailbox", ("totp", "u2f", "sms"))
    assert sites["northbank.com"] == sites["northbank.co.uk"] == ("Northbank", ("sms", "call"))
    assert "silentforum.example" not in sites
    assert sites["pages.cloudhost.example"][1] == ("totp",)


def test_passkey_entries_keep_only_sites_that_accept_passkeys() -> None:
    """Oracle: ``passwordless``/``mfa`` per domain; contact-only entries are dropped."""
    sites = parse_passkeys(_raw("passkeys"))
    assert sites == {
        "mailbox.example": ("allowed", "allowed"),
        "shopfront.example": (None, "allowed"),
    }


def test_breaches_drop_fabricated_spam_and_domainless_entries() -> None:
    """Oracle: real breaches by domain with date, classes and verification; the rest dropped."""
    sites = parse_breaches(_raw("breaches"))
    assert set(sites) == {"shopfront.example", "mailbox.example", "northbank.co.uk"}
    name, _title, day, classes, verified = sites["shopfront.example"][0]
    assert (name, day, verified) == ("Shopfront", "2025-03-01", True)
    assert "Passwords" in classes
    assert sites["northbank.co.uk"][0][4] is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_parsers_raise_only_data_set_errors(document: object) -> None:
    """Fuzz: any JSON value gives entries or a DataSetError, never another exception."""
    for parse in (parse_two_factor, parse_passkeys, parse_breaches):
        with contextlib.suppress(DataSetError):
            parse(document)


def test_an_empty_source_is_refused() -> None:
    """An empty list would make every check say "nothing to report": refused."""
    for parse, empty in ((parse_two_factor, []), (parse_passkeys, {}), (parse_breaches, [])):
        with pytest.raises(DataSetError, match="no usable entry"):
            parse(empty)


def test_update_from_a_directory_then_load_with_provenance(tmp_path: Path) -> None:
    """Round trip: ``--from DIR`` stores each set; loading gives the same entries and a record."""
    records = update(source_dir=FIXTURES, target=tmp_path, now=NOW)
    assert [r.name for r in records] == list(DATA_SETS)
    for record in records:
        loaded = load(record.name, _user_only(tmp_path))
        assert isinstance(loaded, LoadedDataSet)
        assert loaded.provenance == record
        assert record.fetched == "2026-12-01T00:00:00+00:00"
        assert record.source.startswith("file://")
        assert dict(loaded.entries) == json.loads(
            json.dumps(DATA_SETS[record.name].parse(_raw(record.name)))
        )
    assert load("passkeys", _user_only(tmp_path)).provenance.licence == "CC BY 4.0"  # type: ignore[union-attr]


def test_update_from_a_server_asks_each_source_once(
    tmp_path: Path, source: tuple[str, type[_Source]]
) -> None:
    """Over real HTTP: one request per data set, and the source URL is recorded."""
    url, handler = source
    urls = {name: f"{url}/{name}.json" for name in DATA_SETS}
    records = update(urls=urls, target=tmp_path, now=NOW)
    assert sorted(handler.hits) == sorted(f"/{name}.json" for name in DATA_SETS)
    assert {r.source for r in records} == set(urls.values())


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (500, b"oops", "HTTP 500"),
        (200, b"<html>portal</html>", "not JSON"),
        (200, b"[]", "no usable entry"),
        (200, b'{"not": "an array"}', "expected a JSON array"),
    ],
)
def test_a_failed_update_keeps_the_previous_copy(
    tmp_path: Path, source: tuple[str, type[_Source]], status: int, body: bytes, problem: str
) -> None:
    """A bad answer is a DataSetError naming the cause; the stored copy is untouched."""
    update(["2fa"], source_dir=FIXTURES, target=tmp_path, now=NOW)
    before = (tmp_path / "2fa.json.gz").read_bytes()
    url, handler = source
    handler.answers["/bad.json"] = (status, body)
    with pytest.raises(DataSetError, match=problem):
        update(["2fa"], urls={"2fa": f"{url}/bad.json"}, target=tmp_path)
    assert (tmp_path / "2fa.json.gz").read_bytes() == before
    assert isinstance(load("2fa", _user_only(tmp_path)), LoadedDataSet)


def test_an_oversized_download_is_refused(
    tmp_path: Path, source: tuple[str, type[_Source]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source sending more than the size bound is refused before it is parsed."""
    from pwhygiene._data import update as update_module  # noqa: PLC0415

    monkeypatch.setattr(update_module, "MAX_DOWNLOAD_BYTES", 100)
    url, _ = source
    with pytest.raises(DataSetError, match="more than 100 bytes"):
        update(["breaches"], urls={"breaches": f"{url}/breaches.json"}, target=tmp_path)
    assert not (tmp_path / "breaches.json.gz").exists()


def test_a_missing_data_set_says_how_to_get_it(tmp_path: Path) -> None:
    """Nothing stored: missing, with the command that fixes it, never an empty data set."""
    state = load("2fa", _user_only(tmp_path))
    assert isinstance(state, MissingDataSet)
    assert "pwhygiene data update" in state.reason


def test_a_damaged_copy_reads_as_missing_not_as_data(tmp_path: Path) -> None:
    """A flipped byte fails the provenance digest: missing, with the reason."""
    update(["breaches"], source_dir=FIXTURES, target=tmp_path, now=NOW)
    data = bytearray((tmp_path / "breaches.json.gz").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "breaches.json.gz").write_bytes(bytes(data))
    state = load("breaches", _user_only(tmp_path))
    assert isinstance(state, MissingDataSet)
    assert "SHA-256" in state.reason


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_data_file_that_is_not_a_regular_file_is_missing(tmp_path: Path, kind: str) -> None:
    """A link to /dev/zero or a FIFO in place of a data file reads as missing, and returns."""
    update(["2fa"], source_dir=FIXTURES, target=tmp_path, now=NOW)
    target = tmp_path / "2fa.json.gz"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    state = load("2fa", _user_only(tmp_path))
    assert isinstance(state, MissingDataSet)
    assert "not a regular file" in state.reason


def test_the_user_copy_takes_precedence_over_the_package_snapshot(tmp_path: Path) -> None:
    """With both present, the user's fresher copy is the one used."""
    package, user = tmp_path / "package", tmp_path / "user"
    update(
        ["2fa"], source_dir=FIXTURES, target=package, now=datetime(2025, 1, 1, tzinfo=timezone.utc)
    )
    update(["2fa"], source_dir=FIXTURES, target=user, now=NOW)
    state = load("2fa", ((user, "user"), (package, "package")))
    assert isinstance(state, LoadedDataSet)
    assert (state.location, state.provenance.fetched[:4]) == ("user", "2026")


def test_cli_lists_missing_sets_then_updates_from_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pwhygiene data`` says MISSING; ``data update --from`` fills the user directory."""
    monkeypatch.setenv("PWHYGIENE_DATA_DIR", str(tmp_path / "data"))
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURES, mirror)
    assert main(["data"]) == 0
    assert capsys.readouterr().out.count("MISSING") == len(DATA_SETS)
    assert main(["data", "update", "--from", str(mirror)]) == 0
    capsys.readouterr()
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    assert "MISSING" not in out
    assert "CC BY 4.0" in out
    assert "MIT" in out


def test_cli_update_rejects_a_bad_url_option(capsys: pytest.CaptureFixture[str]) -> None:
    """``--url`` needs NAME=URL with a known NAME: exit 2 with a message."""
    assert main(["data", "update", "--url", "nope"]) == 2
    assert "NAME=URL" in capsys.readouterr().err


def test_every_data_set_names_its_licence_and_source() -> None:
    """Attribution is part of the data: every set has a licence, an attribution and a URL."""
    for spec in DATA_SETS.values():
        assert spec.licence
        assert spec.attribution
        assert spec.url.startswith("https://")
