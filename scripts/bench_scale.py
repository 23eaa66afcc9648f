"""Scale benchmark of the vector index (``make bench-scale``); prints Markdown tables.

Encoding a million texts takes hours on 2 cores, so the vectors are generated, clustered
like the real catalogue:

- centres: the real passage embeddings of ``build/index`` (e5, one per offer);
- per centre, sub-clusters ("the same kind of course at other providers/places/dates"):
  centre + noise, then points = sub-centre + smaller noise. The noise follows the
  covariance of the real embeddings (the directions in which real offers differ) plus a
  small isotropic part; everything L2-normalised like the encoder output;
- queries: generated apart from the database with their own random stream and their own
  sub-centres (never stored in the index), so a query's neighbours are spread over a
  cluster as for a real query.

For each size and index kind (:mod:`search.index_factory`, parameters from there), one
child process builds the index (wall time, all cores) and writes it with the id map; a
second fresh child process loads it and measures the resident memory it adds (index + id
map as :class:`search.store.IdMap`), single-query search latency p50/p95 (one query at a
time, ``k=10`` and the service's candidate count ``k=1000``; faiss OpenMP threads as in the
service, :data:`search.index_factory.SEARCH_THREADS`, unless ``--faiss-threads``) and
recall@10 against exact search
(``faiss.knn`` over the same vectors).

Usage: ``python scripts/bench_scale.py [--sizes 10000 100000 1000000] [--kinds ...]
[--queries 1000] [--work build/bench-scale]``. The work folder holds the generated vectors
and, while a kind is measured, its index (about 1.8 GB of vectors at 1M, plus up to
1.8 GB for one index; delete the folder afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from bench_stats import pct, rss_mb  # noqa: E402  (scripts/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import index_factory  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
#: points per sub-cluster (on average) and noise scales relative to the real spread
POINTS_PER_SUBCLUSTER = 40
SUB_NOISE = 0.6
POINT_NOISE = 0.5
ISOTROPIC_SHARE = 0.15
SEED_BASE, SEED_QUERIES = 20261126, 4711
K = 10
SERVICE_K = 1000  # candidates the service fetches above FULL_SCAN_UP_TO for limit=5
#: stop timing a kind after this many seconds of searching (slow exact search at 1M)
SEARCH_BUDGET_S = 90.0


# ---------------------------------------------------------------- synthetic vectors


def real_centres(index_dir: Path) -> np.ndarray:
    from search import store

    return np.ascontiguousarray(store.load(index_dir).vectors(), dtype=np.float32)


class Generator:
    """Hierarchical clusters around the real embeddings (see module docstring)."""

    def __init__(self, centres: np.ndarray) -> None:
        self.centres = centres
        dim = centres.shape[1]
        centred = centres - centres.mean(axis=0)
        # noise ~ N(0, cov of the real embeddings) via random mixes of the centred rows,
        # plus an isotropic part; scaled so that one unit = the real spread around the mean
        self.basis = centred / np.sqrt(len(centres))
        self.spread = float(np.sqrt((centred**2).sum(axis=1).mean()))
        self.iso = self.spread / np.sqrt(dim)

    def noise(self, rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
        structured = rng.standard_normal((n, len(self.basis)), dtype=np.float32) @ self.basis
        iso = rng.standard_normal((n, self.basis.shape[1]), dtype=np.float32) * self.iso
        return scale * (np.sqrt(1 - ISOTROPIC_SHARE) * structured + np.sqrt(ISOTROPIC_SHARE) * iso)

    def sample(self, n: int, seed: int, chunk: int = 100_000) -> np.ndarray:
        rng = np.random.default_rng(seed)
        n_sub = max(1, n // POINTS_PER_SUBCLUSTER)
        parents = rng.integers(0, len(self.centres), n_sub)
        subs = self.centres[parents] + self.noise(rng, n_sub, SUB_NOISE)
        out = np.empty((n, self.centres.shape[1]), dtype=np.float32)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            x = subs[rng.integers(0, n_sub, m)] + self.noise(rng, m, POINT_NOISE)
            out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out


def describe_data(base: np.ndarray, queries: np.ndarray, centres: np.ndarray) -> dict:
    """Cosine statistics that show how clustered the generated data is."""
    import faiss

    sample = base[: min(len(base), 2000)]
    sims, _ = faiss.knn(sample, base, 2, metric=faiss.METRIC_INNER_PRODUCT)
    to_centre, _ = faiss.knn(sample, centres, 1, metric=faiss.METRIC_INNER_PRODUCT)
    q_top, _ = faiss.knn(queries[:500], base, K, metric=faiss.METRIC_INNER_PRODUCT)
    return {
        "nn_cos": float(np.mean(sims[:, 1])),
        "to_real_centre": float(np.mean(to_centre)),
        "query_top1": float(np.mean(q_top[:, 0])),
        "query_top10": float(np.mean(q_top[:, -1])),
    }


def prepare(work: Path, n: int, n_queries: int, gen: Generator) -> dict:
    """Vectors, ids, queries and exact ground truth for size ``n`` (cached in ``work``)."""
    import faiss

    d = work / f"n{n}"
    d.mkdir(parents=True, exist_ok=True)
    info_path = d / "data.json"
    if info_path.is_file():
        info = json.loads(info_path.read_text())
        if info.get("queries") == n_queries and info.get("centres") == len(gen.centres):
            return info
    t = time.perf_counter()
    base = gen.sample(n, SEED_BASE + n)
    queries = gen.sample(n_queries, SEED_QUERIES)  # own stream, own sub-centres
    np.save(d / "base.npy", base)
    np.save(d / "queries.npy", queries)
    np.save(d / "ids.npy", np.char.add("syn-", np.char.zfill(np.arange(n).astype(str), 7)))
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    _, truth = faiss.knn(queries, base, K, metric=faiss.METRIC_INNER_PRODUCT)
    np.save(d / "truth.npy", truth)
    info = {
        "n": n,
        "queries": n_queries,
        "centres": len(gen.centres),
        "generate_s": round(gen_s, 1),
        "exact_truth_s": round(time.perf_counter() - t, 1),
        **describe_data(base, queries, gen.centres),
    }
    info_path.write_text(json.dumps(info))
    return info


# ---------------------------------------------------------------- child processes


def child_build(data_dir: Path, kind: str, out: Path) -> None:
    base = np.load(data_dir / "base.npy", mmap_mode="r")
    spec = index_factory.spec_for(kind, len(base), base.shape[1])
    vecs = np.ascontiguousarray(base)
    t = time.perf_counter()
    index = index_factory.build(vecs, spec)
    seconds = time.perf_counter() - t
    import faiss

    out.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(out / "index.faiss"))
    (out / "spec.json").write_text(json.dumps(spec.to_dict()))
    print(json.dumps({"build_s": seconds, "peak_rss_mb": rss_mb()}))


def child_search(data_dir: Path, index_dir: Path, faiss_threads: int | None) -> None:
    import faiss

    from search.index_factory import IndexSpec
    from search.store import IdMap

    index_factory.use_search_threads(faiss_threads or index_factory.SEARCH_THREADS)
    queries = np.load(data_dir / "queries.npy")
    truth = np.load(data_dir / "truth.npy")
    before = rss_mb()
    spec = IndexSpec.from_dict(json.loads((index_dir / "spec.json").read_text()))
    index = faiss.read_index(str(index_dir / "index.faiss"))
    index_factory.configure(index, spec)
    ids = IdMap(np.load(data_dir / "ids.npy"))
    loaded = rss_mb()

    def one(q: np.ndarray, k: int) -> tuple[float, list[str]]:
        t = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), k)
        found = ids.take(rows[0][rows[0] >= 0])  # as IndexStore.search: rows -> offer ids
        return (time.perf_counter() - t) * 1000, found

    for q in queries[:20]:
        one(q, K)
    lat, recall = [], []
    start = time.perf_counter()
    for qi, q in enumerate(queries):
        ms, found = one(q, K)
        lat.append(ms)
        recall.append(len(set(found) & set(ids.take(truth[qi]))) / K)
        if time.perf_counter() - start > SEARCH_BUDGET_S and len(lat) >= 100:
            break
    lat_k = []
    start = time.perf_counter()
    for q in queries[: min(300, len(queries))]:
        lat_k.append(one(q, SERVICE_K)[0])
        if time.perf_counter() - start > SEARCH_BUDGET_S / 3 and len(lat_k) >= 50:
            break
    print(
        json.dumps(
            {
                "rss_index_mb": loaded - before,
                "rss_total_mb": rss_mb(),
                "p50": statistics.median(lat),
                "p95": pct(lat, 0.95),
                "n_timed": len(lat),
                "p50_k": statistics.median(lat_k),
                "p95_k": pct(lat_k, 0.95),
                "n_timed_k": len(lat_k),
                "recall": float(np.mean(recall)),
                "faiss_threads": faiss.omp_get_max_threads(),
                "file_mb": (index_dir / "index.faiss").stat().st_size / 2**20,
                "ids_mb": (data_dir / "ids.npy").stat().st_size / 2**20,
            }
        )
    )


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import faiss

    return (
        f"{platform.node()}, {os.cpu_count()} cores {platform.machine()}, {mem:.0f} GiB RAM, "
        f"Python {platform.python_version()}, faiss {faiss.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument(
        "--kinds", nargs="*", default=list(index_factory.KINDS), choices=index_factory.KINDS
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench-scale")
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=ROOT / "build" / "index",
        help="real index whose passage vectors are the cluster centres",
    )
    parser.add_argument("--faiss-threads", type=int, default=None)
    parser.add_argument("--child", choices=("build", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        child_build(args.data, args.kind, args.out)
        return
    if args.child == "search":
        child_search(args.data, args.out, args.faiss_threads)
        return

    gen = Generator(real_centres(args.index_dir))
    print(
        f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M')}; "
        f"cluster centres: {len(gen.centres)} real e5 passage vectors of {args.index_dir.name}\n"
    )
    print(
        "| offers | index | parameters | build | index file + id map | RSS added by "
        "index + id map | search k=10 p50 / p95 | search k=1000 p50 / p95 | recall@10 | "
        "load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    data_notes = []
    for n in args.sizes:
        info = prepare(args.work, n, args.queries, gen)
        data_notes.append(info)
        data_dir = args.work / f"n{n}"
        for kind in args.kinds:
            spec = index_factory.spec_for(kind, n)
            out = data_dir / kind
            b = _child(
                ["--child", "build", "--data", str(data_dir), "--kind", kind, "--out", str(out)]
            )
            extra = ["--faiss-threads", str(args.faiss_threads)] if args.faiss_threads else []
            s = _child(["--child", "search", "--data", str(data_dir), "--out", str(out), *extra])
            load = os.getloadavg()[0]
            params = ", ".join(f"{k}={v}" for k, v in spec.params.items()) or "–"
            print(
                f"| {n:,} | {kind} | {params}"
                f" | {b['build_s']:.1f} s | {s['file_mb'] + s['ids_mb']:.0f} MB"
                f" | {s['rss_index_mb']:.0f} MB (process {s['rss_total_mb']:.0f} MB)"
                f" | {s['p50']:.2f} / {s['p95']:.2f} ms"
                f" | {s['p50_k']:.2f} / {s['p95_k']:.2f} ms | {s['recall']:.3f}"
                f" | {load:.2f} |",
                flush=True,
            )
            for f in ("index.faiss",):
                (out / f).unlink(missing_ok=True)
    print(
        f"\nfaiss OpenMP threads during search: {s['faiss_threads']}; queries timed: up to "
        f"{args.queries} per kind (k=10; fewer where {SEARCH_BUDGET_S:.0f} s ran out), "
        f"up to 300 for k={SERVICE_K}."
    )
    print("Generated data (cosine; nn = nearest other database vector):")
    for info in data_notes:
        print(
            f"- {info['n']:,}: nn {info['nn_cos']:.3f}, to nearest real offer "
            f"{info['to_real_centre']:.3f}, query top-1 {info['query_top1']:.3f}, "
            f"query 10th {info['query_top10']:.3f}; generated in {info['generate_s']} s, "
            f"exact ground truth in {info['exact_truth_s']} s"
        )


if __name__ == "__main__":
    main()
