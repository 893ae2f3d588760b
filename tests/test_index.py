"""OfflineIndex lookups: exact counts for present digests, 0 for absent ones, both hash kinds."""

from __future__ import annotations

import hashlib
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pwhygiene
import pwhygiene.exceptions
from pwhygiene._breach.index.build import build_index
from pwhygiene._breach.index.offline import OfflineIndex
from pwhygiene._breach.source import BreachSource, RangeProvider
from strategies.corpora import (
    Corpus,
    absent_digests,
    corpora,
    digests,
    write_single,
)


def _build(corpus: Corpus, folder: Path, **options: object) -> Path:
    source = write_single(folder / "corpus.txt", corpus, crlf=bool(options.pop("crlf", False)))
    target = folder / "corpus.idx"
    build_index(source, target, mode=corpus.mode, **options)  # type: ignore[arg-type]
    return target


@given(
    corpus=st.sampled_from(["sha1", "ntlm"]).flatmap(corpora),
    bits=st.one_of(st.none(), st.integers(0, 12)),
    crlf=st.booleans(),
    probes=st.data(),
)
def test_every_present_digest_has_its_exact_count_and_absent_ones_zero(
    corpus: Corpus, bits: int | None, crlf: bool, probes: st.DataObject
) -> None:
    """Count and count_many agree with the corpus for present digests and give 0 otherwise."""
    oracle = corpus.as_dict()
    candidates = probes.draw(st.lists(digests(corpus.mode), max_size=20))
    absent = absent_digests(corpus, candidates)
    with tempfile.TemporaryDirectory() as tmp:
        target = _build(corpus, Path(tmp), bucket_bits=bits, crlf=crlf)
        with OfflineIndex.open(target) as index:
            expected = {d: _fingerprint_match(corpus, d, index.info.bucket_bits) for d in absent}
            for digest, count in oracle.items():
                assert index.count(digest.lower()) == count
            assert index.count_many(list(oracle)) == oracle
            queries = [*oracle, *absent]
            expected_counts = [*oracle.values(), *(expected[d] for d in absent)]
            assert index.count_array(queries).tolist() == expected_counts
            raw = np.array([list(bytes.fromhex(d)) for d in queries], dtype=np.uint8)
            assert index.count_array(raw).tolist() == expected_counts
            assert {d: index.count(d) for d in absent} == expected
            assert index.count_many(absent) == expected
            assert index.info.hash_count == len(oracle)
            assert index.info.occurrences == min(sum(oracle.values()), 2**64 - 1)


def _fingerprint_match(corpus: Corpus, digest: str, bucket_bits: int) -> int:
    """The documented false positive, as an oracle.

    An absent digest whose key (first bucket_bits + 40 bits) is that of exactly one corpus
    digest reports that digest's count; otherwise 0.

    Random digests hit this with probability <= 2**-33; the strategies force shared keys.
    """
    shift = 64 - (bucket_bits + 40)
    same = [c for d, c in corpus.rows if int(d[:16], 16) >> shift == int(digest[:16], 16) >> shift]
    return same[0] if len(same) == 1 else 0


