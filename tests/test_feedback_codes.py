"""Stable feedback codes: every sentence zxcvbn can say has one, documented, beside the text."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

from hypothesis import given
from zxcvbn import feedback as zxcvbn_feedback

import pwhygiene
from pwhygiene._strength.estimate import estimate as estimate_strength
from pwhygiene._strength.feedback import SUGGESTION_CODES, UNKNOWN, WARNING_CODES
from pwhygiene._strength.policy import ViolationCode
from strategies.passwords import adversarial_passwords, ordinary_passwords

DOCS = Path(__file__).parent.parent / "docs" / "strength.md"


def _zxcvbn_sentences() -> set[str]:
    """Every string zxcvbn's feedback module passes to gettext, read from its source."""
    tree = ast.parse(inspect.getsource(zxcvbn_feedback))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            (argument,) = node.args
            assert isinstance(argument, ast.Constant)
            assert isinstance(argument.value, str)
            found.add(argument.value)
    return found


def test_every_zxcvbn_sentence_has_a_code() -> None:
    """Each warning and suggestion in zxcvbn 4.5.0's feedback source is in one of the tables."""
    sentences = _zxcvbn_sentences()
    assert len(sentences) == 27
    assert sentences <= set(WARNING_CODES) | set(SUGGESTION_CODES)


def test_codes_are_unique_snake_case_and_distinct_from_violation_codes() -> None:
    """Codes never collide, with each other or with the policy's violation codes."""
    codes = [*WARNING_CODES.values(), *SUGGESTION_CODES.values()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", code) for code in codes)
    assert not set(codes) & ({c.value for c in ViolationCode} | {UNKNOWN})


def test_every_code_is_documented() -> None:
    """docs/strength.md lists every code (the list a front end translates from)."""
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOCS.read_text(), re.MULTILINE))
    assert {*WARNING_CODES.values(), *SUGGESTION_CODES.values()} <= documented


@given(adversarial_passwords() | ordinary_passwords())
def test_codes_sit_beside_their_sentences(password: str) -> None:
    """One code per sentence, in the same order, and never the unknown code."""
    feedback = estimate_strength(password).feedback
    assert feedback.warning_code == (WARNING_CODES[feedback.warning] if feedback.warning else "")
    assert feedback.suggestion_codes == tuple(SUGGESTION_CODES[s] for s in feedback.suggestions)


def test_check_codes_policy_suggestions_with_the_violation_code() -> None:
    """check() adds one suggestion per violated rule; its code is the rule's code."""
    result = pwhygiene.check("password")
    assert result.feedback.warning_code == "top10_common"
    assert result.feedback.suggestion_codes == ("add_another_word", "too_short", "common")


def test_violation_message_as_warning_carries_the_violation_code() -> None:
    """With no zxcvbn warning, the first violation leads, under its own code."""
    result = pwhygiene.check("xK9#mQ2$vL")
    assert result.feedback.warning_code == "too_short"


def test_json_carries_the_codes_as_lists() -> None:
    """to_dict() (what `pwhygiene check --json` prints) holds the codes beside the text."""
    data = pwhygiene.check("password").to_dict()
    feedback = data["feedback"]
    assert isinstance(feedback, dict)
    assert feedback["warning_code"] == "top10_common"
    assert feedback["suggestion_codes"] == ["add_another_word", "too_short", "common"]
    assert json.loads(json.dumps(data)) == data
