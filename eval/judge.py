"""Graded relevance judgments from hand-written per-query specs (rules: eval/criteria.md).

The judge reads ONLY what a human assessor reads: the offer's title and description text,
its course type, format, time model, place, start dates and stated funding routes. It never looks at
``kldb_targets`` or ``fields`` (the ranker's occupation features), nor at any ranker score.

Spec of a query (``"spec"`` in eval/queries_*.jsonl)::

    {"need":    [[pattern, ...], [pattern, ...]],  # every group must match (AND of ORs);
                                                    # the first (main topic) in the lead
     "related": [pattern, ...],                     # any match -> at least "related" (1)
     "types":   ["umschulung", ...],                # course types that can be 2 (else max 1)
     "not":     [pattern, ...],                     # any match caps at 1 (wrong level/target)
     "time_models": [...], "formats": [...],        # stated hard needs (else max 1)
     "funded": true,                                # user needs funding: the offer must name
                                                    # a funding route (AZAV or funding list)
     "near": true}                                  # place-bound offer must be within reach

The lead is the title plus the first sentence of the description: an offer that names the
main topic only later (as a prerequisite, target group or side topic) is at most related.
Patterns are Python regular expressions over the normalised text (lower case, ä->ae, ö->oe,
ü->ue, ß->ss, whitespace collapsed); ``title:`` before a pattern restricts it to the title;
``@name`` expands to the synonym list ``name`` of eval/concepts.json.

``python -m eval.judge`` pools the top ``POOL_DEPTH`` offers of all four variants, with the
shipped (fine-tuned) and the base embedding model, for every test query, judges the pool and writes eval/qrels/test.json; the dev set is judged over the
whole catalogue (eval/qrels/dev.json) because tuning explores rankings beyond any pool.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval.relevance import (
    CONCEPTS_FILE,
    EVAL_DIR,
    POOL_DEPTH,
    QRELS_DIR,
    REACH_KM,
    SPEC_KEYS,
    Pattern,
    Query,
    Spec,
    compile_patterns,
    concepts,
    grade,
    judge,
    load_queries,
    merge_pools,
    normalise,
    offer_texts,
    reachable,
    read_qrels,
    write_qrels,
)

__all__ = [
    "CONCEPTS_FILE",
    "EVAL_DIR",
    "POOL_DEPTH",
    "QRELS_DIR",
    "REACH_KM",
    "SPEC_KEYS",
    "Pattern",
    "Query",
    "Spec",
    "compile_patterns",
    "concepts",
    "grade",
    "judge",
    "load_queries",
    "merge_pools",
    "normalise",
    "offer_texts",
    "reachable",
    "read_qrels",
    "write_qrels",
    "main",
]


def main(argv: list[str] | None = None) -> int:
    from eval import pipeline

    parser = argparse.ArgumentParser(
        prog="python -m eval.judge", description="Pool the four variants and judge the pool"
    )
    parser.add_argument("--set", choices=("test", "dev", "both"), default="both")
    parser.add_argument(
        "--model",
        dest="models",
        type=Path,
        action="append",
        help="model folder whose variants are pooled (repeatable; default: the "
        "shipped SEARCH_MODEL_PATH and the base build/e5-small)",
    )
    args = parser.parse_args(argv)
    models = list(dict.fromkeys(args.models or pipeline.default_models()))
    envs = [pipeline.Environment.load(model_path=m) for m in models]
    env = envs[0]
    sets = ("test", "dev") if args.set == "both" else (args.set,)
    for name in sets:
        queries = load_queries(EVAL_DIR / f"queries_{name}.jsonl")
        if name == "test":
            pools = merge_pools(e.pool(queries, POOL_DEPTH) for e in envs)
            how = (
                f"top {POOL_DEPTH} of variants {', '.join(pipeline.VARIANTS)} with the models "
                f"{', '.join(m.name for m in models)}"
            )
        else:
            pools = {q.id: list(env.offers) for q in queries}
            how = "whole catalogue"
        qrels = judge(queries, pools, env.offers, pipeline.TODAY)
        write_qrels(QRELS_DIR / f"{name}.json", qrels, env.catalogue_hash, how)
        judged = sum(len(v) for v in qrels.values())
        rel = sum(1 for v in qrels.values() for g in v.values() if g > 0)
        none = [q for q, v in qrels.items() if not any(g == 2 for g in v.values())]
        print(
            f"{name}: {len(queries)} Anfragen, {judged} Urteile ({how}), {rel} relevant; "
            f"ohne Grad-2-Treffer: {len(none)} {none[:10]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
