"""zxcvbn's pattern matching, re-composed to be bounded, re-entrant and up to date.

zxcvbn 4.5.0's :func:`zxcvbn.matching.omnimatch` is correct but unsafe to call from a server:

* it reads a module-global dictionary table that :func:`zxcvbn.zxcvbn` rewrites with each
  call's ``user_inputs`` (so concurrent calls leak inputs into each other), and its repeat
  matcher recurses through that global even when the caller passed its own tables;
* its l33t matcher enumerates every substitution combination and re-runs dictionary matching
  for each one (seconds for a 72-character string of l33t symbols);
* its dictionary matcher tries every substring, although no dictionary word is longer than
  23 characters; its date matcher filters candidates in quadratic time;
* its year patterns stop at 2019 and measure distance from 2017.

Here every call gets its own :class:`Dictionaries`, the l33t substitutions are capped, the
dictionary scan stops at the longest word, and years are measured from ``reference_year``.
The pure helpers of zxcvbn (spatial, sequence, regex, date arithmetic, l33t tables) are
reused as they are, and the match dictionaries keep zxcvbn's exact shape so its scoring and
feedback functions apply unchanged. With ``reference_year=2017`` and no l33t cap reached, the
matches are exactly zxcvbn's (pinned by a test).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from zxcvbn import matching

from pwhygiene._strength.accents import dictionary_form, fold, lower_aligned, price_accented
from pwhygiene._strength.dates import Match, date_match, regex_match
from pwhygiene._strength.frequency import default_lists
from pwhygiene._strength.languages import dictionaries as language_dictionaries
from pwhygiene._strength.passphrase import passphrase_match

Model = Literal["default", "zxcvbn"]
"""``"zxcvbn"``: zxcvbn 4.5.0's matchers only; ``"default"`` adds passphrases and accents."""

PREFIX = 4
"""Word starts of this length bound how far a dictionary scan goes (see ``Dictionaries``)."""

MAX_L33T_SUBS = 16
"""At most this many l33t substitution tables are tried per string (zxcvbn tries them all)."""

_REPEAT_GREEDY = re.compile(r"(.+)\1+", re.DOTALL)
_REPEAT_LAZY = re.compile(r"(.+?)\1+", re.DOTALL)
_REPEAT_LAZY_ANCHORED = re.compile(r"^(.+?)\1+$", re.DOTALL)


@dataclass(frozen=True)
class Dictionaries:
    """The ranked word lists one call matches against; never shared mutable state.

    ``base`` maps a word to its ``(list name, rank)`` pairs in zxcvbn's list order, so one
    lookup per substring replaces zxcvbn's one lookup per list. ``reach`` maps each
    ``PREFIX``-character word start to the length of the longest word that starts so: a scan
    from a position whose next characters start no word stops after ``PREFIX - 1``. ``user``
    holds this call's user inputs (rank = position, as in zxcvbn), ``user_reach`` their
    reach. ``alphabet`` is every character of every word: a substring holding any other
    character cannot be a word.
    """

    base: dict[str, tuple[tuple[str, int], ...]]
    reach: dict[str, int]
    user: dict[str, int]
    user_reach: dict[str, int]
    alphabet: frozenset[str]

    @classmethod
    def of(cls, base: dict[str, tuple[tuple[str, int], ...]]) -> Dictionaries:
        """The table for ``base``, with its reach and alphabet, and no user inputs."""
        return cls(base, _reach(base), {}, {}, frozenset().union(*base))

    def with_user_inputs(self, words: Sequence[str]) -> Dictionaries:
        """A copy holding ``words`` (already normalised, lower-case) as the user-input list."""
        ranked = matching.build_ranked_dict(list(words))
        alphabet = self.alphabet.union(*ranked)
        return Dictionaries(self.base, self.reach, ranked, _reach(ranked), alphabet)


def _reach(words: Iterable[str]) -> dict[str, int]:
    """Each ``PREFIX``-character word start -> the length of the longest word starting so."""
    reach: dict[str, int] = {}
    for word in words:
        if len(word) >= PREFIX and len(word) > reach.get(word[:PREFIX], 0):
            reach[word[:PREFIX]] = len(word)
    return reach


_LOCK = threading.Lock()
_BASE: dict[Model, Dictionaries] = {}


