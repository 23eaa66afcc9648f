"""HTTP API with the hashing encoder and a hand-made index (no real model)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_fixtures import TODAY

from search.app.core.config import Settings, get_settings
from search.app.main import create_app
from search.build import build_index
from search.service import IndexHolder

BASE = {"query": "Umschulung Altenpflege Teilzeit", "today": TODAY.isoformat()}


def test_health(client, offers):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["offers"] == len(offers)
    assert body["model"] == "hashing-256" and body["index_built"]


def test_search_returns_payload_fields(client):
    r = client.post(
        "/search",
        json=BASE
        | {
            "municipality": "Unterhaching",
            "limit": 3,
            "profile": {"target_kldb": "821", "time_model": "teilzeit"},
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == BASE["query"] and 0 < len(body["items"]) <= 3
    assert body["total"] >= len(body["items"])
    item = body["items"][0]
    for key in (
        "offer_id",
        "title",
        "provider",
        "municipality",
        "format",
        "time_model",
        "kldb_targets",
        "shortage_occupation",
        "url",
        "next_start",
        "reasons",
        "score",
        "distance_km",
        "description",
        "course_type",
        "funding",
        "example_fields",
    ):
        assert key in item
    assert item["offer_id"] == "p-dup" or item["offer_id"] == "p-1"
    codes = [x["code"] for x in item["reasons"]]
    assert "target_occupation" in codes and "time_model" in codes and "distance_km" in codes
    # reasons are codes with parameters (no German sentence): the bot renders them
    assert all(set(x) == {"code", "params", "contribution"} for x in item["reasons"])
    by_code = {x["code"]: x["params"] for x in item["reasons"]}
    assert by_code["time_model"] == {"time_model": item["time_model"]}
    assert by_code["distance_km"]["place"] == "Unterhaching"
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_pass_through(client):
    r = client.post("/search", json=BASE | {"formats": ["online"], "limit": 10}).json()
    assert r["items"] and all(i["format"] == "online" for i in r["items"])
    r = client.post("/search", json=BASE | {"exclude_ids": ["p-1", "p-dup"], "limit": 10}).json()
    assert not {"p-1", "p-dup"} & {i["offer_id"] for i in r["items"]}
    r = client.post(
        "/search", json=BASE | {"municipality": "Unterhaching", "max_distance_km": 5, "limit": 10}
    ).json()
    assert all(i["distance_km"] is None or i["distance_km"] <= 5 for i in r["items"])
    r = client.post("/search", json=BASE | {"today": "2026-01-01", "limit": 10}).json()
    assert "p-old" in {i["offer_id"] for i in r["items"]}


def test_municipality_aliases_are_resolved(client):
    r = client.post("/search", json=BASE | {"municipality": "unterhaching"})
    assert r.status_code == 200
    places = [
        x["params"]["place"]
        for i in r.json()["items"]
        for x in i["reasons"]
        if x["code"] == "distance_km"
    ]
    assert places and all(p == "Unterhaching" for p in places)


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"limit": 0}, "limit"),
        ({"limit": 500}, "limit"),
        ({"formats": ["fax"]}, "formats"),
        ({"time_models": ["nachts"]}, "time_models"),
        ({"max_distance_km": -3}, "max_distance_km"),
        ({"kldb_prefix": "82a"}, "kldb_prefix"),
        ({"today": "morgen"}, "today"),
        ({"profile": {"format": "brief"}}, "profile.format"),
        ({"unbekannt": 1}, "unbekannt"),
    ],
)
def test_invalid_input_gives_422_with_clear_message(client, patch, field):
    r = client.post("/search", json=BASE | patch)
    assert r.status_code == 422
    body = r.json()
    assert body["message"].startswith("Ungültige Anfrage") and field in body["message"]


@pytest.mark.parametrize(
    "payload",
    [
        {"municipality": "Atlantis"},
        {"municipalities": ["Haar", "Atlantis"]},
        {"profile": {"municipality": "Atlantis"}},
    ],
)
def test_unknown_municipality_is_named(client, payload):
    r = client.post("/search", json=BASE | payload)
    assert r.status_code == 422 and "Atlantis" in r.json()["detail"]


def test_no_index_gives_503(tmp_path: Path, hashing_encoder):
    holder = IndexHolder(tmp_path / "leer", expected_model=lambda: hashing_encoder.name)
    app = create_app(Settings(index_dir=tmp_path / "leer"), encoder=hashing_encoder, holder=holder)
    with TestClient(app) as c:
        h = c.get("/health")
        assert h.status_code == 503 and h.json()["status"] == "error"
        assert "build-index" in h.json()["detail"]
        r = c.post("/search", json=BASE)
        assert r.status_code == 503 and "build-index" in r.json()["detail"]


def test_index_is_reloaded_after_new_build(client, built_index: Path, offers, hashing_encoder):
    assert client.get("/health").json()["offers"] == len(offers)
    extra = dataclasses.replace(offers[0], id="neu-1", title="Ganz neuer Kurs Gabelstapler")
    build_index(offers + [extra], hashing_encoder, built_index)
    assert client.get("/health").json()["offers"] == len(offers) + 1
    r = client.post("/search", json=BASE | {"query": "Gabelstapler", "limit": 1}).json()
    assert r["items"][0]["offer_id"] == "neu-1"


def test_broken_new_build_keeps_serving_old_index(client, built_index: Path, offers):
    version = built_index.resolve()
    (version / "index.meta.json").write_text("{kaputt")
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["offers"] == len(offers)


def test_settings_override_changes_default_reach(client):
    client.app.dependency_overrides[get_settings] = lambda: Settings(default_reach_km=1.0)
    try:
        r = client.post("/search", json=BASE | {"municipality": "Unterhaching", "limit": 20})
        dists = [i["distance_km"] for i in r.json()["items"] if i["distance_km"] is not None]
        assert dists and max(dists) <= 1.0
    finally:
        client.app.dependency_overrides.clear()
