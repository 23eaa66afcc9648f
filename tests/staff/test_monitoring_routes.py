"""The monitoring pages through the staff app: who may see them, the accessible tables, the
exports (opened with csv and openpyxl: no count from 1 to k-1, formulas escaped), supply from
the real search service over HTTP, and k refused below 5 at start."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pydantic import ValidationError

from staff.monitoring import export, supply
from staff.monitoring import filters as flt
from staff.monitoring.settings import MonitoringSettings
from staff.monitoring.tables import COUNT, RATIO, Row, Table
from tests.staff.monitoring_support import insert, row, search_service
from tests.staff.staff_helpers import FakeClock, StaffWorld

PAGE = "/staff/analyst"
TABLE_IDS = (
    "nachfrage",
    "ergebnis",
    "ungedeckt",
    "rangfolge",
    "beratung",
    "rangfolge-beratung",
    "engpass",
)
EXPORTED = (*TABLE_IDS, "engpass-nachfrage")


@pytest.fixture
def search_url(tmp_path: Path) -> Iterator[str]:
    with search_service(tmp_path) as url:
        yield url


def count_cells(text: str) -> list[str]:
    return re.findall(r'<td class="monitoring-table__count">([^<]*)', text)


def test_the_analyst_sees_every_table_with_captions_and_headers(analyst_world: StaffWorld) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    for table_id in TABLE_IDS:
        assert f'id="caption-{table_id}"' in text, table_id
        assert f"tabelle={table_id}&amp;format=csv" in text
        assert f"tabelle={table_id}&amp;format=xlsx" in text
    assert text.count("<caption") == len(TABLE_IDS)
    assert '<th scope="col">' in text and '<th scope="row">' in text
    assert "<script>" not in text and "style=" not in text  # CSP: no inline script or style
    numbers = [c.replace(".", "") for c in count_cells(text)]
    assert numbers and all(int(n) == 0 or int(n) >= 5 for n in numbers if n.isdigit())
    assert "Der Suchdienst antwortet gerade nicht" in text
    assert 'data-chart="' in text
    assert page.headers["cache-control"] == "no-store"


def test_counsellor_gets_403_and_anonymous_goes_to_sign_in(analyst_world: StaffWorld) -> None:
    counsellor = analyst_world.add_account("berta@example.de", "counsellor", "admin")
    client = analyst_world.session_client(counsellor)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/export?tabelle=nachfrage&format=csv").status_code == 403
    anonymous = analyst_world.client()
    answer = anonymous.get(f"{PAGE}/export?tabelle=nachfrage&format=csv")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/sign-in")


def test_filters_and_unknown_values(analyst_world: StaffWorld) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    page = client.get(PAGE, params={"einheit": "week", "von": "2026-10-07", "bis": "2026-11-30",
                                    "gemeinde": "Haar", "nach": "goal"})  # fmt: skip
    assert page.status_code == 200 and "KW 41/2026" in page.text and "KW 49/2026" in page.text
    assert "Nicht alle Filter" not in page.text
    odd = client.get(PAGE, params={"gemeinde": "Atlantis", "einheit": "jahr", "von": "x"})
    assert odd.status_code == 200 and "Nicht alle Filter konnten übernommen werden" in odd.text
    assert client.get(f"{PAGE}/export?tabelle=geheim&format=csv").status_code == 404
    assert client.get(f"{PAGE}/export?tabelle=nachfrage&format=pdf").status_code == 404


@pytest.mark.parametrize("table_id", EXPORTED)
def test_exports_open_and_show_no_small_counts(analyst_world: StaffWorld, table_id: str) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    params = {"tabelle": table_id, "einheit": "month", "von": "2026-06", "bis": "2026-11"}
    as_csv = client.get(f"{PAGE}/export", params={**params, "format": "csv"})
    as_xlsx = client.get(f"{PAGE}/export", params={**params, "format": "xlsx"})
    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_xlsx.headers["content-disposition"]
    csv_rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    xlsx_rows = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    header = csv_rows[0]
    assert [c for c in xlsx_rows[0] if c] == [c for c in header if c]
    counted = _count_columns(table_id, header)
    body = [r for r in csv_rows[1:] if len(r) == len(header)]
    assert body, "no data rows"
    for source in (body, [r for r in xlsx_rows[1:] if len(r) >= len(header) and r[1]]):
        for r in source:
            for j in counted:
                value = r[j]
                assert value == export.SUPPRESSED or value == "0" or int(value) >= 5, (r, j)
    assert any("ausgeblendet" in " ".join(r) for r in csv_rows)


def _count_columns(table_id: str, header: list[str]) -> list[int]:
    if table_id.startswith("rangfolge"):
        return [3]
    if table_id == "engpass":
        return [2]  # "Anfragen"; the catalogue offers are no people
    return list(range(1, len(header)))


def test_formulas_are_escaped_in_both_formats() -> None:
    table = Table(
        id="probe",
        caption="Probe",
        row_header="=1+1",
        columns=("+SUM(A1)", "@cmd", "-2+3", "\tTab", "normal"),
        kinds=(COUNT,) * 5,
        rows=(Row('=HYPERLINK("http://example.org")', (5, None, 0, 7, 9)),),
    )
    notes = ["-Hinweis"]
    text = export.to_csv(table, notes).decode("utf-8-sig")
    cells = [c for r in csv.reader(io.StringIO(text), delimiter=";") for c in r]
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(table, notes))).active
    assert sheet is not None
    values = [v for r in sheet.iter_rows(values_only=True) for v in r if v is not None]
    for found in (cells, [str(v) for v in values]):
        texts = [c for c in found if c and not c.isdigit()]
        assert texts and all(not c.startswith(export.FORMULA_STARTS) for c in texts), texts
        assert "'=1+1" in found and "'@cmd" in found and "normal" in found
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)


def test_ratios_have_a_decimal_comma_in_csv_and_are_numbers_in_xlsx() -> None:
    table = Table(
        "probe", "Probe", "Beruf", ("Anfragen je Angebot",), (RATIO,), (Row("821", (2.5,)),)
    )
    assert "821;2,5" in export.to_csv(table, []).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(table, []))).active
    assert sheet is not None and sheet["B2"].value == 2.5


def test_supply_comes_from_the_real_search_service(
    analyst_world: StaffWorld, search_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = MonitoringSettings(search_url=search_url)
    today = dt.date(2026, 11, 26)
    counts = supply.offers_leading_to(settings, ["821", "8210", "434", "999"], None, today)
    assert counts is not None and counts["821"] >= 3 and counts["434"] >= 1
    assert counts["999"] == 0 and counts["8210"] >= counts["821"] - 1
    near = supply.offers_leading_to(settings, ["821"], "Unterhaching", today)
    assert near is not None and 1 <= near["821"] <= counts["821"]

    monkeypatch.setenv("SEARCH_URL", search_url)
    world = StaffWorld(analyst_world.db_url, analyst_world.clock)
    client = world.session_client(world.add_account("ana@example.de", "analyst"))
    page = client.get(PAGE).text
    assert "Der Suchdienst antwortet gerade nicht" not in page
    export_csv = client.get(f"{PAGE}/export?tabelle=engpass&format=csv").content.decode("utf-8-sig")
    altenpflege = next(
        r
        for r in csv.reader(io.StringIO(export_csv), delimiter=";")
        if r and r[0].startswith("821 ")
    )
    assert altenpflege[3] == str(counts["821"])

    places = client.get(f"{PAGE}/engpass")
    assert places.status_code == 200 and "Der Suchdienst antwortet gerade nicht" not in places.text
    for table_id in ("engpass-nachfrage", "engpass-angebot", "engpass-verhaeltnis"):
        assert f'id="caption-{table_id}"' in places.text
    offers = client.get(f"{PAGE}/export?tabelle=engpass-angebot&format=csv")
    by_place = {
        r[0]: r
        for r in csv.reader(io.StringIO(offers.content.decode("utf-8-sig")), delimiter=";")
        if r
    }
    header = by_place["Gemeinde"]
    column = next(j for j, c in enumerate(header) if c.startswith("821 "))
    assert by_place["Unterhaching"][column] == str(near["821"])
    assert len([p for p in by_place if p in flt.municipalities()]) == 29


def test_the_page_per_municipality_without_the_search_service(analyst_world: StaffWorld) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    page = client.get(
        f"{PAGE}/engpass", params={"von": "2026-06", "bis": "2026-11", "ziel": "umschulung"}
    )
    assert page.status_code == 200
    assert (
        'id="caption-engpass-nachfrage"' in page.text and "caption-engpass-angebot" not in page.text
    )
    assert "Der Suchdienst antwortet gerade nicht" in page.text
    assert "ziel=umschulung" in page.text  # the links between the pages keep the filters
    numbers = [c.replace(".", "") for c in count_cells(page.text)]
    assert numbers and all(int(n) == 0 or int(n) >= 5 for n in numbers if n.isdigit())
    refused = client.get(f"{PAGE}/export?tabelle=engpass-angebot&format=csv")
    assert refused.status_code == 503 and "Suchdienst nicht erreichbar" in refused.text


def test_a_chart_shows_the_numbers_of_its_table(analyst_world: StaffWorld) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    text = client.get(PAGE, params={"von": "2026-06", "bis": "2026-11"}).text
    found = re.search(r'data-chart="([^"]+)"', text)
    assert found
    spec = json.loads(
        found.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
    )
    values = {v["Zeitraum"]: v["Anfragen"] for v in spec["data"]["values"]}
    footer = re.search(r"<tfoot>(.*?)</tfoot>", text, re.S)
    assert footer
    totals = count_cells(footer.group(1))[:-1]
    labels = [
        "Juni 2026",
        "Juli 2026",
        "August 2026",
        "September 2026",
        "Oktober 2026",
        "November 2026",
    ]
    shown = {p: int(t.replace(".", "")) for p, t in zip(labels, totals, strict=True) if t.isdigit()}
    assert values == shown


@pytest.mark.parametrize("k", ["4", "0", "-1", "zwei"])
def test_k_below_five_stops_the_app(
    staff_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, k: str
) -> None:
    monkeypatch.setenv("STAFF_MONITORING_K", k)
    with pytest.raises(ValidationError):
        StaffWorld(staff_db_url, clock)


def test_a_higher_k_hides_more(analyst_world: StaffWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_MONITORING_K", "12")
    world = StaffWorld(analyst_world.db_url, analyst_world.clock)
    insert(world.engine, [row(dt.date(2026, 11, 2))] * 11 + [row(dt.date(2026, 10, 5))] * 12)
    client = world.session_client(world.add_account("ana@example.de", "analyst"))
    text = client.get(PAGE, params={"von": "2026-10", "bis": "2026-11"}).text
    numbers = [int(c.replace(".", "")) for c in count_cells(text) if c.replace(".", "").isdigit()]
    assert numbers and all(n == 0 or n >= 12 for n in numbers)
    assert "keine Zahl unter 12" in text