def base_dictionaries(model: Model = "zxcvbn") -> Dictionaries:
    """The ``model``'s ranked lists merged into one table; built once per model, on first use.

    ``"zxcvbn"`` is zxcvbn's lists exactly; ``"default"`` re-ranks them by password frequency
    and adds the bundled common-password lists (:mod:`pwhygiene._strength.frequency`).
    """
    table = _BASE.get(model)
    if table is None:
        with _LOCK:
            table = _BASE.get(model)
            if table is None:
                lists = _zxcvbn_lists()
                table = _merge(lists if model == "zxcvbn" else default_lists(lists))
                _BASE[model] = table
    return table


@lru_cache(maxsize=16)
def dictionaries_for(model: Model, languages: tuple[str, ...]) -> Dictionaries:
    """The ``model``'s lists plus the packs of ``languages`` (resolved, non-English), built once.

    Packs belong to the default model (``model="zxcvbn"`` stays zxcvbn's, English only).
    Pack words are normalised and folded (NFKC, lower case, accents to base letters) as the
    matcher folds the password, so ``müller`` and ``muller`` find the same entry; entries
    with spaces or punctuation are left out (the packs hold a few). A word gets one pack entry,
    its best rank, and none where a list already ranks it as high: for one span the cheapest
    entry is the only one the search can choose, so the others would only cost time.
    """
    base = base_dictionaries(model)
    if not languages or model == "zxcvbn":
        return base
    best: dict[str, tuple[str, int]] = {}
    for language in languages:
        for name, ranked in language_dictionaries(language).items():
            for word, rank in ranked.items():
                entry = dictionary_form(word)
                if entry.isalpha() and (entry not in best or rank < best[entry][1]):
                    best[entry] = (name, rank)  # "de los", "o'neil": never a password's letters
    merged = dict(base.base)
    for word, (name, rank) in best.items():
        known = merged.get(word, ())
        if all(rank < known_rank for _, known_rank in known):
            merged[word] = (*known, (name, rank))
    return Dictionaries.of(merged)


def _zxcvbn_lists() -> dict[str, dict[str, int]]:
    # zxcvbn's own ranked dicts for the bundled lists are built at import and never mutated
    # (only the "user_inputs" entry of the enclosing table is); read them, in their order.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415 -- 800 kB, load lazily

    return {name: matching.RANKED_DICTIONARIES[name] for name in FREQUENCY_LISTS}


def _merge(lists: Mapping[str, Mapping[str, int]]) -> Dictionaries:
    """One ``word -> ((list, rank), ...)`` table, the lists in ``lists``' order."""
    merged: dict[str, list[tuple[str, int]]] = {}
    for name, ranked in lists.items():
        for word, rank in ranked.items():
            merged.setdefault(word, []).append((name, rank))
    return Dictionaries.of({w: tuple(v) for w, v in merged.items()})


def omnimatch(
    password: str, dicts: Dictionaries, reference_year: int, model: Model = "default"
) -> list[Match]:
    """Every match the ``model``'s matchers find in ``password``, sorted by ``(i, j)``."""
    matches: list[Match] = []
    folding = model == "default"
    matches.extend(dictionary_match(password, dicts, fold_accents=folding))
    matches.extend(reverse_dictionary_match(password, dicts, fold_accents=folding))
    matches.extend(l33t_match(password, dicts, fold_accents=folding))
    if model == "default":
        price_accented(matches, password)
        matches.extend(passphrase_match(password, lower_aligned(password)))
    matches.extend(matching.spatial_match(password))
    matches.extend(repeat_match(password, dicts, reference_year, model))
    matches.extend(matching.sequence_match(password))
    matches.extend(regex_match(password, reference_year))
    matches.extend(date_match(password, reference_year))
    matches.sort(key=lambda m: (m["i"], m["j"]))
    return matches


def dictionary_match(
    password: str, dicts: Dictionaries, *, fold_accents: bool = False
) -> list[Match]:
    """Dictionary matches in zxcvbn's order, scanning only substrings a word could fill.

    With ``fold_accents``, accented letters are looked up as their base letters.
    """
    matches: list[Match] = []
    n = len(password)
    lower = lower_aligned(password)
    if fold_accents:
        lower = fold(lower)
    base, reach, user, alphabet = dicts.base, dicts.reach, dicts.user, dicts.alphabet
    user_reach = dicts.user_reach
    stops = [n] * (n + 1)  # stops[i]: first position >= i whose character no word has
    for i in range(n - 1, -1, -1):
        stops[i] = i if lower[i] not in alphabet else stops[i + 1]
    for i in range(n):
        head = lower[i : i + PREFIX]
        span = max(reach.get(head, PREFIX - 1), user_reach.get(head, PREFIX - 1))
        for j in range(i, min(stops[i], i + span)):
            word = lower[i : j + 1]
            for name, rank in base.get(word, ()):
                matches.append(_dictionary(password, i, j, word=word, rank=rank, name=name))
            if user and word in user:
                matches.append(
                    _dictionary(password, i, j, word=word, rank=user[word], name="user_inputs")
                )
    return matches


