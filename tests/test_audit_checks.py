"""The audit checks over generated vaults with planted problems (no zxcvbn, no network)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Finding
from pwhygiene._audit import checks
from pwhygiene._audit.checks import run_checks
from pwhygiene.breach import ntlm_digest, sha1_digest
from pwhygiene.vault import PasswordHistoryEntry, Timestamp
from strategies.audit_vaults import (
    AS_OF,
    MAX_AGE,
    Planted,
    clean_item,
    greek,
    planted_vaults,
    unrelated_strong_item,
)


def _found(plan: Planted) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE):
        out.setdefault(f.item_id, set()).add(f.check)
    return out


def _key(f: Finding) -> tuple[str, str, str, str]:
    return (f.item_id, f.check, f.severity.value, repr(sorted(f.details.items())))


@given(planted_vaults())
def test_every_check_finds_exactly_what_was_planted(plan: Planted) -> None:
    """Each planted problem is found on exactly its items, and nothing else is flagged."""
    assert _found(plan) == plan.expected


@given(planted_vaults(), st.integers(0, 2**40))
def test_adding_an_unrelated_strong_item_changes_no_other_finding(plan: Planted, seed: int) -> None:
    """Metamorphic: an extra clean item leaves every other item's findings untouched."""
    before = run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE)
    plan.items.append(unrelated_strong_item(seed))
    after = run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE)
    assert [_key(f) for f in before] == [_key(f) for f in after]


@given(planted_vaults(), st.integers(0, 2**40))
def test_renaming_items_changes_no_finding(plan: Planted, seed: int) -> None:
    """Metamorphic: new titles (words unrelated to any password) change no finding."""
    before = run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE)
    plan.items = [replace(i, title=greek(seed + n, 9)) for n, i in enumerate(plan.items)]
    after = run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE)
    assert [_key(f) for f in before] == [_key(f) for f in after]


@given(planted_vaults())
def test_no_finding_contains_a_password_or_its_hash(plan: Planted) -> None:
    """Messages and details never carry a password, its SHA-1 or its NTLM hex."""
    text = repr(run_checks(plan.entries(), as_of=AS_OF, max_age_days=MAX_AGE))
    for pw in plan.passwords():
        assert pw not in text
        assert sha1_digest(pw) not in text.upper()
        assert ntlm_digest(pw) not in text.upper()


@given(planted_vaults())
def test_excluded_items_get_no_findings_but_still_count_for_reuse(plan: Planted) -> None:
    """Native exclusions silence an item; the items it shares a password with stay flagged."""
    if not plan.items:
        return
    gone = plan.items[0]
    plan.items[0] = replace(gone, excluded=True)
    found = _found(plan)
    assert gone.id not in found
    for item_id, expected in plan.expected.items():
        if item_id != gone.id and "reused" in expected:
            assert "reused" in found.get(item_id, set())


def test_reuse_groups_are_numbered_in_vault_order_and_name_their_items() -> None:
    """Groups are opaque numbers 1.. in order of first appearance, listing member ids."""
    a, b, c, d = (clean_item(n, n + 100) for n in range(4))
    items = [a, replace(b, password=a.password), c, replace(d, password=c.password)]
    plan = Planted(items)
    groups = checks.reuse_groups(plan.entries())
    assert [(g.group, g.item_ids) for g in groups] == [(1, (a.id, b.id)), (2, (c.id, d.id))]


def test_reuse_with_an_email_account_is_critical() -> None:
    """A password shared with a mailbox is the worst case: critical severity."""
    mail = replace(clean_item(0, 1), title="Gmail", urls=("https://mail.google.com",))
    other = replace(clean_item(1, 2), password=mail.password)
    found = checks.reused(Planted([mail, other]).entries())
    assert {f.severity.value for f in found} == {"critical"}
    assert all(f.details["includes_email_account"] for f in found)


