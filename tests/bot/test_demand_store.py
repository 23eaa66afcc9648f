"""Anonymous demand records: real SQLite file and the real PostgreSQL of the machine."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.actions.clients import demand_store
from bot.actions.clients.demand_store import DemandRecord
from bot.actions.settings import load_settings
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


def test_write_and_read_back_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    assert demand_store.write(url, RECORD)
    second = dataclasses.replace(RECORD, municipality=None, offers_found=0, asked_for_human=True)
    assert demand_store.write(url, second)
    assert demand_store.read_all(url) == [RECORD, second]


def test_table_has_no_column_that_identifies_a_person(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    demand_store.write(url, RECORD)
    columns = {c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("demand_records")}
    assert columns == {"id", "day", "municipality", "goal", "target_kldb", "time_model",
                       "offers_found", "asked_for_human"}
    assert not columns & {"sender_id", "text", "message", "timestamp"}


def test_day_column_stores_a_date_not_a_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
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


def test_default_url_is_the_tracker_database(monkeypatch) -> None:
    monkeypatch.delenv("DEMAND_DB_URL", raising=False)
    url = load_settings().demand_db_url
    assert url.startswith("sqlite:////") and url.endswith("/rasa.db")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the machine's PostgreSQL (127.0.0.1:5432, trust auth)."""
    with fresh_database("bl_demand") as name:
        try:
            yield url_of(name)
        finally:
            demand_store._engine.cache_clear()


def test_write_and_read_back_postgresql(postgres_url: str) -> None:
    assert demand_store.write(postgres_url, RECORD)
    assert demand_store.read_all(postgres_url) == [RECORD]
