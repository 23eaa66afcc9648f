"""The monitoring board report: a German PDF/UA-1 with the protected tables, their charts (SVG from
the page's Vega-Lite specs) and the sources; read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from knowledge.shortage import load_shortages
from staff.monitoring import report, supply
from tests.prereq import require_module
from tests.staff.monitoring_support import insert, random_rows
from tests.staff.staff_helpers import FakeClock, StaffWorld

pypdf = require_module("pypdf", "make test-venvs")
REPORT = "/staff/analyst/bericht.pdf"
PARAMS = {"einheit": "month", "von": "2026-06", "bis": "2026-11"}


@pytest.fixture
def world(staff_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> StaffWorld:
    monkeypatch.setenv("SEARCH_URL", "http://127.0.0.1:9")  # nothing listens: no supply figures
    supply.clear_cache()
    world = StaffWorld(staff_db_url, clock)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    insert(world.engine, random_rows(11, 600, dt.date(2026, 5, 1), 220))
    return world


@pytest.fixture
def analyst(world: StaffWorld):  # type: ignore[no-untyped-def]
    return world.session_client(world.add_account("ana@example.de", "analyst"))


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_report_holds_every_table_chart_note_and_source(analyst) -> None:  # type: ignore[no-untyped-def]
    page = analyst.get("/staff/analyst", params=PARAMS)
    assert "/staff/analyst/bericht.pdf?" in page.text  # the page links the report with its filters
    answer = analyst.get(REPORT, params=PARAMS)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "no-store"
    text = _text(answer.content)
    assert "Bildungsmonitoring: Nachfrage nach Weiterbildung" in text
    assert "Zeitraum: Juni 2026 bis November 2026" in text
    captions = re.findall(r'<caption id="caption-[^"]+">([^<]+)</caption>', page.text)
    assert len(captions) == 7
    for caption in captions:
        assert caption.replace("&amp;", "&") in text, caption
    assert text.count("Diagramm:") == 3  # demand over time, ranking, shortage occupations
    assert "Keine Zahl unter 5" in text and "Filter: keine" in text
    assert "Der Suchdienst hat bei der Erstellung nicht geantwortet" in text
    stands = {e.stand.strftime("%d.%m.%Y") for e in load_shortages()}
    assert any(f"Stand {s}" in text for s in stands)
    # the demand totals of the page are the report's (the same protected numbers)
    totals = re.search(r"<tfoot><tr><th scope=\"row\">[^<]+</th>(.*?)</tr></tfoot>", page.text)
    assert totals is not None
    for cell in re.findall(r"<td[^>]*>([0-9.]+)</td>", totals.group(1)):
        assert cell in text


def test_no_count_below_k_in_the_report_tables(
    analyst,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    seen: list[str] = []
    real = report.html_to_pdf

    def keep_html(html: str, stylesheet: Path) -> bytes:  # records the HTML, makes the real PDF
        seen.append(html)
        return real(html, stylesheet)

    monkeypatch.setattr(report, "html_to_pdf", keep_html)
    text = _text(analyst.get(REPORT, params={**PARAMS, "gemeinde": "Haar"}).content)
    assert "Gemeinde: Haar" in text
    cells = re.findall(r"<td[^>]*>(.*?)</td>", seen[0], flags=re.S)
    counts = [c.replace(".", "") for c in cells if re.fullmatch(r"[0-9.]+", c)]
    assert len(counts) > 20
    assert all(int(n) == 0 or int(n) >= 5 for n in counts), counts
    assert any("•" in c for c in cells)  # something was suppressed, and shows as the dot


def test_the_report_is_tagged_pdf_ua_in_german(analyst) -> None:  # type: ignore[no-untyped-def]
    reader = pypdf.PdfReader(io.BytesIO(analyst.get(REPORT, params=PARAMS).content))
    assert reader.metadata.title == "Bildungsmonitoring – Bericht Juni 2026 bis November 2026"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="|>)1', xmp)


def test_counsellor_gets_403_and_anonymous_goes_to_sign_in(world: StaffWorld) -> None:
    counsellor = world.session_client(world.add_account("berta@example.de", "counsellor"))
    assert counsellor.get(REPORT).status_code == 403
    answer = world.client().get(REPORT)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/sign-in")
