"""POST /offers/lookup: offers by catalogue id with the reasons they fit a profile (HTTP API with
the hashing encoder and the hand-made index of search_fixtures)."""

from __future__ import annotations

import pytest
from search_fixtures import TODAY


def test_offers_come_in_the_order_asked_with_reasons_for_the_profile(client) -> None:
    body = {
        "ids": ["p-3", "p-1", "gibt-es-nicht", "p-1"],
        "today": TODAY.isoformat(),
        "profile": {"target_kldb": "82102", "municipality": "Haar", "time_model": "teilzeit"},
    }
    answer = client.post("/offers/lookup", json=body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [i["offer_id"] for i in data["items"]] == ["p-3", "p-1"]
    assert data["missing"] == ["gibt-es-nicht"]
    first = data["items"][1]
    assert first["provider"] == "Pflegeschule Süd"
    assert first["next_start"] == "2027-03-01"
    codes = {r["code"] for r in first["reasons"]}
    assert {"target_occupation", "distance_km", "time_model"} <= codes
    assert first["distance_km"] is not None


def test_far_and_filtered_offers_are_returned_all_the_same(client) -> None:
    body = {"ids": ["p-far"], "profile": {"municipality": "Haar"}, "max_distance_km": 5}
    data = client.post("/offers/lookup", json=body).json()
    assert [i["offer_id"] for i in data["items"]] == ["p-far"]
    assert data["items"][0]["within_reach"] is False


@pytest.mark.parametrize(
    "body",
    [{"ids": []}, {"ids": ["x"] * 21}, {"ids": ["x"], "extra": 1}, {"ids": [""]}],
)
def test_invalid_requests_are_refused(client, body) -> None:
    assert client.post("/offers/lookup", json=body).status_code == 422


def test_an_unknown_place_is_a_422(client) -> None:
    body = {"ids": ["p-1"], "municipality": "Atlantis"}
    assert client.post("/offers/lookup", json=body).status_code == 422
