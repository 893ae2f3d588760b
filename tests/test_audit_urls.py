"""Passwords inside login URLs and ``--range-url`` never reach a report or stderr.

Real-world shape: browsers and password managers save login URLs as typed, credentials and all
(``https://admin:pa/ss@router.example/``), and users paste a mirror's URL with its password
into ``--range-url``. RFC 3986 says ``/``, ``?``, ``#`` and ``@`` must be percent-encoded in
a user name or password; people do not, so the generated credentials here hold any character.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pwhygiene
from pwhygiene import Vault
from pwhygiene._audit.render import table as table_renderer  # the colour variant: no public name
from pwhygiene._audit.urls import display_url, host_of
from pwhygiene._cli import main
from pwhygiene.report import OUTPUT_FORMATS
from pwhygiene.testing import RangeServer
from strategies.audit_vaults import AS_OF, clean_item
from strategies.leaks import Secret, secrets

AS_OF_ARG = ["--as-of", AS_OF.date().isoformat()]
users = st.text(max_size=8)
schemes = st.sampled_from(["https://", "http://", ""])
tails = st.sampled_from(["", "/", "/login?next=/a", "/#top", ":8443/x"])


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa/ss@host/", "https://user/***@host/"),
        ("https://user:pa?ss@host/x", "https://user/***@host/x"),
        ("https://user:pa#ss@host/", "https://user/***@host/"),
        ("https://user:p@ss@host/x?y", "https://***@host/x?y"),
        ("https://user:p@a/ss@host/", "https://***/***@host/"),
        ("user:secret@host/path", "***@host/path"),
        ("https://user:secret@host:8443/", "https://***@host:8443/"),
        ("https://[user:pa/ss@host/", "https://***"),
        ("https://example.org/login", "https://example.org/login"),
        ("https://idp.example/?login_hint=ann@example.org", "https://idp.example/***@example.org"),
    ],
)
def test_urls_are_masked_by_parsing(url: str, shown: str) -> None:
    """Credentials end where the parser says, or at the last ``@`` when it cannot tell."""
    assert display_url(url) == shown


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://user:pa/ss@host.example/", "user"),
        ("https://user:p@a/ss@host.example/", "host.example"),
        ("https://idp.example/?login_hint=ann@example.org", "idp.example"),
        ("https://[unclosed/", None),
    ],
)
def test_the_host_is_never_read_from_inside_a_password(url: str, host: str | None) -> None:
    """A host taken from before a stray ``@`` is at most the user name, never the password."""
    assert host_of(url) == host


def _url(scheme: str, user: str, password: str, tail: str) -> str:
    return f"{scheme}{user}:{password}@site.example{tail}"


def _outputs(report: pwhygiene.AuditReport) -> list[str]:
    texts = [pwhygiene.render(report, fmt) for fmt in OUTPUT_FORMATS]
    return [*texts, table_renderer.render(report, color=True), repr(report)]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(schemes, users, secrets(), tails)
@example("https://", "user", "S3cr3t-pa/ss", "/")
@example("http://", "", "S3cr3t-a?b#c@d:%2F", "")
def test_no_renderer_shows_a_password_from_an_item_url(
    scheme: str, user: str, password: str, tail: str
) -> None:
    """Any characters in the credentials of an item URL: no format shows the password."""
    items = (replace(clean_item(0, 1), urls=(_url(scheme, user, password, tail),)),)
    report = pwhygiene.audit(Vault(items, "generated"), as_of=AS_OF, workers=1)
    Secret(password).assert_absent(_outputs(report), "a rendered report")


def _export(tmp: Path, urls: tuple[str, ...]) -> str:
    """A one-item Bitwarden export (their documented unencrypted JSON) with ``urls``."""
    item = {
        "id": "u1",
        "type": 1,
        "name": "Router",
        "revisionDate": "2026-05-01T08:00:00.000Z",
        "creationDate": "2026-05-01T08:00:00.000Z",
        "deletedDate": None,
        "login": {
            "username": "admin",
            "password": "wX7#qL9v$Rt2&mZp",
            "uris": [{"uri": u} for u in urls],
            "passwordRevisionDate": "2026-05-01T08:00:00.000Z",
        },
    }
    path = tmp / "export.json"
    path.write_text(json.dumps({"encrypted": False, "folders": [], "items": [item]}))
    return str(path)


def _run(argv: list[str]) -> tuple[int, str]:
    """``main(argv)`` with stdout and stderr captured together."""
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(argv)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def range_server() -> Iterator[RangeServer]:
    """One loopback range server for every example (it answers whatever credentials come)."""
    with RangeServer.from_passwords({}) as server:
        yield server


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    user=users,
    password=secrets(file_safe=True),
    tail=tails,
    fmt=st.sampled_from(OUTPUT_FORMATS),
)
@example(user="user", password="S3cr3t-pa/ss", tail="/", fmt="json")
@example(user="user", password="S3cr3t-pa?ss", tail="", fmt="markdown")
def test_the_cli_shows_no_password_from_a_range_url_or_an_item_url(
    range_server: RangeServer,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    user: str,
    password: str,
    tail: str,
    fmt: str,
) -> None:
    """``--range-url`` and item URLs with any credentials: not on stdout, stderr or the label."""
    host = range_server.url.split("://", 1)[1]
    range_url = f"http://{user}:{password}@{host}"
    export = _export(tmp_path_factory.mktemp("u"), (_url("https://", user, password, tail),))
    code, out = _run(["audit", export, "--range-url", range_url, "--output", fmt, *AS_OF_ARG])
    assert code in (0, 1, 2), out
    Secret(password).assert_absent([out], "the CLI's stdout or stderr")


@pytest.mark.parametrize("password", ["S3cr3t-pa/ss", "S3cr3t-pa?ss", "S3cr3t-pa#ss"])
def test_a_range_url_whose_password_hides_its_end_is_refused(password: str) -> None:
    """Such a URL cannot be split without guessing: a usage error (2) that never repeats it."""
    code, out = _run(["audit", "x.json", "--range-url", f"https://u:{password}@mirror.example"])
    assert code == 2
    assert "percent-encode" in out
    assert password not in out


def test_the_report_names_the_mirror_with_its_credentials_masked(
    range_server: RangeServer, tmp_path: Path
) -> None:
    """A usable ``--range-url`` with credentials is labelled ``***@host`` in the report."""
    host = range_server.url.split("://", 1)[1]
    export = _export(tmp_path, ("https://router.example/",))
    url = f"http://mirror-user:S3cr3t-Pw@{host}"
    code, out = _run(["audit", export, "--range-url", url, "--output", "json", *AS_OF_ARG])
    label = json.loads(out.splitlines()[0])["breach"]["label"]
    assert (code, label) == (0, f"Pwned Passwords range API (http://***@{host})")
