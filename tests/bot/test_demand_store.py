"""Anonymous demand records (bot env, SQLAlchemy 1.4) in an application database made by the
real migrations: SQLite file and the real PostgreSQL of the machine."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from appdb.engine import dispose_all
from bot.actions.clients import demand_store
from bot.actions.clients.demand_store import DemandRecord
from bot.actions.settings import REPO_ROOT, load_settings
from tests.appdb_support import migrate, migrated_sqlite
from tests.pg_support import fresh_database, url_of

RECORD = DemandRecord(
    day=dt.date(2026, 11, 26),
    municipality="Haar",
    goal="umschulung",
    target_kldb="82102",
    time_model="teilzeit",
    offers_found=5,
    asked_for_human=False,
)


@pytest.fixture
def sqlite_url(tmp_path: Path, app_db_template: Path) -> str:
    return migrated_sqlite(app_db_template, tmp_path / "migrated.db")


def test_write_and_read_back_sqlite(sqlite_url: str) -> None:
    url = sqlite_url
    assert demand_store.write(url, RECORD)
    second = dataclasses.replace(RECORD, municipality=None, offers_found=0, asked_for_human=True)
    assert demand_store.write(url, second)
    third = dataclasses.replace(
        RECORD, format="online", employment_status="arbeitslos", age_band="ab_45", simulated=True
    )
    assert demand_store.write(url, third)
    assert demand_store.read_all(url) == [RECORD, second, third]


def test_table_has_no_column_that_identifies_a_person(sqlite_url: str) -> None:
    url = sqlite_url
    demand_store.write(url, RECORD)
    columns = {c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("demand_records")}
    assert columns == {
        "id",
        "day",
        "municipality",
        "goal",
        "target_kldb",
        "time_model",
        "offers_found",
        "asked_for_human",
        "format",
        "employment_status",
        "age_band",
        "simulated",
        "search_term",  # a closed-vocabulary id (knowledge.search_terms), never typed text
    }
    assert not columns & {"sender_id", "text", "message", "timestamp"}


def test_day_column_stores_a_date_not_a_time(sqlite_url: str) -> None:
    url = sqlite_url
    demand_store.write(url, RECORD)
    (stored,) = demand_store.read_all(url)
    assert type(stored.day) is dt.date


def test_database_failure_is_swallowed_and_reported(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")  # a file where the database directory should be
    url = f"sqlite:///{blocked / 'rasa.db'}"
    assert demand_store.write(url, RECORD) is False
    assert "demand record not stored" in caplog.text
    assert "Haar" not in caplog.text  # no user data in the log


def test_missing_table_is_logged_with_the_command_that_creates_it(tmp_path: Path, caplog) -> None:
    """No process creates tables: an unmigrated database loses the record, never the turn."""
    url = f"sqlite:///{tmp_path / 'not-migrated.db'}"
    assert demand_store.write(url, RECORD) is False
    assert "table demand_records missing" in caplog.text
    assert "python -m appdb upgrade" in caplog.text
    assert "Haar" not in caplog.text
    assert not sa.inspect(sa.create_engine(url)).has_table("demand_records")


def test_default_url_is_app_db_in_the_project_root(monkeypatch) -> None:
    monkeypatch.delenv("APP_DB_URL", raising=False)
    assert load_settings().app_db_url == f"sqlite:///{REPO_ROOT / 'app.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated database on the machine's PostgreSQL (127.0.0.1:5432, trust auth);
    the driver-less URL gets psycopg2 in this env."""
    with fresh_database("bl_demand") as name:
        url = url_of(name)
        migrate(url)
        try:
            yield url
        finally:
            dispose_all()


def test_write_and_read_back_postgresql(postgres_url: str) -> None:
    assert demand_store.write(postgres_url, RECORD)
    assert demand_store.read_all(postgres_url) == [RECORD]
