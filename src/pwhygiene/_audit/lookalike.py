"""The audit's one look-alike table: which symbols people type for which letters.

The table is zxcvbn's l33t table read the other way (symbol -> the letters it stands for, the
likeliest first), plus ``€`` and ``£``, which people type for ``e`` and ``l`` but zxcvbn does
not know. Two translations are derived from it, because the two questions differ:

* :data:`DE_LEET` gives each symbol its *likeliest reading* (``7`` -> ``t``, ``1`` -> ``i``):
  near-reuse (``similarity``) turns ``Ma7ch1ng`` back into ``matching`` to compare bases, and
  wants one plausible word, not every spelling.
* :data:`SKELETON` folds every letter and symbol into its *class*: ``7`` reads as ``t`` or
  ``l``, ``1`` as ``i`` or ``l``, ``|`` as ``i`` or ``l``, so ``i``, ``l``, ``t``, ``1``, ``7``,
  ``|``, ``!`` and ``+`` are one class, named by its first letter, ``i``. Scoring uses it to
  prove that an item's words *cannot* match inside a password under any l33t reading zxcvbn
  might try; that proof needs the whole class, so there ``7`` becomes ``i``. It is not a
  reading of ``7`` but the name of the class ``7`` is in.

Keeping one table means the two can never disagree about what is a look-alike: anything
similarity reads as a letter, scoring's filter also connects to that letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

READINGS: Mapping[str, str] = MappingProxyType(
    {
        "4": "a", "@": "a", "8": "b", "(": "c", "{": "c", "[": "c", "<": "c", "3": "e",
        "€": "e", "6": "g", "9": "g", "1": "il", "!": "i", "|": "il", "£": "l", "7": "tl",
        "+": "t", "0": "o", "$": "s", "5": "s", "%": "x", "2": "z",
    }
)  # fmt: skip
"""Symbol -> the letters it may stand for, likeliest first (zxcvbn's table, plus € and £)."""


def _classes(readings: Mapping[str, str]) -> dict[str, str]:
    """Every symbol and letter of ``readings`` -> the first letter of its connected class."""
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for symbol, letters in readings.items():
        for letter in letters:
            a, b = sorted((root(symbol), root(letter)), key=lambda c: (not c.isalpha(), c))
            parent[b] = a  # letters win, alphabetically first: the class is named by a letter
    return {c: root(c) for c in parent}


DE_LEET = str.maketrans({symbol: letters[0] for symbol, letters in READINGS.items()})
"""Each symbol -> its likeliest letter; letters unchanged."""

SKELETON = str.maketrans({c: r for c, r in _classes(READINGS).items() if c != r})
"""Each symbol and letter -> its class's letter (``l``, ``t``, ``7`` ... -> ``i``)."""
