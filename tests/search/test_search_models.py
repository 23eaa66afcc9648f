"""Real e5 model + real catalogue index (marked ``models``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from faiss.contrib.evaluation import knn_intersection_measure
from fastapi.testclient import TestClient

from search import store
from search.app.core.config import Settings
from search.app.main import create_app
from search.encoder import CachedQueryEncoder
from search.service import IndexHolder

pytestmark = pytest.mark.models
QUERIES = [
    "Umschulung Altenpflege Teilzeit",
    "Programmieren lernen mit Python",
    "Deutschkurs für den Beruf",
    "Führerschein Lkw Berufskraftfahrer",
    "Erzieherin werden Quereinstieg",
    "Meisterschule Elektro",
]


@pytest.fixture(scope="module")
def client(real_index: Path, e5_encoder, e5_folder: Path):
    enc = CachedQueryEncoder(e5_encoder)
    holder = IndexHolder(real_index, expected_model=lambda: enc.name)
    app = create_app(
        Settings(index_dir=real_index, model_path=e5_folder), encoder=enc, holder=holder
    )
    with TestClient(app) as c:
        yield c


def _is_pflege(offer) -> bool:
    return "pflege" in offer.fields or any(c.startswith(("813", "821")) for c in offer.kldb_targets)


def _search(client, profile: dict) -> list[dict]:
    r = client.post(
        "/search",
        json={
            "query": "Umschulung Altenpflege Teilzeit",
            "municipality": "Unterhaching",
            "max_distance_km": 25,
            "today": "2026-11-26",
            "limit": 5,
            "profile": {"time_model": "teilzeit", "format": "egal", "municipality": "Unterhaching"}
            | profile,
        },
    )
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 5
    for it in items:
        assert it["format"] == "online" or it["distance_km"] <= 25
        assert it["next_start"] is None or it["next_start"] >= "2026-11-26"
    return items


def test_altenpflege_teilzeit_query_only(client):
    """Query text alone: the best hit and several others are Pflege offers within reach.

    (e5 alone also rates generic "Teilzeit-Umschulung …" offers highly; the bot therefore
    sends the resolved target occupation, see the next test.)
    """
    s = store.load(client.app.state.index_holder.directory)
    items = _search(client, {})
    assert _is_pflege(s.offers[items[0]["offer_id"]])
    assert sum(_is_pflege(s.offers[i["offer_id"]]) for i in items) >= 2


def test_altenpflege_teilzeit_with_target_occupation(client):
    """With the target occupation the bot resolves (KldB 821), all results are Pflege offers."""
    s = store.load(client.app.state.index_holder.directory)
    items = _search(client, {"target_kldb": "821"})
    assert all(_is_pflege(s.offers[i["offer_id"]]) for i in items)
    assert all(any(c.startswith("821") for c in i["kldb_targets"]) for i in items)
    assert all(any(r["code"] == "target_occupation" for r in i["reasons"]) for i in items)


def test_faiss_equals_brute_force(real_index: Path, e5_encoder):
    s = store.load(real_index, expected_model=e5_encoder.name)
    vecs = s.vectors()
    q = e5_encoder.encode_queries(QUERIES)
    k = 10
    brute = np.argsort(-(q @ vecs.T), axis=1, kind="stable")[:, :k]
    _, faiss_rows = s.index.search(q, k)
    assert knn_intersection_measure(faiss_rows, brute) >= 0.999
    for qi, qv in enumerate(q):
        ids = [oid for oid, _ in s.search(qv, k)]
        assert ids == [s.meta.ids[r] for r in faiss_rows[qi]]


def test_index_vectors_equal_fresh_passage_embeddings(real_index: Path, e5_encoder):
    from search.build import passage_text

    s = store.load(real_index)
    sample = s.meta.ids[:: max(1, s.size // 8)]
    fresh = e5_encoder.encode_passages([passage_text(s.offers[i]) for i in sample])
    stored = s.vectors()[[s.meta.ids.index(i) for i in sample]]
    assert np.min((fresh * stored).sum(axis=1)) > 0.9999


def test_health_reports_real_model(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and "e5" in body["model"] and body["offers"] > 100
