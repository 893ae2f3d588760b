"""zxcvbn's "most guessable match sequence" search, same arithmetic, a fraction of the cost.

:func:`zxcvbn.scoring.most_guessable_match_sequence` is a dynamic programme over
``(end position, sequence length)``. Its cost is dominated by brute-force candidates: for every
end ``k`` it builds a match dict for each start ``i`` and prices it through the generic
estimator (about 5,000 dicts and 25 ms for ``"a" * 64``). This version keeps the algorithm,
its evaluation order, its tie-breaking and its :class:`~decimal.Decimal` arithmetic exactly
(so the guesses are bit-for-bit zxcvbn's, pinned by a test), but prices brute-force spans from
a table and only materialises the brute-force matches that end up in the answer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from math import factorial
from typing import Any

from zxcvbn import scoring

from pwhygiene._strength_match import Match

DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Python's default context, pinned so a caller's own decimal settings cannot move a score."""

_BRUTEFORCE = "bruteforce"


def _bruteforce_guesses(length: int) -> Decimal:
    # scoring.bruteforce_guesses then estimate_guesses' floor, for a span shorter than the
    # password: 10**length, at least 11 for one character and 51 for more.
    floor = (
        scoring.MIN_SUBMATCH_GUESSES_SINGLE_CHAR + 1
        if length == 1
        else scoring.MIN_SUBMATCH_GUESSES_MULTI_CHAR + 1
    )
    return Decimal(max(scoring.BRUTEFORCE_CARDINALITY**length, floor))


def most_guessable(password: str, matches: list[Match]) -> tuple[Decimal, list[Match]]:
    """The guesses and match sequence zxcvbn's search returns for ``password`` and ``matches``.

    ``matches`` get their ``guesses`` filled in (zxcvbn's estimator caches there); brute-force
    spans in the returned sequence are fresh dicts in zxcvbn's shape.
    """
    n = len(password)
    if n == 0:
        return Decimal(1), []
    with localcontext(DECIMAL_CONTEXT):
        return _search(password, matches, n)


def _search(password: str, matches: list[Match], n: int) -> tuple[Decimal, list[Match]]:
    by_end: list[list[Match]] = [[] for _ in range(n)]
    for match in matches:
        by_end[match["j"]].append(match)
    for bucket in by_end:
        bucket.sort(key=lambda m: m["i"])

    # Per end position k: sequence length l -> (g, pi, last match). A last match is either a
    # zxcvbn match dict or the start index of a brute-force span ending at k.
    best: list[dict[int, tuple[Decimal, Decimal, Match | int]]] = [{} for _ in range(n)]
    bruteforce = [_bruteforce_guesses(length) for length in range(n + 1)]
    # The span covering the whole password has no submatch floor (estimate_guesses' rule).
    whole = Decimal(max(scoring.BRUTEFORCE_CARDINALITY**n, 11 if n == 1 else 51))
    facts = [factorial(length) for length in range(n + 2)]
    additive = [
        scoring.MIN_GUESSES_BEFORE_GROWING_SEQUENCE ** (length - 1) for length in range(n + 2)
    ]

    def update(k: int, length: int, pi: Decimal, last: Match | int) -> None:
        g = facts[length] * pi
        g += additive[length]
        slot = best[k]
        for competing_length, entry in slot.items():
            if competing_length <= length and entry[0] <= g:
                return
        slot[length] = (g, pi, last)

    for k in range(n):
        for match in by_end[k]:
            guesses = scoring.estimate_guesses(match, password)
            if match["i"] > 0:
                for length, entry in best[match["i"] - 1].items():
                    update(k, length + 1, guesses * Decimal(entry[1]), match)
            else:
                update(k, 1, guesses, match)
        update(k, 1, whole if k == n - 1 else bruteforce[k + 1], 0)
        for i in range(1, k + 1):
            span = bruteforce[k - i + 1]
            for length, (_, pi, last) in best[i - 1].items():
                if isinstance(last, int):
                    continue  # never two brute-force spans in a row (zxcvbn's shortcut)
                update(k, length + 1, span * Decimal(pi), i)

    final = best[n - 1]
    length = min(final, key=lambda key: final[key][0])  # first of equals, as zxcvbn's unwind
    guesses = final[length][0]
    sequence: list[Match] = []
    k = n - 1
    while k >= 0:
        _, pi, last = best[k][length]
        match = last if isinstance(last, dict) else _bruteforce_match(password, last, k)
        sequence.insert(0, match)
        k = match["i"] - 1
        length -= 1
    return guesses, sequence


def _bruteforce_match(password: str, i: int, j: int) -> Match:
    match: dict[str, Any] = {"pattern": _BRUTEFORCE, "token": password[i : j + 1], "i": i, "j": j}
    scoring.estimate_guesses(match, password)  # fills guesses/guesses_log10, as zxcvbn does
    return match
