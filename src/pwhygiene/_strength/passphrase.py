"""Passphrases: words from the lists passphrase generators draw from, joined by a separator.

zxcvbn prices ``mossy-crushable-tavern-oblong`` as brute force and dictionary fragments whose
sequence-length penalties (``l!`` and ``10^4`` per extra match) grow with every separator, so a
random four-word EFF phrase (10^15.6 possible) is rated 10^23. An attacker who suspects a
passphrase enumerates the generator's space instead: ``n`` words from a list of ``L``, one
separator, one capitalisation. :func:`passphrase_match` finds every such reading of a span and
prices it at ``n * log10(L)`` plus a small separator and case term; zxcvbn's search then takes
whichever reading of the password is cheapest, so this can only lower an estimate.

A short list of famous passphrases (``correct horse battery staple``) is matched whatever the
separators and case, and priced like a top-100 common password.

The work is bounded whatever the input: at most MAX_WORD_LENGTH lookups per position, a fixed
set of separators, and at most MAX_STEPS extensions and MAX_MATCHES matches per call.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from dataclasses import dataclass
from importlib import resources

from pwhygiene._strength.dates import Match

SEPARATORS = ("", " ", "-", ".", "_")
"""What generators put between words (EFF's dice pages, Bitwarden, 1Password, KeePassXC)."""
OTHER_SEPARATORS = frozenset(",;:/|+=*~!#$%&")
SEPARATOR_LOG10 = math.log10(len(SEPARATORS))
OTHER_SEPARATOR_LOG10 = math.log10(len(SEPARATORS) + len(OTHER_SEPARATORS))
CASE_LOG10 = math.log10(3)
"""Per word, when words are capitalised differently (lower, Capitalised, UPPER each)."""
UNIFORM_CASE_LOG10 = math.log10(3)
"""Once per phrase, when every word is Capitalised or every word UPPER."""
FAMOUS_WARNING = "This is a famous passphrase: attackers try it first."
FAMOUS_GUESSES = 100
"""A famous passphrase costs what zxcvbn charges a top-100 common password."""

MIN_WORDS = 2
MAX_STEPS = 4096
"""Word-to-word extensions tried per call; a 64-character phrase of short words needs ~1,500."""
MAX_MATCHES = 256

_LOWER, _CAPITALISED, _UPPER = 1, 2, 4

FAMOUS_PASSPHRASES = (
    "correct horse battery staple",  # xkcd 936, the best-known passphrase there is
    "the quick brown fox jumps over the lazy dog",
    "to be or not to be",
    "may the force be with you",
    "all your base are belong to us",
    "one ring to rule them all",
    "four score and seven years ago",
    "mary had a little lamb",
    "live long and prosper",
    "you shall not pass",
    "winter is coming",
    "the cake is a lie",
    "open sesame",
    "hakuna matata",
    "carpe diem",
    "i am groot",
    "in god we trust",
    "hello world",
    "let me in",
    "i love you",
)
"""Phrases people type because they are famous; matched ignoring separators and case."""


@dataclass(frozen=True)
class WordLists:
    """The generators' words: word -> bit mask of the lists holding it, and each list's size."""

    words: dict[str, int]
    sizes: tuple[int, ...]
    union_size: int
    longest: int
    shortest: int
    alphabet: frozenset[str]
    famous: tuple[tuple[str, int], ...]
    """Each famous passphrase squeezed (lower case, letters and digits only), and its words."""
    famous_set: frozenset[str]


_LISTS = ("eff_large_wordlist.txt", "eff_short_wordlist_1.txt")
_LOCK = threading.Lock()
_LOADED: WordLists | None = None


def word_lists() -> WordLists:
    """The EFF large and short lists (package data), read once on first use."""
    global _LOADED  # noqa: PLW0603 -- a lazily built, never mutated singleton
    if _LOADED is None:
        with _LOCK:
            if _LOADED is None:
                _LOADED = _load()
    return _LOADED


def _load() -> WordLists:
    folder = resources.files("pwhygiene._strength") / "wordlists"
    words: dict[str, int] = {}
    sizes = []
    for bit, name in enumerate(_LISTS):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        listed = [line.split("\t")[1] for line in lines if line]
        sizes.append(len(listed))
        for word in listed:
            words[word] = words.get(word, 0) | (1 << bit)
    famous = tuple((_squeeze(phrase), len(phrase.split())) for phrase in FAMOUS_PASSPHRASES)
    return WordLists(
        words=words,
        sizes=tuple(sizes),
        union_size=len(words),
        longest=max(map(len, words)),
        shortest=min(map(len, words)),
        alphabet=frozenset("".join(words)),
        famous=famous,
        famous_set=frozenset(phrase for phrase, _ in famous),
    )


_NOT_ALNUM = re.compile(r"[\W_]+")


def _squeeze(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def _case(token: str) -> int:
    """The capitalisation of one word as typed, or 0 when it is none of the three."""
    if token.islower():
        return _LOWER
    if token.isupper():
        return _UPPER
    if token[0].isupper() and token[1:].islower():
        return _CAPITALISED
    return 0


def phrase_log10(lists: WordLists, count: int, mask: int, cases: int, separator: str) -> float:
    """log10 of the guesses for ``count`` words sharing lists ``mask``, in ``cases``, joined."""
    if mask:
        size = min(lists.sizes[bit] for bit in range(len(lists.sizes)) if mask >> bit & 1)
    else:
        size = lists.union_size  # words from different lists: the attacker tries their union
    cost = count * math.log10(size)
    cost += SEPARATOR_LOG10 if separator in SEPARATORS else OTHER_SEPARATOR_LOG10
    if cases in (_CAPITALISED, _UPPER):
        cost += UNIFORM_CASE_LOG10
    elif cases != _LOWER:
        cost += count * CASE_LOG10
    return cost


def passphrase_match(password: str, lower: str) -> list[Match]:
    """Spans of ``password`` that read as a passphrase, each priced by its cheapest reading.

    ``lower`` is ``password`` lower-cased with one character per character (the dictionary
    matcher's view). Every span of at least MIN_WORDS words gets one match.
    """
    lists = word_lists()
    n = len(password)
    words_at = _words_at(password, lower, lists)
    starts = [i for i in range(n) if words_at[i]]
    if len(starts) < 2:
        return famous_match(password, lower, lists)
    separators = list(SEPARATORS[:1]) + sorted(
        {c for c in password if c in SEPARATORS or c in OTHER_SEPARATORS}
    )
    best: dict[tuple[int, int], tuple[float, int, str]] = {}
    budget = MAX_STEPS
    for separator in separators:
        for start in starts:
            budget = _chains(
                password,
                words_at,
                lists,
                start=start,
                separator=separator,
                best=best,
                budget=budget,
            )
            if budget <= 0 or len(best) >= MAX_MATCHES:
                break
    matches = [
        {
            "pattern": "passphrase",
            "i": i,
            "j": j - 1,
            "token": password[i:j],
            "words": count,
            "separator": separator,
            "famous": False,
            "guesses": math.ceil(10**cost),
            "guesses_log10": cost,
        }
        for (i, j), (cost, count, separator) in best.items()
    ]
    return matches + famous_match(password, lower, lists)


def _words_at(password: str, lower: str, lists: WordLists) -> list[list[tuple[int, int, int]]]:
    """Per position: ``(end, list mask, case)`` of every listed word starting there."""
    n = len(password)
    words, alphabet = lists.words, lists.alphabet
    found: list[list[tuple[int, int, int]]] = [[] for _ in range(n + 1)]
    stop = n
    for i in range(n - 1, -1, -1):
        if lower[i] not in alphabet:
            stop = i
            continue
        for end in range(i + lists.shortest, min(stop, i + lists.longest) + 1):
            mask = words.get(lower[i:end])
            if mask:
                case = _case(password[i:end])
                if case:
                    found[i].append((end, mask, case))
    return found


def _chains(
    password: str,
    words_at: list[list[tuple[int, int, int]]],
    lists: WordLists,
    *,
    start: int,
    separator: str,
    best: dict[tuple[int, int], tuple[float, int, str]],
    budget: int,
) -> int:
    """Extend phrases from ``start`` word by word; record each span's cheapest reading."""
    width = len(separator)
    # per end position: (list mask, cases) -> fewest words
    states: dict[int, dict[tuple[int, int], int]] = {}
    for end, mask, case in words_at[start]:
        states.setdefault(end, {})[(mask, case)] = 1
    pending = list(states)
    heapq.heapify(pending)
    while pending and budget > 0:
        position = heapq.heappop(pending)
        following = position + width
        joined = password[position:following] == separator
        for (mask, cases), count in states.pop(position).items():
            if count >= MIN_WORDS:
                cost = phrase_log10(lists, count, mask, cases, separator)
                key = (start, position)
                if key not in best or cost < best[key][0]:
                    best[key] = (cost, count, separator)
            if not joined:
                continue
            for end, word_mask, case in words_at[min(following, len(password))]:
                budget -= 1
                slot = states.get(end)
                if slot is None:
                    slot = states[end] = {}
                    heapq.heappush(pending, end)
                state = (mask & word_mask, cases | case)
                if slot.get(state, count + 2) > count + 1:
                    slot[state] = count + 1
    return budget


def famous_match(password: str, lower: str, lists: WordLists | None = None) -> list[Match]:
    """Famous passphrases anywhere in ``password``, whatever separates their words."""
    lists = lists or word_lists()
    squeezed = _NOT_ALNUM.sub("", lower)
    found = [(phrase, count) for phrase, count in lists.famous if phrase in squeezed]
    if not found:
        return []
    kept = [k for k, c in enumerate(lower) if not _NOT_ALNUM.match(c)]
    matches: list[Match] = []
    for phrase, count in found:
        at = squeezed.find(phrase)
        while at != -1:
            i, j = kept[at], kept[at + len(phrase) - 1]
            matches.append(
                {
                    "pattern": "passphrase",
                    "i": i,
                    "j": j,
                    "token": password[i : j + 1],
                    "words": count,
                    "separator": "",
                    "famous": True,
                    "guesses": FAMOUS_GUESSES,
                    "guesses_log10": math.log10(FAMOUS_GUESSES),
                }
            )
            at = squeezed.find(phrase, at + 1)
    return matches


def is_famous(text: str) -> bool:
    """True when ``text``, ignoring case, spaces and punctuation, is a famous passphrase."""
    return _squeeze(text) in word_lists().famous_set
