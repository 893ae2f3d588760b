"""Every renderer: no secret in any output, item text escaped, formats well-formed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pwhygiene
from pwhygiene import AuditReport, Vault, audit, render
from pwhygiene._audit.render import table as table_renderer  # the colour variant: no public name
from pwhygiene._data.update import update
from pwhygiene.breach import ntlm_digest, sha1_digest
from pwhygiene.exceptions import InvalidInput
from pwhygiene.report import OUTPUT_FORMATS, SCHEMA_VERSION, CheckName, iter_render
from strategies.audit_vaults import AS_OF, Planted, clean_item, planted_vaults

CHECKS = get_args(CheckName)
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-bitwarden.json"
SAMPLE_AS_OF = datetime(2026, 11, 25, tzinfo=timezone.utc)
DATA_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
HOSTILE = '<script>alert("x")</script> | [link](http://evil.test) **b** `c` \x1b[31mred & ok'


def _outputs(report: AuditReport) -> dict[str, str]:
    out: dict[str, str] = {fmt: render(report, fmt) for fmt in OUTPUT_FORMATS}
    out["table-color"] = table_renderer.render(report, color=True)
    out["repr"] = repr(report)
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory-check data sets of tests/fixtures/data (our own fictional sites)."""
    directory = tmp_path_factory.mktemp("data")
    update(source_dir=DATA_FIXTURES, target=directory)
    return directory


@settings(max_examples=15)
@given(planted_vaults(max_clean=3), st.booleans())
def test_no_renderer_ever_contains_a_password_or_its_full_hash(
    data_dir: Path, plan: Planted, with_data: bool
) -> None:
    """Every output, with the plan, directory findings, data sets or checks not run: no secret."""
    first, *rest = plan.vault.items
    listed = replace(first, urls=("https://shopfront.example/login",))  # every directory check
    vault = Vault((listed, *rest), plan.vault.source_format)
    report = audit(
        vault, as_of=AS_OF, workers=1, data_dir=data_dir if with_data else "/nonexistent"
    )
    assert report.actions or not with_data  # the listed site always gives one
    assert bool(report.data_sets) is with_data
    assert bool(report.checks_not_run) is not with_data
    secrets = plan.passwords()
    for name, text in _outputs(report).items():
        upper = text.upper()
        for pw in secrets:
            assert pw not in text, name
            assert sha1_digest(pw) not in upper, name
            assert ntlm_digest(pw) not in upper, name


