"""Gazetteer: official names, short forms, spelling folds, typos, places outside the Landkreis."""

import pytest

from knowledge.gazetteer import (
    Place,
    is_region,
    landkreis_names,
    resolve_place,
    surface_forms,
    within_one_edit,
)


def test_landkreis_has_29_official_names():
    names = landkreis_names()
    assert len(names) == 29
    assert {"Garching b.München", "Pullach i.Isartal", "Höhenkirchen-Siegertsbrunn"} <= set(names)
    assert "München" not in names


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("Garching", "Garching b.München"),
        ("garching", "Garching b.München"),
        ("Garching bei München", "Garching b.München"),
        ("Pullach", "Pullach i.Isartal"),
        ("Kirchheim", "Kirchheim b.München"),
        ("Heimstetten", "Kirchheim b.München"),
        ("Höhenkirchen", "Höhenkirchen-Siegertsbrunn"),
        ("Hoehenkirchen", "Höhenkirchen-Siegertsbrunn"),
        ("Siegertsbrunn", "Höhenkirchen-Siegertsbrunn"),
        ("Straßlach", "Straßlach-Dingharting"),
        ("Strasslach", "Straßlach-Dingharting"),
        ("Dingharting", "Straßlach-Dingharting"),
        ("Ottobrunn", "Ottobrunn"),
        ("Unterschleissheim", "Unterschleißheim"),
        ("unterschleissheim", "Unterschleißheim"),
        ("Graefelfing", "Gräfelfing"),
        ("grafelfing", "Gräfelfing"),
        ("in Ottobrunn", "Ottobrunn"),
        ("Haar", "Haar"),
    ],
)
def test_resolves_landkreis_forms(text, official):
    place = resolve_place(text)
    assert place == Place(official, True, place.matched)
    assert place.matched.lower() in text.lower()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("München", "München"),
        ("Muenchen", "München"),
        ("Munich", "München"),
        ("Dachau", "Dachau"),
        ("Fürstenfeldbruck", "Fürstenfeldbruck"),
        ("Starnberg", "Starnberg"),
    ],
)
def test_outside_places_are_not_in_landkreis(text, name):
    place = resolve_place(text)
    assert place is not None and place.name == name and place.in_landkreis is False


def test_landkreis_muenchen_is_not_the_city():
    assert resolve_place("Landkreis München") is None
    assert is_region("Landkreis München") and is_region("lkr. münchen")
    assert not is_region("München")


@pytest.mark.parametrize(
    ("typo", "official"),
    [
        ("Unterhachnig", "Unterhaching"),
        ("Ottobrun", "Ottobrunn"),
        ("Ismanning", "Ismaning"),
        ("Taufkirchn", "Taufkirchen"),
    ],
)
def test_small_typos_resolve_for_long_names(typo, official):
    assert resolve_place(typo).name == official


@pytest.mark.parametrize(
    "word",
    [
        "Har",
        "Arbeit",
        "Pflege",
        "Freizeit",
        "Planung",
        "Kirche",
        "manchen",
        "Manchen",
        "Erdung",
        "Garten",
        "Teilzeit",
        "Umschulung",
        "",
    ],
)
def test_no_false_hits(word):
    assert resolve_place(word) is None


def test_fuzzy_can_be_disabled():
    assert resolve_place("Unterhachnig", fuzzy=False) is None


def test_within_one_edit():
    assert within_one_edit("ottobrunn", "ottobrun")
    assert within_one_edit("haar", "hara")  # swap
    assert not within_one_edit("planegg", "planen")


def test_surface_forms_cover_every_official_name():
    forms = surface_forms()
    assert set(landkreis_names()) <= set(forms.values())
    assert forms["Garching"] == "Garching b.München"
    assert forms["Munich"] == "München"
