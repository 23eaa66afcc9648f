"""Fusion of dense (e5 cosine) and keyword (BM25) scores into one relevance in [0, 1].

Both score lists cover the whole candidate set (the catalogue is scanned completely), so
normalisation is done over all candidates before any hard filter: the relevance of an offer
does not depend on which other offers a filter removes.

Methods (``FusionConfig.method``):

- ``"mix"``: ``alpha * minmax(dense) + (1 - alpha) * bm25 / max(bm25)``. Dense cosines of e5
  lie in a narrow band (about 0.7-0.9), min-max spreads them to [0, 1]; BM25 is divided by
  its maximum so that offers without any query term get 0.
- ``"rrf"``: reciprocal rank fusion ``sum 1 / (k + rank)`` (ranks from 1), divided by its
  maximum possible value ``2 / (k + 1)``; offers without BM25 match get no BM25 term.
- ``"dense"`` / ``"bm25"``: one side only (min-max / max normalised), for evaluation.

``DEFAULT_FUSION`` was tuned on ``eval/queries_dev.jsonl`` only (``python -m eval.tune``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Method = Literal["mix", "rrf", "dense", "bm25"]


@dataclass(frozen=True)
class FusionConfig:
    method: Method = "mix"
    #: weight of the dense side for ``"mix"``
    alpha: float = 0.5
    #: rank constant for ``"rrf"``
    rrf_k: int = 60


DEFAULT_FUSION = FusionConfig(method="mix", alpha=0.9)


def minmax(scores: Mapping[str, float]) -> dict[str, float]:
    """Scale to [0, 1]; all equal -> all 1.0 (nothing distinguishes them)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo <= 1e-12:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def max_scaled(scores: Mapping[str, float]) -> dict[str, float]:
    """Divide by the maximum (scores >= 0); no positive score -> empty mapping."""
    hi = max(scores.values(), default=0.0)
    if hi <= 0:
        return {}
    return {k: max(0.0, v) / hi for k, v in scores.items() if v > 0}


def ranks(scores: Mapping[str, float]) -> dict[str, int]:
    """1-based ranks by descending score (ties broken by id for determinism)."""
    order = sorted(scores, key=lambda k: (-scores[k], k))
    return {k: n for n, k in enumerate(order, start=1)}


def fuse(
    dense: Mapping[str, float], lexical: Mapping[str, float], config: FusionConfig = DEFAULT_FUSION
) -> dict[str, float]:
    """Relevance in [0, 1] for every candidate of either side.

    ``dense`` holds the dense candidates (cosines), ``lexical`` the BM25 scores (> 0 only).
    A BM25 hit outside the dense candidates (only possible when a very large catalogue is not
    scanned completely) gets the lowest dense score.
    """
    floor = min(dense.values(), default=0.0)
    dense = {**{k: floor for k in lexical if k not in dense}, **dense}
    ids = list(dense)
    if config.method == "dense":
        return minmax(dense)
    lex = max_scaled({k: lexical.get(k, 0.0) for k in ids})
    if config.method == "bm25":
        return {k: lex.get(k, 0.0) for k in ids}
    if config.method == "mix":
        d = minmax(dense)
        a = config.alpha
        return {k: a * d[k] + (1 - a) * lex.get(k, 0.0) for k in ids}
    if config.method == "rrf":
        k0 = config.rrf_k
        dr = ranks(dense)
        lr = ranks({k: v for k, v in lexical.items() if k in dense and v > 0})
        top = 2.0 / (k0 + 1)
        return {
            k: (1.0 / (k0 + dr[k]) + (1.0 / (k0 + lr[k]) if k in lr else 0.0)) / top for k in ids
        }
    raise ValueError(f"unknown fusion method {config.method!r}")
