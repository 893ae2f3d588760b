"""The fix-first plan in the report: ordered ``actions`` in JSON, "Do these first" up top."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from html import escape as html_escape
from pathlib import Path

import pytest

from pwhygiene import AuditReport, audit
from pwhygiene._audit.render.markdown import escape as markdown_escape
from pwhygiene.report import OutputFormat, render

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-bitwarden.json"
SAMPLE_AS_OF = datetime(2026, 11, 25, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def report() -> AuditReport:
    """The bundled sample (a Bitwarden export with every classic check planted), offline."""
    return audit(SAMPLE, as_of=SAMPLE_AS_OF, workers=1)


def test_json_carries_the_ordered_plan(report: AuditReport) -> None:
    """``actions`` is ranked 1..n, names audited items and the checks behind each action."""
    actions = json.loads(render(report, "json"))["actions"]
    assert len(actions) > 5
    assert [a["rank"] for a in actions] == list(range(1, len(actions) + 1))
    audited = {i.id for i in report.items}
    for action in actions:
        assert set(action) == {"rank", "kind", "item_ids", "checks", "severity", "title", "why"}
        assert set(action["item_ids"]) <= audited
        assert action["checks"]
    assert actions == [a.to_dict() for a in report.actions]
    # The reused group holds the Gmail account: an e-mail account's action comes first.
    assert actions[0]["kind"] == "replace_reused_password"


def test_html_and_markdown_open_with_the_first_five_actions(report: AuditReport) -> None:
    """Both documents show "Do these first" before the findings: five titles, each with why."""
    escapes: dict[OutputFormat, Callable[[str], str]] = {
        "markdown": markdown_escape,
        "html": html_escape,
    }
    cases: tuple[tuple[OutputFormat, str], ...] = (
        ("markdown", "## Findings"),
        ("html", 'id="findings"'),
    )
    for fmt, findings_heading in cases:
        text = render(report, fmt)
        top = text.index("Do these first")
        head = text[top : text.index(findings_heading)]
        for action in report.actions[:5]:
            assert escapes[fmt](action.title) in head, fmt
            assert escapes[fmt](action.why) in head, fmt
        assert escapes[fmt](report.actions[5].title) not in head, fmt


def test_table_prints_the_first_five_actions(report: AuditReport) -> None:
    """The terminal output numbers the first five actions and stops there."""
    text = render(report, "table")
    assert "Do these first" in text
    for action in report.actions[:5]:
        assert f"{action.rank}. " in text
    assert "\n6. " not in text
