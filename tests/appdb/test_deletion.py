"""appdb.deletion, the only code that deletes conversation data: Rasa's events and the
application database's rows, the second pass, and the retention purges - on SQLite and on the
machine's PostgreSQL (separate tracker and application databases, the latter migrated)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from appdb import deletion
from appdb.deletion import ConversationDeleter
from appdb.schema import callback_requests

DAY = 86400.0
NOW = 1_800_000_000.0
TODAY = dt.date.fromtimestamp(NOW)
EVENTS = sa.table(
    "events",
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("data"),
)


@pytest.fixture
def deleter(dbs):
    dbs.create_events_table()
    found = ConversationDeleter(dbs.tracker_url, dbs.app_url)
    yield found
    found.dispose()


def add_events(d: ConversationDeleter, sender: str, *timestamps: float) -> None:
    with d.tracker.begin() as conn:
        conn.execute(
            EVENTS.insert(),
            [
                {"sender_id": sender, "type_name": "user", "timestamp": t, "data": "{}"}
                for t in timestamps
            ],
        )


def add_callback(d: ConversationDeleter, sender: str, day: dt.date = TODAY) -> None:
    with d.app.begin() as conn:
        conn.execute(
            callback_requests.insert().values(
                sender_id=sender,
                day=day,
                contact_kind="phone",
                contact="+49891234567",
                preferred_time="vormittags",
                situation=None,
                recipient="Bildungsberatung",
            )
        )


def event_senders(d: ConversationDeleter) -> list[str]:
    with d.tracker.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.select(EVENTS.c.sender_id)))


def callback_senders(d: ConversationDeleter) -> list[str]:
    with d.app.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.select(callback_requests.c.sender_id)))


def test_delete_conversation_removes_its_events_and_application_rows_only(deleter) -> None:
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    add_events(deleter, mine, NOW, NOW + 1)
    add_events(deleter, other, NOW)
    add_callback(deleter, mine)
    add_callback(deleter, other)
    assert deleter.delete_conversation(mine) == deletion.DeletionResult(events=2, app_rows=1)
    assert event_senders(deleter) == [other]
    assert callback_senders(deleter) == [other]
    assert deleter.delete_conversation(mine) == deletion.DeletionResult(0, 0)


async def test_second_pass_removes_what_rasa_saved_after_the_first_delete(deleter) -> None:
    """Rasa stores the turn that asked for the deletion after its reply went out, and it
    re-inserts a conversation it finds shortened: the second pass removes both."""
    sender = str(uuid.uuid4())
    add_events(deleter, sender, NOW, NOW + 1)
    add_callback(deleter, sender)
    assert deleter.delete_conversation(sender).events == 2

    second = asyncio.create_task(deleter.delete_again_later(sender, 0.3))
    await asyncio.sleep(0.05)
    add_events(deleter, sender, NOW, NOW + 1, NOW + 2)  # Rasa's late save of the whole session
    assert event_senders(deleter) == [sender] * 3

    assert await second == deletion.DeletionResult(events=3, app_rows=0)
    assert event_senders(deleter) == []
    assert callback_senders(deleter) == []


async def test_second_pass_failure_is_logged_without_the_sender(dbs, caplog) -> None:
    broken = ConversationDeleter("sqlite:////nonexistent-dir/rasa.db", dbs.app_url)
    sender = str(uuid.uuid4())
    assert await broken.delete_again_later(sender, 0) is None
    broken.dispose()
    assert "Repeated deletion failed" in caplog.text and sender not in caplog.text


def test_delete_without_events_table_still_deletes_application_rows(dbs) -> None:
    d = ConversationDeleter(dbs.tracker_url, dbs.app_url)  # Rasa has not created its tables
    add_callback(d, "s1")
    assert d.delete_conversation("s1") == deletion.DeletionResult(0, 1)
    assert d.purge_older_than(NOW) == deletion.PurgeResult(0, 0)
    d.dispose()


def test_purge_older_than_deletes_expired_conversations_with_their_rows(deleter) -> None:
    old, recent, mixed = (str(uuid.uuid4()) for _ in range(3))
    add_events(deleter, old, NOW - 45 * DAY, NOW - 31 * DAY)
    add_events(deleter, recent, NOW - 2 * DAY)
    add_events(deleter, mixed, NOW - 90 * DAY, NOW - 29 * DAY)  # newest event still young
    for sender in (old, recent, mixed):
        add_callback(deleter, sender)
    assert deleter.expired_sender_ids(NOW - 30 * DAY) == [old]

    result = deleter.purge_older_than(NOW - 30 * DAY)

    assert result == deletion.PurgeResult(conversations=1, events=2, app_rows=1)
    assert event_senders(deleter) == sorted([recent, mixed, mixed])
    assert callback_senders(deleter) == sorted([recent, mixed])


def test_purge_callback_requests_deletes_expired_and_orphaned(deleter) -> None:
    kept, gone = str(uuid.uuid4()), str(uuid.uuid4())
    add_events(deleter, kept, NOW)
    add_callback(deleter, kept)
    add_callback(deleter, kept, TODAY - dt.timedelta(days=31))  # expired
    add_callback(deleter, gone)  # conversation deleted, request left behind
    assert deleter.purge_callback_requests(30, TODAY) == 2
    assert callback_senders(deleter) == [kept]
    with pytest.raises(ValueError):
        deleter.purge_callback_requests(0, TODAY)


def test_orphans_are_kept_without_an_events_table(dbs) -> None:
    """Another tracker store (or a wrong URL) must never cost callback requests."""
    d = ConversationDeleter(dbs.tracker_url, dbs.app_url)
    add_callback(d, "s1")
    assert d.purge_callback_requests(30, TODAY) == 0
    assert callback_senders(d) == ["s1"]
    d.dispose()


def test_deleting_from_an_unmigrated_application_database_deletes_events(tmp_path) -> None:
    tracker = f"sqlite:///{tmp_path / 'rasa.db'}"
    d = ConversationDeleter(tracker, f"sqlite:///{tmp_path / 'not-migrated.db'}")
    with d.tracker.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id "
                "VARCHAR(255), type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
    add_events(d, "s1", NOW)
    assert d.delete_conversation("s1") == deletion.DeletionResult(1, 0)
    assert d.purge_callback_requests(30, TODAY) == 0
    d.dispose()
