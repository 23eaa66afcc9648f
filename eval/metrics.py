"""Per-query metrics (ir-measures / pytrec_eval) and paired bootstrap intervals (numpy).

- ``nDCG@10`` with the graded judgments (gain = grade 0/1/2),
- ``MRR``: reciprocal rank of the first offer judged 2 ("directly serves the need"),
- ``R@10``: share of the offers judged 2 that appear in the top 10.

Offers a run returns without a judgment count as 0 (not relevant). A query without any
offer judged 2 scores 0 on all three metrics for every variant, so it adds nothing to a
difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ir_measures
import numpy as np
from ir_measures import RR, R, nDCG

CUTOFF = 10
RELEVANT_GRADE = 2
MEASURES = {
    "nDCG@10": nDCG @ CUTOFF,
    "MRR": RR(rel=RELEVANT_GRADE),
    "R@10": R(rel=RELEVANT_GRADE) @ CUTOFF,
}
BOOTSTRAP_SAMPLES = 10_000
SEED = 20261126


def as_run(ranking: Sequence[str]) -> dict[str, float]:
    """Scores that reproduce the given order (pytrec_eval sorts by score, not by position)."""
    n = len(ranking)
    return {doc: float(n - i) for i, doc in enumerate(ranking)}


def per_query(
    qrels: Mapping[str, Mapping[str, int]], rankings: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, float]]:
    """``{metric: {query id: value}}`` for every query in ``qrels`` (missing -> 0)."""
    run = {q: as_run(rankings.get(q, [])) for q in qrels}
    run = {q: docs for q, docs in run.items() if docs}
    qrels_nonempty = {q: dict(d) for q, d in qrels.items() if d}
    out = {name: {q: 0.0 for q in qrels} for name in MEASURES}
    by_measure = {m: name for name, m in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels_nonempty, run):
        out[by_measure[metric.measure]][metric.query_id] = float(metric.value)
    return out


def means(values: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    return {m: float(np.mean(list(v.values()))) if v else 0.0 for m, v in values.items()}


@dataclass(frozen=True)
class Difference:
    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def format(self) -> str:
        return f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"


def paired_bootstrap(
    a: Mapping[str, float],
    b: Mapping[str, float],
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = SEED,
    confidence: float = 0.95,
) -> Difference:
    """Mean of ``a - b`` over the common queries with a percentile bootstrap interval
    (queries resampled with replacement, the same resample for both systems)."""
    keys = sorted(set(a) & set(b))
    if not keys:
        raise ValueError("no common queries")
    diff = np.array([a[k] - b[k] for k in keys], dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(diff), size=(samples, len(diff)))
    boot = diff[idx].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return Difference(float(diff.mean()), float(low), float(high))
