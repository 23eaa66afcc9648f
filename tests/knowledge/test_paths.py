"""Learning paths: the real data file is valid, paths match profiles, steps link real offers."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from knowledge import geo
from knowledge import paths as P
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.schema import COURSE_TYPES, FIELDS, FUNDING, Offer
from tests.knowledge.conftest import TODAY

SHORTAGE_FIELDS = ("pflege", "kita", "it", "handwerk", "kraftfahrer", "mfa", "kaufmaennisch")


def _resolve(
    path: P.LearningPath,
    offers: Any,
    *,
    municipality: str | None,
    prefer_kldb: tuple[str, ...] = (),
    reach_km: float = geo.DEFAULT_REACH_KM,
) -> P.ResolvedPath:
    """Link the steps the way the action server does (one search request per step), with the
    search library run in-process over ``offers`` (app environment only)."""
    pytest.importorskip("pydantic_settings", reason="the search library needs the app env")
    from knowledge.paths.__main__ import in_process_search

    search = in_process_search(list(offers), reach_km)
    found = []
    for step in path.steps:
        request = P.step_request(
            step,
            today=TODAY,
            municipality=municipality,
            reach_km=reach_km,
            prefer_kldb=prefer_kldb,
        )
        found.append(P.linked_offers(search(request)) if request else ((), 0))
    return P.resolve_path(path, found, municipality=municipality)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def data() -> P.PathData:
    return P.load_paths()


@pytest.fixture
def raw() -> dict[str, Any]:
    return json.loads(P.PATHS_FILE.read_text(encoding="utf-8"))


def _offer(record: dict[str, Any]) -> Offer:
    base = {
        "id": "x-001",
        "title": "Pflegefachhelferin/Pflegefachhelfer – Testkurs",
        "description": "Test.",
        "provider": "Testanbieter",
        "course_type": "ausbildung",
        "format": "praesenz",
        "time_model": "vollzeit",
        "municipality": "Haar",
        "lat": 48.108,
        "lon": 11.727,
        "start_dates": ["2027-03-01"],
        "kldb_targets": ["81301"],
        "url": "https://www.example.org",
        "source": "Test",
        "last_updated": "2026-11-26",
    }
    base.update(record)
    return Offer.from_dict(base)


# --- the real data file ----------------------------------------------------------------------


def test_real_path_data_is_valid(catalogue: Catalogue) -> None:
    assert P.validate_paths(catalogue, today=TODAY) == []


def test_enough_paths_cover_every_shortage_field(data: P.PathData) -> None:
    assert len(data.paths) >= 12
    fields = {p.field for p in data.paths}
    assert set(SHORTAGE_FIELDS) <= fields
    assert fields <= set(FIELDS)
    assert len({p.id for p in data.paths}) == len(data.paths)


def test_every_fact_is_sourced_with_url_and_stand(data: P.PathData) -> None:
    for path in data.paths:
        assert path.source_ids, path.id
        for step in path.steps:
            assert step.source_ids, (path.id, step.title)
            assert step.duration_months is not None or step.duration_text
            assert set(step.course_types) <= set(COURSE_TYPES)
            assert set(step.funding) <= set(FUNDING)
            assert step.dqr_level is None or 1 <= step.dqr_level <= 8
            for code in step.funding:
                note = data.funding[code]
                assert note.office and note.source_ids
    for source in data.sources.values():
        assert source.url.startswith(("https://", "http://"))
        assert isinstance(source.stand, dt.date)


def test_dqr_levels_come_from_the_vocabulary() -> None:
    levels = P.dqr_levels()
    assert sorted(levels) == list(range(1, 9))
    assert levels[4].label == "Niveau 4"
    assert "selbständigen Planung" in levels[4].definition


def test_summary_counts(catalogue: Catalogue, data: P.PathData) -> None:
    lines = P.summary_lines(catalogue, today=TODAY)
    assert lines[0].startswith(f"Lernpfade: {len(data.paths)} (")
    steps = sum(len(p.steps) for p in data.paths)
    linked = sum(1 for p in data.paths for s in p.steps if P.step_offers(s, catalogue, TODAY))
    assert f"Lernpfad-Schritte: {steps}," in lines[1]
    assert f"{linked} mit verknüpften Angeboten" in lines[1]
    assert linked >= 20


# --- matching ----------------------------------------------------------------------------------


def test_verkaeuferin_to_pflegefachfrau_finds_the_care_path_with_offers(
    catalogue: Catalogue,
) -> None:
    path = P.find_path(
        current_kldb="62102",
        current_text="Verkäuferin",
        target_kldb="81302",
        target_text="Pflegefachfrau",
    )
    assert path is not None
    assert path.field == "pflege"
    assert path.id == "pflege-quereinstieg-ueber-pflegefachhelfer"
    assert [s.dqr_level for s in path.steps] == [3, 4]
    assert [s.duration_months for s in path.steps] == [12, 24]
    resolved = _resolve(path, catalogue, municipality="Unterhaching")
    for step in resolved.steps:
        if step.step.offers_expected:
            assert step.offers, step.step.title
            for offer in step.offers:
                real = catalogue.by_id(offer.offer_id)
                assert real is not None and real.is_current(TODAY)
                assert real.course_type in step.step.course_types
    helper_offers = [catalogue.by_id(o.offer_id) for o in resolved.steps[0].offers]
    assert all(any(c.startswith(("81301", "82101")) for c in o.kldb_targets) for o in helper_offers)
    assert resolved.total_months == 36 and not resolved.total_is_minimum


def test_group_level_codes_from_the_nlu_still_match() -> None:
    # "Ich arbeite im Einzelhandel ... will in die Altenpflege" gives group codes 621 -> 821
    path = P.find_path(current_kldb="621", current_text="Einzelhandel", target_kldb="821")
    assert path is not None and path.id == "pflege-quereinstieg-ueber-pflegefachhelfer"


def test_kinderpflege_to_erzieher(catalogue: Catalogue) -> None:
    path = P.find_path(current_kldb="83112", current_text="Kinderpflegerin", target_kldb="83113")
    assert path is not None and path.id == "kita-kinderpflege-erzieher"
    step = path.steps[0]
    assert step.dqr_level == 6 and step.duration_months == 36
    assert {"aufstiegs_bafoeg", "meisterbonus"} <= set(step.funding)
    offers = P.step_offers(step, catalogue, TODAY)
    assert offers and all("83113" in o.kldb_targets for o in offers)
    assert not any("seminar" in o.title.casefold() for o in offers)


def test_career_changer_without_pedagogical_training_goes_via_sps() -> None:
    path = P.find_path(current_kldb="62102", current_text="Verkäuferin", target_kldb="83113")
    assert path is not None and path.id == "kita-quereinstieg-sps-erzieher"
    abitur = P.find_path(current_text="Abitur", target_text="Erzieherin", target_kldb="83113")
    assert abitur is not None and abitur.id == "kita-abitur-optiprax"


def test_geselle_to_meister_names_meisterbonus_with_source(
    catalogue: Catalogue, data: P.PathData
) -> None:
    path = P.find_path(current_text="Geselle im Elektrohandwerk", target_text="Meister")
    assert path is not None and path.id == "handwerk-geselle-meister"
    kfz = P.find_path(current_kldb="25212", target_text="Meisterin")
    assert kfz == path
    final = path.steps[-1]
    assert "meisterbonus" in final.funding and final.dqr_level == 6
    note = data.funding["meisterbonus"]
    urls = [data.sources[s].url for s in note.source_ids]
    assert "https://stmwi.bayern.de/wirtschaft/ausbildung-beruf/meisterbonus" in urls
    assert all(data.sources[s].stand for s in note.source_ids)
    assert "3.000 Euro" in note.office
    resolved = _resolve(path, catalogue, municipality="Garching b.München", prefer_kldb=("25212",))
    # the person's trade first: a Kfz master course leads the list
    first = catalogue.by_id(resolved.steps[-1].offers[0].offer_id)
    assert any(code.startswith("252") for code in first.kldb_targets)
    assert any(s.url.startswith("https://stmwi.bayern.de") for s in resolved.sources)


def test_helper_prefers_path_for_helpers_over_quereinstieg() -> None:
    path = P.find_path(current_kldb="81301", current_text="Pflegehelferin", target_kldb="81302")
    assert path is not None and path.id == "pflege-pflegefachhelfer-verkuerzt"
    tq = P.find_path(current_kldb="51311", current_text="Lagerhelfer", target_kldb="34212")
    assert tq is not None and tq.id == "handwerk-teilqualifizierung-abschluss"


def test_quereinstieg_without_any_stated_qualification() -> None:
    path = P.find_path(target_kldb="52122", target_text="Berufskraftfahrer")
    assert path is not None and path.id == "kraftfahrer-quereinstieg"
    it = P.find_path(current_text="Quereinstieg", target_kldb="43", target_text="Fachinformatiker")
    assert it is not None and it.id == "it-quereinstieg-fachinformatiker"


def test_recognition_path_needs_the_foreign_qualification_named() -> None:
    foreign = P.find_path(
        current_kldb="81302",
        current_text="Krankenschwester aus dem Ausland",
        target_kldb="81302",
    )
    assert foreign is not None and foreign.id == "pflege-anerkennung-ausland"
    # a nurse trained here who names the same target has no path: she is already there
    here = P.find_path(current_kldb="81302", current_text="Krankenschwester", target_kldb="81302")
    assert here is None


def test_unknown_combination_returns_none() -> None:
    assert P.find_path(current_kldb="29302", current_text="Koch", target_kldb="82312") is None
    assert P.find_path(current_kldb="62102", target_kldb="71402") is None
    assert P.find_path(current_text="Verkäuferin", target_text="Astronautin") is None
    assert P.find_path() is None


def test_keyword_patterns() -> None:
    assert P.keyword_hit(["verkäufer*"], "Verkaeuferin im Baumarkt")
    assert P.keyword_hit(["*meister"], "Elektrikermeister")
    assert P.keyword_hit(["erzieher"], "Erzieher/in")
    assert P.keyword_hit(["medizinische* fachangestellte*"], "Medizinische Fachangestellte")
    assert not P.keyword_hit(["kinderpfleger"], "Kinderpflegehelferin")
    assert not P.keyword_hit(["geselle"], None)


# --- offer linking -------------------------------------------------------------------------------


def test_step_offers_use_criteria_not_ids(data: P.PathData) -> None:
    step = data.by_id("pflege-quereinstieg-ueber-pflegefachhelfer").steps[0]
    fits = _offer({"id": "x-001"})
    wrong_type = _offer({"id": "x-002", "course_type": "weiterbildung"})
    wrong_code = _offer({"id": "x-003", "kldb_targets": ["62102"]})
    wrong_title = _offer({"id": "x-004", "title": "Betreuungskraft"})
    past = _offer({"id": "x-005", "start_dates": ["2025-03-01"]})
    found = P.step_offers(step, [fits, wrong_type, wrong_code, wrong_title, past], TODAY)
    assert [o.id for o in found] == ["x-001"]
    assert [o.id for o in P.step_offers(step, [past])] == ["x-005"]  # without a date: exists


def test_offers_ordered_by_reach_and_distance() -> None:
    near = _offer({"id": "x-near", "municipality": "Unterhaching", "lat": 48.066, "lon": 11.616})
    far = _offer({"id": "x-far", "municipality": "Dachau", "lat": 48.26, "lon": 11.434})
    online = _offer(
        {"id": "x-online", "format": "online", "municipality": "online", "lat": None, "lon": None}
    )
    pytest.importorskip("pydantic_settings", reason="the search library needs the app env")
    from knowledge.paths.__main__ import in_process_search

    request = P.nearby_request(
        ["ausbildung"],
        today=TODAY,
        municipality="Unterhaching",
        reach_km=geo.DEFAULT_REACH_KM,
        include_outside_reach=True,
        limit=10,
    )
    ranked = P.linked_offers(in_process_search([far, online, near], 25.0)(request))[0]
    assert [o.offer_id for o in ranked] == ["x-near", "x-online", "x-far"]
    assert ranked[0].within_reach and ranked[2].within_reach is False
    assert ranked[2].distance_km == pytest.approx(
        geo.distance_km("Unterhaching", 48.26, 11.434), abs=0.1
    )


def test_validation_reports_broken_entries(raw: dict[str, Any], catalogue: Catalogue) -> None:
    broken = copy.deepcopy(raw)
    path = broken["paths"][0]
    path["to"]["kldb"] = "99999"
    path["steps"][0]["course_types"] = ["fernstudium"]
    path["steps"][0]["funding"] = ["lottogewinn"]
    path["steps"][0]["dqr_level"] = 9
    path["steps"][1]["sources"] = []
    path["steps"][1]["offer_keywords"] = ["gibt es nicht"]
    broken["sources"]["dqr-liste"]["stand"] = None
    broken["paths"][1]["sources"] = ["unbekannt"]
    errors = P.validate_paths(catalogue, today=TODAY, data=P.parse_paths(broken))
    text = "\n".join(errors)
    assert "KldB-Code '99999' gibt es nicht" in text
    assert "Kursart 'fernstudium' unbekannt" in text
    assert "Förder-Code 'lottogewinn' unbekannt" in text
    assert "DQR-Niveau 9 gibt es nicht" in text
    assert "Dauer, DQR-Niveau oder Förderung ohne Quelle" in text
    assert "im Katalog passt aber keines" in text
    assert "Quelle 'dqr-liste': 'stand' fehlt" in text
    assert "unbekannte Quelle 'unbekannt'" in text


def test_structural_errors_are_reported_not_raised(tmp_path: Path, raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    del broken["paths"][0]["to"]
    broken["paths"][1]["steps"][0]["duration_months"] = "zwölf"
    with pytest.raises(P.PathDataError) as info:
        P.parse_paths(broken)
    assert any("'from' und 'to'" in p for p in info.value.problems)
    assert any("'duration_months' muss eine Zahl" in p for p in info.value.problems)
    file = tmp_path / "paths.json"
    file.write_text("{kein json", encoding="utf-8")
    with pytest.raises(P.PathDataError):
        P.load_paths(file)
