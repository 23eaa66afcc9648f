"""Index kind by catalogue size, parameters, build/configure of every kind (small data).

Speed and recall at 10k-1M vectors are measured by ``scripts/bench_scale.py`` (figures in
docs/benchmarks.md), never asserted here.
"""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from search import index_factory as f
from search.index_factory import IndexSpec


def _unit(n: int, dim: int, seed: int = 3) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_below_the_threshold_and_the_large_kind_from_it_on():
    assert f.choose_spec(0).kind == "flat"
    assert f.choose_spec(168).kind == "flat"
    assert f.choose_spec(f.EXACT_MAX_SIZE - 1).kind == "flat"
    large = f.choose_spec(f.EXACT_MAX_SIZE)
    assert large.kind == f.LARGE_KIND and not large.exact
    assert f.choose_spec(1_000_000) == f.spec_for(f.LARGE_KIND, 1_000_000)
    assert f.LARGE_KIND in f.KINDS and f.LARGE_KIND != "flat"


def test_threshold_is_above_the_services_full_scan_size():
    """The service scores every offer below FULL_SCAN_UP_TO; only exact search returns all."""
    from search import service

    assert f.EXACT_MAX_SIZE > service.FULL_SCAN_UP_TO
    assert f.choose_spec(service.FULL_SCAN_UP_TO).exact


def test_parameters_come_from_the_module_constants():
    hnsw = f.spec_for("hnsw_fp16", 500_000)
    assert hnsw.params == {
        "M": f.HNSW_M,
        "ef_construction": f.HNSW_EF_CONSTRUCTION,
        "ef_search": f.HNSW_EF_SEARCH,
    }
    ivf = f.spec_for("ivf_sq8", 1_000_000)
    assert ivf.params["nlist"] == f.ivf_lists(1_000_000)
    assert ivf.params["nprobe"] == min(f.IVF_NPROBE, ivf.params["nlist"])
    pq = f.spec_for("ivf_pq", 1_000_000, dim=384)
    assert pq.params["m"] == f.PQ_BYTES and 384 % pq.params["m"] == 0 and pq.params["nbits"] == 8


@pytest.mark.parametrize("n", [1, 100, 10_000, 100_000, 1_000_000])
def test_ivf_lists_grow_with_sqrt_n_and_keep_enough_training_points(n: int):
    lists = f.ivf_lists(n)
    assert lists >= 1 and lists & (lists - 1) == 0  # power of two
    assert lists == 1 or n // lists >= 39
    if n >= 10_000:
        assert 0.5 * f.IVF_LISTS_PER_SQRT * n**0.5 <= lists <= 2 * f.IVF_LISTS_PER_SQRT * n**0.5


def test_pq_subquantizers_divide_the_dimension():
    assert f.pq_subquantizers(384) == f.PQ_BYTES
    for dim in (64, 100, 256, 7):
        m = f.pq_subquantizers(dim)
        assert dim % m == 0 and m <= f.PQ_BYTES


def test_spec_serialises_and_rejects_unknown_kinds():
    spec = f.spec_for("ivf_pq", 50_000, dim=64)
    assert IndexSpec.from_dict(spec.to_dict()) == spec
    assert IndexSpec.from_dict(None) == IndexSpec("flat")  # indexes written before specs
    assert "nprobe=" in spec.describe()
    with pytest.raises(ValueError, match="unknown index kind"):
        IndexSpec("annoy")


@pytest.mark.parametrize("kind", f.KINDS)
def test_build_configure_and_serialise_every_kind(kind: str):
    n, dim = 1200, 32
    x = _unit(n, dim)
    spec = f.spec_for(kind, n, dim)
    index = f.build(x, spec)
    assert index.ntotal == n and index.d == dim and f.matches(index, spec)
    assert index.metric_type == faiss.METRIC_INNER_PRODUCT
    copy = faiss.deserialize_index(faiss.serialize_index(index))
    view = faiss.downcast_index(copy)
    if kind.startswith("hnsw"):
        view.hnsw.efSearch = 1
        f.configure(copy, spec)
        assert view.hnsw.efSearch == f.HNSW_EF_SEARCH
    if kind.startswith("ivf"):
        view.nprobe = 1
        f.configure(copy, spec)
        assert view.nprobe == spec.params["nprobe"]
    # each stored vector finds itself first (same top-1 as exact search)
    _, rows = copy.search(x[:40], 1)
    assert rows[:, 0].tolist() == list(range(40)), kind
    assert f.index_bytes(index) > 0


def test_approximate_kinds_reach_high_recall_on_clustered_data():
    """Small sanity check of the parameters (the real figures are in docs/benchmarks.md)."""
    rng = np.random.default_rng(0)
    dim, n = 48, 6000
    centres = _unit(60, dim, seed=5)
    x = centres[rng.integers(0, 60, n)] + 0.15 * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    noise = 0.15 * rng.standard_normal((100, dim)).astype(np.float32)
    q = centres[rng.integers(0, 60, 100)] + noise
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(x)
    _, truth = exact.search(q, 10)
    for kind in ("hnsw", "hnsw_sq8", "hnsw_fp16", "ivf_flat", "ivf_sq8", "ivf_fp16"):
        _, got = f.build(x, f.spec_for(kind, n, dim)).search(q, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth, strict=True)])
        assert recall >= 0.9, (kind, recall)


def test_wrong_index_class_is_detected():
    flat = f.build(_unit(10, 8), IndexSpec("flat"))
    assert f.matches(flat, IndexSpec("flat"))
    assert not f.matches(flat, f.spec_for("hnsw", 10))
    sq8 = f.build(_unit(100, 8), f.spec_for("hnsw_sq8", 100, 8))
    assert f.matches(sq8, f.spec_for("hnsw_sq8", 100, 8))
    assert not f.matches(sq8, f.spec_for("hnsw_fp16", 100, 8))
    ivf16 = f.build(_unit(400, 8), f.spec_for("ivf_fp16", 400, 8))
    assert f.matches(ivf16, f.spec_for("ivf_fp16", 400, 8))
    assert not f.matches(ivf16, f.spec_for("ivf_sq8", 400, 8))
