"""Years and dates, priced from a reference year that moves with the calendar.

zxcvbn 4.5.0 measures every year from a hard-coded 2017 and calls only 1900-2019 "recent",
so ``rooster2024`` looks like a rare year to it. These matchers find the same patterns as
zxcvbn's (its regex and ``map_ints_to_dmy`` are reused) but measure distance from
``reference_year``, and they pre-set each match's guesses the way zxcvbn's
``estimate_guesses`` would, so its scoring uses them unchanged. The date matcher also drops
nested dates in linear time instead of comparing every pair.
"""

from __future__ import annotations

import re
from typing import Any

from zxcvbn import matching, scoring

Match = dict[str, Any]
"""One zxcvbn match, in zxcvbn's own shape (``pattern``, ``i``, ``j``, ``token``, ...)."""

_DATE_NO_SEPARATOR = re.compile(r"^\d{4,8}$")
_DATE_WITH_SEPARATOR = re.compile(r"^(\d{1,4})([\s/\\_.-])(\d{1,2})\2(\d{1,4})$")


def recent_year_pattern(reference_year: int) -> re.Pattern[str]:
    """Years 1900 to the end of the reference year's decade (zxcvbn: 1900-2019)."""
    last_decade = max(0, min(9, (reference_year - 2000) // 10))
    return re.compile(rf"19\d\d|20[0-{last_decade}]\d")


def regex_match(password: str, reference_year: int) -> list[Match]:
    """Recent years, priced by their distance from ``reference_year`` (zxcvbn: 2017)."""
    regexen = {"recent_year": recent_year_pattern(reference_year)}
    matches: list[Match] = matching.regex_match(password, _regexen=regexen)
    for match in matches:
        year_space = max(abs(int(match["token"]) - reference_year), scoring.MIN_YEAR_SPACE)
        _price(match, password, year_space)
    return matches


def date_match(password: str, reference_year: int) -> list[Match]:
    """Dates as zxcvbn finds them (``1.1.91``, ``19910101``), with a linear-time filter."""
    candidates = _dates_without_separator(password, reference_year)
    candidates += _dates_with_separator(password)
    # Drop dates strictly inside another date (zxcvbn compares every pair; spans suffice).
    n = len(password)
    furthest_end = [-1] * (n + 1)
    for m in candidates:
        furthest_end[m["i"]] = max(furthest_end[m["i"]], m["j"])
    covered_before = [-1] * (n + 1)
    for i in range(1, n + 1):
        covered_before[i] = max(covered_before[i - 1], furthest_end[i - 1])
    kept = [
        m
        for m in candidates
        if not (covered_before[m["i"]] >= m["j"] or furthest_end[m["i"]] > m["j"])
    ]
    kept.sort(key=lambda m: (m["i"], m["j"]))
    for match in kept:
        year_space = max(abs(match["year"] - reference_year), scoring.MIN_YEAR_SPACE)
        _price(match, password, year_space * 365 * (4 if match["separator"] else 1))
    return kept


def _dates_without_separator(password: str, reference_year: int) -> list[Match]:
    found: list[Match] = []
    n = len(password)
    for i in range(n - 3):
        for j in range(i + 3, min(n, i + 8)):
            token = password[i : j + 1]
            if not _DATE_NO_SEPARATOR.match(token):
                continue
            best: dict[str, int] | None = None
            for k, split in scoring_splits(len(token)):
                ints = [int(token[:k]), int(token[k:split]), int(token[split:])]
                dmy = matching.map_ints_to_dmy(ints)
                # zxcvbn keeps the first candidate closest to its reference year
                if dmy and (
                    best is None
                    or abs(dmy["year"] - reference_year) < abs(best["year"] - reference_year)
                ):
                    best = dmy
            if best is not None:
                found.append(_date(token, i, j, "", best))
    return found


def _dates_with_separator(password: str) -> list[Match]:
    found: list[Match] = []
    n = len(password)
    for i in range(n - 5):
        for j in range(i + 5, min(n, i + 10)):
            token = password[i : j + 1]
            rx = _DATE_WITH_SEPARATOR.match(token)
            if not rx:
                continue
            dmy = matching.map_ints_to_dmy([int(rx.group(1)), int(rx.group(3)), int(rx.group(4))])
            if dmy:
                found.append(_date(token, i, j, rx.group(2), dmy))
    return found


def scoring_splits(length: int) -> list[list[int]]:
    """The ways zxcvbn splits a separator-less date of ``length`` digits into d/m/y."""
    splits: list[list[int]] = matching.DATE_SPLITS[length]
    return splits


def _date(token: str, i: int, j: int, separator: str, dmy: dict[str, int]) -> Match:
    return {
        "pattern": "date",
        "token": token,
        "i": i,
        "j": j,
        "separator": separator,
        "year": dmy["year"],
        "month": dmy["month"],
        "day": dmy["day"],
    }


def _price(match: Match, password: str, guesses: int) -> None:
    """Pre-set a match's guesses, as zxcvbn's estimate_guesses would with our reference year."""
    if len(match["token"]) < len(password):
        floor = (
            scoring.MIN_SUBMATCH_GUESSES_SINGLE_CHAR
            if len(match["token"]) == 1
            else scoring.MIN_SUBMATCH_GUESSES_MULTI_CHAR
        )
    else:
        floor = 1
    match["guesses"] = max(guesses, floor)
