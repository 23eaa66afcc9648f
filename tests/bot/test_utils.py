"""Pure helpers: profile -> search request, compatibility rules, relaxation, German formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.actions.utils import formatting
from bot.actions.utils.profile import (
    Profile,
    build_search_request,
    compatible_formats,
    compatible_time_models,
    profile_from_slots,
)


@pytest.mark.parametrize(
    ("time_model", "expected"),
    [
        ("teilzeit", ["teilzeit", "berufsbegleitend"]),
        ("berufsbegleitend", ["berufsbegleitend"]),
        ("vollzeit", ["vollzeit", "teilzeit"]),
        (None, None),
    ],
)
def test_time_model_compatibility(time_model, expected):
    assert compatible_time_models(time_model) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("egal", None),
        ("praesenz", ["praesenz", "hybrid"]),
        ("online", ["online", "hybrid"]),
        ("hybrid", ["hybrid"]),
    ],
)
def test_format_compatibility(fmt, expected):
    assert compatible_formats(fmt) == expected


def test_profile_drops_non_canonical_values():
    profile = profile_from_slots(
        {"goal": "Karriere!", "time_model": "teilzeit", "target_kldb": "abc"}
    )
    assert (profile.goal, profile.time_model, profile.target_kldb) == (None, "teilzeit", None)


def test_request_without_target_stays_in_current_field_for_weiterbildung():
    profile = Profile(current_occupation="Verkäuferin", current_kldb="62102", goal="weiterbildung")
    request = build_search_request(profile, reach_km=25, today=dt.date(2026, 11, 26))
    assert request["kldb_prefix"] == "621"
    assert request["municipality"] is None and request["max_distance_km"] is None
    assert request["query"] == "Weiterbildung Verkäuferin"


def test_request_for_umschulung_without_target_has_no_prefix():
    profile = Profile(current_kldb="62102", goal="umschulung", municipality="Haar")
    request = build_search_request(profile, reach_km=25, today=dt.date(2026, 11, 26))
    assert request["kldb_prefix"] is None
    assert request["max_distance_km"] == 25


def test_german_formatting():
    assert formatting.format_date_de("2027-03-01") == "01.03.2027"
    assert formatting.format_date_de("bald") is None
    assert formatting.format_km(3.46) == "3,5 km"
    assert formatting.format_km(12.6) == "13 km"
    assert formatting.format_km(0.0) == "unter 1 km"


@pytest.mark.parametrize(
    ("text", "number"),
    [("Warum das zweite?", 2), ("Erklär mir Nr. 3", 3), ("und das letzte?", -1), ("warum?", None)],
)
def test_parse_offer_number(text, number):
    assert formatting.parse_offer_number(text) == number


def test_offer_index_absolute_and_relative():
    assert formatting.offer_index(4, count=2, start_number=4) == 0
    assert formatting.offer_index(2, count=2, start_number=4) == 1
    assert formatting.offer_index(-1, count=3) == 2
    assert formatting.offer_index(9, count=3) is None


def test_recommendation_item_has_exactly_the_contract_keys():
    item = formatting.recommendation_item(
        {
            "offer_id": "x",
            "title": "T",
            "score": 0.3,
            "reasons": [
                {"code": "field", "params": {"kldb": "43", "title": "IT"}, "contribution": 0.15}
            ],
        }
    )
    assert list(item) == [
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
        "distance_km",
        "reasons",
    ]
    assert item["reasons"] == [
        {"code": "field", "text": "gleicher Berufsbereich wie Ihr Zielberuf: IT (KldB 43)"}
    ]
