"""Deletion of conversations from Rasa's SQL tracker store (table ``events``).

Rasa 3.6's ``SQLTrackerStore`` keeps one row per event: ``id, sender_id, type_name,
timestamp (float, Unix seconds), intent_name, action_name, data``. Both deleting one
conversation and the retention purge only need ``sender_id`` and ``timestamp``. The same
SQL runs on SQLite (default set-up) and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

EVENTS_TABLE = "events"

# Session ids the page creates are UUIDs; Rasa's own socket.io default is uuid4().hex.
SENDER_ID_PATTERN = (
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_SENDER_ID_RE = re.compile(SENDER_ID_PATTERN)


def is_valid_sender_id(sender_id: str) -> bool:
    """True for a UUID with or without hyphens (32 hex digits)."""
    return len(sender_id) <= 36 and bool(_SENDER_ID_RE.match(sender_id))


@dataclass(frozen=True)
class PurgeResult:
    """Outcome of a retention purge."""

    conversations: int
    events: int


class TrackerDB:
    """Delete operations on the ``events`` table of Rasa's SQL tracker store."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = sa.create_engine(url, pool_pre_ping=True)

    def has_events_table(self) -> bool:
        """False while Rasa has not created its tables yet (nothing stored)."""
        return sa.inspect(self.engine).has_table(EVENTS_TABLE)

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every event of ``sender_id``; return the number of deleted rows."""
        if not self.has_events_table():
            return 0
        stmt = sa.text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender_id")
        with self.engine.begin() as conn:
            return conn.execute(stmt, {"sender_id": sender_id}).rowcount

    def expired_sender_ids(self, cutoff: float) -> list[str]:
        """Conversations whose newest event is older than ``cutoff`` (Unix seconds)."""
        if not self.has_events_table():
            return []
        stmt = sa.text(
            f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
            "HAVING MAX(timestamp) < :cutoff"
        )
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(stmt, {"cutoff": cutoff})]

    def purge_older_than(self, cutoff: float) -> PurgeResult:
        """Delete conversations whose newest event is older than ``cutoff``.

        Runs in one transaction; the age is re-checked in the DELETE so a conversation
        that received a new event meanwhile is kept.
        """
        if not self.has_events_table():
            return PurgeResult(0, 0)
        select = sa.text(
            f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
            "HAVING MAX(timestamp) < :cutoff"
        )
        delete = sa.text(
            f"DELETE FROM {EVENTS_TABLE} WHERE sender_id IN ("
            f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
            "HAVING MAX(timestamp) < :cutoff)"
        )
        with self.engine.begin() as conn:
            conversations = len(conn.execute(select, {"cutoff": cutoff}).all())
            events = conn.execute(delete, {"cutoff": cutoff}).rowcount if conversations else 0
        return PurgeResult(conversations, events)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
