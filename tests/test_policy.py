"""Policy presets and validation, violation codes, user-input tokens and the context match."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Policy, ViolationCode
from pwhygiene._strength.context import (
    MAX_TOKEN_LENGTH,
    MAX_TOKENS,
    MIN_TOKEN_LENGTH,
    match_context,
    user_tokens,
)
from pwhygiene._strength.estimate import estimate as estimate_strength
from pwhygiene._strength.policy import SUGGESTIONS, length_violations, strength_violations
from pwhygiene.exceptions import InvalidInput
from strategies.passwords import any_character, emails, user_inputs

# --- presets and validation -----------------------------------------------------------------


def test_nist_presets() -> None:
    """Single-factor needs 15 characters, with a second factor 8; score 3, max 64 by default."""
    assert Policy.nist() == Policy(min_length=15, max_length=64, min_score=3)
    assert Policy.nist(mfa=True) == Policy(min_length=8, max_length=64, min_score=3)
    assert Policy() == Policy.nist()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_length": 63}, "max_length must be at least 64"),
        ({"min_length": 7}, "min_length must be at least 8"),
        ({"min_length": 100}, "exceeds max_length"),
        ({"min_score": 5}, "min_score must be 0-4"),
        ({"min_score": -1}, "min_score must be 0-4"),
        ({"min_score": True}, "must be an int"),
        ({"max_length": 64.0}, "must be an int"),
    ],
)
def test_impossible_policies_are_refused(kwargs: dict[str, object], fragment: str) -> None:
    """NIST's floors and zxcvbn's scale are enforced with a message naming the field."""
    with pytest.raises(InvalidInput, match=fragment) as caught:
        Policy(**kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)


@given(st.integers(8, 300), st.integers(64, 4096), st.integers(0, 4))
def test_every_valid_combination_is_accepted(min_length: int, max_length: int, score: int) -> None:
    """Any minimum 8..max, maximum >= 64 and score 0-4 builds; replace() re-validates."""
    if min_length > max_length:
        with pytest.raises(InvalidInput):
            Policy(min_length, max_length, score)
        return
    policy = Policy(min_length, max_length, score)
    with pytest.raises(InvalidInput):
        dataclasses.replace(policy, max_length=63)


def test_violation_codes_are_stable_strings() -> None:
    """The documented codes, as plain strings (stored by callers, so never renamed)."""
    assert [c.value for c in ViolationCode] == [
        "too_short",
        "too_long",
        "weak",
        "common",
        "context",
        "repetitive",
        "sequential",
        "breached",
        "breach_unknown",
    ]
    assert str(ViolationCode.WEAK) == "weak"
    assert ViolationCode("context") is ViolationCode.CONTEXT
    assert set(SUGGESTIONS) == set(ViolationCode)


# --- rules ----------------------------------------------------------------------------------


@given(st.integers(0, 5000), st.booleans())
def test_length_rule_matches_the_bounds(length: int, mfa: bool) -> None:
    """too_short exactly below the minimum, too_long exactly above the maximum."""
    policy = Policy.nist(mfa=mfa)
    codes = [v.code for v in length_violations(policy, length)]
    if length < policy.min_length:
        assert codes == [ViolationCode.TOO_SHORT]
    elif length > policy.max_length:
        assert codes == [ViolationCode.TOO_LONG]
    else:
        assert codes == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("aaaaaaaaaaaaaaaaaaaa", {ViolationCode.WEAK, ViolationCode.REPETITIVE}),
        ("Password1Password1Password1", {ViolationCode.WEAK, ViolationCode.REPETITIVE}),
        ("Zq8#vLp2!wXZq8#vLp2!wX", {ViolationCode.REPETITIVE}),
        ("MyDog-qwerty-2fast!Xk", set()),
        ("abcdefghijklmnopqrst", {ViolationCode.WEAK, ViolationCode.SEQUENTIAL}),
        ("13579abcdefghijk", {ViolationCode.WEAK, ViolationCode.SEQUENTIAL}),
        ("correct horse battery staple", {ViolationCode.WEAK}),  # famous: priced as common
    ],
)
def test_strength_rules(password: str, expected: set[ViolationCode]) -> None:
    """Weak below the score; repetitive / sequential when such patterns make up half or more."""
    found = {v.code for v in strength_violations(Policy.nist(), estimate_strength(password))}
    assert found == expected


def test_weak_message_gives_score_and_requirement() -> None:
    """The message states the rating and the requirement, in plain numbers."""
    (weak,) = [
        v
        for v in strength_violations(Policy(min_score=4), estimate_strength("password"))
        if v.code is ViolationCode.WEAK
    ]
    assert (
        weak.message == "Too easy to guess: rated 0 of 4 (about 3 guesses); at least 4 is required."
    )


# --- user inputs ----------------------------------------------------------------------------


def test_email_gives_local_part_words_and_domain_labels() -> None:
    """`alice.wonderland@example.org` yields the whole, the local part, its words, the labels."""
    assert user_tokens(["Alice.Wonderland@Example.org"]) == (
        "alice.wonderland@example.org",
        "alice.wonderland",
        "example",
        "org",
        "alice",
        "wonderland",
    )


def test_names_split_on_separators_and_digit_runs_short_tokens_dropped() -> None:
    """`Jo Ann-Smith_1987` gives itself, `ann`, `smith`, `1987`; `jo` (2 characters) is dropped."""
    tokens = user_tokens(["Jo Ann-Smith_1987"])
    assert tokens == ("jo ann-smith_1987", "ann", "smith", "1987")
    assert "jo" not in tokens


def test_hostile_inputs_are_capped() -> None:
    """Hundreds of long inputs give at most 64 tokens of at most 64 characters."""
    inputs = [" ".join(f"word{n}x{k}" for k in range(40)) + "y" * 500 for n in range(500)]
    tokens = user_tokens(inputs)
    assert len(tokens) == MAX_TOKENS
    assert max(map(len, tokens)) <= MAX_TOKEN_LENGTH


def test_a_single_string_is_refused_not_split_into_characters() -> None:
    """user_inputs="alice" is a mistake (it would iterate letters); say how to fix it."""
    with pytest.raises(InvalidInput, match="wrap it in a list"):
        user_tokens("alice")
    with pytest.raises(InvalidInput, match=r"user_inputs\[1\] must be a str"):
        user_tokens(["alice", 42])  # type: ignore[list-item]


@given(user_inputs())
def test_tokens_are_normalised_lowercase_distinct_and_long_enough(inputs: list[str]) -> None:
    """Every token is NFKC, lower-case, at least 3 characters, listed once."""
    tokens = user_tokens(inputs)
    assert len(set(tokens)) == len(tokens)
    assert len(tokens) <= MAX_TOKENS
    for token in tokens:
        assert MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH
        assert token == token.lower()
        assert unicodedata.is_normalized("NFKC", token) or token != token.lower()


# --- context --------------------------------------------------------------------------------


def test_password_built_from_the_email_is_mostly_context() -> None:
    """`alice.wonderland.1987` for alice.wonderland@example.org: 16 of 21 characters are hers."""
    found = match_context("alice.wonderland.1987", user_tokens(["alice.wonderland@example.org"]))
    assert (found.covered, found.searched, found.residual, found.mostly) == (16, 21, ".1987", True)


def test_l33t_spellings_of_tokens_are_found() -> None:
    """`4l1c3` is `alice` to an attacker who knows the name."""
    found = match_context("4l1c3-in-w0nd3rl4nd!", user_tokens(["Alice Wonderland"]))
    assert found.residual == "-in-!"


@given(st.text(any_character, max_size=300), st.lists(emails(), max_size=3))
def test_context_residual_is_what_the_tokens_do_not_cover(text: str, inputs: list[str]) -> None:
    """Covered plus residual always accounts for every searched character."""
    found = match_context(text, user_tokens(inputs))
    assert found.searched == min(len(text), 256)
    assert len(found.residual) == len(text) - found.covered
    assert found.mostly == (found.covered > 0 and found.covered >= found.searched / 2)
    assert "residual" not in repr(found)
