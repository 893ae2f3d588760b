"""The bounded zxcvbn estimate: zxcvbn's answers where it has them, an answer for any str."""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import unicodedata
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from zxcvbn import matching, zxcvbn

import pwhygiene
from pwhygiene import Strength
from pwhygiene._strength.accents import accent_variations, fold
from pwhygiene._strength.dates import date_match, regex_match
from pwhygiene._strength.estimate import REFERENCE_YEAR, WINDOW, normalise
from pwhygiene._strength.estimate import estimate as estimate_strength
from pwhygiene._strength.matching import MAX_L33T_SUBS, base_dictionaries, l33t_table, omnimatch
from pwhygiene._strength.search import most_guessable
from strategies.passwords import (
    ACSPLOIT,
    adversarial_passwords,
    any_character,
    leaked,
    ordinary_passwords,
    secrets,
    user_inputs,
)


def _within_l33t_cap(password: str) -> bool:
    """Whether zxcvbn's own l33t enumeration would stay under our cap (so nothing was trimmed)."""
    table = matching.relevant_l33t_subtable(password, matching.L33T_TABLE)
    if l33t_table(password) != table:
        return False
    return len(matching.enumerate_l33t_subs(table)) <= MAX_L33T_SUBS


def _no_years_or_dates(password: str) -> bool:
    """No pattern whose price depends on the reference year (ours or zxcvbn's)."""
    return not (
        date_match(password, 2017)
        or regex_match(password, 2017)
        or regex_match(password, REFERENCE_YEAR)
    )


def _check_invariants(strength: Strength) -> None:
    assert strength.score in range(5)
    assert strength.guesses >= 1
    assert strength.guesses_log10 == pytest.approx(
        __import__("math").log10(strength.guesses), rel=1e-9
    )
    json.dumps(dataclasses.asdict(strength), allow_nan=False)


# --- agreement with zxcvbn ------------------------------------------------------------------


@pytest.fixture
def zxcvbn_reference_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measure years from 2017, as zxcvbn does, so its answers hold in any calendar year."""
    monkeypatch.setattr(pwhygiene._strength.estimate, "REFERENCE_YEAR", 2017)


@given(ordinary_passwords())
def test_guesses_equal_zxcvbn_exactly_with_its_reference_year(password: str) -> None:
    """model="zxcvbn", year 2017, no l33t trimming: guesses and patterns are zxcvbn's exactly."""
    assume(password and _within_l33t_cap(password))
    theirs = zxcvbn(password)
    matches = omnimatch(password, base_dictionaries(), 2017, "zxcvbn")
    guesses, sequence = most_guessable(password, matches)
    assert guesses == theirs["guesses"]
    assert [(m["pattern"], m["i"], m["j"]) for m in sequence] == [
        (m["pattern"], m["i"], m["j"]) for m in theirs["sequence"]
    ]


@given(ordinary_passwords())
def test_score_and_feedback_equal_zxcvbn_for_ordinary_passwords(password: str) -> None:
    """model="zxcvbn", ASCII, <= 64 characters, no inputs or years: score, feedback are zxcvbn's."""
    assume(password and _within_l33t_cap(password) and _no_years_or_dates(password))
    theirs = zxcvbn(password)
    ours = estimate_strength(password, model="zxcvbn")
    assert ours.score == theirs["score"]
    assert ours.guesses == float(theirs["guesses"])
    assert ours.feedback.warning == theirs["feedback"]["warning"]
    assert list(ours.feedback.suggestions) == theirs["feedback"]["suggestions"]
    assert (
        ours.crack_times.offline_slow_hashing_1e4_per_second.display
        == (theirs["crack_times_display"]["offline_slow_hashing_1e4_per_second"])
    )


