"""The staff housekeeping applies ``DEMAND_RETENTION_MONTHS`` to the raw demand rows; the
bench script runs end to end on a tiny SQLite database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from appdb.schema import demand_monthly, demand_records
from staff import housekeeping
from staff.settings import StaffSettings
from tests.staff.monitoring_support import row

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
