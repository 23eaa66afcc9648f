"""BM25 keyword index (search.bm25): German analysis, scoring, persistence, build and load."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from search import bm25
from search.bm25 import (
    DEFAULT_PARAMS,
    Analyzer,
    BM25Index,
    BM25LoadError,
    BM25Params,
    build_for_offers,
)
from search.build import build_index, passage_text
from search.service import load_index


@pytest.fixture
def index(offers) -> BM25Index:
    return build_for_offers(offers, passage_text)


def test_umlaut_spellings_and_case_give_the_same_terms():
    a = Analyzer()
    assert a.terms("Büro Übungsfirma Kindergärten") == a.terms("buero uebungsfirma kindergaerten")
    assert a.terms("STRASSE") == a.terms("Straße")


def test_inflected_forms_share_a_stem():
    a = Analyzer()
    assert a.terms("Umschulungen")[0] == a.terms("Umschulung")[0]
    assert a.terms("Pflegekräfte")[0] == a.terms("Pflegekraft")[0]


def test_umlaut_and_ae_spellings_share_a_stem():
    a = Analyzer()
    assert a.terms("Bürokauffrau") == a.terms("Buerokauffrau")
    assert a.terms("Fahrschüler") == a.terms("Fahrschueler")


def test_stop_words_are_dropped():
    assert Analyzer().terms("ich will in die und der with the") == []


def test_keyword_query_ranks_the_offer_that_contains_it_first(index: BM25Index):
    scores = index.score_map("Python programmieren")
    assert max(scores, key=scores.get) == "it-1"
    scores = index.score_map("Deutschkurs B2")  # compound query, offer says "Deutsch ... B2"
    assert max(scores, key=scores.get) == "s-1"


def test_unknown_or_empty_query_scores_zero(index: BM25Index):
    assert not index.scores("Quantenchromodynamik").any()
    assert not index.scores("").any()
    assert index.score_map("und oder") == {}


def test_scores_follow_ids_order(index: BM25Index, offers):
    s = index.scores("Meisterprüfung Elektrohandwerk")
    assert len(s) == len(offers)
    assert index.ids[int(np.argmax(s))] == "m-1"


def test_matched_words_reports_query_words_found_in_text(index: BM25Index):
    text = "Umschulung zur Pflegefachkraft in Teilzeit"
    assert index.matched_words("umschulungen teilzeit python", text) == ["umschulungen", "teilzeit"]
    assert index.matched_words("Pflegeumschulung", text) == []  # compounds are not split


def test_save_and_load_round_trip(index: BM25Index, tmp_path: Path):
    index.save(tmp_path)
    assert (tmp_path / bm25.BM25_DIR / bm25.BM25_META).is_file()
    loaded = BM25Index.load(tmp_path, index.ids)
    assert loaded.ids == index.ids and loaded.params == index.params
    for q in ("Altenpflege Teilzeit", "Kinderpflege", "Python"):
        assert np.allclose(loaded.scores(q), index.scores(q))
    assert bm25.is_current(tmp_path)
    assert not bm25.is_current(tmp_path, BM25Params(k1=DEFAULT_PARAMS.k1 + 0.5))


def test_load_rejects_missing_stale_and_foreign_artefacts(index: BM25Index, tmp_path: Path):
    with pytest.raises(BM25LoadError, match="fehlt"):
        BM25Index.load(tmp_path)
    index.save(tmp_path)
    with pytest.raises(BM25LoadError, match="passt nicht"):
        BM25Index.load(tmp_path, index.ids[::-1])
    meta_path = tmp_path / bm25.BM25_DIR / bm25.BM25_META
    meta = json.loads(meta_path.read_text())
    meta["analyzer_version"] = bm25.ANALYZER_VERSION + 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BM25LoadError, match="Analyseversion"):
        BM25Index.load(tmp_path)
    assert not bm25.is_current(tmp_path)
    meta_path.write_text("{kaputt")
    with pytest.raises(BM25LoadError, match="ungültig"):
        BM25Index.load(tmp_path)


def test_build_index_writes_bm25_next_to_faiss_and_service_loads_both(built_index: Path, offers):
    version = built_index.resolve()
    assert (version / "index.faiss").is_file()
    assert (version / bm25.BM25_DIR / bm25.BM25_META).is_file()
    loaded = load_index(built_index)
    assert loaded.bm25.ids == list(loaded.store.meta.ids)
    scores = loaded.bm25.score_map("Gabelstapler Python")
    assert max(scores, key=scores.get) == "it-1"


def test_missing_bm25_artefact_triggers_rebuild(built_index: Path, offers, hashing_encoder):
    shutil.rmtree(built_index.resolve() / bm25.BM25_DIR)
    result = build_index(offers, hashing_encoder, built_index)
    assert result.rebuilt and "BM25" in result.reason
    assert bm25.is_current(built_index)
    assert not build_index(offers, hashing_encoder, built_index).rebuilt


def test_index_without_bm25_artefact_still_loads(built_index: Path, caplog):
    shutil.rmtree(built_index.resolve() / bm25.BM25_DIR)
    with caplog.at_level(logging.WARNING, logger="search.service"):
        loaded = load_index(built_index)
    assert "neu aufgebaut" in caplog.text
    assert loaded.bm25.score_map("Python")
