"""Tuning on the DEV set only: ``.venv-app/bin/python -m eval.tune``.

Coarse grid / coordinate search, objective mean nDCG@10 on eval/queries_dev.jsonl judged over
the whole catalogue (eval/qrels/dev.json). The test set is never read here. Steps:

1. BM25 parameters (k1, b, title repetitions) for the BM25 variant;
2. fusion method and parameters (mix alpha, RRF k) for the hybrid variant, with the best BM25;
3. relevance gate floor, diversity penalty and the weights of the profile and regional-need
   components (coordinate search, three passes) for the full variant.

It prints the values to copy into ``search/bm25.py`` (``DEFAULT_PARAMS``), ``search/hybrid.py``
(``DEFAULT_FUSION``) and ``search/ranking.py`` (``WEIGHTS``); it changes no file itself.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace

from eval import metrics
from eval.judge import EVAL_DIR, QRELS_DIR, Query, load_queries, read_qrels
from eval.pipeline import Environment
from search import diversity, hybrid, ranking
from search.bm25 import DEFAULT_PARAMS, BM25Params, build_for_offers
from search.build import passage_text

K1 = (0.9, 1.2, 1.5, 2.0)
B = (0.3, 0.5, 0.75)
TITLE_WEIGHT = (1, 2, 3)
ALPHA = tuple(round(0.1 * i, 1) for i in range(1, 10))
RRF_K = (5, 10, 20, 40, 60)
WEIGHT_STEPS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
FLOORS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8)
PENALTIES = (0.0, 0.02, 0.05, 0.1)


def ndcg(qrels: Mapping[str, Mapping[str, int]], runs: Mapping[str, Sequence[str]]) -> float:
    return metrics.means(metrics.per_query(qrels, runs))["nDCG@10"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__.split("\n")[0])
    parser.add_argument("--skip-bm25", action="store_true", help="keep DEFAULT_PARAMS")
    args = parser.parse_args(argv)
    queries: list[Query] = load_queries(EVAL_DIR / "queries_dev.jsonl")
    qrels, _ = read_qrels(QRELS_DIR / "dev.json")
    env = Environment.load()
    ordered = [env.offers[i] for i in env.index.store.meta.ids]

    # 1. BM25
    best_params, best_bm25 = DEFAULT_PARAMS, None
    lexical: dict[str, dict[str, float]] = {}
    if not args.skip_bm25:
        best_score = -1.0
        for k1, b, tw in itertools.product(K1, B, TITLE_WEIGHT):
            params = BM25Params(k1=k1, b=b, title_weight=tw)
            index = build_for_offers(ordered, passage_text, params)
            runs = {q.id: env.ranking(q, "bm25", bm25=index) for q in queries}
            score = ndcg(qrels, runs)
            if score > best_score:
                best_score, best_params, best_bm25 = score, params, index
                print(f"BM25 {params}: nDCG@10 {score:.4f}", flush=True)
    bm25 = best_bm25 or build_for_offers(ordered, passage_text, best_params)
    for q in queries:
        lexical[q.id] = bm25.score_map(q.text)

    # 2. fusion
    configs = [hybrid.FusionConfig("mix", alpha=a) for a in ALPHA] + [
        hybrid.FusionConfig("rrf", rrf_k=k) for k in RRF_K
    ]
    best_fusion, best_score = hybrid.DEFAULT_FUSION, -1.0
    for cfg in configs:
        runs = {q.id: env.ranking(q, "hybrid", fusion=cfg, lexical=lexical[q.id]) for q in queries}
        score = ndcg(qrels, runs)
        print(f"Fusion {cfg}: nDCG@10 {score:.4f}", flush=True)
        if score > best_score:
            best_fusion, best_score = cfg, score
    dense_only = ndcg(qrels, {q.id: env.ranking(q, "dense") for q in queries})
    print(f"(dense allein: {dense_only:.4f})")

    # 3. ranking weights, gate floor and diversity penalty (coordinate search, relevance
    #    weight fixed at 1); components are computed once per query and re-weighted
    scored = {q.id: env.scored(q, best_fusion, lexical[q.id]) for q in queries}
    weights = dict(ranking.WEIGHTS)
    knobs = {"floor": ranking.GATE_FLOOR, "penalty": diversity.DIVERSITY_PENALTY}

    def full_score(w: Mapping[str, float], k: Mapping[str, float]) -> float:
        runs = {
            qid: [r.offer.id for r in ranking.rerank(items, w, True, k["penalty"], k["floor"])]
            for qid, items in scored.items()
        }
        return ndcg(qrels, runs)

    current = full_score(weights, knobs)
    print(f"Ranking Start {weights} {knobs}: nDCG@10 {current:.4f}", flush=True)
    for _ in range(3):
        for name in ("floor", "penalty"):
            for step in FLOORS if name == "floor" else PENALTIES:
                trial_k = {**knobs, name: step}
                score = full_score(weights, trial_k)
                if score > current + 1e-9:
                    knobs, current = trial_k, score
                    print(f"  {name}={step}: nDCG@10 {score:.4f}", flush=True)
        for name in [k for k in weights if k != "relevance"]:
            for step in WEIGHT_STEPS:
                trial = {**weights, name: step}
                score = full_score(trial, knobs)
                if score > current + 1e-9:
                    weights, current = trial, score
                    print(f"  {name}={step}: nDCG@10 {score:.4f}", flush=True)

    print("\nErgebnis (nur Dev-Set):")
    print(f"  search/bm25.py    DEFAULT_PARAMS = {replace(best_params)}")
    print(f"  search/hybrid.py  DEFAULT_FUSION = {best_fusion}  (nDCG@10 {best_score:.4f})")
    print(
        f"  search/ranking.py WEIGHTS = {weights}, GATE_FLOOR = {knobs['floor']}, "
        f"DIVERSITY_PENALTY = {knobs['penalty']}  (nDCG@10 {current:.4f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
