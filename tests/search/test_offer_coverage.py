"""POST /offers/coverage: current offers within reach per municipality, field, format and time
model (HTTP API over the hand-made index of search_fixtures), and the pure counting function."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_fixtures import TODAY, fixture_offers

from knowledge import geo
from search.app.core.config import Settings
from search.app.main import create_app
from search.coverage import coverage
from search.service import IndexHolder


@pytest.fixture
def client(built_index: Path, hashing_encoder, tmp_path: Path):
    holder = IndexHolder(built_index, expected_model=lambda: hashing_encoder.name, check_seconds=0)
    app = create_app(
        Settings(index_dir=built_index, model_path=tmp_path / "kein-modell"),
        encoder=hashing_encoder,
        holder=holder,
    )
    with TestClient(app) as c:
        yield c


def _rows(client, **body) -> dict[tuple[str, str, str, str], int]:
    answer = client.post("/offers/coverage", json={"today": TODAY.isoformat(), **body})
    assert answer.status_code == 200, answer.text
    return {
        (r["municipality"], r["field"], r["format"], r["time_model"]): r["offers"]
        for r in answer.json()["rows"]
    }


def test_counts_follow_reach_currency_and_format(client) -> None:
    rows = _rows(client, municipalities=["Haar", "Unterhaching"], max_distance_km=5)
    # online offers count everywhere (p-3: 82101 online part-time; it-1: 43412, no dates)
    for place in ("Haar", "Unterhaching"):
        assert rows[(place, "82", "online", "teilzeit")] >= 1
        assert rows[(place, "43", "online", "berufsbegleitend")] == 1
    # p-1 and p-dup are in Unterhaching (within 5 km of it, not of Haar); p-old is past
    assert rows[("Unterhaching", "82", "praesenz", "teilzeit")] == 2
    assert rows[("Unterhaching", "", "praesenz", "teilzeit")] == 2  # all fields, each offer once
    assert ("Haar", "82", "praesenz", "teilzeit") not in rows
    assert all(n >= 1 for n in rows.values())
    assert {k[0] for k in rows} == {"Haar", "Unterhaching"}


def test_default_places_are_the_29_municipalities(client) -> None:
    answer = client.post("/offers/coverage", json={"today": TODAY.isoformat()})
    data = answer.json()
    assert {r["municipality"] for r in data["rows"]} <= set(geo.landkreis_municipalities())
    assert len({r["municipality"] for r in data["rows"]}) == 29  # online offers reach all
    assert data["reach_km"] > 0 and data["today"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "body",
    [
        {"municipalities": ["Atlantis"]},
        {"municipalities": [""]},
        {"max_distance_km": 0},
        {"max_distance_km": 500},
        {"extra": 1},
        {"municipalities": ["Haar"] * 41},
    ],
)
def test_invalid_requests_are_refused(client, body) -> None:
    assert client.post("/offers/coverage", json=body).status_code == 422


def test_an_offer_leading_to_two_fields_counts_in_each_once() -> None:
    p1 = next(o for o in fixture_offers() if o.id == "p-1")
    two = dataclasses.replace(p1, kldb_targets=("82102", "82101", "83112"))
    counts = coverage([two], ["Unterhaching"], 10, TODAY)
    assert counts == {
        ("Unterhaching", "", "praesenz", "teilzeit"): 1,
        ("Unterhaching", "82", "praesenz", "teilzeit"): 1,
        ("Unterhaching", "83", "praesenz", "teilzeit"): 1,
    }
