"""The default model's ranks: common passwords from three lists, names by password frequency.

Real-world shape: the bundled lists are the published ones (zxcvbn-ts's common passwords and
Django's copy of the 20,000 most common Pwned Passwords entries), so these tests read the
same data users get; the properties run over generated ranked lists.
"""

from __future__ import annotations

import gzip
import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st
from zxcvbn import matching as zxcvbn_matching
from zxcvbn import zxcvbn

from pwhygiene._breach.blocklist import COMMON_PASSWORDS, entries
from pwhygiene._strength import frequency
from pwhygiene._strength.estimate import estimate
from pwhygiene._strength.matching import base_dictionaries

WORDS = st.text(alphabet="abcdefgh", min_size=2, max_size=5)
RANKED = st.dictionaries(WORDS, st.integers(min_value=1, max_value=10_000), max_size=30)


def test_bundled_lists_are_the_published_files() -> None:
    """Each list is the file its source publishes, byte for byte (PROVENANCE.md's checksums)."""
    pwned = (COMMON_PASSWORDS / "pwned_top_20k.txt.gz").read_bytes()
    assert hashlib.sha256(pwned).hexdigest() == (
        "3c1baed62596de36860824eb3f436d5932d37ca8b06e59df78f5a44ec175afe4"
    )
    assert len(gzip.decompress(pwned).decode().splitlines()) == 19_640
    zxcvbn_ts = gzip.decompress((COMMON_PASSWORDS / "zxcvbn_ts_passwords.json.gz").read_bytes())
    assert hashlib.sha256(zxcvbn_ts).hexdigest() == (
        "f422773d94d630f27e08b26d7017e847bb1feb2a84809340e9c0b0c47b33e3f1"
    )
    assert len(json.loads(zxcvbn_ts)) == 49_233


@given(st.lists(RANKED, max_size=4))
def test_a_word_s_best_rank_is_its_lowest_in_any_list(lists: list[dict[str, int]]) -> None:
    """Oracle: ``best_ranks`` is the minimum over the lists that hold the word."""
    best = frequency.best_ranks(lists)
    assert set(best) == {word for ranks in lists for word in ranks}
    for word, rank in best.items():
        assert rank == min(ranks[word] for ranks in lists if word in ranks)


@given(st.lists(RANKED, max_size=3), RANKED)
def test_another_list_never_raises_a_rank(
    lists: list[dict[str, int]], extra: dict[str, int]
) -> None:
    """Metamorphic: more evidence of a password's popularity can only lower its rank."""
    before = frequency.best_ranks(lists)
    after = frequency.best_ranks([*lists, extra])
    assert all(after[word] <= rank for word, rank in before.items())


@given(RANKED, RANKED)
def test_names_move_only_on_evidence(census: dict[str, int], passwords: dict[str, int]) -> None:
    """A name that is a password gets its password rank; any other keeps its census rank."""
    reranked = frequency.rerank_names(census, passwords)
    assert set(reranked) == set(census)
    for name, rank in reranked.items():
        assert rank == passwords.get(name, census[name])


@given(st.dictionaries(st.sampled_from(["passwords", "surnames", "words"]), RANKED, min_size=1))
def test_each_word_keeps_only_its_cheapest_entries(lists: dict[str, dict[str, int]]) -> None:
    """Every word survives somewhere, and only at its lowest rank."""
    kept = frequency.cheapest_only(lists)
    best = frequency.best_ranks(lists.values())
    assert {word for ranks in kept.values() for word in ranks} == set(best)
    assert all(rank == best[word] for ranks in kept.values() for word, rank in ranks.items())


def test_names_are_ranked_by_how_often_they_are_chosen_as_passwords() -> None:
    """``patricia`` (census rank 2) is ranked as the password it is; ``jennifer`` stays cheap."""
    census = zxcvbn_matching.RANKED_DICTIONARIES["female_names"]
    table = base_dictionaries("default").base
    patricia = dict(table["patricia"])
    assert census["patricia"] == 2
    assert patricia["female_names"] == patricia["passwords"] > 100
    assert estimate("patricia").guesses_log10 > estimate("patricia", model="zxcvbn").guesses_log10
    assert estimate("jennifer").score == 0
    assert table["gwendolyn"] == (("female_names", census["gwendolyn"]),)  # no evidence: kept


def test_zxcvbn_model_keeps_zxcvbns_own_table() -> None:
    """``model="zxcvbn"`` reads zxcvbn's ranks untouched (its exactness test pins the rest)."""
    table = base_dictionaries("zxcvbn").base
    assert table["patricia"] == (("female_names", 2),)
    assert "fqrg7cs493" not in table


def test_common_pwned_passwords_of_eight_characters_never_score_three() -> None:
    """Safety floor: Pwned Passwords' most common 8+-character passwords score at most 2.

    Every eighth of the 8,354 such entries (the full list: ``benchmarks/bench_accuracy.py``);
    zxcvbn scores 323 of them 3 or 4 (``fqrg7cs493``, ``ilovemymom``, ``telechargement``).
    """
    with gzip.open(COMMON_PASSWORDS / "pwned_top_20k.txt.gz", "rt", encoding="utf-8") as f:
        common = [p for p in f.read().splitlines() if len(p) >= 8][::8]
    assert len(common) == 1_045
    assert [p for p in common if estimate(p).score >= 3] == []
    assert sum(zxcvbn(p)["score"] >= 3 for p in common) > 30  # zxcvbn's lists miss them


def test_one_character_entries_and_runs_are_left_out() -> None:
    """They would match at every position of every run; brute force and repeats price them."""
    assert frequency.ranked(["1", "ab", "AB", "c", "aaaa", "abc"]) == {"ab": 2, "abc": 6}
    assert estimate("aaaaaaaa").score == 0
    assert estimate("11111111").score == 0


def test_the_blocklist_holds_all_three_lists() -> None:
    """The policy's ``common`` rule refuses what the default model ranks as common."""
    blocked = entries()
    assert {"fqrg7cs493", "ilovemymom", "telechargement", "password", "123456"} <= blocked
    assert len(blocked) == 55_869
    assert max(len(entry) for entry in blocked) <= 40  # blocklist._LONGEST_ENTRY's bound
