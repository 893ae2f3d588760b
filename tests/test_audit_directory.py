"""The directory checks fire exactly where the data sets say so, and never without data.

Real-world shape: planted logins like a real vault's (subdomains of listed sites, a company's
other domains, private-suffix hosts, items with and without TOTP or a passkey, passwords
changed before and after a breach, and exports that carry no change date).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._audit.directory import (
    Directories,
    Login,
    match,
    passkey_available,
    site_breached,
    two_factor_available,
)
from pwhygiene._data.store import LoadedDataSet, Location, MissingDataSet, load
from pwhygiene._data.update import update

FIXTURES = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LoadedDataSet]:
    """The fixture data sets, stored and loaded the way an audit loads them."""
    directory = tmp_path_factory.mktemp("data")
    update(source_dir=FIXTURES, target=directory, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    loaded = {}
    for name in ("2fa", "passkeys", "breaches"):
        state = load(name, ((directory, "user"),))
        assert isinstance(state, LoadedDataSet)
        loaded[name] = state
    return loaded


def login(
    host: str,
    registrable: str | None = None,
    *,
    totp: bool = False,
    passkey: bool = False,
    changed: date | None = None,
    item_id: str = "i1",
) -> Login:
    """A login on ``host`` (its registrable domain defaults to the last two labels)."""
    bound = registrable or ".".join(host.split(".")[-2:])
    return Login(item_id, host, bound, totp, passkey, changed)


def test_match_walks_up_to_the_registrable_domain_and_no_further() -> None:
    """Most specific listed domain wins; nothing above the registrable domain is tried."""
    entries = {"example.co.uk": 1, "aws.example.com": 2, "example.com": 3, "github.io": 4}
    assert match(entries, "mail.example.co.uk", "example.co.uk") == ("example.co.uk", 1)
    assert match(entries, "console.aws.example.com", "example.com") == ("aws.example.com", 2)
    assert match(entries, "www.example.com", "example.com") == ("example.com", 3)
    assert match(entries, "alice.github.io", "alice.github.io") is None
    assert match(entries, "co.uk", "co.uk") is None


@given(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=5))
def test_match_never_returns_a_domain_above_the_bound(labels: list[str]) -> None:
    """Property: a match is the host or one of its parents, never above the registrable one."""
    host = ".".join([*labels, "example", "org"])
    bound = "example.org"
    entries = {"org": "tld", "example.org": "site", host: "host"}
    found = match(entries, host, bound)
    assert found is not None
    assert found[0].endswith(bound)
    assert found == (host, "host")


def test_two_factor_fires_only_without_totp_or_passkey(data: dict[str, LoadedDataSet]) -> None:
    """Listed sites fire for bare logins; a TOTP secret or a passkey silences them."""
    logins = [
        login("accounts.mailbox.example", "mailbox.example", item_id="bare"),
        login("mailbox.example", totp=True, item_id="totp"),
        login("mailbox.example", passkey=True, item_id="passkey"),
        login("unlisted.example", item_id="unlisted"),
        login("silentforum.example", item_id="contact-only"),
    ]
    hits = two_factor_available(logins, data["2fa"])
    assert [h.item_id for h in hits] == ["bare"]
    assert hits[0].strong
    assert hits[0].details["methods"] == ["totp", "u2f", "sms"]


def test_sms_only_sites_are_the_weaker_finding(data: dict[str, LoadedDataSet]) -> None:
    """A site offering only SMS/calls is reported, but not at the strong severity."""
    hits = two_factor_available([login("www.northbank.com", "northbank.com")], data["2fa"])
    assert len(hits) == 1
    assert not hits[0].strong
    assert hits[0].details["sms_only"] is True
    assert "SMS" in hits[0].message


def test_passkey_fires_where_the_site_accepts_one(data: dict[str, LoadedDataSet]) -> None:
    """Passwordless sites are the strong case, MFA-only passkeys the weaker one."""
    logins = [
        login("mailbox.example", item_id="passwordless"),
        login("shopfront.example", item_id="mfa-only"),
        login("shopfront.example", passkey=True, item_id="has-one"),
        login("northbank.co.uk", "northbank.co.uk", item_id="contact-only"),
    ]
    hits = passkey_available(logins, data["passkeys"])
    assert [(h.item_id, h.strong) for h in hits] == [("passwordless", True), ("mfa-only", False)]


def test_a_breach_after_the_change_fires_and_one_before_does_not(
    data: dict[str, LoadedDataSet],
) -> None:
    """Changed before the breach (or unknown): fires; changed after it: silent."""
    logins = [
        login("shopfront.example", changed=date(2024, 12, 1), item_id="before"),
        login("shopfront.example", changed=date(2025, 6, 1), item_id="after"),
        login("shopfront.example", changed=None, item_id="unknown"),
    ]
    hits = site_breached(logins, data["breaches"])
    assert [h.item_id for h in hits] == ["before", "unknown"]
    assert all(h.strong for h in hits)  # passwords were among the data
    assert "2025-03-01" in hits[0].message
    assert "unknown" in hits[1].message


def test_breaches_without_passwords_are_the_weaker_finding(data: dict[str, LoadedDataSet]) -> None:
    """A scrape of names and addresses is worth knowing, at the lower severity."""
    hits = site_breached([login("mailbox.example")], data["breaches"])
    assert [(h.details["breach"], h.strong) for h in hits] == [("MailboxScrape", False)]


def test_unverified_breaches_only_when_asked(data: dict[str, LoadedDataSet]) -> None:
    """HIBP's unverified breaches are left out unless the caller opts in."""
    northbank = [login("northbank.co.uk", "northbank.co.uk")]
    assert site_breached(northbank, data["breaches"]) == []
    opted = site_breached(northbank, data["breaches"], include_unverified=True)
    assert [h.details["verified"] for h in opted] == [False]


def test_missing_data_sets_name_the_checks_that_did_not_run(tmp_path: Path) -> None:
    """No data: every directory check is reported as not run, with the remedy."""
    empty: tuple[tuple[Path, Location], ...] = ((tmp_path, "user"),)
    directories = Directories(load("2fa", empty), load("passkeys", empty), load("breaches", empty))
    assert isinstance(directories.two_factor, MissingDataSet)
    not_run = directories.not_run()
    assert set(not_run) == {"two_factor_available", "passkey_available", "site_breached"}
    assert all("pwhygiene data update" in reason for reason in not_run.values())
    assert directories.used() == []
