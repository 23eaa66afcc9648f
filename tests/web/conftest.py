"""Fixtures for the web tests: a SQLite tracker store laid out exactly as Rasa 3.6 creates it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from appdb.engine import dispose_all
from tests.appdb_support import make_template, migrated_sqlite

# Dumped (`.schema`) from a database created by rasa 3.6.21's SQLTrackerStore(dialect="sqlite").
RASA_EVENTS_DDL = """
CREATE TABLE events (
	id INTEGER NOT NULL,
	sender_id VARCHAR(255) NOT NULL,
	type_name VARCHAR(255) NOT NULL,
	timestamp FLOAT,
	intent_name VARCHAR(255),
	action_name VARCHAR(255),
	data TEXT,
	PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""


class RasaEventsDB:
    """A SQLite file with Rasa's ``events`` table and helpers to fill and inspect it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        with sqlite3.connect(path) as conn:
            conn.executescript(RASA_EVENTS_DDL)

    def add_turn(self, sender_id: str, timestamp: float, text: str = "Hallo") -> None:
        """Store a user message and a bot reply as Rasa does (event JSON in ``data``)."""
        user = {
            "event": "user",
            "timestamp": timestamp,
            "text": text,
            "parse_data": {"intent": {"name": "greet"}},
        }
        bot = {"event": "bot", "timestamp": timestamp + 0.5, "text": "Guten Tag!"}
        rows = [
            (sender_id, "user", timestamp, "greet", None, json.dumps(user)),
            (sender_id, "bot", timestamp + 0.5, None, None, json.dumps(bot)),
        ]
        with sqlite3.connect(self.path) as conn:
            conn.executemany(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name,"
                " data) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def add_turns(self, sender_id: str, timestamps: Iterable[float]) -> None:
        for ts in timestamps:
            self.add_turn(sender_id, ts)

    def count(self, sender_id: str | None = None) -> int:
        with sqlite3.connect(self.path) as conn:
            if sender_id is None:
                return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            return conn.execute(
                "SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)
            ).fetchone()[0]

    def senders(self) -> set[str]:
        with sqlite3.connect(self.path) as conn:
            return {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}


@pytest.fixture
def events_db(tmp_path: Path) -> RasaEventsDB:
    """An empty Rasa tracker store (SQLite) in a temporary directory."""
    return RasaEventsDB(tmp_path / "rasa.db")


@pytest.fixture(scope="session")
def app_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The application database migrated once by the real migrations."""
    return make_template(tmp_path_factory.mktemp("appdb"))


@pytest.fixture(autouse=True)
def app_db_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_db_template: Path
) -> Iterator[str]:
    """A per-test migrated application database (APP_DB_URL), never the repository's app.db."""
    url = migrated_sqlite(app_db_template, tmp_path / "app.db")
    monkeypatch.setenv("APP_DB_URL", url)
    yield url
    dispose_all()
