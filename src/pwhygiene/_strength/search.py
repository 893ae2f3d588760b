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

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from math import factorial
from typing import Any

from zxcvbn import scoring

from pwhygiene._strength.dates import Match

DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Python's default context, pinned so a caller's own decimal settings cannot move a score."""

_BRUTEFORCE = "bruteforce"
_MARGIN = 1 + 1e-9
"""Relative slack for float pre-checks: float error is ~1e-16 per step, Decimal's ~1e-28."""
_INF = float("inf")


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


def _search(password: str, matches: list[Match], n: int) -> tuple[Decimal, list[Match]]:  # noqa: PLR0912 -- one DP; its order is its contract
    by_end: list[list[Match]] = [[] for _ in range(n)]
    for match in matches:
        by_end[match["j"]].append(match)
    for bucket in by_end:
        bucket.sort(key=lambda m: m["i"])

    # Per end position k: sequence length l -> (g, pi, last, ends_in_bruteforce). "last" is
    # the final zxcvbn match dict, or the start index of a brute-force span ending at k.
    best: list[dict[int, tuple[Decimal, Decimal, Match | int, bool]]] = [{} for _ in range(n)]
    bruteforce = [_bruteforce_guesses(length) for length in range(n + 1)]
    # The span covering the whole password has no submatch floor (estimate_guesses' rule).
    whole = Decimal(max(scoring.BRUTEFORCE_CARDINALITY**n, 11 if n == 1 else 51))
    # zxcvbn multiplies and adds Python ints; Decimal converts ints exactly before each
    # operation, so converting once up front gives the same results without the cost.
    facts = [Decimal(factorial(length)) for length in range(n + 2)]
    additive = [
        Decimal(scoring.MIN_GUESSES_BEFORE_GROWING_SEQUENCE ** (length - 1))
        for length in range(n + 2)
    ]

    def update(slot: dict[int, Any], length: int, pi: Decimal, last: Match | int) -> None:
        # zxcvbn's update(): keep the sequence unless a no-longer one is at least as good.
        g = facts[length] * pi
        g += additive[length]
        for competing_length, entry in slot.items():
            if competing_length <= length and entry[0] <= g:
                return
        slot[length] = (g, pi, last, isinstance(last, int))

    # Prefixes each finished position offers to longer sequences, minus dominated ones.
    as_prefix: list[list[tuple[int, Decimal]]] = []
    as_prefix_before_bruteforce: list[list[tuple[int, Decimal]]] = []
    floors: list[float] = []  # per position: min (l + 1)! * pi over its extendable prefixes
    float_bruteforce = [float(guesses) for guesses in bruteforce]
    for k in range(n):
        slot = best[k]
        for match in by_end[k]:
            guesses = scoring.estimate_guesses(match, password)
            if match["i"] > 0:
                for length, prefix_pi in as_prefix[match["i"] - 1]:
                    update(slot, length + 1, guesses * prefix_pi, match)
            else:
                update(slot, 1, guesses, match)
        update(slot, 1, whole if k == n - 1 else bruteforce[k + 1], 0)
        # zxcvbn's bruteforce_update(k), inlined: this loop is where its time goes. Every
        # candidate has length >= 2, so the best stored g of length <= 2 rejects it when its
        # g is no smaller; a float lower bound (with a margin far above rounding error) skips
        # whole start positions that cannot beat it.
        cutoff = min(float(e[0]) for length, e in slot.items() if length <= 2) * _MARGIN
        for i in range(1, k + 1):
            if floors[i - 1] * float_bruteforce[k - i + 1] >= cutoff:
                continue
            span = bruteforce[k - i + 1]
            for length, prefix_pi in as_prefix_before_bruteforce[i - 1]:
                grown = length + 1
                pi = span * prefix_pi
                g = facts[grown] * pi
                g += additive[grown]
                for competing_length, entry in slot.items():
                    if competing_length <= grown and entry[0] <= g:
                        break
                else:
                    slot[grown] = (g, pi, i, True)
                    if grown <= 2:
                        cutoff = min(cutoff, float(g) * _MARGIN)
        as_prefix.append(_undominated((length, e[1]) for length, e in slot.items()))
        # never two brute-force spans in a row (zxcvbn's shortcut)
        extendable = _undominated((length, e[1]) for length, e in slot.items() if not e[3])
        as_prefix_before_bruteforce.append(extendable)
        floors.append(
            min((float(facts[length + 1] * pi) for length, pi in extendable), default=_INF)
        )

    return _unwind(password, best)


def _unwind(
    password: str, best: list[dict[int, tuple[Decimal, Decimal, Match | int, bool]]]
) -> tuple[Decimal, list[Match]]:
    """The cheapest full-length sequence, rebuilt backwards as zxcvbn's unwind() does."""
    final = best[-1]
    length = min(final, key=lambda key: final[key][0])  # first of equals, as zxcvbn's unwind
    guesses = final[length][0]
    sequence: list[Match] = []
    k = len(password) - 1
    while k >= 0:
        last = best[k][length][2]
        match = last if isinstance(last, dict) else _bruteforce_match(password, last, k)
        sequence.insert(0, match)
        k = match["i"] - 1
        length -= 1
    return guesses, sequence


def _undominated(entries: Iterable[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Drop each entry that an earlier one beats on both length and product.

    zxcvbn extends every stored sequence, in order. If an earlier sequence is shorter and its
    product no larger, its extension is strictly better (factorial and length penalty both
    grow with length, rounding keeps products ordered) and is evaluated first, so the later
    one's extension is always rejected by zxcvbn's own rule. Skipping it changes nothing.
    """
    kept: list[tuple[int, Decimal]] = []
    for length, pi in entries:
        if not any(k_length < length and k_pi <= pi for k_length, k_pi in kept):
            kept.append((length, pi))
    return kept


def _bruteforce_match(password: str, i: int, j: int) -> Match:
    match: dict[str, Any] = {"pattern": _BRUTEFORCE, "token": password[i : j + 1], "i": i, "j": j}
    scoring.estimate_guesses(match, password)  # fills guesses/guesses_log10, as zxcvbn does
    return match
