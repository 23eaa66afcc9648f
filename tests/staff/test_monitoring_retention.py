"""The staff housekeeping applies ``DEMAND_RETENTION_MONTHS`` to the raw demand rows; views by
month show the same (protected) numbers before and after, views by week say what they miss; the
bench script runs end to end on a tiny SQLite database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from appdb import migrate
from appdb.demand_retention import purge_demand_records
from appdb.engine import dispose_all
from appdb.schema import demand_monthly, demand_records
from knowledge.shortage import load_shortages
from staff import housekeeping
from staff.db import staff_engine
from staff.monitoring import filters as flt
from staff.monitoring import queries, tables
from staff.settings import StaffSettings
from tests.pg_support import fresh_database, url_of
from tests.staff.monitoring_support import insert, random_rows, row
from tests.staff.staff_helpers import StaffWorld
from tests.staff.test_monitoring_routes import analyst_world

__all__ = ["analyst_world"]  # the fixture, imported for pytest

TODAY = dt.date(2026, 12, 7)
DIMS = (
    ("period", "field"),
    ("period", "municipality"),
    ("period", "goal"),
    ("period", "time_model"),
    ("period", "format"),
    ("period", "employment_status"),
    ("period", "age_band"),
    ("municipality",),
    ("municipality", "field"),
)

REPO = Path(__file__).resolve().parents[2]


def test_housekeeping_keeps_the_configured_months_of_raw_rows(world) -> None:
    today = world.clock().date()
    old = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month's first day
    with world.engine.begin() as conn:
        conn.execute(demand_records.insert(), [row(old), row(old), row(today)])
    settings = world.settings.model_copy(update={"demand_retention_months": 1})
    assert housekeeping.run_once(world.engine, settings, world.clock()).demand_records == 0
    settings = settings.model_copy(update={"demand_retention_months": 24})
    # the default keeps 24 whole months: nothing of last month goes
    assert housekeeping.run_once(world.engine, settings, world.clock()).demand_records == 0
    two_years = dt.date(old.year - 2, old.month, 1)
    with world.engine.begin() as conn:
        conn.execute(demand_records.insert(), [row(two_years)])
    assert housekeeping.run_once(world.engine, settings, world.clock()).demand_records == 1
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(demand_records)).scalar() == 3
        months = conn.execute(sa.select(demand_monthly.c.month, demand_monthly.c.requests)).all()
    assert months == [(two_years, 1)]


def test_the_setting_reads_demand_retention_months(monkeypatch) -> None:
    monkeypatch.setenv("DEMAND_RETENTION_MONTHS", "36")
    assert StaffSettings().demand_retention_months == 36  # type: ignore[call-arg]


def test_bench_script_runs_on_a_tiny_sqlite_database(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "scripts/bench_monitoring.py",
            "--rows",
            "2000",
            "--baseline-rows",
            "500",
            "--repeat",
            "2",
            "--warmup",
            "1",
            "--sqlite-only",
            "--dir",
            str(tmp_path),
        ],  # fmt: skip
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| SQLite | head | default (6 months) | **page** |" in done.stdout
    assert "| SQLite | head | baseline | SELECT count(*) |" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the synthetic database is gone


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, staff_db_url: str) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        yield staff_engine(staff_db_url)
        return
    with fresh_database("bl_retention", "postgresql+psycopg") as name:
        url = url_of(name, "postgresql+psycopg")
        migrate.upgrade(url)
        yield staff_engine(url)
        dispose_all()


def _views(engine: sa.Engine, f: flt.Filters) -> dict[str, object]:
    """What the monitoring pages compute: raw counts and the protected tables."""
    found: dict[str, object] = {}
    for dims in DIMS:
        found[str(dims)] = {k: vars(c) for k, c in queries.grouped(engine, f, dims).items()}
    codes = list(dict.fromkeys(e.code for e in load_shortages()))
    found["shortage"] = queries.demand_for_codes(queries.demand_by_target(engine, f), codes)
    found["linked"] = tables.linked_tables(
        queries.grouped(engine, f, ("period", f.breakdown)),
        queries.grouped(engine, f, ("municipality",)),
        f,
        5,
    )
    found["unmet"] = tables.unmet_matrix(queries.grouped(engine, f, ("municipality", "field")), 5)
    return found


def test_views_by_month_are_the_same_before_and_after_the_retention(engine: sa.Engine) -> None:
    rows = random_rows(5, 1500, dt.date(2024, 6, 1), 900, simulated=0.1)
    rows += [row(dt.date(2025, 3, 3), target_kldb="83112")] * 7  # a shortage code (8311)
    insert(engine, rows)
    filters = [
        flt.parse({"von": "2024-06", "bis": "2026-05"}, TODAY),
        flt.parse({"von": "2024-06", "bis": "2025-03", "nach": "municipality"}, TODAY),
        flt.parse({"von": "2024-06", "bis": "2026-05", "gemeinde": "Haar", "nach": "goal"}, TODAY),
        flt.parse({"von": "2024-06", "bis": "2026-05", "bereich": "82"}, TODAY),
        flt.parse({"von": "2025-01", "bis": "2025-12", "ziel": "umschulung"}, TODAY),
        flt.parse(
            {"von": "2024-06", "bis": "2026-05", "lernform": "online", "nach": "age_band"}, TODAY
        ),
        flt.parse(
            {
                "von": "2024-06",
                "bis": "2026-05",
                "erwerb": "arbeitslos",
                "demo": "ohne",
                "alter": "ab_45",
                "nach": "employment_status",
            },
            TODAY,
        ),  # fmt: skip
    ]
    assert not any(f.problems for f in filters)
    before = [_views(engine, f) for f in filters]
    deleted = purge_demand_records(engine, 12, TODAY)  # raw rows from 2025-12-01 on
    assert 0 < deleted < len(rows)
    assert [_views(engine, f) for f in filters] == before
    assert queries.raw_rows_from(engine) == dt.date(2025, 12, 1)


def test_a_view_by_weeks_before_the_raw_rows_says_what_it_misses(
    analyst_world: StaffWorld,
) -> None:
    """Weeks cannot be cut out of monthly counts: the page and the export say so."""
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    weeks = {"einheit": "week", "von": "2026-05-04", "bis": "2026-06-29"}
    assert "nur noch Monatswerte" not in client.get("/staff/analyst", params=weeks).text
    purge_demand_records(analyst_world.engine, 1, dt.date(2026, 7, 15))  # May moves
    page = client.get("/staff/analyst", params=weeks)
    assert page.status_code == 200 and "vor dem 01.06.2026 liegen nur noch Monatswerte" in page.text
    months = client.get("/staff/analyst", params={"von": "2026-05", "bis": "2026-06"})
    assert "nur noch Monatswerte" not in months.text
    export = client.get("/staff/analyst/export", params={**weeks, "tabelle": "nachfrage"})
    assert "Wochen vor dem 01.06.2026 ohne die Anfragen" in export.content.decode("utf-8-sig")
