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
