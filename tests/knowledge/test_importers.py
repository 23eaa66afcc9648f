"""Tests for knowledge.importers: provider CSV, BA JSON, schema.org JSON-LD, merge, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.importers import (
    ImportReport,
    export_offers,
    merge,
    parse_ba_data,
    parse_ba_json,
    parse_jsonld_data,
    parse_provider_csv,
    read_ba_json,
    read_provider_csv,
)
from knowledge.importers.__main__ import main as cli_main
from knowledge.importers.provider_csv import COLUMNS, parse_amount, parse_bool, parse_date, slugify

TODAY = dt.date(2026, 11, 26)
SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "import_samples"
CSV_SAMPLE = SAMPLES / "anbieter_vorlage.csv"
BA_SAMPLE = SAMPLES / "ba_weiterbildungssuche_sample.json"
HEADER = ";".join(COLUMNS)


def _csv_text() -> str:
    return CSV_SAMPLE.read_text(encoding="utf-8-sig")


def _redelimit(text: str, delimiter: str) -> str:
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _row(**values: str) -> str:
    base = {
        "kurs_id": "K1", "titel": "Testkurs Buchhaltung", "beschreibung": "Ein Kurs für Tests.",
        "anbieter": "vhs SüdOst im Landkreis München GmbH", "kursart": "Weiterbildung",
        "format": "Präsenz", "zeitmodell": "Teilzeit", "gemeinde": "Ottobrunn",
        "url": "https://www.vhs-suedost.de", "stand": "26.11.2026",
    }  # fmt: skip
    base.update(values)
    return ";".join(base.get(c, "") for c in COLUMNS)


def _check_counts(report: ImportReport) -> None:
    assert report.read == report.imported + report.rejected
    assert report.counts == (report.read, len(report.offers), report.rejected)


# --- provider CSV -------------------------------------------------------------------------


VARIANTS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "cp1252": lambda t: t.encode("cp1252"),
    "comma": lambda t: _redelimit(t, ",").encode("utf-8"),
    "comma-cp1252-crlf": lambda t: _redelimit(t, ",").encode("cp1252"),
}


@pytest.fixture(scope="module")
def sample_csv_report() -> ImportReport:
    return parse_provider_csv(_csv_text().encode("utf-8"), "anbieter_vorlage.csv", TODAY)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_sample_csv_imports_in_every_office_variant(
    variant: str, sample_csv_report: ImportReport
) -> None:
    report = parse_provider_csv(VARIANTS[variant](_csv_text()), "anbieter_vorlage.csv", TODAY)
    _check_counts(report)
    assert report.errors == []
    assert report.counts == (4, 4, 0)
    assert report.offers == sample_csv_report.offers
    assert "vhs SüdOst im Landkreis München GmbH" in {o.provider for o in report.offers}
    assert any("Unterschleißheim" == o.municipality for o in report.offers)


def test_sample_csv_maps_german_labels_and_values(sample_csv_report: ImportReport) -> None:
    offers = {o.source_id: o for o in sample_csv_report.offers}
    ph = offers["PH-2027-01"]
    assert ph.id == "csv-" + slugify(ph.provider) + "-ph-2027-01"
    assert ph.source == "Anbieter-CSV anbieter_vorlage.csv"
    assert (ph.course_type, ph.format, ph.time_model) == ("ausbildung", "praesenz", "vollzeit")
    assert (ph.lat, ph.lon) == geo.coordinates("Haar")
    assert ph.start_dates == (dt.date(2027, 9, 1),)
    assert ph.cost_eur == 0 and ph.dqr_level == 3 and ph.kldb_targets == ("82101",)
    assert "start_dates" in ph.example_fields and "cost_eur" in ph.example_fields
    vhs = offers["DIG-EXCEL-2"]
    assert vhs.time_model == "berufsbegleitend" and vhs.format == "praesenz"
    assert vhs.start_dates == (dt.date(2027, 3, 15), dt.date(2027, 9, 20))
    assert vhs.cost_eur == 149.0 and vhs.fields == ("digital", "kaufmaennisch")
    de = offers["DE-B2-BERUF"]
    assert (de.format, de.funding, de.fields) == ("hybrid", ("bamf",), ("sprache",))
    ihk = offers["FW-ONLINE-1"]
    assert (ihk.format, ihk.municipality, ihk.lat) == ("online", "online", None)
    assert ihk.cost_eur == 3890.0 and ihk.funding == ("aufstiegs_bafoeg", "meisterbonus")
    assert ihk.duration_months == 18 and ihk.last_updated == TODAY


def test_broken_rows_are_reported_with_line_and_field_and_the_rest_imported() -> None:
    lines = [
        HEADER,
        _row(kurs_id="OK1"),
        _row(kurs_id="B1", format="Fernkurs"),
        _row(kurs_id="B2", gemeinde="Atlantis"),
        _row(kurs_id="B3", starttermine="31.02.2027", kosten_eur="teuer"),
        _row(kurs_id="OK1", titel="Doppelt"),
        "",
        _row(kurs_id="B5", url="www.ohne-schema.de", azav="vielleicht", plz="8552"),
        _row(
            kurs_id="OK2", kosten_eur="1.234,50", starttermine='"2027-01-11;01.02.2027"', azav="ja"
        ),
    ]
    report = parse_provider_csv("\n".join(lines).encode("cp1252"), "t.csv", TODAY)
    _check_counts(report)
    assert report.counts == (7, 2, 5)
    assert [o.source_id for o in report.offers] == ["OK1", "OK2"]
    found = {(e.location, e.field) for e in report.errors}
    assert {(3, "format"), (4, "gemeinde"), (5, "starttermine"), (5, "kosten_eur")} <= found
    assert {(6, "kurs_id"), (8, "url"), (8, "azav"), (8, "plz")} <= found
    reasons = {(e.location, e.field): e.reason for e in report.errors}
    assert (
        "Atlantis" in reasons[(4, "gemeinde")] and "kein bekannter Ort" in reasons[(4, "gemeinde")]
    )
    assert "Fernkurs" in reasons[(3, "format")]
    assert "Zeile 2" in reasons[(6, "kurs_id")]
    ok2 = report.offers[1]
    assert ok2.cost_eur == 1234.5 and ok2.azav_certified
    assert ok2.start_dates == (dt.date(2027, 1, 11), dt.date(2027, 2, 1))
    assert report.rejected_source_ids == {"B1", "B2", "B3", "OK1", "B5"}
    text = report.format_de()
    assert "Gelesen: 7" in text and "Zeile 4 (B2): Feld 'gemeinde'" in text


def test_line_numbers_count_physical_lines_of_multiline_cells() -> None:
    text = "\n".join(
        [
            HEADER,
            _row(kurs_id="A", beschreibung='"Zeile eins\nZeile zwei"'),
            _row(kurs_id="B", format="?"),
        ]
    )
    report = parse_provider_csv(text, "t.csv", TODAY)
    assert report.counts == (2, 1, 1)
    assert report.offers[0].description == "Zeile eins\nZeile zwei"
    assert [(e.location, e.field) for e in report.errors] == [(4, "format")]


def test_missing_header_column_is_a_file_error_without_records() -> None:
    header = HEADER.replace("kurs_id;", "")
    report = parse_provider_csv(f"{header}\n{_row()}", "t.csv", TODAY)
    assert report.counts == (0, 0, 0)
    assert [(e.location, e.field) for e in report.errors] == [(1, "kurs_id")]


def test_online_offer_needs_no_municipality_but_presence_does() -> None:
    rows = [HEADER, _row(kurs_id="O", format="online", gemeinde=""), _row(kurs_id="P", gemeinde="")]
    report = parse_provider_csv("\n".join(rows), "t.csv", TODAY)
    assert [o.municipality for o in report.offers] == ["online"]
    assert [(e.location, e.field) for e in report.errors] == [(3, "gemeinde")]


def test_unreadable_file_gives_a_report(tmp_path: Path) -> None:
    report = read_provider_csv(tmp_path / "fehlt.csv")
    assert report.counts == (0, 0, 0) and report.errors[0].field == "datei"
    assert report.errors[0].location == 1


@pytest.mark.parametrize("reader", ["read_ba_json", "read_jsonld"])
def test_unreadable_json_file_gives_a_report(tmp_path: Path, reader: str) -> None:
    import knowledge.importers as importers

    report = getattr(importers, reader)(tmp_path / "fehlt.json")
    assert report.counts == (0, 0, 0)
    assert [(e.location, e.field) for e in report.errors] == [("$", "datei")]
    assert "nicht lesbar" in report.errors[0].reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,50", 1234.5), ("1234,5", 1234.5), ("1,234.50", 1234.5), ("980 €", 980.0),
     ("1.200", 1200.0), ("12.5", 12.5), ("0", 0.0)],
)  # fmt: skip
def test_parse_amount(text: str, expected: float) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "-5", "1,2,3", ""])
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_date_and_bool() -> None:
    assert parse_date("1.9.2027") == parse_date("2027-09-01") == dt.date(2027, 9, 1)
    for bad in ("31.02.2027", "2027/09/01", "morgen"):
        with pytest.raises(ValueError):
            parse_date(bad)
    assert parse_bool("Ja") and parse_bool("x") and not parse_bool("nein") and not parse_bool("")
    with pytest.raises(ValueError):
        parse_bool("vielleicht")


# --- BA Weiterbildungssuche ---------------------------------------------------------------


def test_ba_sample_is_mapped_and_broken_record_reported_with_path() -> None:
    report = read_ba_json(BA_SAMPLE, TODAY)
    _check_counts(report)
    assert report.counts == (4, 3, 1)
    assert [(e.location, e.record_id) for e in report.errors] == [
        ("$._embedded.termine[2].unterrichtsform.id", "900000103")
    ]
    assert "999" in report.errors[0].reason
    offers = {o.source_id: o for o in report.offers}
    vhs = offers["900000101"]
    assert vhs.id == "ba-900000101" and vhs.source == "BA Weiterbildungssuche"
    assert (vhs.format, vhs.time_model, vhs.course_type) == (
        "praesenz",
        "teilzeit",
        "weiterbildung",
    )
    assert vhs.municipality == "Ottobrunn" and (vhs.lat, vhs.lon) == geo.coordinates("Ottobrunn")
    assert vhs.address is not None and vhs.address.postcode == "85521"
    assert vhs.start_dates == (dt.date(2027, 2, 1),) and vhs.cost_eur == 390.0
    assert vhs.funding == () and not vhs.azav_certified
    assert "<" not in vhs.description and "DATEV" in vhs.description
    assert vhs.last_updated == dt.date(2026, 11, 26)
    umsch = offers["900000102"]
    assert (umsch.format, umsch.course_type, umsch.time_model) == (
        "hybrid",
        "umschulung",
        "vollzeit",
    )
    assert (umsch.lat, umsch.lon) == (48.2805, 11.5768)
    assert umsch.funding == ("bildungsgutschein",) and umsch.azav_certified
    assert umsch.duration_months == 24.0 and umsch.url.startswith("https://web.arbeitsagentur.de")
    hwk = offers["900000104"]
    assert (hwk.format, hwk.municipality, hwk.time_model) == (
        "online",
        "online",
        "berufsbegleitend",
    )
    assert hwk.course_type == "aufstiegsfortbildung" and hwk.cost_eur == 2950.0
    assert hwk.start_dates == (dt.date(2026, 12, 16),)


def _sample_termin() -> dict:
    return json.loads(BA_SAMPLE.read_text(encoding="utf-8"))["_embedded"]["termine"][0]


def test_ba_unknown_codes_and_bad_values_rejected_with_paths() -> None:
    good = _sample_termin()
    bad_time = {**_sample_termin(), "id": 2, "unterrichtszeit": {"id": 7}}
    bad_place = {**_sample_termin(), "id": 3, "adresse": {"ortStrasse": {"name": "Hamburg-Altona"}}}
    bad_cost = {**_sample_termin(), "id": 4, "kostenWert": "-3", "kostenWaehrung": "CHF"}
    report = parse_ba_data([good, bad_time, bad_place, "kein Objekt", bad_cost], TODAY)
    _check_counts(report)
    assert report.counts == (5, 1, 4)
    paths = {e.location for e in report.errors}
    assert {"$[1].unterrichtszeit.id", "$[2].adresse.ortStrasse.name", "$[3]", "$[4].kostenWert",
            "$[4].kostenWaehrung"} <= paths  # fmt: skip


def test_ba_invalid_json_and_missing_list() -> None:
    assert parse_ba_json(b"{kaputt", TODAY).errors[0].field == "json"
    report = parse_ba_data({"page": {}}, TODAY)
    assert report.counts == (0, 0, 0) and report.errors[0].location == "$"


# --- schema.org JSON-LD -------------------------------------------------------------------


def test_jsonld_round_trip_of_catalogue_and_imports(sample_csv_report: ImportReport) -> None:
    offers = (
        list(load_catalogue()) + sample_csv_report.offers + read_ba_json(BA_SAMPLE, TODAY).offers
    )
    document = json.loads(json.dumps(export_offers(offers)))
    assert all(node["@type"] == "Course" for node in document)
    assert all(i["@type"] == "CourseInstance" for n in document for i in n["hasCourseInstance"])
    report = parse_jsonld_data(document, "export.jsonld", TODAY)
    assert report.errors == []
    assert report.offers == offers


def test_jsonld_one_instance_per_start_date(sample_csv_report: ImportReport) -> None:
    vhs = next(o for o in sample_csv_report.offers if o.source_id == "DIG-EXCEL-2")
    node = export_offers([vhs])[0]
    assert [i["startDate"] for i in node["hasCourseInstance"]] == ["2027-03-15", "2027-09-20"]
    assert node["hasCourseInstance"][0]["courseMode"] == "onsite"
    assert node["hasCourseInstance"][0]["courseWorkload"] == "PT24H"
    assert node["offers"] == {"@type": "Offer", "price": 149.0, "priceCurrency": "EUR"}


def test_jsonld_bad_nodes_rejected_with_path(sample_csv_report: ImportReport) -> None:
    node = export_offers(sample_csv_report.offers[:1])[0]
    unknown_mode = json.loads(json.dumps(node))
    unknown_mode["identifier"] = "x-2"
    unknown_mode["@id"] = "urn:bildungslotse:offer:x-2"
    unknown_mode["additionalProperty"] = [
        p for p in unknown_mode["additionalProperty"] if p["name"] not in ("source_id",)
    ]
    unknown_mode["hasCourseInstance"][0]["courseMode"] = "unterwasser"
    nameless = {**json.loads(json.dumps(node)), "@id": "urn:bildungslotse:offer:x-3"}
    del nameless["name"]
    graph = {"@graph": [node, unknown_mode, nameless, {"@type": "Person"}]}
    report = parse_jsonld_data(graph, "g.jsonld", TODAY)
    _check_counts(report)
    assert report.counts == (3, 2, 1)  # the Person is no record: skipped with a note
    assert [(e.location, e.field) for e in report.errors] == [("$.@graph[2].name", "name")]
    assert any("'unterwasser' nicht zugeordnet" in n for n in report.notes)
    assert any("Person (1)" in n for n in report.notes)
    # the unknown mode is ignored; the Place makes the course a Präsenz offer, marked as derived
    derived = next(o for o in report.offers if o.id == "x-2")
    assert derived.format == "praesenz" and "format" in derived.extra["defaults"]


# --- merge --------------------------------------------------------------------------------


def _csv_report(rows: list[str]) -> ImportReport:
    return parse_provider_csv("\n".join([HEADER, *rows]), "anbieter.csv", TODAY)


def test_merge_adds_updates_removes_only_its_source() -> None:
    other = list(load_catalogue())[:3]
    first = _csv_report([_row(kurs_id="A"), _row(kurs_id="B"), _row(kurs_id="C")])
    merged, summary = merge(other, first, first.source)
    assert len(summary.added) == 3 and not (summary.updated or summary.removed or summary.unchanged)
    assert merged[:3] == other
    second = _csv_report(
        [_row(kurs_id="A"), _row(kurs_id="B", titel="Neuer Titel"), _row(kurs_id="D")]
    )
    merged2, summary2 = merge(merged, second, second.source)
    sids = [o.source_id for o in merged2 if o.source == second.source]
    assert sorted(sids) == ["A", "B", "D"]
    assert len(merged2) == len(set(o.id for o in merged2)) == 6
    assert merged2[:3] == other
    assert [
        len(x) for x in (summary2.added, summary2.updated, summary2.removed, summary2.unchanged)
    ] == [1, 1, 1, 1]
    assert next(o for o in merged2 if o.source_id == "B").title == "Neuer Titel"
    merged3, summary3 = merge(merged2, second, second.source)
    assert merged3 == merged2 and len(summary3.unchanged) == 3
    assert [o.source_id for o in merged] == [o.source_id for o in other] + [
        "A",
        "B",
        "C",
    ]  # input untouched


def test_merge_keeps_offer_whose_new_row_was_rejected() -> None:
    first = _csv_report([_row(kurs_id="A"), _row(kurs_id="B")])
    merged, _ = merge([], first, first.source)
    second = _csv_report([_row(kurs_id="A"), _row(kurs_id="B", format="Tauchkurs")])
    merged2, summary = merge(merged, second, second.source)
    assert [o.source_id for o in merged2] == ["A", "B"]
    assert summary.removed == () and len(summary.unchanged) == 2


def test_merge_rejects_foreign_source() -> None:
    report = _csv_report([_row()])
    with pytest.raises(ValueError):
        merge([], report, "BA Weiterbildungssuche")


# --- CLI ----------------------------------------------------------------------------------


def test_cli_writes_merges_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "imported.json"
    src = tmp_path / "anbieter.csv"
    src.write_text(
        "\n".join([HEADER, _row(kurs_id="A"), _row(kurs_id="B", format="?")]), encoding="cp1252"
    )
    assert cli_main(["csv", str(src), "--out", str(out), "--dry-run"]) == 0
    assert not out.exists()
    assert cli_main(["csv", str(src), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Gelesen: 2 Datensätze, übernommen: 1, abgelehnt: 1" in text
    assert "Zeile 3 (B): Feld 'format'" in text and "Neu: 1" in text
    assert [o.source_id for o in load_catalogue(out)] == ["A"]
    src.write_text("\n".join([HEADER, _row(kurs_id="C")]), encoding="utf-8")
    assert cli_main(["csv", str(src), "--out", str(out)]) == 0
    assert "Neu: 1, aktualisiert: 0, entfernt: 1" in capsys.readouterr().out
    assert [o.source_id for o in load_catalogue(out)] == ["C"]


def test_cli_exit_1_when_nothing_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "leer.json"
    src.write_text('{"_embedded": {"termine": [{"id": 1}]}}', encoding="utf-8")
    assert cli_main(["ba", str(src), "--out", str(tmp_path / "o.json")]) == 1
    out = capsys.readouterr().out
    assert "abgelehnt: 1" in out and "$._embedded.termine[0]" in out
    assert not (tmp_path / "o.json").exists()
