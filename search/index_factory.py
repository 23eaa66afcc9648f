"""Choose, build and configure the FAISS index type by catalogue size.

All index parameters live here. Vectors are L2-normalised, so every index uses the inner
product (= cosine):

- ``flat``      ``IndexFlatIP``: exact; used below :data:`EXACT_MAX_SIZE` offers.
- ``hnsw``      ``IndexHNSWFlat``: graph search over the full float32 vectors.
- ``hnsw_sq8`` / ``hnsw_fp16``  ``IndexHNSWSQ``: the same graph over 8-bit / 16-bit float
                scalar-quantised vectors (a quarter / half of the vector memory).
- ``ivf_flat`` / ``ivf_sq8`` / ``ivf_fp16`` / ``ivf_pq``: inverted lists over spherical
                k-means cells with float32, 8-bit, 16-bit float or product-quantised codes.

:func:`choose_spec` is the production choice; the other kinds stay buildable so that
``scripts/bench_scale.py`` can measure them side by side (the figures that set
:data:`EXACT_MAX_SIZE` and :data:`LARGE_KIND` are in docs/benchmarks.md).

The chosen :class:`IndexSpec` is stored in the index meta; :func:`configure` re-applies its
search-time parameters (``efSearch``, ``nprobe``) after an index is read from disk.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import faiss
import numpy as np

#: Below this many vectors the exact ``IndexFlatIP`` is used. Measured (scripts/bench_scale.py,
#: one query at a time, machine under load): exact search p50 1.2 ms at 20k, 7.3 ms at 50k,
#: 12 ms at 100k, 174 ms at 1M vectors (linear); ``ivf_fp16`` stays below 1 ms p50 with
#: recall@10 >= 0.999 at every size. Must stay above ``search.service.FULL_SCAN_UP_TO``
#: (the service scores the whole catalogue below that size, which only exact search can).
EXACT_MAX_SIZE = 50_000
#: Index kind used from :data:`EXACT_MAX_SIZE` vectors on: IVF over 16-bit float vectors.
#: At 1M: recall@10 0.999, p95 5 ms, 786 MB, built in 75 s. Rejected there: ``hnsw`` (1.77 GB,
#: 9 min build, recall 0.976), ``hnsw_sq8`` / ``ivf_sq8`` (recall 0.919 / 0.968),
#: ``ivf_pq`` (recall 0.17), ``ivf_flat`` (same recall, twice the memory).
LARGE_KIND = "ivf_fp16"

#: faiss OpenMP threads for one query. The setting is per calling thread, so
#: :func:`use_search_threads` is called right before each search (the service searches in a
#: thread pool). One thread: a single query has little to split, and a second OpenMP thread
#: waits for a free core whenever the other one is busy (exact search over 10k vectors:
#: p50 0.3 ms with 1 thread, 38 ms with 2 under load; docs/benchmarks.md).
SEARCH_THREADS = 1

#: HNSW graph degree, construction and search beam widths.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96
#: IVF: lists = IVF_LISTS_PER_SQRT * sqrt(n) (power of two), probed lists per query.
IVF_LISTS_PER_SQRT = 2
IVF_NPROBE = 48
#: k-means training: at most this many points per list, and iterations.
IVF_TRAIN_POINTS_PER_LIST = 40
IVF_TRAIN_ITERATIONS = 10
#: Product quantiser: bytes per vector (sub-quantisers of 8 bits each).
PQ_BYTES = 48

KINDS = ("flat", "hnsw", "hnsw_sq8", "hnsw_fp16", "ivf_flat", "ivf_sq8", "ivf_fp16", "ivf_pq")
#: scalar quantiser of the ``*_sq8`` / ``*_fp16`` kinds
_SQ_TYPES = {"sq8": faiss.ScalarQuantizer.QT_8bit, "fp16": faiss.ScalarQuantizer.QT_fp16}
METRIC = faiss.METRIC_INNER_PRODUCT


@dataclass(frozen=True)
class IndexSpec:
    """An index kind with its build and search parameters (JSON-serialisable)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown index kind '{self.kind}' (known: {', '.join(KINDS)})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> IndexSpec:
        """Spec from stored meta; ``None`` (indexes written before specs existed) = flat."""
        if not data:
            return cls("flat")
        return cls(str(data["kind"]), dict(data.get("params") or {}))

    @property
    def exact(self) -> bool:
        return self.kind == "flat"

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.kind}({args})" if args else self.kind