def _dictionary(password: str, i: int, j: int, *, word: str, rank: int, name: str) -> Match:
    return {
        "pattern": "dictionary",
        "i": i,
        "j": j,
        "token": password[i : j + 1],
        "matched_word": word,
        "rank": rank,
        "dictionary_name": name,
        "reversed": False,
        "l33t": False,
    }


def reverse_dictionary_match(
    password: str, dicts: Dictionaries, *, fold_accents: bool = False
) -> list[Match]:
    """Dictionary words spelled backwards (``drowssap``)."""
    n = len(password)
    matches = dictionary_match(password[::-1], dicts, fold_accents=fold_accents)
    for match in matches:
        match["token"] = match["token"][::-1]
        match["reversed"] = True
        match["i"], match["j"] = n - 1 - match["j"], n - 1 - match["i"]
    matches.sort(key=lambda m: (m["i"], m["j"]))
    return matches


def l33t_table(password: str) -> dict[str, list[str]]:
    """The l33t substitutions present in ``password``, trimmed to at most MAX_L33T_SUBS combos.

    zxcvbn picks one symbol per letter, so the combinations multiply. While the product is
    over the cap, the letter with the most candidate symbols loses the symbol that occurs least
    often in the password (the one that explains the fewest characters).
    """
    table: dict[str, list[str]] = matching.relevant_l33t_subtable(password, matching.L33T_TABLE)

    def combinations() -> int:
        product = 1
        for symbols in table.values():
            product *= len(symbols)
        return product

    while combinations() > MAX_L33T_SUBS:
        letter = max(table, key=lambda key: len(table[key]))
        weakest = min(reversed(table[letter]), key=password.count)
        table[letter] = [s for s in table[letter] if s != weakest]
    return table


def l33t_match(password: str, dicts: Dictionaries, *, fold_accents: bool = False) -> list[Match]:
    """The l33t matches zxcvbn finds, over at most MAX_L33T_SUBS substitution tables."""
    matches: list[Match] = []
    subs = matching.enumerate_l33t_subs(l33t_table(password))[:MAX_L33T_SUBS]
    plain = fold if fold_accents else str
    for sub in subs:
        if not sub:
            break
        subbed = matching.translate(password, sub)
        for match in dictionary_match(subbed, dicts, fold_accents=fold_accents):
            token = password[match["i"] : match["j"] + 1]
            if plain(lower_aligned(token)) == match["matched_word"]:
                continue  # no substitution was needed: the plain matcher has it
            match_sub = {
                subbed_chr: chr_ for subbed_chr, chr_ in sub.items() if subbed_chr in token
            }
            match["l33t"] = True
            match["token"] = token
            match["sub"] = match_sub
            match["sub_display"] = ", ".join(f"{k} -> {v}" for k, v in match_sub.items())
            matches.append(match)
    matches = [m for m in matches if len(m["token"]) > 1]
    matches.sort(key=lambda m: (m["i"], m["j"]))
    return matches


def repeat_match(
    password: str, dicts: Dictionaries, reference_year: int, model: Model = "default"
) -> list[Match]:
    """Repeated strings (``aaa``, ``abcabc``), the repeated unit scored with this call's tables."""
    from pwhygiene._strength.search import most_guessable  # noqa: PLC0415 -- mutual recursion

    matches: list[Match] = []
    last_index = 0
    while last_index < len(password):
        greedy = _REPEAT_GREEDY.search(password, last_index)
        lazy = _REPEAT_LAZY.search(password, last_index)
        if greedy is None or lazy is None:
            break
        if len(greedy.group(0)) > len(lazy.group(0)):
            match = greedy
            anchored = _REPEAT_LAZY_ANCHORED.search(match.group(0))
            base_token = anchored.group(1) if anchored else match.group(1)
        else:
            match = lazy
            base_token = match.group(1)
        i, j = match.start(), match.end() - 1
        base_guesses, base_matches = most_guessable(
            base_token, omnimatch(base_token, dicts, reference_year, model)
        )
        matches.append(
            {
                "pattern": "repeat",
                "i": i,
                "j": j,
                "token": match.group(0),
                "base_token": base_token,
                "base_guesses": base_guesses,
                "base_matches": base_matches,
                "repeat_count": len(match.group(0)) / len(base_token),
            }
        )
        last_index = j + 1
    return matches
