"""benchmarks/bench_accuracy.py's weighted Spearman, checked against a hand computation."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest


def _bench() -> ModuleType:
    path = Path(__file__).parent.parent / "benchmarks" / "bench_accuracy.py"
    spec = importlib.util.spec_from_file_location("bench_accuracy", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_weighted_ranks_put_ties_at_their_weighted_midpoint() -> None:
    """Values 1, 2, 2, 3 weighted 1, 2, 1, 1: the tied pair (weight 3 after 1) ranks 1 + 3*3/4."""
    assert bench.weighted_ranks([1, 2, 2, 3], [1, 2, 1, 1]) == [1.0, 3.25, 3.25, 5.0]


def test_unit_weights_give_ordinary_mid_ranks() -> None:
    """With unit weights wCorr's ranks are the textbook ones (ties share the mean rank)."""
    assert bench.weighted_ranks([10, 30, 20, 20], [1, 1, 1, 1]) == [1.0, 4.0, 2.5, 2.5]


def test_weighted_spearman_equals_the_hand_computation() -> None:
    """By hand for x = 1,2,2,3, y = 1,3,2,4, w = 1,2,1,1.

    Ranks x = 1, 3.25, 3.25, 5 and y = 1, 4, 2, 5; weighted means 3.15 and 3.2; so
    r = 8.1 / sqrt(8.075 * 10.8).
    """
    found = bench.weighted_spearman([1, 2, 2, 3], [1, 3, 2, 4], [1, 2, 1, 1])
    assert found == pytest.approx(8.1 / math.sqrt(8.075 * 10.8), rel=1e-12)


def test_weighted_spearman_is_one_for_any_increasing_map() -> None:
    """A monotone transform of the reference ranks perfectly, whatever the weights."""
    x = [0.5, 3.0, 7.0, 100.0]
    assert bench.weighted_spearman(x, [math.log(v) for v in x], [5, 1, 2, 1]) == pytest.approx(1)


def test_a_rub_syssec_result_table_is_read_by_its_header(tmp_path: Path) -> None:
    """The RUB-SysSec ``result_*.csv`` shape: a header, six tab-separated columns, any order.

    Written here from the repository's README and ``01_build_r_file.py`` (fictional rows).
    """
    table = tmp_path / "result_example_online.csv"
    table.write_text(
        "password\tstrength\tweight\tcount\tzxcvbn_guess_number\tzxcvbn_score\n"
        "hunter2\t-9000.0\t9000.0\t3.0\t1200.0\t0.0\n"
        "mahal kita\t-12.0\t12.0\t1.0\t55000.0\t1.0\n",
        encoding="utf-8",
    )
    expected = (["hunter2", "mahal kita"], [-9000.0, -12.0], [9000.0, 12.0])
    assert bench.read_reference(table) == expected


def test_a_plain_reference_file_needs_no_header(tmp_path: Path) -> None:
    """``password<TAB>reference[<TAB>weight]``, ``#`` comments, weight 1 when absent."""
    plain = tmp_path / "plain.tsv"
    plain.write_text("# comment\nhunter2\t1000\t5\nletmein\t20\n", encoding="utf-8")
    assert bench.read_reference(plain) == (["hunter2", "letmein"], [1000.0, 20.0], [5.0, 1.0])


def test_a_row_short_of_the_header_is_named_by_its_line(tmp_path: Path) -> None:
    """A cut table stops the run with the file and line, never a silently shorter sample."""
    table = tmp_path / "result_cut.csv"
    table.write_text("password\tstrength\tweight\nok\t1\t2\ncut\t3\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"result_cut\.csv:3"):
        bench.read_reference(table)
