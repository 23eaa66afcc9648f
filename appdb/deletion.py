"""The only code that deletes conversation data: Rasa's ``events`` table and the application
database's per-conversation rows (:data:`appdb.schema.CONVERSATION_TABLES`), plus the retention
purges. SQLAlchemy Core only, so it runs with SQLAlchemy 1.4 (bot env) and 2.x (app env).

Who calls it:

- the web server's ``DELETE /api/conversations/{id}`` (the page's "Gespräch löschen" button and
  the bot's "Meine Daten löschen", whose reply asks the page to call it):
  ``ConversationDeleter.delete_conversation``, then ``delete_again_later`` (second pass);
- the bot's ``action_delete_my_data``: :func:`delete_app_rows` at once, so that callback requests
  also go on channels without the page (the events stay for the channel / the retention);
- the web server's retention job and ``python -m web.retention``:
  ``ConversationDeleter.purge_older_than`` and ``purge_callback_requests``;
- the callback store (bot env): :func:`delete_expired_callback_requests` and
  :func:`purge_callback_requests` (its staff CLI purges before it reads);
- the consultation store (bot env) and the staff housekeeping: :func:`purge_expired_consultations`.

Consultations (``consultations``, issue 13) are not plain per-conversation rows: deleting a
conversation (by the citizen or by the retention) deletes its **unclaimed** consultations and
**anonymises** the claimed ones (:func:`release_consultations`): the office that claimed one keeps
the record that a consultation happened, the coded profile and its plans, but the link to the
conversation (``sender_id``), the chat text and the free-text occupations go (docs/privacy.md).
- the consultation deletion (staff handover, when the citizen deletes the conversation):
  :func:`anonymise_plans` for consultations an office keeps anonymised, :func:`delete_plans`
  for consultations that are deleted (rule: docs/privacy.md, "Pläne").

Rasa 3.6 has no tracker delete API. Its ``SQLTrackerStore`` keeps one row per event (``id,
sender_id, type_name, timestamp`` (Unix seconds), ``intent_name, action_name, data``); deleting
and the retention need only ``sender_id`` and ``timestamp``. Rasa stores a turn's events after the
turn's messages were sent, and it re-inserts the whole session when it finds fewer stored events
than it holds: when the deletion is asked for by the bot's own reply, that save can land after the
first delete, so :meth:`~ConversationDeleter.delete_again_later` deletes once more after a grace
period (second pass). Nothing here logs a sender id or any stored value.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# consultations and plans: their own module; the names are re-exported for the callers
from appdb.consultation_deletion import (
    ANONYMISED_PLAN_TITLE as ANONYMISED_PLAN_TITLE,
)
from appdb.consultation_deletion import (
    anonymise_plans as anonymise_plans,
)
from appdb.consultation_deletion import (
    anonymised_profile as anonymised_profile,
)
from appdb.consultation_deletion import (
    anonymised_snapshot as anonymised_snapshot,
)
from appdb.consultation_deletion import chunks, release_consultations
from appdb.consultation_deletion import (
    delete_plans as delete_plans,
)
from appdb.consultation_deletion import (
    purge_expired_consultations as purge_expired_consultations,
)
from appdb.consultation_deletion import (
    purge_idle_consultations as purge_idle_consultations,
)
from appdb.schema import CONVERSATION_TABLES, callback_requests, consultations
from appdb.urls import with_installed_driver

logger = logging.getLogger(__name__)

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table
_events = sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"))


@dataclass(frozen=True)
class DeletionResult:
    """Rows deleted for one conversation."""

    events: int
    app_rows: int


@dataclass(frozen=True)
class PurgeResult:
    """Outcome of a conversation retention purge."""

    conversations: int
    events: int
    app_rows: int = 0


def _delete_rows_of(conn: Connection, sender_ids: Sequence[str]) -> int:
    """Delete the rows of ``sender_ids`` from every per-conversation table that exists, and
    release their consultations (:func:`release_consultations`)."""
    inspector = sa.inspect(conn)
    deleted = 0
    for table in CONVERSATION_TABLES:
        if not inspector.has_table(table.name):
            continue
        for chunk in chunks(sender_ids):
            deleted += conn.execute(table.delete().where(table.c.sender_id.in_(chunk))).rowcount
    return deleted + release_consultations(conn, sender_ids)


def delete_app_rows(app_engine: Engine, sender_id: str) -> int:
    """Delete every application-database row of the conversation ``sender_id``; return how many.

    A table that does not exist yet (database not migrated) holds nothing to delete.
    """
    with app_engine.begin() as conn:
        return _delete_rows_of(conn, [sender_id])


def delete_expired_callback_requests(conn: Connection, cutoff: dt.date) -> int:
    """Delete callback requests made before ``cutoff`` (inside the caller's transaction)."""
    stmt = callback_requests.delete().where(callback_requests.c.day < cutoff)
    return conn.execute(stmt).rowcount


def _senders_with_events(tracker_engine: Engine, sender_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with tracker_engine.connect() as conn:
        for chunk in chunks(sender_ids):
            stmt = sa.select(_events.c.sender_id).where(_events.c.sender_id.in_(chunk)).distinct()
            found.update(row[0] for row in conn.execute(stmt))
    return found


def delete_orphaned_app_rows(app_engine: Engine, tracker_engine: Engine) -> int:
    """Delete application rows whose conversation has no event left in Rasa's ``events`` table.

    Skipped (0) when the tracker database has no ``events`` table (another tracker store, or
    Rasa has not started yet), so a misconfiguration never deletes callback requests.
    """
    if not sa.inspect(tracker_engine).has_table(EVENTS_TABLE):
        return 0
    deleted = 0
    with app_engine.begin() as conn:
        inspector = sa.inspect(conn)
        for table in CONVERSATION_TABLES:
            if not inspector.has_table(table.name):
                continue
            senders = sorted(r[0] for r in conn.execute(sa.select(table.c.sender_id).distinct()))
            gone = sorted(set(senders) - _senders_with_events(tracker_engine, senders))
            for chunk in chunks(gone):
                stmt = table.delete().where(table.c.sender_id.in_(chunk))
                deleted += conn.execute(stmt).rowcount
        if inspector.has_table(consultations.name):
            linked = consultations.c.sender_id
            senders = sorted(
                r[0] for r in conn.execute(sa.select(linked).where(linked.is_not(None)).distinct())
            )
            gone = sorted(set(senders) - _senders_with_events(tracker_engine, senders))
            deleted += release_consultations(conn, gone)
    return deleted


def purge_callback_requests(
    app_engine: Engine,
    retention_days: int,
    today: dt.date,
    tracker_engine: Engine | None = None,
) -> int:
    """Delete callback requests older than ``retention_days`` and, given the tracker database,
    those whose conversation is gone; return how many."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    deleted = 0
    with app_engine.begin() as conn:
        if sa.inspect(conn).has_table(callback_requests.name):
            cutoff = today - dt.timedelta(days=retention_days)
            deleted = delete_expired_callback_requests(conn, cutoff)
    if tracker_engine is not None:
        deleted += delete_orphaned_app_rows(app_engine, tracker_engine)
    logger.info("callback requests purged: %d", deleted)
    return deleted


#: title of a plan after anonymisation (the counsellor's title may name the person)


def _expired(cutoff: float) -> sa.sql.Select:
    return (
        sa.select(_events.c.sender_id)
        .group_by(_events.c.sender_id)
        .having(sa.func.max(_events.c.timestamp) < cutoff)
    )


class ConversationDeleter:
    """Deletes conversations from Rasa's tracker database and the application database."""

    def __init__(self, tracker_url: str, app_url: str) -> None:
        self.tracker: Engine = sa.create_engine(
            with_installed_driver(tracker_url), pool_pre_ping=True
        )
        self.app: Engine = sa.create_engine(with_installed_driver(app_url), pool_pre_ping=True)

    def has_events_table(self) -> bool:
        """False while Rasa has not created its tables yet (nothing stored)."""
        return sa.inspect(self.tracker).has_table(EVENTS_TABLE)

    def delete_conversation(self, sender_id: str) -> DeletionResult:
        """Delete the conversation's application rows, then its events.

        The application rows go first: if the tracker database fails afterwards, the caller
        reports the failure and the user's retry deletes the events.
        """
        app_rows = delete_app_rows(self.app, sender_id)
        if not self.has_events_table():
            return DeletionResult(0, app_rows)
        with self.tracker.begin() as conn:
            stmt = _events.delete().where(_events.c.sender_id == sender_id)
            events = conn.execute(stmt).rowcount
        return DeletionResult(events, app_rows)

    async def delete_again_later(
        self, sender_id: str, delay_seconds: float
    ) -> DeletionResult | None:
        """Second pass: delete the conversation once more after ``delay_seconds``.

        Removes the events Rasa saves (or re-inserts) for the turn that asked for the deletion
        after the first pass ran. Returns None if the deletion failed (logged, type only).
        """
        await asyncio.sleep(delay_seconds)
        try:
            return await asyncio.to_thread(self.delete_conversation, sender_id)
        except Exception as exc:  # noqa: BLE001 - a background task must not raise
            logger.error("Repeated deletion failed: %s", type(exc).__name__)
            return None

    def expired_sender_ids(self, cutoff: float) -> list[str]:
        """Conversations whose newest event is older than ``cutoff`` (Unix seconds)."""
        if not self.has_events_table():
            return []
        with self.tracker.connect() as conn:
            return [row[0] for row in conn.execute(_expired(cutoff))]

    def purge_older_than(self, cutoff: float) -> PurgeResult:
        """Delete conversations whose newest event is older than ``cutoff``, with their rows in
        the application database.

        The age is re-checked in the DELETE (one transaction), so a conversation that received
        a new event meanwhile is kept, and so are its application rows.
        """
        if not self.has_events_table():
            return PurgeResult(0, 0)
        with self.tracker.begin() as conn:
            expired = [row[0] for row in conn.execute(_expired(cutoff))]
            if not expired:
                return PurgeResult(0, 0)
            stmt = _events.delete().where(_events.c.sender_id.in_(_expired(cutoff)))
            events = conn.execute(stmt).rowcount
        gone = sorted(set(expired) - _senders_with_events(self.tracker, expired))
        with self.app.begin() as conn:
            app_rows = _delete_rows_of(conn, gone)
        return PurgeResult(len(gone), events, app_rows)

    def purge_callback_requests(self, retention_days: int, today: dt.date) -> int:
        """Expired callback requests and those whose conversation is gone."""
        return purge_callback_requests(self.app, retention_days, today, self.tracker)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.tracker.dispose()
        self.app.dispose()