@pytest.mark.parametrize(
    ("password", "score", "guesses", "patterns", "warning"),
    [
        ("password", 0, 3, ["dictionary"], "This is a top-10 common password."),
        ("correcthorsebatterystaple", 4, 273500327700640, ["dictionary"] * 4, ""),
        ("Tr0ub4dour&3", 2, 19058000, ["dictionary", "bruteforce"], ""),
        ("aaaaaa", 0, 73, ["repeat"], 'Repeats like "aaa" are easy to guess.'),
        ("abcdefgh", 0, 33, ["sequence"], 'Sequences like "abc" or "6543" are easy to guess.'),
        ("1/1/2010", 1, 29201, ["date"], "Dates are often easy to guess."),
        ("drowssap", 0, 5, ["dictionary"], "This is similar to a commonly used password."),
        ("p@ssw0rd", 0, 9, ["dictionary"], "This is similar to a commonly used password."),
        (
            "D0g!!!!!!!!",
            1,
            202000,
            ["bruteforce", "repeat"],
            'Repeats like "aaa" are easy to guess.',
        ),
    ],
)
@pytest.mark.usefixtures("zxcvbn_reference_year")
def test_known_zxcvbn_answers(
    password: str, score: int, guesses: int, patterns: list[str], warning: str
) -> None:
    """model="zxcvbn" reproduces zxcvbn 4.5.0's answers for classic inputs (at its 2017)."""
    strength = estimate_strength(password, model="zxcvbn")
    assert (strength.score, strength.guesses) == (score, guesses)
    assert [s.pattern for s in strength.segments] == patterns
    assert strength.feedback.warning == warning


@given(st.text("0123456789/-._ \\", max_size=24))
def test_date_matches_equal_zxcvbn_at_its_reference_year(text: str) -> None:
    """Our linear-time date filter keeps exactly the dates zxcvbn's quadratic one keeps."""
    ours = [(m["i"], m["j"], m["year"], m["month"], m["day"]) for m in date_match(text, 2017)]
    theirs = [(m["i"], m["j"], m["year"], m["month"], m["day"]) for m in matching.date_match(text)]
    assert ours == theirs


@given(st.text(st.sampled_from(ACSPLOIT + "aeiostlxz"), max_size=40))
def test_l33t_table_is_capped_and_only_ever_trimmed(password: str) -> None:
    """At most MAX_L33T_SUBS symbol combinations survive, each one zxcvbn would also try."""
    full = matching.relevant_l33t_subtable(password, matching.L33T_TABLE)
    trimmed = l33t_table(password)
    combinations = 1
    for letter, symbols in trimmed.items():
        assert symbols
        assert set(symbols) <= set(full[letter])
        combinations *= len(symbols)
    assert combinations <= MAX_L33T_SUBS
    assert set(trimmed) == set(full)


def test_recent_years_are_measured_from_the_current_year() -> None:
    """`rooster2024` is cheaper than zxcvbn says: 2024 is a recent year, not a 2017-era one."""
    assert zxcvbn("rooster2024")["score"] == 2
    ours = estimate_strength(f"rooster{REFERENCE_YEAR - 2}")
    assert ours.score == 1
    assert [s.pattern for s in ours.segments] == ["dictionary", "regex"]


def test_empty_password_scores_zero_without_raising() -> None:
    """The empty string (IndexError in zxcvbn) scores 0 with one guess and generic advice."""
    strength = estimate_strength("")
    assert (strength.score, strength.guesses, strength.segments, strength.length) == (0, 1, (), 0)
    assert strength.feedback.suggestions


# --- any str, bounded -----------------------------------------------------------------------


@given(adversarial_passwords())
def test_any_string_gets_a_valid_answer(password: str) -> None:
    """Surrogates, NUL, emoji, RTL, marks, huge repeats: score 0-4, finite numbers, JSON-safe."""
    _check_invariants(estimate_strength(password))


