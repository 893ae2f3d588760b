"""Keep the README's promises true: its set-up commands, its main job and its examples."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

import pwhygiene
import pwhygiene.breach
from pwhygiene._cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    """The README's first code block: exactly the two set-up commands."""
    block = re.search(r"```bash\n(.*?)```", README, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_setup_commands() -> None:
    """One command installs and runs the audit demo; the other installs test extras and tests."""
    demo, tests = setup_commands()
    assert "pip install -q ." in demo
    assert "pwhygiene audit" in demo
    assert "'.[test]'" in tests
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    """``.ci/run`` installs the same extras and runs pytest the way the README says."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci
    assert "pytest -n auto" in ci


def test_main_job_audits_the_sample_offline_and_every_check_fires(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's demo runs with no network and shows all ten checks firing (exit 1)."""
    demo = setup_commands()[0]
    argv = shlex.split(demo.split("pwhygiene ", 1)[1])
    argv = [str(ROOT / a) if a.startswith("examples/") else a for a in argv]
    code = main([*argv, "--output", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["breach"]["source"] != "blocklist"
    fired = {check for check, n in report["summary"]["by_check"].items() if n}  # null: not run
    assert fired == {
        "weak",
        "breached",
        "reused",
        "similar",
        "history_reuse",
        "insecure_url",
        "old",
        "personal_info",
        "empty",
        "duplicate",
    }


def test_sample_index_matches_its_corpus() -> None:
    """The shipped index verifies and answers every line of the shipped corpus exactly."""
    lines = (ROOT / "examples" / "pwned-sample.txt").read_text().split()
    expected = {d: int(c) for d, c in (line.split(":") for line in lines)}
    with pwhygiene.OfflineIndex.open(ROOT / "examples" / "pwned-sample.idx") as index:
        index.verify()
        assert index.count_many(expected) == expected
        assert index.count(pwhygiene.breach.sha1_digest("correct horse battery staple")) == 0


def test_tour_example_gives_the_documented_codes() -> None:
    """The tour's first example produces the violation codes the README shows."""
    result = pwhygiene.check("alice.wonderland.1987", user_inputs=["alice.wonderland@example.org"])
    assert not result.acceptable
    assert [v.code.value for v in result.violations] == ["context", "weak"]
