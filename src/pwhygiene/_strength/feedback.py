"""Feedback with stable codes: zxcvbn's English advice, each sentence tagged with a key.

zxcvbn 4.5.0 returns English sentences only, so a front end that wants its own wording or
another language has to match on text that may change. Every sentence zxcvbn can produce,
and the passphrase model's own warning, has a stable snake_case code here (the list is
documented in ``docs/strength.md``; codes are never renamed, only added). The English text
stays zxcvbn's, word for word.
"""

from __future__ import annotations

from zxcvbn import feedback as zxcvbn_feedback

from pwhygiene._strength.dates import Match
from pwhygiene._strength.languages import LANGUAGES
from pwhygiene._strength.passphrase import FAMOUS_WARNING

WARNING_CODES: dict[str, str] = {
    "This is a top-10 common password.": "top10_common",
    "This is a top-100 common password.": "top100_common",
    "This is a very common password.": "very_common",
    "This is similar to a commonly used password.": "similar_to_common",
    "A word by itself is easy to guess.": "word_by_itself",
    "Names and surnames by themselves are easy to guess.": "names_by_themselves",
    "Common names and surnames are easy to guess.": "common_names",
    "Straight rows of keys are easy to guess.": "straight_row",
    "Short keyboard patterns are easy to guess.": "keyboard_pattern",
    'Repeats like "aaa" are easy to guess.': "simple_repeat",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "extended_repeat",
    'Sequences like "abc" or "6543" are easy to guess.': "sequences",
    "Recent years are easy to guess.": "recent_years",
    "Dates are often easy to guess.": "dates",
    FAMOUS_WARNING: "famous_passphrase",
}
"""zxcvbn's warnings (and the passphrase model's) -> stable code."""

SUGGESTION_CODES: dict[str, str] = {
    "Use a few words, avoid common phrases.": "use_words",
    "No need for symbols, digits, or uppercase letters.": "no_need_for_symbols",
    "Add another word or two. Uncommon words are better.": "add_another_word",
    "Use a longer keyboard pattern with more turns.": "longer_keyboard_pattern",
    "Avoid repeated words and characters.": "avoid_repeats",
    "Avoid sequences.": "avoid_sequences",
    "Avoid recent years.": "avoid_recent_years",
    "Avoid years that are associated with you.": "avoid_associated_years",
    "Avoid dates and years that are associated with you.": "avoid_associated_dates",
    "Capitalization doesn't help very much.": "capitalization",
    "All-uppercase is almost as easy to guess as all-lowercase.": "all_uppercase",
    "Reversed words aren't much harder to guess.": "reversed_words",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": "l33t",
}
"""zxcvbn's suggestions -> stable code."""

UNKNOWN = "other"
"""The code of a sentence this table does not know (a zxcvbn release that added one)."""


def warning_code(text: str) -> str:
    """The stable code of a warning; ``""`` for no warning."""
    return WARNING_CODES.get(text, UNKNOWN) if text else ""


def suggestion_code(text: str) -> str:
    """The stable code of a suggestion."""
    return SUGGESTION_CODES.get(text, UNKNOWN)


PACK_LISTS_AS = {
    "words": "english_wikipedia",
    "first_names": "male_names",
    "last_names": "surnames",
}
"""A language pack's list -> the zxcvbn list whose advice fits it (``de_words`` is a word)."""


def advise(score: int, sequence: list[Match]) -> tuple[str, tuple[str, ...]]:
    """Zxcvbn's warning and suggestions for a match sequence, with the passphrase warning.

    A weak password (score <= 2) that holds a famous passphrase gets the famous-passphrase
    warning instead of zxcvbn's (which knows no such pattern and would say nothing). A
    language pack's word or name gets the advice of zxcvbn's English word or name lists.
    """
    advice = zxcvbn_feedback.get_feedback(score, [_as_zxcvbn_list(m) for m in sequence])
    warning = str(advice["warning"])
    if score <= 2 and any(match.get("famous") for match in sequence):
        warning = FAMOUS_WARNING
    return warning, tuple(str(s) for s in advice["suggestions"])


def _as_zxcvbn_list(match: Match) -> Match:
    """``match`` with a language pack's list named as the zxcvbn list zxcvbn gives advice on."""
    language, _, kind = str(match.get("dictionary_name", "")).partition("_")
    if language in LANGUAGES and kind in PACK_LISTS_AS:
        return {**match, "dictionary_name": PACK_LISTS_AS[kind]}
    return match
