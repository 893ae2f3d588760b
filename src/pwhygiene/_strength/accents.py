"""Accent folding for dictionary matching, priced like zxcvbn's capitalisation.

zxcvbn matches words only as spelled in its lists, so ``château123`` brute-forces the accented
word and scores higher than ``chateau123``. An attacker adds accents to dictionary words the
way they capitalise them: the default model reads an accented letter as its base letter
(``â`` as ``a``), one character for one, and multiplies the word's guesses by the number of
ways to place that many accents in it, as zxcvbn does for upper-case letters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from math import comb

from zxcvbn import scoring

from pwhygiene._strength.dates import Match

_NO_DECOMPOSITION = {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "\u0131": "i"}
"""Letters read as a base letter that Unicode does not decompose into one."""


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _NO_DECOMPOSITION:
        return _NO_DECOMPOSITION[char]
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if base.isascii() and base.isalpha() and marks and all(map(unicodedata.combining, marks)):
        return base
    return char


def lower_aligned(text: str) -> str:
    """``text.lower()`` with one output character per input character (``İ`` stays as is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def dictionary_form(word: str) -> str:
    """A list entry as the default model reads passwords: NFKC, lower case, accents folded."""
    return fold(lower_aligned(unicodedata.normalize("NFKC", word)))


def fold(lowered: str) -> str:
    """``lowered`` with each accented letter replaced by its base letter; same length."""
    if lowered.isascii():
        return lowered
    return "".join(c if c.isascii() else _fold_char(c) for c in lowered)


def accent_variations(token: str) -> int:
    """Ways to put as many accents as ``token`` has on a word of its length (1 for none)."""
    accented = sum(1 for c in token.lower() if not c.isascii() and _fold_char(c) != c)
    if not accented:
        return 1
    return sum(comb(len(token), k) for k in range(1, accented + 1))


def price_accented(matches: list[Match], password: str) -> None:
    """Pre-set the guesses of dictionary matches of accented words (zxcvbn's price x accents).

    zxcvbn's estimator keeps guesses already set, so its search then uses these; the floor
    for a sub-match is applied here as zxcvbn would.
    """
    if password.isascii():
        return
    for match in matches:
        if match["pattern"] != "dictionary" or "guesses" in match:
            continue
        variations = accent_variations(match["token"])
        if variations == 1:
            continue
        floor = 1
        if len(match["token"]) < len(password):
            floor = (
                scoring.MIN_SUBMATCH_GUESSES_SINGLE_CHAR
                if len(match["token"]) == 1
                else scoring.MIN_SUBMATCH_GUESSES_MULTI_CHAR
            )
        guesses = max(scoring.dictionary_guesses(match) * variations, floor)
        match["guesses"] = guesses
        match["guesses_log10"] = scoring.log(guesses, 10)
