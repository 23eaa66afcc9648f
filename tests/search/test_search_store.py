"""FAISS store round trip, validation errors, incremental build and atomic publishing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import faiss
import numpy as np
import pytest
from search_fixtures import make_offer

from search import build as build_mod
from search import store
from search.build import build_index, catalogue_hash, passage_text
from search.encoder import HashingEncoder
from search.store import IndexLoadError


def test_round_trip_and_meta(built_index: Path, offers, hashing_encoder):
    s = store.load(built_index, expected_model=hashing_encoder.name)
    assert s.size == len(offers) == len(s.meta.ids)
    assert s.meta.dim == hashing_encoder.dim and s.meta.normalize
    assert s.meta.catalogue_hash == catalogue_hash(offers)
    assert set(s.offers) == {o.id for o in offers}
    assert s.offers["p-1"] == next(o for o in offers if o.id == "p-1")
    meta = json.loads((built_index / store.META_FILE).read_text())
    assert {"model", "dim", "normalize", "ids", "catalogue_hash", "built_at"} <= set(meta)
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
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_missing_directory_has_clear_message(tmp_path: Path):
    with pytest.raises(IndexLoadError, match="build-index"):
        store.load(tmp_path / "nichts")


def test_model_mismatch(built_index: Path):
    with pytest.raises(IndexLoadError, match="konfiguriert ist 'anderes-modell'"):
        store.load(built_index, expected_model="anderes-modell")


def test_ntotal_mismatch(built_index: Path, tmp_path: Path):
    d = _copy(built_index, tmp_path / "bad")
    meta = json.loads((d / store.META_FILE).read_text())
    meta["ids"] = meta["ids"][:-1]
    (d / store.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexLoadError, match="Vektoren, aber"):
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
    meta = store.IndexMeta(model="m", model_fingerprint="f", dim=4, normalize=True,
                           ids=["p-1"], catalogue_hash="h", built_at="now")
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
    for i in range(4):
        build_index(offers, enc, out, force=True)
        assert out.is_symlink()
        targets.append(out.resolve())
        assert store.load(out).size == len(offers)
    assert len(set(targets)) == 4
    versions = sorted((tmp_path / "index.versions").iterdir())
    assert len(versions) == build_mod.KEEP_VERSIONS and targets[-1] in versions


def test_passage_text_contains_the_indexed_facts():
    o = make_offer(title="Umschulung Altenpflege", course_type="umschulung",
                   description="Drei Jahre mit Praxis.", provider="Pflegeschule Süd",
                   municipality="Haar", kldb_targets=("82102",))
    text = passage_text(o, kldb_title=lambda c: {"82102": "Altenpflege – Fachkraft"}.get(c))
    for part in ("Umschulung Altenpflege", "Umschulung", "Drei Jahre mit Praxis.",
                 "Altenpflege – Fachkraft", "Pflegeschule Süd", "Haar"):
        assert part in text
    online = make_offer(format="online", kldb_targets=("99999",))
    assert "Ort: online" in passage_text(online, kldb_title=lambda c: None)
    assert "99999" in passage_text(online, kldb_title=lambda c: None)
