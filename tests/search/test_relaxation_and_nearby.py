"""Relaxation in the search service and the ``sort="nearby"`` listing (HTTP API with the
hashing encoder and the hand-made index of search_fixtures)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from search_fixtures import TODAY, make_offer

from knowledge import geo
from search import nearby, ranking
from search.service import SearchParams, relaxation_steps

Post = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def post(client) -> Post:
    def call(body: dict[str, Any]) -> dict[str, Any]:
        r = client.post("/search", json={"today": TODAY.isoformat(), **body})
        assert r.status_code == 200, r.text
        return r.json()

    return call


# ---------- relaxation ----------


def _params(**filters: Any) -> SearchParams:
    return SearchParams(
        query="q",
        filters=ranking.Filters(today=TODAY, **filters),
        profile=ranking.Profile(),
        limit=5,
        reach_km=25.0,
    )


def test_relaxation_steps_are_cumulative():
    params = _params(
        kldb_prefix="82102", municipality="Haar", origin=(48.1, 11.7), max_distance_km=25.0
    )
    steps = relaxation_steps(params)
    assert [code for code, _ in steps] == ["kldb_group", "wider_area"]
    wider = steps[1][1]
    assert wider.filters.kldb_prefix == "821" and wider.filters.max_distance_km == 50
    assert wider.reach_km == 50  # the distance fit uses the widened reach too
    assert relaxation_steps(_params(kldb_prefix="821")) == []
    capped = relaxation_steps(_params(origin=(48.1, 11.7), max_distance_km=150.0))
    assert capped[0][1].filters.max_distance_km == 200


def _old_relaxation_steps(request: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Reference: the relaxation order the bot applied before it moved into the service."""
    steps, current = [], dict(request)
    prefix = current.get("kldb_prefix")
    if prefix and len(prefix) > 3:
        current = {**current, "kldb_prefix": prefix[:3]}
        steps.append(("kldb_group", current))
    distance = current.get("max_distance_km")
    if current.get("municipality") and distance:
        wider = min(distance * 2.0, 200.0)
        if wider > distance:
            current = {**current, "max_distance_km": wider}
            steps.append(("wider_area", current))
    return steps


