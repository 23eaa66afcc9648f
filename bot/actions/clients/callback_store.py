"""Callback requests for the counselling staff (stored only with the user's explicit consent).

One row per request in ``callback_requests``, in the same database as Rasa's tracker store and
the demand records (``DEMAND_DB_URL``). A row holds the minimum the staff need to call back:
the contact channel the user gave (phone or e-mail, validated), an optional preferred time of
day, the situation tag(s) the conversation showed (e.g. "anerkennung"), the day of the request
and the recipient it was addressed to. ``sender_id`` keys the row to its conversation so that
``delete_my_data`` deletes it (:func:`delete_for_sender`); it is never shown or exported.

Clean-up (:func:`purge`): rows older than ``CALLBACK_RETENTION_DAYS`` and rows whose
conversation is no longer in the tracker store (deleted with the page's button or by the
conversation retention) are deleted. The staff CLI purges before it reads, so it never shows an
expired or withdrawn request::

    python -m bot.actions.clients.callback_store list            # table on stdout
    python -m bot.actions.clients.callback_store export [--format csv|json]
    python -m bot.actions.clients.callback_store purge           # e.g. from cron

No web endpoint. Contact data is never logged.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.actions.settings import load_settings

logger = logging.getLogger(__name__)

TABLE_NAME = "callback_requests"
EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table (one row per event, column sender_id)
_metadata = sa.MetaData()
callback_requests = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("contact_kind", sa.String(10), nullable=False),
    sa.Column("contact", sa.String(254), nullable=False),
    sa.Column("preferred_time", sa.String(20)),
    sa.Column("situation", sa.String(100)),
    sa.Column("recipient", sa.String(200), nullable=False),
)
_events = sa.table(EVENTS_TABLE, sa.column("sender_id"))

EXPORT_FIELDS = ("id", "day", "contact_kind", "contact", "preferred_time", "situation", "recipient")


@dataclass(frozen=True)
class CallbackRequest:
    """What the staff read: no message text, no sender id."""

    day: dt.date
    contact_kind: str  # "phone" | "email"
    contact: str
    preferred_time: str | None
    situation: str | None
    recipient: str


@dataclass(frozen=True)
class StoredRequest:
    """A stored request with its row id (for the staff list)."""

    id: int
    request: CallbackRequest


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)
    _metadata.create_all(engine, checkfirst=True)
    return engine


def write(url: str, sender_id: str, request: CallbackRequest) -> bool:
    """Insert ``request`` for the conversation ``sender_id``; False if the database fails.

    Requests older than the retention period are purged in the same transaction.
    """
    retention_days = load_settings().callback_retention_days
    try:
        with _engine(url).begin() as conn:
            _delete_older_than(conn, request.day - dt.timedelta(days=retention_days))
            conn.execute(callback_requests.insert().values(sender_id=sender_id, **asdict(request)))
    except sa.exc.SQLAlchemyError as exc:
        logger.warning("callback request not stored: %s", type(exc).__name__)
        return False
    return True


def delete_for_sender(url: str, sender_id: str) -> int:
    """Delete every request of the conversation ``sender_id``; return the number deleted."""
    with _engine(url).begin() as conn:
        stmt = callback_requests.delete().where(callback_requests.c.sender_id == sender_id)
        return conn.execute(stmt).rowcount


def _delete_older_than(conn: sa.engine.Connection, cutoff: dt.date) -> int:
    return conn.execute(callback_requests.delete().where(callback_requests.c.day < cutoff)).rowcount


def purge(url: str, retention_days: int, today: dt.date) -> int:
    """Delete expired requests and those whose conversation was deleted; return how many.

    "Expired": made more than ``retention_days`` days before ``today``. "Deleted conversation":
    the tracker store's ``events`` table exists in this database but holds no event of the
    request's ``sender_id`` (skipped when there is no ``events`` table, e.g. another tracker
    store, so requests are never lost by a misconfiguration).
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    engine = _engine(url)
    with engine.begin() as conn:
        deleted = _delete_older_than(conn, today - dt.timedelta(days=retention_days))
        if sa.inspect(conn).has_table(EVENTS_TABLE):
            orphaned = callback_requests.c.sender_id.not_in(
                sa.select(_events.c.sender_id).distinct()
            )
            deleted += conn.execute(callback_requests.delete().where(orphaned)).rowcount
    logger.info("callback requests purged: %d", deleted)
    return deleted


def read_all(url: str) -> list[StoredRequest]:
    """All requests, oldest first."""
    columns = [callback_requests.c[name] for name in EXPORT_FIELDS]
    with _engine(url).connect() as conn:
        rows = conn.execute(sa.select(*columns).order_by(callback_requests.c.id)).mappings()
        return [
            StoredRequest(row["id"], CallbackRequest(**{k: row[k] for k in EXPORT_FIELDS[1:]}))
            for row in rows
        ]


def count_for_sender(url: str, sender_id: str) -> int:
    """Number of requests stored for ``sender_id`` (tests, deletion checks)."""
    stmt = sa.select(sa.func.count()).where(callback_requests.c.sender_id == sender_id)
    with _engine(url).connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def _as_dict(stored: StoredRequest) -> dict[str, object]:
    row = {"id": stored.id, **asdict(stored.request)}
    row["day"] = stored.request.day.isoformat()
    return row


def _print_table(rows: list[StoredRequest]) -> None:
    if not rows:
        print("Keine Rückrufwünsche gespeichert.")
        return
    header = ("Nr", "Datum", "Kanal", "Kontakt", "Wunschzeit", "Situation", "Empfänger")
    lines = [header] + [
        (
            str(r.id), r.request.day.isoformat(), r.request.contact_kind, r.request.contact,
            r.request.preferred_time or "-", r.request.situation or "-", r.request.recipient,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    """Staff CLI: ``list`` (table), ``export`` (CSV or JSON on stdout), ``purge``."""
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m bot.actions.clients.callback_store",
        description="Callback requests for the counselling staff (stored with consent). "
        "Expired and withdrawn requests are deleted before every read.",
    )
    parser.add_argument("command", choices=("list", "export", "purge"))
    parser.add_argument("--db-url", default=settings.demand_db_url, help="SQLAlchemy URL")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="for export")
    args = parser.parse_args(argv)

    purged = purge(args.db_url, settings.callback_retention_days, settings.today())
    if args.command == "purge":
        print(f"{purged} Rückrufwünsche gelöscht (älter als {settings.callback_retention_days} "
              "Tage oder Gespräch gelöscht)")
        return 0
    rows = read_all(args.db_url)
    if args.command == "list":
        _print_table(rows)
    elif args.format == "json":
        json.dump([_as_dict(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(_as_dict(r) for r in rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
