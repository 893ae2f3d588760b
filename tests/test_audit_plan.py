"""The fix-first plan: every finding leads to an action, ranked by blast radius.

Real-world shape: a vault where the e-mail account's password is weak, a shopping site's is
breached, three sites share one password, a bank offers 2FA that is not on, and an old
intranet login still uses http://, the mix the health reports of password managers show.
"""

from __future__ import annotations

from typing import cast

from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._audit.plan import PASSWORD_CHECKS, plan
from pwhygiene._audit.report import CheckName, Finding, ItemResult, ReuseGroup, Severity


def item(
    item_id: str, *checks: tuple[str, Severity], email: bool = False, title: str | None = None
) -> ItemResult:
    """An audited item with the given (check, severity) findings."""
    findings = tuple(
        Finding(item_id, cast("CheckName", check), severity, f"{check} finding")
        for check, severity in checks
    )
    return ItemResult(
        id=item_id,
        title=title or item_id,
        username=None,
        urls=(),
        fingerprint=item_id,
        strength=None,
        breach_status="not_checked",
        breach_count=None,
        password_age_days=None,
        reuse_group=None,
        email_account=email,
        findings=findings,
    )


VAULT = [
    item("intranet", ("insecure_url", Severity.MEDIUM)),
    item("bank", ("two_factor_available", Severity.MEDIUM)),
    item("shop", ("breached", Severity.CRITICAL)),
    item("forum", ("reused", Severity.HIGH), ("weak", Severity.HIGH)),
    item("news", ("reused", Severity.HIGH)),
    item("recipes", ("reused", Severity.HIGH)),
    item("mail", ("weak", Severity.HIGH), ("two_factor_available", Severity.MEDIUM), email=True),
    item("photos", ("old", Severity.LOW)),
]
GROUPS = [ReuseGroup(1, ("forum", "news", "recipes"), includes_email_account=False)]


def test_the_plan_ranks_by_blast_radius() -> None:
    """Key accounts, then breached, then reused, then second factors, then housekeeping."""
    actions = plan(VAULT, GROUPS)
    order = [(a.kind, a.item_ids) for a in actions]
    assert order[:2] == [
        ("change_password", ("mail",)),
        ("enable_two_factor", ("mail",)),
    ]
    assert order[2] == ("change_password", ("shop",))
    assert order[3] == ("replace_reused_password", ("forum", "news", "recipes"))
    assert order[4] == ("enable_two_factor", ("bank",))
    assert set(order[5:]) == {("fix_url", ("intranet",)), ("change_password", ("photos",))}
    assert [a.rank for a in actions] == list(range(1, len(actions) + 1))
    assert "reset or unlock" in actions[0].why


def test_a_reuse_group_is_one_action_that_folds_in_its_members_own_findings() -> None:
    """Replacing the shared password fixes the weak one too: one action, both checks."""
    reuse = next(a for a in plan(VAULT, GROUPS) if a.kind == "replace_reused_password")
    assert reuse.checks == ("reused", "weak")
    assert not any(
        a.kind == "change_password" and a.item_ids == ("forum",) for a in plan(VAULT, GROUPS)
    )


def test_a_password_manager_account_counts_as_a_key_account() -> None:
    """The vault's own master account outranks a breached shop."""
    vault = [item("shop", ("breached", Severity.CRITICAL)), item("vault", ("weak", Severity.HIGH))]
    first = plan(vault, [], sites={"vault": "bitwarden.com"})[0]
    assert first.item_ids == ("vault",)


checks = st.sampled_from(
    sorted(
        PASSWORD_CHECKS
        | {"reused", "insecure_url", "duplicate", "two_factor_available", "passkey_available"}
    )
)
severities = st.sampled_from(list(Severity))
items_strategy = st.lists(
    st.tuples(st.lists(st.tuples(checks, severities), max_size=4), st.booleans()),
    max_size=8,
).map(lambda drawn: [item(f"i{n}", *found, email=email) for n, (found, email) in enumerate(drawn)])


@given(items_strategy)
def test_every_finding_leads_to_an_action_for_its_item(vault: list[ItemResult]) -> None:
    """Nothing is dropped: each finding's check appears in an action naming its item."""
    groups = [ReuseGroup(1, tuple(i.id for i in vault[:2]), False)] if len(vault) >= 2 else []
    actions = plan(vault, groups)
    for result in vault:
        for finding in result.findings:
            if (
                finding.check == "reused" and result.id not in groups[0].item_ids
                if groups
                else True
            ):
                continue  # a "reused" finding outside any group has no group to act on
            assert any(result.id in a.item_ids and finding.check in a.checks for a in actions)


@given(items_strategy, st.randoms())
def test_the_plan_does_not_depend_on_vault_order(vault: list[ItemResult], rng: object) -> None:
    """Metamorphic: shuffling the items gives the same ranked actions."""
    shuffled = list(vault)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert plan(vault, []) == plan(shuffled, [])