def _old_two_stage(post: Post, request: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Reference: the bot's former search_with_relaxation (MIN_RESULTS 3, MAX_RESULTS 5)."""
    hits = post(request)["items"][:5]
    relaxed: list[str] = []
    applied: list[str] = []
    for code, wider in _old_relaxation_steps(request):
        if len(hits) >= 3:
            break
        applied.append(code)
        seen = [h["offer_id"] for h in hits]
        wider = {**wider, "exclude_ids": list(request.get("exclude_ids") or []) + seen}
        extra = [h for h in post(wider)["items"] if h["offer_id"] not in seen]
        if extra:
            relaxed = list(applied)
            hits += extra[: 5 - len(hits)]
    return hits, relaxed


PROFILES = [
    # exact occupation with too few Teilzeit offers nearby: group, then wider area
    {
        "query": "Umschulung Altenpflege Teilzeit",
        "municipality": "Unterhaching",
        "max_distance_km": 10,
        "time_models": ["teilzeit", "berufsbegleitend"],
        "kldb_prefix": "82102",
        "profile": {
            "target_kldb": "82102",
            "time_model": "teilzeit",
            "goal": "umschulung",
            "municipality": "Unterhaching",
        },
    },
    # already the group: only the area can be widened
    {
        "query": "Altenpflege",
        "municipality": "Haar",
        "max_distance_km": 5,
        "kldb_prefix": "821",
        "profile": {"target_kldb": "821", "municipality": "Haar"},
    },
    # enough results: nothing relaxed
    {
        "query": "Altenpflege Umschulung",
        "municipality": "Unterhaching",
        "max_distance_km": 60,
        "kldb_prefix": "821",
        "profile": {"goal": "umschulung"},
    },
    # nothing at all fits, even widened
    {
        "query": "Kinderpflege",
        "municipality": "Garching b.München",
        "max_distance_km": 3,
        "kldb_prefix": "83112",
        "formats": ["online"],
    },
    # without a place: only the occupation
    {"query": "Pflege", "kldb_prefix": "82101", "exclude_ids": ["p-3"]},
]


@pytest.mark.parametrize("request_body", PROFILES)
def test_service_relaxation_gives_the_items_of_the_former_two_stage_bot_logic(
    post: Post, request_body: dict[str, Any]
):
    old_hits, old_relaxed = _old_two_stage(post, {**request_body, "limit": 5})
    new = post({**request_body, "limit": 5, "relax": True, "min_results": 3})
    assert [h["offer_id"] for h in new["items"]] == [h["offer_id"] for h in old_hits]
    assert new["items"] == old_hits  # reasons, scores and distances included
    assert new["relaxed"] == old_relaxed


def test_relaxation_is_reported_and_strict_items_come_first(post: Post):
    body = PROFILES[0] | {"limit": 5, "relax": True}
    strict = post(PROFILES[0] | {"limit": 5})
    relaxed = post(body)
    assert len(strict["items"]) < 3 and relaxed["relaxed"]
    n = len(strict["items"])
    assert relaxed["items"][:n] == strict["items"]
    assert relaxed["total"] == strict["total"]
    assert post(PROFILES[0] | {"limit": 5})["relaxed"] == []  # never without relax


# ---------- new filters and the nearby listing ----------


def test_course_type_and_kldb_prefixes_filters(post: Post):
    body = post({"query": "Kurs", "course_types": ["umschulung", "berufssprachkurs"], "limit": 50})
    assert body["items"] and {i["course_type"] for i in body["items"]} <= {
        "umschulung",
        "berufssprachkurs",
    }
    body = post({"query": "Kurs", "kldb_prefixes": ["821", "262"], "limit": 50})
    codes = [i["kldb_targets"] for i in body["items"]]
    assert codes and all(any(c.startswith(("821", "262")) for c in cs) for cs in codes)
    assert any(c.startswith("262") for cs in codes for c in cs)


def test_title_keywords(post: Post):
    body = post(
        {
            "sort": "nearby",
            "title_keywords": ["ALTENPFLEGE"],
            "title_exclude_keywords": ["vollzeit"],
            "limit": 50,
        }
    )
    titles = [i["title"] for i in body["items"]]
    assert titles and all("altenpflege" in t.casefold() for t in titles)
    assert not any("vollzeit" in t.casefold() for t in titles)


def test_nearby_needs_no_query_but_relevance_does(client):
    r = client.post("/search", json={"sort": "nearby", "limit": 3})
    assert r.status_code == 200 and r.json()["query"] is None
    assert client.post("/search", json={"limit": 3}).status_code == 422


def test_nearby_order_and_reach(post: Post):
    base = {
        "sort": "nearby",
        "kldb_prefixes": ["821"],
        "municipality": "Unterhaching",
        "max_distance_km": 25,
        "limit": 50,
    }
    inside = post(base)
    ids = [i["offer_id"] for i in inside["items"]]
    assert "p-far" not in ids and "p-old" not in ids  # beyond reach / no upcoming start
    assert all(i["within_reach"] for i in inside["items"])
    everything = post(base | {"include_outside_reach": True})
    items = everything["items"]
    assert items[-1]["offer_id"] == "p-far" and items[-1]["within_reach"] is False
    assert everything["total"] == len(items) == inside["total"] + 1
    located = [i for i in items if i["within_reach"] and i["distance_km"] is not None]
    assert [i["distance_km"] for i in located] == sorted(i["distance_km"] for i in located)
    online = [n for n, i in enumerate(items) if i["format"] == "online"]
    assert online and all(n > items.index(located[-1]) for n in online)  # unknown distance last
    assert all(i["reasons"] is not None and i["score"] == 0 for i in items)
    # the preferred occupation leads, whatever the distance
    first = post(base | {"prefer_kldb": ["82101"]})["items"][0]
    assert first["kldb_targets"] == ["82101"]


def test_nearby_key_rules():
    """Occupation, within reach, known distance, distance, next start, id."""
    origin = geo.coordinates("Unterhaching")
    f = ranking.Filters(
        today=TODAY,
        municipality="Unterhaching",
        origin=origin,
        max_distance_km=25.0,
        include_outside_reach=True,
    )
    offers = [
        make_offer(id="far-same", municipality="Dachau", kldb_targets=("82102",)),
        make_offer(id="near-other", municipality="Haar", kldb_targets=("43412",)),
        make_offer(
            id="near-same-late",
            municipality="Haar",
            kldb_targets=("82101",),
            start_dates=(dt.date(2027, 9, 1),),
        ),
        make_offer(
            id="near-same-early",
            municipality="Haar",
            kldb_targets=("82102",),
            start_dates=(dt.date(2027, 2, 1),),
        ),
        make_offer(id="online-same", format="online", kldb_targets=("82102",)),
    ]
    order = [r.offer.id for r in nearby.rank_nearby(offers, f, ["82102"])]
    assert order == ["near-same-early", "online-same", "far-same", "near-same-late", "near-other"]
    no_place = dataclasses.replace(f, origin=None, municipality=None, max_distance_km=None)
    assert [r.offer.id for r in nearby.rank_nearby(offers, no_place, ["82102"])][:3] == [
        "near-same-early",
        "far-same",
        "online-same",
    ]  # by next start, then id
