"""Catalogue coverage on the monitoring page: offers within reach per municipality by time model
and format from the real search service (POST /offers/coverage over HTTP), and the list of
fields in demand without part-time or berufsbegleitend offers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from staff.monitoring import coverage, supply
from staff.monitoring.queries import Counts
from staff.monitoring.settings import MonitoringSettings
from tests.staff.monitoring_support import insert, row, search_service
from tests.staff.staff_helpers import FakeClock, StaffWorld

PAGE = "/staff/analyst"
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def search_url(tmp_path: Path) -> Iterator[str]:
    with search_service(tmp_path) as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    coverage.clear_cache()
    supply.clear_cache()
    yield
    coverage.clear_cache()


def _csv(text: bytes) -> dict[str, list[str]]:
    return {r[0]: r for r in csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";") if r}


def test_coverage_and_gaps_from_the_real_search_service(
    staff_db_url: str, clock: FakeClock, search_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = coverage.fetch(MonitoringSettings(search_url=search_url), TODAY)
    assert found is not None
    monkeypatch.setenv("SEARCH_URL", search_url)
    world = StaffWorld(staff_db_url, clock)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    # demand: 6 requests from Haar for 83, 5 for 52 (drivers: no offer in the test catalogue),
    # 4 from Ottobrunn for 43 (below k)
    insert(
        world.engine,
        [row(dt.date(2026, 11, 2), municipality="Haar", target_kldb="83112")] * 6
        + [row(dt.date(2026, 11, 3), municipality="Ottobrunn", target_kldb="43412")] * 4
        + [row(dt.date(2026, 11, 4), municipality="Haar", target_kldb="52122")] * 5,
    )
    client = world.session_client(world.add_account("ana@example.de", "analyst"))
    params = {"von": "2026-11", "bis": "2026-11"}
    page = client.get(PAGE, params=params)
    assert page.status_code == 200
    assert 'id="caption-abdeckung"' in page.text
    assert "die Katalogabdeckung fehlt" not in page.text
    table = _csv(client.get(f"{PAGE}/export", params={**params, "tabelle": "abdeckung",
                                                       "format": "csv"}).content)  # fmt: skip
    header = table["Gemeinde"]
    assert header[-1] == "Angebote insgesamt" and "Teilzeit" in header
    total = header.index("Angebote insgesamt")
    for place in ("Haar", "Unterhaching"):
        expected = sum(
            n for (m, f, _fmt, _tm), n in found.items() if m == place and f == coverage.ALL_FIELDS
        )
        assert table[place][total] == str(expected)
    # online offers reach every municipality, so nobody has 0 in the total
    assert all(int(table[p][total]) >= 1 for p in ("Haar", "Aschheim", "Baierbrunn"))

    gaps = _csv(client.get(f"{PAGE}/export", params={**params, "tabelle": "luecken",
                                                      "format": "csv"}).content)  # fmt: skip
    haar_83 = {(m, tm) for (m, f, _fmt, tm), n in found.items() if f == "83" and m == "Haar"}
    has_flexible = any(tm in coverage.FLEXIBLE for _, tm in haar_83)
    assert any(k.startswith("Haar – 83") for k in gaps) is (not has_flexible)
    assert not any(k.startswith("Ottobrunn") for k in gaps)  # 4 requests: below k
    drivers = next(v for k, v in gaps.items() if k.startswith("Haar – 52"))
    assert drivers[1:] == ["0", "0"]


def test_gaps_need_k_requests_and_no_flexible_offer() -> None:
    found = {
        ("Haar", "82", "praesenz", "vollzeit"): 3,
        ("Haar", "43", "online", "teilzeit"): 1,
        ("Ottobrunn", "82", "praesenz", "teilzeit"): 2,
    }
    demand = {
        ("Haar", "82"): Counts(requests=7),
        ("Haar", "43"): Counts(requests=9),
        ("Ottobrunn", "82"): Counts(requests=12),
        ("Aschheim", "82"): Counts(requests=5),
        ("Garching b.München", "82"): Counts(requests=4),
        ("_outside", "82"): Counts(requests=50),
        ("Haar", "_unknown"): Counts(requests=50),
    }
    table = coverage.gaps_table(found, demand, 5)
    assert [(r.label.split(" – ")[0], r.values) for r in table.rows] == [
        ("Haar", (3, 0)),  # full-time offers only
        ("Aschheim", (0, 0)),  # nothing at all
    ]
    assert coverage.gaps_table(None, demand, 5).rows == ()


def test_without_the_search_service_the_page_says_so_and_exports_are_503(
    staff_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEARCH_URL", "http://127.0.0.1:9")
    world = StaffWorld(staff_db_url, clock)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    client = world.session_client(world.add_account("ana@example.de", "analyst"))
    page = client.get(PAGE)
    assert page.status_code == 200 and "die Katalogabdeckung fehlt" in page.text
    assert "Ohne den Suchdienst lassen sich Lücken nicht bestimmen" in page.text
    for table_id in ("abdeckung", "luecken"):
        answer = client.get(f"{PAGE}/export", params={"tabelle": table_id, "format": "csv"})
        assert answer.status_code == 503