def test_old_says_which_field_it_judged_from_and_skips_unknown_ages() -> None:
    """`old` uses password_changed, else modified, names the field, and ignores no-date items."""
    stamp = Timestamp(AS_OF - timedelta(days=MAX_AGE + 10), "passwordRevisionDate")
    dated = replace(clean_item(0, 1), password_changed=None, modified=stamp)
    undated = replace(clean_item(1, 2), password_changed=None, modified=None)
    found = checks.old(Planted([dated, undated]).entries(), as_of=AS_OF, max_age_days=MAX_AGE)
    assert [f.item_id for f in found] == [dated.id]
    assert found[0].details["judged_from"] == "modified"
    assert found[0].details["export_field"] == "passwordRevisionDate"
    assert found[0].details["age_days"] == MAX_AGE + 10


def test_history_reuse_of_own_history() -> None:
    """Going back to one's own previous password is history reuse."""
    item = clean_item(0, 1)
    item = replace(item, history=(PasswordHistoryEntry(item.password or ""),))
    found = checks.history_reuse(Planted([item]).entries())
    assert [f.details["history_of"] for f in found] == [[item.id]]
    assert "its own history" in found[0].message


def test_insecure_url_ignores_loopback_and_masks_credentials() -> None:
    """http:// to this machine is fine; credentials in a URL are never shown."""
    local = replace(clean_item(0, 1), urls=("http://127.0.0.1:8080/", "http://localhost/"))
    remote = replace(clean_item(1, 2), urls=("http://bob:s3cr3tX@router.test/admin",))
    found = checks.insecure_url(Planted([local, remote]).entries())
    assert [f.item_id for f in found] == [remote.id]
    assert "s3cr3tX" not in repr(found)
    assert "***@router.test" in found[0].message


def test_personal_info_names_what_was_found() -> None:
    """The finding says whether the username, e-mail local part or site name is inside."""
    item = replace(
        clean_item(0, 1),
        title="Example Bank",
        username="jdoe@mail.test",
        password="Jdoe-examplebank-2024",
        urls=("https://www.examplebank.test",),
    )
    (finding,) = checks.personal_info(Planted([item]).entries())
    assert finding.details["contains"] == ["email_local_part", "site_name"]


def test_duplicate_groups_by_registrable_domain_and_username_case_insensitively() -> None:
    """accounts.x.test and login.x.test are one site; usernames compare case-folded."""
    a = replace(clean_item(0, 1), username="Ann", urls=("https://accounts.shop.test/",))
    b = replace(clean_item(1, 2), username="ann", urls=("login.shop.test",))
    c = replace(clean_item(2, 3), username="ann", urls=("https://other.test",))
    found = checks.duplicate(Planted([a, b, c]).entries())
    assert [(f.item_id, f.details["sites"]) for f in found] == [
        (a.id, ["shop.test"]),
        (b.id, ["shop.test"]),
    ]


def test_breach_unknown_is_not_a_finding_and_not_clean() -> None:
    """Unknown breach status produces no finding; it is carried as `unknown`, never clean."""
    item = clean_item(0, 1)
    plan = Planted([item], breach={item.id: ("unknown", None)})
    (entry,) = plan.entries()
    assert checks.breached([entry]) == []
    assert entry.breach_status == "unknown"


FULL_WIDTH_GITHUB = "".join(chr(ord(c) + 0xFEE0) for c in "GitHub")  # U+FF27 ...


@pytest.mark.parametrize(
    ("title", "password"),
    [
        (FULL_WIDTH_GITHUB, "github-Qz8#vLp2"),  # as a CJK input method types it
        ("Router5000", "router!Zq8#vLp2"),  # a model name: word and number run together
    ],
)
def test_site_names_are_read_as_the_strength_checker_reads_user_inputs(
    title: str, password: str
) -> None:
    """Titles go through the strength wing's one tokeniser (NFKC, letter/digit runs split)."""
    item = replace(clean_item(0, 1), title=title, username=None, password=password, urls=())
    (finding,) = checks.personal_info(Planted([item]).entries())
    assert finding.details["contains"] == ["site_name"]


def test_a_bare_number_in_a_title_names_no_site() -> None:
    """The digits of "Router5000" are not a site name: a password holding 5000 is not flagged."""
    item = replace(clean_item(0, 1), title="Router5000", username=None, password="Zq8#5000vLp2xW")
    assert checks.personal_info(Planted([item]).entries()) == []
