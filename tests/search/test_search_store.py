"""FAISS store round trip, validation errors, incremental build and atomic publishing."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest
from search_fixtures import make_offer

from search import build as build_mod
from search import index_factory, store
from search.build import build_index, catalogue_hash, passage_text
from search.encoder import HashingEncoder
from search.index_factory import IndexSpec
from search.store import IdMap, IndexLoadError


def test_round_trip_and_meta(built_index: Path, offers, hashing_encoder):
    s = store.load(built_index, expected_model=hashing_encoder.name)
    assert s.size == len(offers) == len(s.meta.ids)
    assert s.meta.dim == hashing_encoder.dim and s.meta.normalize
    assert s.meta.catalogue_hash == catalogue_hash(offers)
    assert set(s.offers) == {o.id for o in offers}
    assert s.offers["p-1"] == next(o for o in offers if o.id == "p-1")
    meta = json.loads((built_index / store.META_FILE).read_text())
    assert {"model", "dim", "normalize", "count", "index", "catalogue_hash", "built_at"} <= set(
        meta
    )
    assert meta["count"] == len(offers) and meta["index"]["kind"] == "flat"  # small: exact
    ids = np.load(built_index / store.IDS_FILE, allow_pickle=False)
    assert ids.dtype.kind == "U" and ids.tolist() == s.meta.ids.tolist() == sorted(ids.tolist())
    # every stored vector is the normalised passage embedding of its offer
    vecs = s.vectors()
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    expected = hashing_encoder.encode_passages([passage_text(s.offers[i]) for i in s.meta.ids])
    assert np.allclose(vecs, expected, atol=1e-6)


def test_search_returns_the_offer_of_its_own_passage(built_index: Path, hashing_encoder):
    s = store.load(built_index)
    for oid in s.meta.ids:
        q = hashing_encoder.encode_queries([passage_text(s.offers[oid])])[0]
        assert s.search(q, 1)[0][0] == oid


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src.resolve(), dst)
    return dst


def test_missing_directory_has_clear_message(tmp_path: Path):
    with pytest.raises(IndexLoadError, match="build-index"):
        store.load(tmp_path / "nichts")


def test_model_mismatch(built_index: Path):
    with pytest.raises(IndexLoadError, match="konfiguriert ist 'anderes-modell'"):
        store.load(built_index, expected_model="anderes-modell")


def test_ntotal_mismatch(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    ids = np.load(d / store.IDS_FILE)
    np.save(d / store.IDS_FILE, ids[:-1])
    with pytest.raises(IndexLoadError, match="count="):
        store.load(d)
    meta = json.loads((d / store.META_FILE).read_text())
    meta["count"] = len(ids) - 1
    (d / store.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match="Vektoren, aber"):
        store.load(d)


def test_missing_ids_file(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    (d / store.IDS_FILE).unlink()
    with pytest.raises(IndexLoadError, match="ids.npy"):
        store.load(d)


def test_format_1_directory_with_ids_in_meta_still_loads(
    built_index: Path, tmp_path: Path, hashing_encoder
):
    """Index directories written before ``ids.npy`` existed (flat, ids in the meta JSON)."""
    d = _copy(built_index, tmp_path / "v1")
    meta = json.loads((d / store.META_FILE).read_text())
    ids = np.load(d / store.IDS_FILE).tolist()
    for key in ("count", "index"):
        meta.pop(key)
    meta["ids"], meta["format_version"] = ids, 1
    (d / store.META_FILE).write_text(json.dumps(meta))
    (d / store.IDS_FILE).unlink()
    s = store.load(d)
    assert s.meta.ids.tolist() == ids and s.meta.spec == IndexSpec("flat")
    q = hashing_encoder.encode_queries([passage_text(s.offers[ids[0]])])[0]
    assert s.search(q, 1)[0][0] == ids[0]


def test_unknown_index_kind_and_mismatching_index_type(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    meta = json.loads((d / store.META_FILE).read_text())
    meta["index"] = {"kind": "annoy", "params": {}}
    (d / store.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match="annoy"):
        store.load(d)
    meta["index"] = index_factory.spec_for("hnsw", 10).to_dict()  # file holds a flat index
    (d / store.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match="Indexart 'hnsw'"):
        store.load(d)


def test_dim_mismatch(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    meta = json.loads((d / store.META_FILE).read_text())
    meta["dim"] = 999
    (d / store.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match="Dimension"):
        store.load(d)


def test_offer_missing_for_id(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    data = json.loads((d / store.OFFERS_FILE).read_text())
    data["offers"] = [o for o in data["offers"] if o["id"] != "p-2"]
    (d / store.OFFERS_FILE).write_text(json.dumps(data))
    with pytest.raises(IndexLoadError, match="p-2"):
        store.load(d)


def test_missing_faiss_file(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    (d / store.INDEX_FILE).unlink()
    with pytest.raises(IndexLoadError, match="index.faiss"):
        store.load(d)


def test_store_rejects_inconsistent_construction(offers):
    meta = store.IndexMeta(
        model="m",
        model_fingerprint="f",
        dim=4,
        normalize=True,
        ids=["p-1"],
        catalogue_hash="h",
        built_at="now",
    )
    with pytest.raises(IndexLoadError):
        store.IndexStore(index=faiss.IndexFlatIP(4), meta=meta, offers={o.id: o for o in offers})


def test_build_skips_when_unchanged_and_rebuilds_on_change(tmp_path: Path, offers):
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    first = build_index(offers, enc, out)
    assert first.rebuilt and first.reason == "kein Index vorhanden"
    again = build_index(offers, enc, out)
    assert not again.rebuilt and again.meta.built_at == first.meta.built_at
    changed = [dataclasses.replace(offers[0], title="Neuer Titel")] + offers[1:]
    third = build_index(changed, enc, out)
    assert third.rebuilt and third.reason == "Katalog geändert"
    fourth = build_index(changed, HashingEncoder(32), out)
    assert fourth.rebuilt and fourth.reason == "Modell geändert"
    assert store.load(out).meta.dim == 32


def test_publish_swaps_symlink_and_prunes(tmp_path: Path, offers):
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    targets = []
    for _ in range(4):
        build_index(offers, enc, out, force=True)
        assert out.is_symlink()
        targets.append(out.resolve())
        assert store.load(out).size == len(offers)
    assert len(set(targets)) == 4
    versions = sorted((tmp_path / "index.versions").iterdir())
    assert len(versions) == build_mod.KEEP_VERSIONS and targets[-1] in versions


def test_passage_text_contains_the_indexed_facts():
    o = make_offer(
        title="Umschulung Altenpflege",
        course_type="umschulung",
        description="Drei Jahre mit Praxis.",
        provider="Pflegeschule Süd",
        municipality="Haar",
        kldb_targets=("82102",),
    )
    text = passage_text(o, kldb_title=lambda c: {"82102": "Altenpflege – Fachkraft"}.get(c))
    for part in (
        "Umschulung Altenpflege",
        "Umschulung",
        "Drei Jahre mit Praxis.",
        "Altenpflege – Fachkraft",
        "Pflegeschule Süd",
        "Haar",
    ):
        assert part in text
    online = make_offer(format="online", kldb_targets=("99999",))
    assert "Ort: online" in passage_text(online, kldb_title=lambda c: None)
    assert "99999" in passage_text(online, kldb_title=lambda c: None)


def test_id_map_behaves_like_a_list_backed_by_numpy():
    ids = IdMap(["b-2", "a-1", "c-3"])
    assert len(ids) == 3 and ids[0] == "b-2" and isinstance(ids[0], str)
    assert ids[1:] == ["a-1", "c-3"] and list(ids) == ["b-2", "a-1", "c-3"]
    assert ids.index("c-3") == 2 and "a-1" in ids and "x" not in ids
    assert ids.rows_of(["c-3", "x", "b-2"]).tolist() == [2, -1, 0]
    assert ids.take(np.array([2, 0])) == ["c-3", "b-2"]
    assert ids == ["b-2", "a-1", "c-3"] and ids == IdMap(np.array(["b-2", "a-1", "c-3"]))
    assert ids.array.dtype.kind == "U" and not ids.has_duplicates()
    assert IdMap(["a", "a"]).has_duplicates() and len(IdMap([])) == 0
    with pytest.raises(ValueError):
        ids.index("x")


# ---------- every index kind through the store (build -> save -> load -> search) ----------


def _catalogue(n: int, dim: int, seed: int = 7):
    """``n`` offers with well-separated random unit vectors (ids in sorted row order)."""
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    offers = [make_offer(id=f"syn-{i:05d}", title=f"Kurs {i}") for i in range(n)]
    return offers, vecs


@pytest.mark.parametrize("kind", index_factory.KINDS)
def test_every_index_kind_round_trips_and_finds_the_exact_top1(kind: str, tmp_path: Path):
    n, dim = 1500, 64
    offers, vecs = _catalogue(n, dim)
    meta = store.IndexMeta(
        model="m",
        model_fingerprint="f",
        dim=dim,
        normalize=True,
        ids=[o.id for o in offers],
        catalogue_hash="h",
        built_at="now",
    )
    spec = index_factory.spec_for(kind, n, dim)
    built = store.build_store(offers, vecs, meta, spec=spec)
    assert built.meta.spec == spec and index_factory.matches(built.index, spec)
    store.save(built, tmp_path / kind)
    loaded = store.load(tmp_path / kind, expected_model="m")
    assert loaded.meta.spec == spec and loaded.size == n
    assert loaded.meta.ids == built.meta.ids
    view = faiss.downcast_index(loaded.index)
    if kind.startswith("hnsw"):
        assert view.hnsw.efSearch == spec.params["ef_search"]
    if kind.startswith("ivf"):
        assert view.nprobe == spec.params["nprobe"]
    # queries: stored vectors with a little noise; exact search gives each its own offer
    rng = np.random.default_rng(1)
    rows = rng.choice(n, size=50, replace=False)
    queries = vecs[rows] + 0.05 * rng.standard_normal((50, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(vecs)
    _, truth = exact.search(queries, 1)
    assert truth[:, 0].tolist() == rows.tolist()
    for q, row in zip(queries, rows, strict=True):
        hits = loaded.search(q, 5)
        assert hits[0][0] == offers[row].id, kind
        assert len(hits) == 5 and hits[0][1] >= hits[-1][1]
    assert loaded.vectors().shape == (n, dim)


def test_build_store_chooses_the_index_kind_by_size(offers, hashing_encoder):
    ids = sorted(o.id for o in offers)
    meta = store.IndexMeta(
        model="m",
        model_fingerprint="f",
        dim=hashing_encoder.dim,
        normalize=True,
        ids=ids,
        catalogue_hash="h",
        built_at="now",
    )
    by_id = {o.id: o for o in offers}
    vecs = hashing_encoder.encode_passages([passage_text(by_id[i]) for i in ids])
    built = store.build_store([by_id[i] for i in ids], vecs, meta)
    chosen = index_factory.choose_spec(len(ids), hashing_encoder.dim)
    assert built.meta.spec == chosen == IndexSpec("flat")
    assert isinstance(faiss.downcast_index(built.index), faiss.IndexFlatIP)


def test_search_uses_one_faiss_thread_in_the_calling_thread(built_index: Path, hashing_encoder):
    """faiss' OpenMP setting is per thread: the store sets it in the thread that searches
    (the service's thread pool), see index_factory.SEARCH_THREADS."""
    import threading

    s = store.load(built_index)
    q = hashing_encoder.encode_queries(["Altenpflege"])[0]
    seen: list[int] = []

    def worker() -> None:
        faiss.omp_set_num_threads(2)
        s.search(q, 3)
        seen.append(faiss.omp_get_max_threads())

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [index_factory.SEARCH_THREADS]
