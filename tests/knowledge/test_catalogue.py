"""Catalogue loading, error reporting, near-duplicates and the real offer files."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import geo
from knowledge.catalogue import (
    COORDS_NOTE,
    CatalogueError,
    load_catalogue,
    near_duplicates,
    similarity,
)
from knowledge.schema import Offer
from knowledge.validate import kldb_codes, main, validate
from tests.knowledge.conftest import TODAY

# Rules for the content of every offer file: tests/knowledge/test_offer_rules.py


# --- loader -------------------------------------------------------------------------------


def test_real_catalogue_loads_strictly() -> None:
    catalogue = load_catalogue()
    assert catalogue.errors == []
    first = catalogue.offers[0]
    assert catalogue.by_id(first.id) is first
    assert catalogue.by_id("nope") is None
    assert set(catalogue.fields()) == {f for o in catalogue for f in o.fields}


def test_missing_coordinates_are_filled_from_municipality(write_offers, make_record) -> None:
    folder = write_offers("a.json", [make_record(municipality="Pullach i.Isartal")])
    offer = load_catalogue(folder).offers[0]
    assert (offer.lat, offer.lon) == geo.coordinates("Pullach i.Isartal")
    assert offer.extra["coords"] == COORDS_NOTE


def test_explicit_coordinates_are_kept(write_offers, make_record) -> None:
    folder = write_offers("a.json", [make_record(lat=48.2, lon=11.6)])
    offer = load_catalogue(folder).offers[0]
    assert (offer.lat, offer.lon) == (48.2, 11.6)
    assert "coords" not in offer.extra


def test_online_offer_needs_no_coordinates(write_offers, make_record) -> None:
    folder = write_offers("a.json", [make_record(format="online", municipality="online")])
    offer = load_catalogue(folder).offers[0]
    assert offer.lat is None and offer.municipality == "online"


def test_record_inherits_file_source(write_offers, make_record) -> None:
    rec = make_record()
    del rec["source"]
    folder = write_offers("a.json", [rec], source="Dateiquelle")
    assert load_catalogue(folder).offers[0].source == "Dateiquelle"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "id/title/description"),
        ({"format": "fernkurs"}, "format"),
        ({"time_model": "nachts"}, "time_model"),
        ({"kldb_targets": ["821"]}, "kldb_targets"),
        ({"start_dates": ["1.3.2027"]}, "start_dates"),
        ({"municipality": "Atlantis"}, "municipality"),
        ({"funding": ["lotto"]}, "funding"),
        ({"cost_eur": "teuer"}, "cost_eur"),
    ],
)
def test_bad_record_is_reported_with_field(write_offers, make_record, change, field) -> None:
    good = make_record(id="t-001")
    bad = make_record(id="t-002", **change)
    folder = write_offers("kurse.json", [good, bad])

    with pytest.raises(CatalogueError) as exc:
        load_catalogue(folder)
    assert exc.value.errors[0].field == field

    catalogue = load_catalogue(folder, strict=False)
    assert [o.id for o in catalogue.offers] == ["t-001"]
    (error,) = catalogue.errors
    assert (error.file, error.index, error.field) == ("kurse.json", 1, field)
    assert error.offer_id == "t-002"
    assert error.reason  # German explanation for data staff
    assert "kurse.json[1]" in str(error)


def test_missing_required_field(write_offers, make_record) -> None:
    rec = make_record()
    del rec["url"]
    catalogue = load_catalogue(write_offers("a.json", [rec]), strict=False)
    assert catalogue.errors[0].field == "url"
    assert catalogue.errors[0].reason == "Pflichtfeld fehlt"


def test_duplicate_ids_are_errors(write_offers, make_record) -> None:
    write_offers("a.json", [make_record(id="dup-1", title="Erster")])
    second = [make_record(id="x-1"), make_record(id="dup-1", title="Zweiter")]
    folder = write_offers("b.json", second)
    with pytest.raises(CatalogueError, match="doppelte ID"):
        load_catalogue(folder)
    catalogue = load_catalogue(folder, strict=False)
    assert catalogue.by_id("dup-1").title == "Erster"
    (error,) = catalogue.errors
    assert (error.file, error.index, error.field) == ("b.json", 1, "id")


def test_unreadable_file_is_reported(tmp_path: Path, write_offers, make_record) -> None:
    write_offers("ok.json", [make_record()])
    (tmp_path / "kaputt.json").write_text("{ nicht json", encoding="utf-8")
    (tmp_path / "leer.json").write_text('{"source": "x"}', encoding="utf-8")
    catalogue = load_catalogue(tmp_path, strict=False)
    assert len(catalogue) == 1
    found = {(e.file, e.field) for e in catalogue.errors}
    assert found == {("kaputt.json", "json"), ("leer.json", "offers")}


# --- near-duplicates ----------------------------------------------------------------------


def test_near_duplicate_detection(make_record) -> None:
    text = (
        "Die Qualifizierung zur Betreuungskraft vermittelt Gedächtnistraining, Biografiearbeit und "
        "Kommunikation mit Menschen mit Demenz. "
        "Sie umfasst zwei Praktika in Pflegeheimen der Region."
    )
    copy = text.replace("Gedächtnistraining", "Bewegungsspiele").replace("Region", "Umgebung")
    other = (
        "Erste Hilfe am Kind behandelt Fieberkrampf, Verschlucken "
        "und Verbrühungen bei Kleinkindern. "
        "Der Kurs erfüllt die Vorgaben für Tagespflegepersonen."
    )
    offers = [
        Offer.from_dict({**make_record(id="a", description=text), "lat": 48.1, "lon": 11.6}),
        Offer.from_dict({**make_record(id="b", description=copy), "lat": 48.1, "lon": 11.6}),
        Offer.from_dict({**make_record(id="c", description=other), "lat": 48.1, "lon": 11.6}),
    ]
    pairs = near_duplicates(offers)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]
    assert similarity(text, text) == 1.0
    assert similarity(text, other) < 0.1


def test_real_catalogue_has_no_near_duplicates() -> None:
    assert near_duplicates(load_catalogue().offers) == []


def test_every_provider_named_in_the_domain_brief_has_offers() -> None:
    providers = {o.provider for o in load_catalogue()}
    for name in (
        "VHS Nord",
        "vhs SüdOst",
        "Würmtal",
        "vhs olm",
        "vhs Haar",
        "VHS Taufkirchen",
        "vhs Unterhaching",
        "VHS Oberhaching",
        "VHS Sauerlach",
        "VHS Pullach",
        "VHS Oberschleißheim",
        "MVHS Grünwald",
        "Berufsfachschule für Kinderpflege",
        "Fachakademie für Sozialpädagogik",
        "kbo-Berufsfachschulen für Pflege",
        "IHK für München und Oberbayern",
        "Handwerkskammer für München und Oberbayern",
    ):
        assert any(name in p for p in providers), name


# --- content of the own offer files -------------------------------------------------------


def test_all_kldb_codes_exist() -> None:
    codes = kldb_codes()
    for offer in load_catalogue():
        for code in offer.kldb_targets:
            assert code in codes, (offer.id, code)


# --- validator ----------------------------------------------------------------------------


def test_validate_real_knowledge_base_has_no_errors() -> None:
    report = validate(today=TODAY)
    assert report.errors == []
    assert set(report.coverage) >= {"pflege", "kita", "mfa"}


def test_validate_reports_problems(tmp_path: Path, write_offers, make_record, capsys) -> None:
    records = [
        make_record(id="v-1", kldb_targets=["99999"]),
        make_record(id="v-2", url="kein-link", description="Ganz anderer Text. Zweiter Satz hier."),
        make_record(
            id="v-3",
            municipality="Augsburg",
            lat=52.52,
            lon=13.40,
            description="Kurs in Berlin. Viel zu weit weg vom Landkreis.",
        ),
    ]
    write_offers("x.json", records)
    report = validate(tmp_path, today=TODAY)
    text = "\n".join(report.errors)
    assert "v-1: KldB-Code 99999 existiert nicht" in text
    assert "v-2: URL 'kein-link' ist ungültig" in text
    assert "v-3: Koordinaten" in text
    assert main(["--offers", str(tmp_path), "--today", TODAY.isoformat()]) == 1
    assert "Fehler" in capsys.readouterr().out


def test_validate_reports_missing_coverage(tmp_path: Path, write_offers, make_record) -> None:
    # a single pflege offer in Augsburg leaves every Landkreis municipality uncovered
    write_offers("x.json", [make_record(municipality="Augsburg")])
    report = validate(tmp_path, today=TODAY)
    uncovered = [e for e in report.errors if "kein aktuelles" in e]
    assert len(uncovered) == 29