@given(corpus=st.sampled_from(["sha1", "ntlm"]).flatmap(corpora), bits=st.integers(0, 12))
def test_range_answers_match_the_corpus_prefix_by_prefix(corpus: Corpus, bits: int) -> None:
    """With suffixes kept, range(prefix) lists exactly the corpus rows under that prefix."""
    oracle = corpus.as_dict()
    with tempfile.TemporaryDirectory() as tmp:
        target = _build(corpus, Path(tmp), bucket_bits=bits, with_suffixes=True)
        with OfflineIndex.open(target) as index:
            for prefix in {d[:5] for d in oracle} | {"00000", "FFFFF", "5A5A5"}:
                expected = [(d[5:], c) for d, c in corpus.rows if d.startswith(prefix)]
                assert index.range(prefix.lower()) == expected


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1,000-password SHA-1 index."""
    folder = tmp_path_factory.mktemp("index")
    rows = sorted((hashlib.sha1(f"pw{i}".encode()).hexdigest().upper(), i + 1) for i in range(1000))
    return _build(Corpus("sha1", tuple(rows)), folder)


def test_the_index_is_a_breach_source_and_range_provider(small_index: Path) -> None:
    """OfflineIndex satisfies both protocols, so Checker and the mirror can use it."""
    with pwhygiene.OfflineIndex.open(small_index) as index:
        assert isinstance(index, BreachSource)
        assert isinstance(index, RangeProvider)
        assert index.mode == "sha1"


def test_count_many_keys_are_the_inputs_upper_cased(small_index: Path) -> None:
    """count_many keys each digest as given but upper-cased, duplicates collapsing."""
    digest = hashlib.sha1(b"pw7").hexdigest()
    with OfflineIndex.open(small_index) as index:
        assert index.count_many([digest, digest.upper()]) == {digest.upper(): 8}
        assert index.count_many([]) == {}


@pytest.mark.parametrize("bad", ["", "abc", "g" * 40, "A" * 39, "A" * 41, "é" * 40, "A" * 32])
def test_malformed_digests_raise_invalid_input_without_echoing_them(
    small_index: Path, bad: str
) -> None:
    """A malformed digest raises InvalidInput (a ValueError) whose message does not repeat it."""
    with OfflineIndex.open(small_index) as index:
        for call in (index.count, lambda d: index.count_many(["A" * 40, d])):
            with pytest.raises(pwhygiene.exceptions.InvalidInput) as info:
                call(bad)
            assert not bad or bad not in str(info.value)


def test_count_array_rejects_wrong_shapes_and_handles_empty_input(small_index: Path) -> None:
    """A raw-digest array of the wrong width is InvalidInput; no digests give an empty array."""
    with OfflineIndex.open(small_index) as index:
        with pytest.raises(pwhygiene.exceptions.InvalidInput):
            index.count_array(np.zeros((3, 16), dtype=np.uint8))
        assert index.count_array([]).tolist() == []


def test_lookups_after_close_raise_and_close_releases_the_map(small_index: Path) -> None:
    """The context manager closes the map; later lookups raise OfflineIndexError."""
    with OfflineIndex.open(small_index) as index:
        pass
    with pytest.raises(pwhygiene.exceptions.OfflineIndexError):
        index.count("A" * 40)
    with pytest.raises(pwhygiene.exceptions.OfflineIndexError):
        index.count_many(["A" * 40])


def test_one_index_serves_many_threads(small_index: Path) -> None:
    """Concurrent lookups from several threads all get the right counts."""
    digests_ = [hashlib.sha1(f"pw{i}".encode()).hexdigest() for i in range(1000)]
    with OfflineIndex.open(small_index) as index, ThreadPoolExecutor(4) as pool:
        singles = list(pool.map(index.count, digests_))
        batches = list(pool.map(index.count_many, [digests_[i::4] for i in range(4)]))
    assert singles == list(range(1, 1001))
    assert sum(sum(b.values()) for b in batches) == sum(range(1, 1001))


def test_range_on_a_compact_index_says_how_to_rebuild(small_index: Path) -> None:
    """A compact index (no suffixes) refuses range queries with a rebuild hint."""
    with OfflineIndex.open(small_index) as index:
        with pytest.raises(pwhygiene.exceptions.OfflineIndexError, match="--with-suffixes"):
            index.range("00000")
        with pytest.raises(pwhygiene.exceptions.InvalidInput):
            index.range("XYZ12")


def test_repr_and_info_name_the_file_not_its_contents(small_index: Path) -> None:
    """Repr and info report the path and the numbers, nothing else."""
    with OfflineIndex.open(small_index) as index:
        assert "corpus.idx" in repr(index)
        assert index.info.source == "corpus.txt"
        assert index.info.format_version == 2
        assert 0 < index.info.false_positive_bound < 1e-9
        assert index.info.bytes_per_hash > 6


def test_a_missing_index_is_an_offline_index_error(tmp_path: Path) -> None:
    """Opening a path that does not exist says so and how to build one."""
    with pytest.raises(pwhygiene.exceptions.OfflineIndexError, match="index build"):
        OfflineIndex.open(tmp_path / "nope.idx")


@given(bad=st.text(min_size=4, max_size=80))
def test_invalid_digest_messages_never_contain_the_input(small_index: Path, bad: str) -> None:
    """Any malformed digest, single or in a batch, is refused without echoing it."""
    assume(not re.fullmatch(r"[0-9A-Fa-f]{40}", bad))
    with OfflineIndex.open(small_index) as index:
        for call in (index.count, lambda d: index.count_many(["a" * 40, d])):
            with pytest.raises(pwhygiene.exceptions.InvalidInput) as info:
                call(bad)
            assert bad not in str(info.value)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_close_unmaps_the_file_after_lookups_of_every_kind(tmp_path: Path) -> None:
    """After close() no view (numpy or memoryview) keeps the file mapped."""
    rows = sorted((hashlib.sha1(f"pw{i}".encode()).hexdigest().upper(), 250 + i) for i in range(50))
    target = _build(Corpus("sha1", tuple(rows)), tmp_path, with_suffixes=True)
    with OfflineIndex.open(target) as index:
        assert index.count(rows[0][0]) == rows[0][1]
        assert index.count_many([d for d, _ in rows]) == dict(rows)
        assert index.range(rows[0][0][:5])
        assert str(target) in Path("/proc/self/maps").read_text()
    assert str(target) not in Path("/proc/self/maps").read_text()