def ivf_lists(n: int) -> int:
    """Number of inverted lists for ``n`` vectors: ~2*sqrt(n) as a power of two, and never
    so many that a list has fewer than 39 training points (faiss' k-means minimum)."""
    target = IVF_LISTS_PER_SQRT * math.sqrt(max(n, 1))
    lists = 2 ** max(0, round(math.log2(target)))
    return max(1, min(lists, n // 39))


def pq_subquantizers(dim: int) -> int:
    """Sub-quantisers of the product quantiser: :data:`PQ_BYTES`, or the largest divisor of
    ``dim`` below it (faiss needs ``dim % m == 0``)."""
    return max(m for m in range(1, min(PQ_BYTES, dim) + 1) if dim % m == 0)


def spec_for(kind: str, n: int, dim: int = 384) -> IndexSpec:
    """Parameters of ``kind`` for ``n`` vectors of ``dim`` dimensions (all parameters come
    from this module)."""
    if kind == "flat":
        return IndexSpec("flat")
    if kind.startswith("hnsw"):
        return IndexSpec(
            kind,
            {"M": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": HNSW_EF_SEARCH},
        )
    lists = ivf_lists(n)
    params: dict[str, Any] = {"nlist": lists, "nprobe": min(IVF_NPROBE, lists)}
    if kind == "ivf_pq":
        # 8-bit codebooks need 256 centroids per sub-space; small sets get fewer bits
        nbits = 8 if n >= 256 * 39 else max(1, int(math.log2(max(n, 2) / 39)))
        params |= {"m": pq_subquantizers(dim), "nbits": nbits}
    return IndexSpec(kind, params)


def choose_spec(n: int, dim: int = 384) -> IndexSpec:
    """Production choice: exact below :data:`EXACT_MAX_SIZE`, else :data:`LARGE_KIND`."""
    return spec_for("flat" if n < EXACT_MAX_SIZE else LARGE_KIND, n, dim)


def _empty_index(dim: int, spec: IndexSpec) -> faiss.Index:
    p = spec.params
    if spec.kind == "flat":
        return faiss.IndexFlatIP(dim)
    if spec.kind.startswith("hnsw"):
        hnsw: faiss.IndexHNSW
        if spec.kind == "hnsw":
            hnsw = faiss.IndexHNSWFlat(dim, int(p["M"]), METRIC)
        else:
            # faiss' stub types the second argument as ScalarQuantizer; the C++ constructor
            # takes ScalarQuantizer::QuantizerType, the int constant in _SQ_TYPES
            qtype = _SQ_TYPES[spec.kind[5:]]
            hnsw = faiss.IndexHNSWSQ(dim, qtype, int(p["M"]), METRIC)  # type: ignore[arg-type]
        hnsw.hnsw.efConstruction = int(p["ef_construction"])
        return hnsw
    quantizer = faiss.IndexFlatIP(dim)
    nlist = int(p["nlist"])
    ivf: faiss.IndexIVF
    if spec.kind == "ivf_flat":
        ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, METRIC)
    elif spec.kind in ("ivf_sq8", "ivf_fp16"):
        ivf = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, _SQ_TYPES[spec.kind[4:]], METRIC)
    else:
        ivf_pq = faiss.IndexIVFPQ(quantizer, dim, nlist, int(p["m"]), int(p["nbits"]), METRIC)
        ivf_pq.pq.cp.niter = IVF_TRAIN_ITERATIONS
        ivf = ivf_pq
    ivf.cp.spherical = True
    ivf.cp.niter = IVF_TRAIN_ITERATIONS
    return ivf


def configure(index: faiss.Index, spec: IndexSpec) -> faiss.Index:
    """Apply the search-time parameters of ``spec`` to ``index`` (also after loading) and
    return ``index`` itself (the downcast view does not own the C++ object)."""
    # downcast_index returns the concrete subclass; its stub only promises faiss.Index
    view = faiss.downcast_index(index)
    if spec.kind.startswith("hnsw"):
        cast(faiss.IndexHNSW, view).hnsw.efSearch = int(spec.params["ef_search"])
    elif spec.kind.startswith("ivf"):
        cast(faiss.IndexIVF, view).nprobe = int(spec.params["nprobe"])
    return index


_CLASSES = {
    "flat": "IndexFlat",
    "hnsw": "IndexHNSWFlat",
    "hnsw_sq8": "IndexHNSWSQ",
    "hnsw_fp16": "IndexHNSWSQ",
    "ivf_flat": "IndexIVFFlat",
    "ivf_sq8": "IndexIVFScalarQuantizer",
    "ivf_fp16": "IndexIVFScalarQuantizer",
    "ivf_pq": "IndexIVFPQ",
}


def matches(index: faiss.Index, spec: IndexSpec) -> bool:
    """Whether ``index`` is of the FAISS class (and scalar quantiser) that ``spec.kind`` builds."""
    view = faiss.downcast_index(index)
    if not isinstance(view, getattr(faiss, _CLASSES[spec.kind])):
        return False
    sq_name = spec.kind.split("_", 1)[-1]
    if sq_name not in _SQ_TYPES:
        return True
    # the isinstance check above makes these casts exact (HNSW-SQ stores an IndexScalarQuantizer)
    if spec.kind.startswith("hnsw"):
        storage = faiss.downcast_index(cast(faiss.IndexHNSWSQ, view).storage)
        sq = cast(faiss.IndexScalarQuantizer, storage).sq
    else:
        sq = cast(faiss.IndexIVFScalarQuantizer, view).sq
    return bool(sq.qtype == _SQ_TYPES[sq_name])


def use_search_threads(threads: int = SEARCH_THREADS) -> None:
    """Set faiss' OpenMP thread count of the calling thread (cheap if unchanged)."""
    if faiss.omp_get_max_threads() != threads:
        faiss.omp_set_num_threads(threads)


def _training_sample(vectors: np.ndarray, spec: IndexSpec) -> np.ndarray:
    if spec.kind.startswith("hnsw_"):
        return vectors  # the scalar quantiser only needs per-dimension ranges
    limit = int(spec.params["nlist"]) * IVF_TRAIN_POINTS_PER_LIST
    if spec.kind == "ivf_pq":
        limit = max(limit, 256 * IVF_TRAIN_POINTS_PER_LIST)
    if len(vectors) <= limit:
        return vectors
    rows = np.random.default_rng(1234).choice(len(vectors), size=limit, replace=False)
    return vectors[np.sort(rows)]


def build(vectors: np.ndarray, spec: IndexSpec, dim: int | None = None) -> faiss.Index:
    """A configured index of ``spec.kind`` holding ``vectors`` (rows = ids 0..n-1)."""
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    if vecs.ndim != 2:
        raise ValueError("vectors must be a 2-d array")
    dim = dim if dim is not None else vecs.shape[1]
    index = _empty_index(dim, spec)
    if len(vecs):
        if not index.is_trained:
            index.train(_training_sample(vecs, spec))
        index.add(vecs)
    return configure(index, spec)


def index_bytes(index: faiss.Index) -> int:
    """Size of the serialised index (what ``faiss.write_index`` writes)."""
    return int(faiss.serialize_index(index).nbytes)
