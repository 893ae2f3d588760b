"""The 0-100 score: bounds, monotonicity and the e-mail blast radius."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Finding, Severity
from pwhygiene._audit.report import CHECKS, ItemResult, summarize

severities = st.sampled_from(list(Severity))


def _item(n: int, email: bool, found: list[Severity]) -> ItemResult:
    return ItemResult(
        id=f"i{n}",
        title=f"t{n}",
        username=None,
        urls=(),
        fingerprint=f"fp-{n}",
        strength=None,
        breach_status="not_checked",
        breach_count=None,
        password_age_days=None,
        reuse_group=None,
        email_account=email,
        findings=tuple(
            Finding(f"i{n}", CHECKS[k % len(CHECKS)], s, "m") for k, s in enumerate(found)
        ),
    )


items = st.lists(
    st.tuples(st.booleans(), st.lists(severities, max_size=4)), min_size=1, max_size=8
).map(lambda rows: [_item(n, email, found) for n, (email, found) in enumerate(rows)])


def _score(rows: list[ItemResult]) -> int:
    return summarize(rows, items_total=len(rows), items_excluded=0, suppressed=0).score


@given(items)
def test_score_is_between_0_and_100_and_100_only_without_weighted_findings(
    rows: list[ItemResult],
) -> None:
    """0 <= score <= 100; a vault without findings (or only info) scores 100."""
    score = _score(rows)
    assert 0 <= score <= 100
    if all(f.severity is Severity.INFO for r in rows for f in r.findings):
        assert score == 100


@given(items, st.data())
def test_an_extra_finding_never_raises_the_score(
    rows: list[ItemResult], data: st.DataObject
) -> None:
    """Monotonic: adding a finding to any item cannot make the vault look healthier."""
    k = data.draw(st.integers(0, len(rows) - 1))
    extra = Finding(rows[k].id, "weak", data.draw(severities), "m")
    worse = [*rows[:k], replace(rows[k], findings=(*rows[k].findings, extra)), *rows[k + 1 :]]
    assert _score(worse) <= _score(rows)


def test_the_same_finding_costs_more_on_an_email_account() -> None:
    """Blast radius: a critical finding on a mailbox lowers the score more than elsewhere."""
    clean = [_item(n, False, []) for n in range(4)]
    on_mail = [_item(9, True, [Severity.CRITICAL]), *clean]
    elsewhere = [_item(9, False, [Severity.CRITICAL]), *clean]
    assert _score(on_mail) < _score(elsewhere) < 100
    assert _score(elsewhere) == round(100 * (1 - 0.9 / 5))
    assert _score(on_mail) == round(100 * (1 - 3 * 0.9 / 7))