@pytest.mark.parametrize(
    "password",
    [
        "a" * (1 << 20),
        "\ufdfa" * (1 << 20),
        "\ud800" * (1 << 20),
        "e\u0301" * (1 << 19),
        (ACSPLOIT * 3)[:72],
        ACSPLOIT * 1000,
        "0123456789" * 100_000,
    ],
    ids=[
        "a-1MiB",
        "fdfa-1MiB",
        "surrogates-1MiB",
        "combining-1MiB",
        "acsploit-72",
        "acsploit-25k",
        "digits-1MB",
    ],
)
def test_huge_and_crafted_inputs_are_answered(password: str) -> None:
    """The inputs that stall or crash zxcvbn get a normal answer."""
    strength = estimate_strength(password)
    _check_invariants(strength)
    assert strength.segments[-1].end <= WINDOW


def test_acsploit_string_is_still_recognised_as_weak_l33t() -> None:
    """Capping l33t combinations keeps the obvious readings: `p@$$w0rd` is still `password`."""
    strength = estimate_strength("p@$$w0rd" + ACSPLOIT)
    assert strength.segments[0].pattern == "dictionary"


def test_long_passwords_are_priced_by_length_beyond_the_window() -> None:
    """Characters past the window multiply the window's guesses by length / window."""
    head = estimate_strength("a" * WINDOW)
    long = estimate_strength("a" * (WINDOW * 10))
    assert long.guesses == pytest.approx(head.guesses * 10)
    assert long.length == WINDOW * 10


def test_window_does_not_cut_a_repetition_mid_unit() -> None:
    """`abc` * 100 is scored on a whole number of `abc`s: one repeat, no stray brute force."""
    strength = estimate_strength("abc" * 100)
    assert [(s.pattern, s.start, s.end) for s in strength.segments] == [("repeat", 0, 63)]


# --- normalisation --------------------------------------------------------------------------


