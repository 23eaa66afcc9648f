"""Course types meant for foreign qualifications go only to people who have one.

The rule reads the search profile's ``foreign_qualification``: ``false`` leaves out every
offer of ``knowledge.vocabulary.FOREIGN_QUALIFICATION_COURSE_TYPES`` (in the relevance search,
in every relaxation step and in the ``nearby`` listing), ``true`` and ``null`` (not known to
the caller) keep them. Seen defect: a 58-year-old German returner was shown an
"Anpassungsqualifizierung für Praxispersonal mit ausländischem Abschluss" because its course
type "fits the goal" Wiedereinstieg.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_fixtures import TODAY, make_offer

from knowledge.profile import Profile
from knowledge.vocabulary import FOREIGN_QUALIFICATION_COURSE_TYPES
from search import ranking
from search.app.core.config import Settings
from search.app.main import create_app
from search.build import build_index
from search.service import IndexHolder

ANP = "mfa-anp"


def catalogue():
    """A practice-staff Anpassungsqualifizierung next to two ordinary offers of the field."""
    return [
        make_offer(
            id=ANP,
            title="Anpassungsqualifizierung für Praxispersonal mit ausländischem Abschluss",
            description="Wiedereinstieg in die Arztpraxis: Praxisabläufe, Abrechnung, Hygiene.",
            course_type="anpassungsqualifizierung",
            time_model="teilzeit",
            kldb_targets=("81102",),
            municipality="Garching b.München",
        ),
        make_offer(
            id="mfa-back",
            title="Wiedereinstieg als Medizinische Fachangestellte",
            description="Wiedereinstieg in die Arztpraxis nach der Familienphase.",
            time_model="teilzeit",
            kldb_targets=("81102",),
            municipality="Planegg",
        ),
        make_offer(
            id="mfa-abr",
            title="Abrechnung in der Arztpraxis nach EBM und GOÄ",
            description="Abrechnung für Praxispersonal, auch zum Wiedereinstieg.",
            time_model="teilzeit",
            kldb_targets=("81102",),
            municipality="Feldkirchen",
        ),
    ]


@pytest.fixture
def client(tmp_path: Path, hashing_encoder):
    index = tmp_path / "index"
    build_index(catalogue(), hashing_encoder, index)
    holder = IndexHolder(index, expected_model=lambda: hashing_encoder.name, check_seconds=0)
    app = create_app(
        Settings(index_dir=index, model_path=tmp_path / "kein-modell"),
        encoder=hashing_encoder,
        holder=holder,
    )
    with TestClient(app) as c:
        yield c


def returner(foreign: bool | None) -> dict:
    """The search profile of a returner to practice work (Wiedereinstieg, Teilzeit)."""
    profile = Profile(
        current_kldb="81102",
        goal="wiedereinstieg",
        time_model="teilzeit",
        format="egal",
        municipality="Unterhaching",
        foreign_qualification=foreign,
    ).search_profile()
    return {
        "query": "Wiedereinstieg Medizinische Fachangestellte Arztpraxis Teilzeit",
        "municipality": "Unterhaching",
        "max_distance_km": 25,
        "kldb_prefix": "811",
        "limit": 10,
        "today": TODAY.isoformat(),
        "relax": True,
        "min_results": 5,
        "profile": profile,
    }


def ids(body: dict) -> set[str]:
    return {item["offer_id"] for item in body["items"]}


def test_returner_without_foreign_qualification_never_gets_one(client):
    """Relaxation (group, wider area) is asked for and needed, and still never adds it."""
    body = client.post("/search", json=returner(False)).json()
    assert ids(body) == {"mfa-back", "mfa-abr"}
    assert body["relaxed"] == [] and body["total"] == 2


def test_person_with_foreign_qualification_gets_it_with_the_goal_reason(client):
    body = client.post("/search", json=returner(True)).json()
    assert ANP in ids(body)
    anp = next(i for i in body["items"] if i["offer_id"] == ANP)
    assert anp["course_type"] in FOREIGN_QUALIFICATION_COURSE_TYPES


def test_unknown_to_the_caller_is_no_filter(client):
    """A request without the field (e.g. the evaluation's free-text queries) keeps them."""
    request = returner(None)
    assert "foreign_qualification" not in request["profile"]
    assert ANP in ids(client.post("/search", json=request).json())


def test_nearby_listing_follows_the_profile_too(client):
    listing = {
        "sort": "nearby",
        "course_types": ["anpassungsqualifizierung", "weiterbildung"],
        "municipality": "Unterhaching",
        "today": TODAY.isoformat(),
        "limit": 10,
    }
    assert ANP in ids(client.post("/search", json=listing).json())
    without = listing | {"profile": {"foreign_qualification": False}}
    assert ANP not in ids(client.post("/search", json=without).json())


def test_the_rule_is_a_hard_filter_of_the_ranking():
    offer = catalogue()[0]
    for foreign, passes in ((False, False), (True, True), (None, True)):
        filters = ranking.Filters(today=TODAY, foreign_qualification=foreign)
        assert ranking.passes_filters(offer, filters, None) is passes
    ordinary = catalogue()[1]
    assert ranking.passes_filters(
        ordinary, ranking.Filters(TODAY, foreign_qualification=False), None
    )


def test_the_api_rejects_non_boolean_values(client):
    request = returner(False)
    request["profile"]["foreign_qualification"] = "vielleicht"
    assert client.post("/search", json=request).status_code == 422
