"""Near-reuse detection: which pairs are similar, why, and that blocking misses none."""

from __future__ import annotations

import itertools
import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene._audit.scoring import score_job
from pwhygiene._audit.similarity import _runs, describe, explain, shape, similar_pairs
from pwhygiene._audit.sites import Sites
from pwhygiene.vault import VaultItem

words = st.text(alphabet="abcdefghkmnpqrstuvwxyz", min_size=6, max_size=12)
affixes = st.text(alphabet="0123456789!#%&*", min_size=1, max_size=5)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("Summer2023!", "Summer2024!", ("suffix",)),
        ("password", "PASSWORD", ("case",)),
        ("P@ssw0rd", "password", ("case", "leet")),
        ("2023winter", "2024winter", ("prefix",)),
        ("correcthorse", "correcthorsf", ("edit",)),
        ("xK9#mQ2v", "tR7!pL4w", None),
        ("same-thing", "same-thing", None),
        ("abc1", "abd1", None),
    ],
)
def test_known_pairs(a: str, b: str, why: tuple[str, ...] | None) -> None:
    """Hand-picked pairs get the documented explanation (or none)."""
    assert explain(a, b) == why


def test_site_name_inserted_into_one_base() -> None:
    """The same base with each item's own site name inserted is near-reuse."""
    assert explain("githubTr0ub4dor", "gitlabTr0ub4dor", ("github",), ("gitlab",)) == ("site_name",)
    assert explain("githubTr0ub4dor", "gitlabTr0ub4dor") is None


@given(words, affixes, affixes)
def test_changed_suffix_is_similar(word: str, one: str, two: str) -> None:
    """A base with two different trailing digit/symbol runs is a suffix change."""
    if one != two:
        assert explain(word + one, word + two) == ("suffix",)


@given(words)
def test_case_change_is_similar(word: str) -> None:
    """Upper-casing any letters is a case change."""
    assert explain(word, word.upper()) == ("case",)


@given(
    st.lists(st.text(alphabet="abAB12!", min_size=4, max_size=9), max_size=12, unique=True),
    st.data(),
)
def test_blocking_finds_every_pair_brute_force_finds(
    passwords: list[str], data: st.DataObject
) -> None:
    """Oracle: the indexed search returns exactly the pairs an all-pairs comparison explains."""
    names = [
        tuple(data.draw(st.lists(st.sampled_from(["ab", "abb", "bab1"]), max_size=2)))
        for _ in passwords
    ]
    expected = {
        (i, j, explain(passwords[i], passwords[j], names[i], names[j]))
        for i, j in itertools.combinations(range(len(passwords)), 2)
    }
    expected = {e for e in expected if e[2] is not None}
    got = {(p.first, p.second, p.transforms) for p in similar_pairs(passwords, names)}
    assert got == expected


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7)), max_size=40))
def test_runs_group_owners_by_hash_whatever_the_order(keys: list[tuple[int, int]]) -> None:
    """Oracle: each hash held by two or more distinct owners yields them once, sorted.

    A hash repeated by one owner (a truncated-hash collision) is not a pair.
    """
    packed = np.array([(h << 3) | owner for h, owner in keys], dtype=np.int64)
    got = sorted(run.tolist() for run in _runs(packed, 3))
    owners: dict[int, set[int]] = {}
    for h, owner in keys:
        owners.setdefault(h, set()).add(owner)
    expected = sorted(sorted(o) for h, o in owners.items() if len(o) > 1)
    assert got == expected


@given(st.text(max_size=20), st.text(max_size=20))
def test_explanations_are_symmetric_and_name_no_characters(a: str, b: str) -> None:
    """Order does not matter, and a description is built from fixed phrases only."""
    one, two = explain(a, b), explain(b, a)
    assert (one is None) == (two is None)
    if one is not None:
        assert set(one) == set(two or ())
        text = describe(one)
        for part in text.split("; "):
            assert part in {
                "letter case changed",
                "letters swapped for look-alike digits or symbols",
                "digits or symbols at the start changed",
                "digits or symbols at the end changed",
                "a site name inserted into the same base",
                "one character changed in the same base",
            }


def test_shape_repr_shows_no_part_of_the_password() -> None:
    """A Shape is derived from the password: its repr must not show any of it."""
    from pwhygiene._audit.similarity import shape  # noqa: PLC0415

    assert "Tangerine" not in repr(shape("Tangerine-Falcon-42!"))
    assert "tangerine" not in repr(shape("Tangerine-Falcon-42!"))


def test_symbols_zxcvbn_reads_as_letters_are_leet_here_too() -> None:
    """``(`` for ``c`` and ``2`` for ``z`` are look-alikes (zxcvbn's table), not one-char edits."""
    assert explain("Bra(elet", "Bracelet") == ("leet",)
    assert explain("pu2zlebox", "puzzlebox") == ("leet",)


@given(st.sampled_from(list(string.punctuation + string.digits + "€£¥§")))
def test_every_lookalike_similarity_reads_keeps_the_words_for_scoring(symbol: str) -> None:
    """One table: a symbol similarity reads as a letter is one scoring's filter links to it too.

    Otherwise an item titled with the word would be scored without it although similarity
    treats the password as that word spelt with a look-alike.
    """
    reading = shape(f"k{symbol}k").letters[1:-1]
    if not reading:
        return  # similarity does not read this symbol as a letter
    word = f"mo{reading}dy"
    item = VaultItem(
        id="i", title=word, source_format="t", password=f"Qx9#mo{symbol}dyVb7%", urls=()
    )
    _, words = score_job(item, Sites())
    assert words, f"{symbol!r} is read as {reading!r} by similarity but not by scoring"
