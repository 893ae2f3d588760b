"""How often people choose a string as a password: the ranks the default model matches with.

zxcvbn ranks its name lists by census frequency, so ``patricia`` (the second most common
American female name) costs 3 guesses, as few as ``123456``, although far fewer people choose
it as a password than ``jennifer``; and its 30,000 common passwords miss most of what
Pwned Passwords counts today (bot-made strings such as ``fqrg7cs493`` among them), so
``ilovemymom`` scores 3. The default model ranks by how often a string is *chosen as a
password* instead:

* **common passwords**: zxcvbn's list, zxcvbn-ts's 49,233 common passwords and the 20,000
  most common Pwned Passwords entries (Django's list); a password's rank is its best rank in
  any of them (an attacker guesses from the list that has it earliest);
* **names**: a name that is a common password is ranked as that password (the census says
  how many people *are* called Patricia, not how many choose it as a password); a name no
  password list holds keeps zxcvbn's census rank.

Each word keeps only its cheapest entries, as the search would choose them anyway; a tie
keeps every list that has it. The lists are the blocklist's (``_breach/common_passwords/``,
whose ``PROVENANCE.md`` says where they come from).
Measured on the RUB-SysSec samples by ``benchmarks/bench_accuracy.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pwhygiene._breach.blocklist import bundled_lists
from pwhygiene._strength.accents import dictionary_form

NAME_LISTS = ("male_names", "female_names", "surnames")
"""zxcvbn's lists ranked by census frequency, re-ranked here by password frequency."""

Ranked = dict[str, int]


def ranked(words: Iterable[str]) -> Ranked:
    """``{entry: rank}`` from a most-frequent-first list; ``rank`` is the position in it.

    Entries are read as the matcher reads a password (:func:`dictionary_form`; a repeat keeps
    its first rank). Entries of one character, or of one character repeated (``aaaaaaaa``;
    253 in the two lists), are left out: zxcvbn prices those as brute force or repeats
    (``aaaaaaaa`` is 8 x 11 guesses), and as dictionary words they would match at every
    position of every run, which costs the search more than it could ever save.
    """
    ranks: Ranked = {}
    for rank, word in enumerate(words, start=1):
        entry = dictionary_form(word)
        if len(set(entry)) > 1:
            ranks.setdefault(entry, rank)
    return ranks


def bundled_password_lists() -> dict[str, Ranked]:
    """The blocklist's two shipped password lists, each ranked in its own frequency order."""
    return {name: ranked(words) for name, words in bundled_lists().items()}


def best_ranks(lists: Iterable[Mapping[str, int]]) -> Ranked:
    """Each word's lowest rank over ``lists``."""
    best: Ranked = {}
    for ranks in lists:
        for word, rank in ranks.items():
            if rank < best.get(word, rank + 1):
                best[word] = rank
    return best


def rerank_names(census: Mapping[str, int], passwords: Mapping[str, int]) -> Ranked:
    """``census``'s names, each ranked as a password where it is one, else as the census has it.

    A name moves only on evidence: one no password list holds keeps zxcvbn's rank, so the
    change never rates a name stronger than zxcvbn without data saying people rarely choose it.
    """
    return {name: passwords.get(name, rank) for name, rank in census.items()}


def default_lists(zxcvbn_lists: Mapping[str, Mapping[str, int]]) -> dict[str, Ranked]:
    """Zxcvbn's ranked lists as the default model ranks them (see the module docstring).

    ``zxcvbn_lists`` maps list name -> ``{word: rank}`` (zxcvbn's ``RANKED_DICTIONARIES``).
    """
    passwords = best_ranks([zxcvbn_lists["passwords"], *bundled_password_lists().values()])
    lists: dict[str, Ranked] = {}
    for name, ranks in zxcvbn_lists.items():
        if name == "passwords":
            lists[name] = passwords
        elif name in NAME_LISTS:
            lists[name] = rerank_names(ranks, passwords)
        else:
            lists[name] = dict(ranks)
    return cheapest_only(lists)


def cheapest_only(lists: Mapping[str, Mapping[str, int]]) -> dict[str, Ranked]:
    """``lists`` with each word left only where its rank is lowest (ties keep every list)."""
    best = best_ranks(lists.values())
    return {
        name: {word: rank for word, rank in ranks.items() if rank == best[word]}
        for name, ranks in lists.items()
    }
