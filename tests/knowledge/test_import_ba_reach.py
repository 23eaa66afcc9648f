"""BA Weiterbildungssuche records outside the district: the record's coordinates and the
district's reach, tested on a real response (page 0, July 2023, ``fixtures/ba/``)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from knowledge import geo
from knowledge.importers import parse_ba_data, read_ba_json
from knowledge.importers.__main__ import main as cli_main
from knowledge.importers.venue import SOURCE_NOTE

TODAY = dt.date(2026, 11, 26)
REAL = Path(__file__).parent / "fixtures" / "ba" / "real-ba-wbsuche-v1-page0-2023-07.json"
IN_REACH = {"ba-181061091": "Dachau", "ba-171556353": "München"}


def _real() -> dict[str, Any]:
    return json.loads(REAL.read_text(encoding="utf-8"))


def _termin(**changes: Any) -> dict[str, Any]:
    termin = copy.deepcopy(_real()["_embedded"]["termine"][3])  # Dachau
    termin.update(changes)
    return termin


def test_real_response_in_reach_imported_distant_refused_with_distance() -> None:
    report = read_ba_json(REAL, TODAY)
    assert report.counts == (20, 2, 18)
    assert {o.id: o.municipality for o in report.offers} == IN_REACH
    dachau = next(o for o in report.offers if o.municipality == "Dachau")
    assert (dachau.lat, dachau.lon) == (48.262498, 11.436768)  # the record's coordinates
    assert dachau.extra["coords"] == SOURCE_NOTE
    assert dachau.address is not None and dachau.address.postcode == "85221"
    km = {}
    for error in report.errors:
        assert error.field == "adresse.koordinaten"
        match = re.search(r"Kursort '(.+)' liegt (\d+) km von der nächsten Gemeinde", error.reason)
        assert match, error.reason
        km[match.group(1)] = int(match.group(2))
    assert km["Rosenheim"] == 30  # "Rosenheim, Oberbayern" is the known Rosenheim
    assert km["Stuttgart"] == 182 and km["Münster, Westfalen"] == 495
    assert min(km.values()) > geo.DEFAULT_REACH_KM


def test_reach_is_a_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert read_ba_json(REAL, TODAY, reach_km=35).counts == (20, 3, 17)  # + Rosenheim
    assert read_ba_json(REAL, TODAY, reach_km=None).counts == (20, 20, 0)
    assert cli_main(["ba", str(REAL), "--dry-run", "--reach-km", "35"]) == 0
    out = capsys.readouterr().out
    assert "Gelesen: 20 Datensätze, übernommen: 3, abgelehnt: 17" in out
    assert "übernommen werden Kursorte bis 35 km" in out


def test_venue_rules() -> None:
    near = {"lat": 48.2805, "lon": 11.5768}
    records = [
        # 0: a town outside places.json, placed by its own coordinates
        _termin(id=1, adresse={"ortStrasse": {"name": "Maisach"}, "koordinaten": {"lat": 48.217, "lon": 11.265}}),
        # 1: a known name with coordinates elsewhere is a namesake: the record's town is kept
        _termin(id=2, adresse={"ortStrasse": {"name": "Haar"}, "koordinaten": {"lat": 53.55, "lon": 10.0}}),
        # 2: unknown town without coordinates
        _termin(id=3, adresse={"ortStrasse": {"name": "Nirgendwo am See"}, "koordinaten": None}),
        # 3: known town, regional qualifier, no coordinates: the place's own coordinates
        _termin(id=4, adresse={"ortStrasse": {"name": "Unterschleißheim, Oberbayern"}}),
        # 4: an online course with a distant office address is accepted as online
        _termin(id=5, unterrichtsform={"id": 202}, adresse={"ortStrasse": {"name": "Willich"}, "koordinaten": near}),
    ]  # fmt: skip
    report = parse_ba_data(records, TODAY)
    assert report.counts == (5, 3, 2)
    got = {o.source_id: o for o in report.offers}
    assert got["1"].municipality == "Maisach" and got["1"].lat == 48.217
    assert got["4"].municipality == "Unterschleißheim"
    assert (got["4"].lat, got["4"].lon) == geo.coordinates("Unterschleißheim")
    assert got["5"].format == "online" and got["5"].municipality == "online"
    reasons = {e.record_id: (e.field, e.reason) for e in report.errors}
    assert reasons["2"][0] == "adresse.koordinaten" and "Kursort 'Haar' liegt" in reasons["2"][1]
    assert reasons["3"][0] == "adresse.ortStrasse.name"
    assert "'Nirgendwo am See' ist kein bekannter Ort" in reasons["3"][1]
    assert "keine Koordinaten" in reasons["3"][1]


def test_contact_persons_are_never_imported_stored_or_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data = _real()
    secrets = ("Testperson-Kontakt", "5550199", "erika.testperson@example.org")
    for termin in data["_embedded"]["termine"]:
        for person in termin["ansprechpartner"]:
            person.update(nachname=secrets[0], telefonDurchwahl=secrets[1], email=secrets[2])
    source = tmp_path / "antwort.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "offers.json"
    assert cli_main(["ba", str(source), "--out", str(out), "--reach-km", "200"]) == 0
    printed = capsys.readouterr().out
    written = out.read_text(encoding="utf-8")
    assert "Geschrieben:" in printed and '"ba-181061091"' in written
    for text in (written, printed, caplog.text):
        assert not any(s in text for s in secrets)
        # the providers' own phone numbers and e-mail addresses are not taken either
        assert "kursnet-wolfsburg@alfatraining.com" not in text
