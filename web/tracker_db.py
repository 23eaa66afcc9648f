"""Deletion of conversations from Rasa's SQL tracker store (table ``events``).

Rasa 3.6's ``SQLTrackerStore`` keeps one row per event: ``id, sender_id, type_name,
timestamp (float, Unix seconds), intent_name, action_name, data``. Both deleting one
conversation and the retention purge only need ``sender_id`` and ``timestamp``. The same
SQL runs on SQLite (default set-up) and PostgreSQL.

Callback requests (``callback_requests``, written by ``bot.actions.clients.callback_store`` only
with the user's consent) belong to their conversation: deleting the conversation deletes them
in the same transaction, and the purge deletes those whose conversation is gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

EVENTS_TABLE = "events"
#: table of bot.actions.clients.callback_store (TABLE_NAME; a test keeps the two equal)
CALLBACK_TABLE = "callback_requests"

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

    def _has_callback_table(self, conn: sa.Connection) -> bool:
        return sa.inspect(conn).has_table(CALLBACK_TABLE)

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every event of ``sender_id``; return the number of deleted rows."""
        if not self.has_events_table():
            return 0
        stmt = sa.text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender_id")
        callbacks = sa.text(f"DELETE FROM {CALLBACK_TABLE} WHERE sender_id = :sender_id")
        with self.engine.begin() as conn:
            deleted = conn.execute(stmt, {"sender_id": sender_id}).rowcount
            if self._has_callback_table(conn):
                conn.execute(callbacks, {"sender_id": sender_id})
            return deleted

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
        orphaned_callbacks = sa.text(
            f"DELETE FROM {CALLBACK_TABLE} WHERE sender_id NOT IN "
            f"(SELECT DISTINCT sender_id FROM {EVENTS_TABLE})"
        )
        with self.engine.begin() as conn:
            conversations = len(conn.execute(select, {"cutoff": cutoff}).all())
            events = conn.execute(delete, {"cutoff": cutoff}).rowcount if conversations else 0
            if self._has_callback_table(conn):
                conn.execute(orphaned_callbacks)
        return PurgeResult(conversations, events)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
