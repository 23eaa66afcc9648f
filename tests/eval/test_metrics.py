"""Metrics (ir-measures) and the paired bootstrap (eval/metrics.py)."""

from __future__ import annotations

import math

import pytest

from eval import metrics


def dcg(gains: list[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def test_run_scores_preserve_the_given_order():
    run = metrics.as_run(["c", "a", "b"])
    assert sorted(run, key=run.get, reverse=True) == ["c", "a", "b"]


def test_per_query_values_match_hand_computation():
    qrels = {"q1": {"a": 2, "b": 1, "c": 0, "d": 2}, "q2": {"x": 0}}
    rankings = {"q1": ["c", "b", "a", "z"], "q2": ["x"]}
    got = metrics.per_query(qrels, rankings)
    ideal = dcg([2, 2, 1])
    assert got["nDCG@10"]["q1"] == pytest.approx(dcg([0, 1, 2, 0]) / ideal)
    assert got["MRR"]["q1"] == pytest.approx(1 / 3)  # first grade-2 offer at rank 3
    assert got["R@10"]["q1"] == pytest.approx(1 / 2)  # one of two grade-2 offers
    assert all(got[m]["q2"] == 0.0 for m in metrics.MEASURES)  # nothing relevant


def test_query_without_ranking_scores_zero():
    got = metrics.per_query({"q1": {"a": 2}}, {})
    assert got["nDCG@10"] == {"q1": 0.0}


def test_bootstrap_of_identical_systems_is_zero():
    a = {str(i): i / 10 for i in range(10)}
    d = metrics.paired_bootstrap(a, a)
    assert (d.mean, d.low, d.high) == (0.0, 0.0, 0.0) and not d.excludes_zero


def test_bootstrap_of_constant_shift_is_that_shift():
    a = {str(i): i / 10 for i in range(10)}
    b = {k: v - 0.1 for k, v in a.items()}
    d = metrics.paired_bootstrap(a, b)
    assert d.mean == pytest.approx(0.1) and d.low == pytest.approx(0.1)
    assert d.excludes_zero and d.format().startswith("+0.100")


def test_bootstrap_interval_contains_mean_and_is_reproducible():
    a = {str(i): (i * 37 % 11) / 10 for i in range(40)}
    b = {str(i): (i * 17 % 13) / 12 for i in range(40)}
    d1, d2 = metrics.paired_bootstrap(a, b), metrics.paired_bootstrap(a, b)
    assert d1 == d2 and d1.low <= d1.mean <= d1.high
    assert metrics.paired_bootstrap(a, b, seed=1) != d1
    with pytest.raises(ValueError):
        metrics.paired_bootstrap({"x": 1.0}, {"y": 1.0})
