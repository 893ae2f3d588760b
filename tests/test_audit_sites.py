"""Which site an item logs in to: the Public Suffix List, IP addresses and loopback names.

The hosts stand for what password managers store as login URLs (sites on shared hosting such
as GitHub Pages or Heroku, country-code second levels, routers by IP address, local
development servers); the suffix rules they exercise are those of publicsuffix.org.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

import pwhygiene
from pwhygiene import Vault
from strategies.audit_vaults import AS_OF, clean_item


def _duplicates(*urls: str, username: str = "ann") -> list[list[str]]:
    """The ``sites`` of each item's ``duplicate`` finding (empty when none), in item order."""
    items = tuple(
        replace(clean_item(n, n + 900), username=username, urls=(url,))
        for n, url in enumerate(urls)
    )
    report = pwhygiene.audit(Vault(items, "generated"), as_of=AS_OF, workers=1)
    return [
        next((list(f.details["sites"]) for f in i.findings if f.check == "duplicate"), [])  # type: ignore[arg-type]
        for i in report.items
    ]


def test_sites_under_a_private_suffix_are_separate() -> None:
    """alice.github.io and bob.github.io are two sites: same username there is no duplicate."""
    assert _duplicates("https://alice.github.io/", "https://bob.github.io/login") == [[], []]
    assert _duplicates("https://one.herokuapp.com", "https://two.herokuapp.com") == [[], []]


def test_one_site_under_a_private_suffix_is_still_one_site() -> None:
    """Two logins on alice.github.io with the same username are a duplicate on that site."""
    found = _duplicates("https://alice.github.io/a", "https://www.alice.github.io/b")
    assert found == [["alice.github.io"], ["alice.github.io"]]


@pytest.mark.parametrize(
    ("first", "second", "site"),
    [
        ("https://accounts.google.com", "https://mail.google.com", "google.com"),
        ("https://www.bbc.co.uk/signin", "https://account.bbc.co.uk", "bbc.co.uk"),
        ("https://shop.example.com.au", "login.example.com.au", "example.com.au"),
        ("https://www.city.kawasaki.jp", "https://city.kawasaki.jp/x", "city.kawasaki.jp"),
    ],
)
def test_country_code_second_levels_group_one_site(first: str, second: str, site: str) -> None:
    """co.uk, com.au and the list's wildcard/exception rules give the registrable domain."""
    assert _duplicates(first, second) == [[site], [site]]


def test_different_registrations_under_one_country_suffix_are_apart() -> None:
    """bbc.co.uk and itv.co.uk are two sites, not one site "co.uk"."""
    assert _duplicates("https://www.bbc.co.uk", "https://www.itv.co.uk") == [[], []]


def test_ip_addresses_are_their_own_sites() -> None:
    """An IP address is a site as a whole: never cut to its last labels ("1.1")."""
    assert _duplicates("http://192.168.1.1/", "https://192.168.1.1:8443/admin") == [
        ["192.168.1.1"],
        ["192.168.1.1"],
    ]
    assert _duplicates("http://192.168.1.1/", "http://10.0.1.1/") == [[], []]
    assert _duplicates("http://[fe80::1]/", "http://[fe80::1]:8080/") == [["fe80::1"], ["fe80::1"]]


def test_loopback_names_and_bare_suffixes_are_their_own_sites() -> None:
    """localhost, a name under it, a single-label host and a bare suffix each name one site."""
    assert _duplicates("http://localhost:3000", "http://localhost:8080") == [
        ["localhost"],
        ["localhost"],
    ]
    assert _duplicates("http://app.localhost", "http://api.localhost") == [[], []]
    assert _duplicates("https://github.io", "https://alice.github.io") == [[], []]
    assert _duplicates("http://intranet/", "http://intranet:81/") == [["intranet"], ["intranet"]]
