"""Fixtures for the application-database tests (app env): a Rasa tracker database and a migrated
application database, on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from appdb import migrate
from tests.pg_support import fresh_database, url_of

PG = "postgresql+psycopg"

# the events table as Rasa 3.6's SQLTrackerStore creates it (columns the deletion reads)
_events_metadata = sa.MetaData()
EVENTS = sa.Table(
    "events",
    _events_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


@dataclass
class Databases:
    """Rasa's tracker database and the migrated application database of one test."""

    tracker_url: str
    app_url: str

    def create_events_table(self) -> None:
        engine = sa.create_engine(self.tracker_url)
        _events_metadata.create_all(engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Separate tracker and application databases, the latter migrated to the newest revision."""
    if request.param == "sqlite":
        found = Databases(f"sqlite:///{tmp_path / 'rasa.db'}", f"sqlite:///{tmp_path / 'app.db'}")
        migrate.upgrade(found.app_url)
        yield found
        return
    with fresh_database("bl_tracker", PG) as tracker, fresh_database("bl_app", PG) as app:
        found = Databases(url_of(tracker, PG), url_of(app, PG))
        migrate.upgrade(found.app_url)
        yield found
