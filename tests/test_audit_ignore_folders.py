"""Ignore rules by folder/group (and its subfolders) and check, and their own HTML section."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from pwhygiene import Vault, audit
from pwhygiene._audit.ignore import parse_ignore
from pwhygiene.exceptions import IgnoreFileError
from pwhygiene.report import render
from strategies.audit_vaults import AS_OF, clean_item

# KeePass/KeePassXC groups and Bitwarden folders reach the model as "/"-joined paths; a
# LastPass grouping nests with "\".
FOLDERS = ("Shared/Family", "Shared/Family/Bank", "Shared\\Family\\Kids", "Shared/Familyish", None)


def vault() -> Vault:
    """One plain-http login per folder, so each has exactly one ``insecure_url`` finding."""
    items = [
        replace(clean_item(n, 1000 + n), folder=folder, urls=(f"http://site{n}.test/login",))
        for n, folder in enumerate(FOLDERS)
    ]
    return Vault(tuple(items), "generated")


def rules(folder: str, check: str, expires: str | None = None) -> str:
    """An ignore file (JSON) with one folder rule."""
    entry = {"folder": folder, "check": check, "reason": "reviewed by hand"}
    if expires is not None:
        entry["expires"] = expires
    return json.dumps({"version": 1, "ignore": [entry]})


def waived_folders(text: str) -> set[str | None]:
    """The folders of the items whose findings the rule suppressed."""
    report = audit(vault(), as_of=AS_OF, ignore=parse_ignore(text), workers=1)
    by_id = {f"item-{n:04d}": folder for n, folder in enumerate(FOLDERS)}
    return {by_id[s.finding.item_id] for s in report.suppressed}


def test_a_folder_rule_covers_the_folder_and_its_subfolders_only() -> None:
    """Shared/Family waives itself and below (either separator), not Shared/Familyish."""
    assert waived_folders(rules("Shared/Family", "insecure_url")) == {
        "Shared/Family",
        "Shared/Family/Bank",
        "Shared\\Family\\Kids",
    }


def test_a_folder_rule_waives_only_its_check() -> None:
    """A folder rule for another check leaves the folder's findings reported."""
    assert waived_folders(rules("Shared/Family", "old")) == set()
    assert waived_folders(rules("Shared/Family/Bank", "*")) == {"Shared/Family/Bank"}


def test_an_expired_folder_rule_no_longer_applies_and_says_so() -> None:
    """After its expiry the folder's findings come back, with a warning naming the folder."""
    expired = (AS_OF.date().replace(year=AS_OF.year - 1)).isoformat()
    report = audit(
        vault(),
        as_of=AS_OF,
        ignore=parse_ignore(rules("Shared/Family", "*", expires=expired)),
        workers=1,
    )
    assert report.suppressed == ()
    assert any("folder 'Shared/Family'" in w for w in report.warnings)
    assert parse_ignore(rules("Shared", "*", "2027-01-31")).rules[0].expires == date(2027, 1, 31)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"check": "old", "reason": "r"}, "exactly one of item and folder"),
        ({"item": "x", "folder": "F", "check": "old", "reason": "r"}, "exactly one of"),
        ({"folder": "/", "check": "old", "reason": "r"}, "ignore[0].folder"),
        ({"folder": "F", "check": "wek", "reason": "r"}, "ignore[0].check"),
    ],
)
def test_bad_folder_rules_name_the_entry(entry: dict[str, str], message: str) -> None:
    """A rule with neither or both of item/folder, or an empty folder, is refused saying where."""
    with pytest.raises(IgnoreFileError, match=re.escape(message)):
        parse_ignore(json.dumps({"ignore": [entry]}))


def test_html_lists_ignored_findings_in_their_own_section() -> None:
    """The HTML has an "Ignored" section naming each waived item, check, reason and expiry."""
    report = audit(
        vault(),
        as_of=AS_OF,
        ignore=parse_ignore(rules("Shared/Family/Bank", "*", "2099-12-31")),
        workers=1,
    )
    html = render(report, "html")
    section = html[html.index('id="suppressed"') :]
    section = section[: section.index("</section>")]
    waived = report.item("item-0001")
    assert waived.title in section
    assert "insecure_url" in section
    assert "reviewed by hand" in section
    assert "2099-12-31" in section
    assert report.item("item-0000").title not in section