@given(st.text(any_character, max_size=40), st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
def test_unicode_equivalent_spellings_score_alike(
    text: str, form: Literal["NFC", "NFD", "NFKC", "NFKD"]
) -> None:
    """Any normalisation form of a text gets the same answer as the text itself (NFKC first)."""
    variant = unicodedata.normalize(form, text)
    assume(len(variant) <= 1024)
    assert estimate_strength(variant) == estimate_strength(text)


def test_full_width_and_decomposed_forms_match_their_plain_forms() -> None:
    """Full-width `ABC123` scores as `ABC123`; NFC and NFD `pässwörd` score alike."""
    assert estimate_strength("\uff21\uff22\uff23\uff11\uff12\uff13") == estimate_strength("ABC123")
    nfc = unicodedata.normalize("NFC", "pässwörd")
    nfd = unicodedata.normalize("NFD", "pässwörd")
    assert nfc != nfd
    assert estimate_strength(nfc) == estimate_strength(nfd)


def test_length_counts_code_points_after_normalisation() -> None:
    """`e` + combining acute is one character; the typed tail of a huge input counts as typed."""
    assert normalise("e\u0301" * 10).length == 10
    assert normalise("x" * 5000).length == 5000


# --- determinism, user inputs, threads ------------------------------------------------------


@given(adversarial_passwords(), user_inputs())
def test_estimate_is_deterministic(password: str, inputs: list[str]) -> None:
    """The same password and inputs always give the same answer."""
    assert estimate_strength(password, inputs) == estimate_strength(password, inputs)


@given(ordinary_passwords(), st.lists(st.text("αβγδεζηθικλμνξοπρστυφχψω", max_size=20)))
def test_user_inputs_that_do_not_occur_change_nothing(password: str, inputs: list[str]) -> None:
    """Inputs sharing no character with the password leave its estimate untouched."""
    assert estimate_strength(password, inputs) == estimate_strength(password)


def test_user_inputs_lower_the_score_of_a_password_built_from_them() -> None:
    """`alice.wonderland.1987` is strong to zxcvbn alone, weak once the e-mail is known."""
    password = "alice.wonderland.1987"
    assert estimate_strength(password).score == 4
    assert estimate_strength(password, ["alice.wonderland@example.org"]).score <= 2


def test_user_inputs_do_not_leak_between_threads() -> None:
    """Concurrent calls with different inputs get exactly their single-threaded answers."""
    cases = [
        ("alice.wonderland.1987", ["alice.wonderland@example.org"]),
        ("alice.wonderland.1987", []),
        ("bobbytables2020!", ["Bobby Tables"]),
        ("bobbytables2020!", []),
        ("Tr0ub4dour&3horse", ["troubadour"]),
        ("Tr0ub4dour&3horse", []),
    ]
    expected = [estimate_strength(pw, inputs) for pw, inputs in cases]
    mismatches: list[int] = []
    barrier = threading.Barrier(8)

    def worker(offset: int) -> None:
        barrier.wait()
        for round_ in range(30):
            index = (offset + round_) % len(cases)
            password, inputs = cases[index]
            if estimate_strength(password, inputs) != expected[index]:
                mismatches.append(index)
            zxcvbn(password, user_inputs=inputs)  # the global zxcvbn mutates must not matter

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []


@given(secrets())
def test_repr_never_contains_the_password(password: str) -> None:
    """No field, repr or str of a Strength repeats the password it describes."""
    strength = estimate_strength(password)
    outputs = [
        repr(strength),
        str(strength),
        json.dumps(dataclasses.asdict(strength), ensure_ascii=False),
        repr(normalise(password)),
    ]
    assert not any(leaked(password, out) for out in outputs)


def test_public_name_is_this_function() -> None:
    """`pwhygiene.estimate_strength` is the estimate documented here."""
    assert getattr(pwhygiene, "estimate_strength") is estimate_strength  # noqa: B009


def test_result_holds_no_decimal_and_no_password() -> None:
    """Unlike zxcvbn's dict, the result has only plain numbers and never the password."""
    password = "Sup3r-Secret-Passphrase!"
    strength = estimate_strength(password)
    values = json.dumps(dataclasses.asdict(strength))
    assert password not in values
    assert password not in repr(strength)
    assert not any(isinstance(v, Decimal) for v in dataclasses.asdict(strength).values())


# --- accents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("château123", "chateau123"),
        ("Château123", "Chateau123"),
        ("Mañana2020", "Manana2020"),
        ("pässwörd", "password"),
        ("søren!", "soren!"),
    ],
)
def test_an_accent_costs_no_more_than_its_variations(accented: str, plain: str) -> None:
    """Accented dictionary words fold to their base word, plus an accent-placement cost.

    Stands for passwords typed on French, Spanish, German or Danish keyboards.
    """
    cost = math.log10(accent_variations(accented))
    assert cost > 0
    ours = estimate_strength(accented).guesses_log10
    assert ours <= estimate_strength(plain).guesses_log10 + cost + 1e-9
    assert ours <= estimate_strength(accented, model="zxcvbn").guesses_log10


def test_zxcvbn_model_does_not_fold_accents() -> None:
    """model="zxcvbn" brute-forces an accented word, exactly as zxcvbn does."""
    theirs = zxcvbn("château123")
    ours = estimate_strength("château123", model="zxcvbn")
    assert (ours.score, ours.guesses) == (theirs["score"], float(theirs["guesses"]))


@given(st.text(alphabet="aeiouàéîõüçñøAÉ", max_size=12))
def test_folding_keeps_one_character_per_character(text: str) -> None:
    """Folding never changes the length, so match positions stay the password's own."""
    assert len(fold(text.lower())) == len(text.lower())


def test_chateau_no_longer_gains_a_score_point_from_its_accent() -> None:
    """Zxcvbn-model château123 scores 3 (brute force), chateau123 1; folded it costs 7x: 2."""
    assert estimate_strength("château123", model="zxcvbn").score == 3
    folded = estimate_strength("château123")
    assert folded.score == 2
    assert folded.guesses_log10 <= estimate_strength("chateau123").guesses_log10 + math.log10(7)
