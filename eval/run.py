"""Quality evaluation: ``.venv-app/bin/python -m eval.run [--set test|dev]``.

Prints one Markdown report (also written to eval/results/latest.md, not committed): nDCG@10,
MRR and R@10 of the four variants (eval.pipeline) on the judged query set, and paired
bootstrap 95 % intervals (fixed seed) of the differences between every pair of variants
(each later variant against BM25, dense and hybrid).
Judgments come from eval/qrels/<set>.json (``python -m eval.judge``); the report says how
many of the returned top-10 offers are judged and warns if the catalogue changed since.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval import metrics
from eval.judge import EVAL_DIR, QRELS_DIR, load_queries, read_qrels
from eval.pipeline import VARIANTS, Environment

RESULTS = EVAL_DIR / "results" / "latest.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def judged_share(
    qrels: Mapping[str, Mapping[str, int]], runs: Mapping[str, Sequence[str]]
) -> float:
    total = judged = 0
    for q, docs in runs.items():
        for d in docs[: metrics.CUTOFF]:
            total += 1
            judged += d in qrels.get(q, {})
    return judged / total if total else 1.0


def report(
    set_name: str,
    env: Environment,
    qrels: Mapping[str, Mapping[str, int]],
    runs: Mapping[str, Mapping[str, Sequence[str]]],
    stale: bool,
    seconds: float,
    command: str = "",
) -> str:
    values = {v: metrics.per_query(qrels, runs[v]) for v in VARIANTS}
    avg = {v: metrics.means(values[v]) for v in VARIANTS}
    names = list(metrics.MEASURES)
    n_rel = sum(1 for d in qrels.values() if any(g >= metrics.RELEVANT_GRADE for g in d.values()))
    lines = [
        f"### Search quality ({set_name} set: {len(qrels)} queries, {n_rel} with an offer "
        f"judged 2)",
        "",
        f"Command: `{command or f'.venv-app/bin/python -m eval.run --set {set_name}'}` · "
        f"{dt.date.today().isoformat()} · catalogue {len(env.offers)} offers "
        f"(hash {env.catalogue_hash[:12]}) · model {env.encoder.name} · machine: {machine()} "
        f"· run time {seconds:.0f} s",
        "",
        "| variant | " + " | ".join(names) + " | judged@10 |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    for v in VARIANTS:
        cells = [f"{avg[v][m]:.3f}" for m in names]
        lines.append(f"| {v} | " + " | ".join(cells) + f" | {judged_share(qrels, runs[v]):.0%} |")
    lines += [
        "",
        f"Differences (mean [95 % interval], paired bootstrap over queries, "
        f"{metrics.BOOTSTRAP_SAMPLES} resamples, seed {metrics.SEED}):",
        "",
        "| comparison | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for i, base in enumerate(VARIANTS[:-1]):
        for v in VARIANTS[i + 1 :]:
            cells = [
                metrics.paired_bootstrap(values[v][m], values[base][m]).format() for m in names
            ]
            lines.append(f"| {v} − {base} | " + " | ".join(cells) + " |")
    if stale:
        lines += [
            "",
            "**Warning:** the catalogue changed since the judgments were made – "
            "run `python -m eval.judge` again.",
        ]
    return "\n".join(lines) + "\n"


def model_comparison(
    qrels: Mapping[str, Mapping[str, int]],
    runs: Mapping[str, Mapping[str, Sequence[str]]],
    model: str,
    base_runs: Mapping[str, Mapping[str, Sequence[str]]],
    base_model: str,
) -> str:
    """Markdown: every embedding-dependent variant with ``model`` against ``base_model`` (paired
    bootstrap over the same queries and judgments)."""
    names = list(metrics.MEASURES)
    lines = [
        "",
        f"Model comparison: {model} against {base_model} (same queries, judgments and "
        f"ranking parameters; each cell: model value, difference [95 % interval]):",
        "",
        "| variant | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for v in VARIANTS:
        if v == "bm25":  # no embeddings involved
            continue
        new = metrics.per_query(qrels, runs[v])
        old = metrics.per_query(qrels, base_runs[v])
        avg = metrics.means(new)
        cells = [
            f"{avg[m]:.3f}, {metrics.paired_bootstrap(new[m], old[m]).format()}" for m in names
        ]
        lines.append(f"| {v} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("test", "dev"), default="test")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="embedding model folder (default: SEARCH_MODEL_PATH, the shipped one)",
    )
    parser.add_argument(
        "--baseline-model",
        type=Path,
        default=None,
        help="also rank with this model folder and compare (e.g. build/e5-small)",
    )
    args = parser.parse_args(argv)
    qrels_path = QRELS_DIR / f"{args.set}.json"
    if not qrels_path.is_file():
        print(
            f"Fehler: {qrels_path} fehlt – zuerst `python -m eval.judge` ausführen.",
            file=sys.stderr,
        )
        return 2
    start = time.perf_counter()
    queries = load_queries(EVAL_DIR / f"queries_{args.set}.jsonl")
    qrels, judged_hash = read_qrels(qrels_path)
    missing = [q.id for q in queries if q.id not in qrels]
    if missing:
        print(
            f"Fehler: keine Urteile für {missing[:5]} – `python -m eval.judge` ausführen.",
            file=sys.stderr,
        )
        return 2
    env = Environment.load(model_path=args.model)
    runs = env.rankings(queries)
    judged = {q.id: qrels[q.id] for q in queries}
    command = " ".join(
        [".venv-app/bin/python -m eval.run", "--set", args.set]
        + [f"--model {args.model}"] * bool(args.model)
        + [f"--baseline-model {args.baseline_model}"] * bool(args.baseline_model)
    )
    text = report(
        args.set,
        env,
        judged,
        runs,
        judged_hash != env.catalogue_hash,
        time.perf_counter() - start,
        command,
    )
    if args.baseline_model:
        base = Environment.load(model_path=args.baseline_model)
        base_runs = base.rankings(queries)
        text += model_comparison(judged, runs, env.encoder.name, base_runs, base.encoder.name)
        text += (
            "\n".join(
                ["", "| baseline variant | judged@10 |", "|---|---:|"]
                + [f"| {v} | {judged_share(judged, base_runs[v]):.0%} |" for v in VARIANTS]
            )
            + "\n"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