@pytest.fixture(scope="module")
def sample_report() -> AuditReport:
    """The bundled sample, audited offline on a fixed date."""
    return audit(SAMPLE, as_of=SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def hostile_report() -> AuditReport:
    """A vault whose item texts try to inject markup into every format."""
    a = replace(clean_item(0, 1), title=HOSTILE, username=HOSTILE, urls=("http://x.test/<b>",))
    b = replace(clean_item(1, 2), title=HOSTILE, password=a.password)
    return audit(Vault((a, b), "generated"), as_of=AS_OF, workers=1)


def test_json_follows_the_versioned_schema(sample_report: AuditReport) -> None:
    """Top-level keys, every audited item (clean too) with its fields, reuse groups by number."""
    data = json.loads(render(sample_report, "json"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert set(data) >= {"schema_version", "summary", "items", "reuse_groups"}
    assert len(data["items"]) == data["summary"]["items_audited"] == 13
    assert set(data["summary"]["by_check"]) == set(CHECKS)
    for item in data["items"]:
        assert set(item) >= {"id", "title", "username", "urls", "strength", "breach_count"}
        for finding in item["findings"]:
            assert set(finding) == {"check", "severity", "message", "details"}
    clean = [i for i in data["items"] if not i["findings"]]
    assert [i["title"] for i in clean] == ["Cloud storage", "Tax portal"]
    (group,) = data["reuse_groups"]
    assert (group["group"], group["size"], group["includes_email_account"]) == (1, 3, True)


def test_sarif_is_a_valid_2_1_0_log(sample_report: AuditReport) -> None:
    """SARIF has the version, one rule per check, and results that point at rules and items."""
    log = json.loads(render(sample_report, "sarif"))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CHECKS)
    assert len(run["results"]) == len(sample_report.findings)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(".json")
        assert location["logicalLocations"][0]["fullyQualifiedName"]
        assert len(result["partialFingerprints"]["pwhygieneFinding/v1"]) == 32


def test_markdown_lists_every_finding_in_one_table_row(sample_report: AuditReport) -> None:
    """Each finding is one table row; the summary table has a row per check."""
    text = render(sample_report, "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(CHECKS) + len(sample_report.findings)
    assert "**Score: " in text


def test_item_text_cannot_inject_markup(hostile_report: AuditReport) -> None:
    """HTML escapes tags, Markdown escapes pipes and links, the terminal shows no escapes."""
    html = render(hostile_report, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "x.test/<b>" not in html
    md = render(hostile_report, "markdown")
    assert "<script>" not in md
    rows = [line for line in md.splitlines() if "alert" in line and line.startswith("| ")]
    assert rows
    for line in rows:
        assert len(re.findall(r"(?<!\\)\|", line)) == 6
    assert "[link](" not in md
    plain = table_renderer.render(hostile_report)
    coloured = table_renderer.render(hostile_report, color=True)
    for text in (plain, coloured):
        assert "\x1b[31mred" not in text
    data = json.loads(render(hostile_report, "json"))
    assert data["items"][0]["title"] == HOSTILE


def test_table_has_colour_only_when_asked(sample_report: AuditReport) -> None:
    """No ANSI escapes unless colour is on (the CLI turns it on for a TTY only)."""
    assert "\x1b[" not in table_renderer.render(sample_report)
    assert "\x1b[" in table_renderer.render(sample_report, color=True)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_renders_in_headless_chromium(sample_report: AuditReport, tmp_path: Path) -> None:
    """Chromium loads the self-contained page: summary, four charts and the findings table."""
    page = tmp_path / "report.html"
    page.write_text(render(sample_report, "html"), encoding="utf-8")
    shot = tmp_path / "report.png"
    base = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert 'id="summary"' in dom
    assert "Vault health report" in dom
    assert dom.count('class="chart"') == 4
    assert dom.count("<tr>") >= len(sample_report.findings)
    subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB


def test_html_fetches_nothing(sample_report: AuditReport) -> None:
    """No script, no external URL in src/href, and a CSP that forbids loading anything."""
    html = render(sample_report, "html")
    assert "<script" not in html
    assert 'src="http' not in html
    assert 'href="http' not in html
    assert "default-src 'none'" in html


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_streamed_pieces_join_to_the_rendered_text(sample_report: AuditReport, fmt: str) -> None:
    """``iter_render`` gives exactly ``render``'s text; JSON comes one item per piece."""
    pieces = list(iter_render(sample_report, fmt))  # type: ignore[arg-type]
    assert "".join(pieces) == render(sample_report, fmt)  # type: ignore[arg-type]
    if fmt == "json":
        assert len(pieces) == len(sample_report.items) + 2


def test_an_unknown_format_is_invalid_input(sample_report: AuditReport) -> None:
    """A format name outside OUTPUT_FORMATS is a ValueError naming the ones there are."""
    with pytest.raises(InvalidInput, match="json"):
        render(sample_report, "pdf")  # type: ignore[arg-type]


def test_json_output_loads_no_terminal_or_html_renderer() -> None:
    """In a fresh interpreter, ``render(report, "json")`` imports neither rich nor the HTML code."""
    code = (
        "import sys, pwhygiene\n"
        f"r = pwhygiene.audit({str(SAMPLE)!r}, workers=1)\n"
        "assert pwhygiene.render(r, 'json').startswith('{')\n"
        "loaded = [m for m in ('rich', 'pwhygiene._audit.render.html') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_render_is_the_front_door_verb() -> None:
    """``pwhygiene.render`` and ``pwhygiene.report.render`` are the one public renderer."""
    assert pwhygiene.render is pwhygiene.report.render
