"""Callback requests for the counselling staff (stored only with the user's explicit consent).

One row per request in ``callback_requests`` (:mod:`appdb.schema`) in the application database
(``APP_DB_URL``; created by ``python -m appdb upgrade``, never here). A row holds the minimum the
staff need to call back: the contact channel the user gave (phone or e-mail, validated), an
optional preferred time of day, the situation tag(s) the conversation showed (e.g.
"anerkennung"), the day of the request and the recipient it was addressed to. ``sender_id``
keys the row to its conversation so that ``delete_my_data`` deletes it
(:func:`delete_for_sender`); it is never shown or exported.

Deleting is done by :mod:`appdb.deletion` only (this module calls it): deleting a conversation
(page button, "Meine Daten löschen", conversation retention) deletes its requests there.
Clean-up (:func:`purge`): rows older than ``CALLBACK_RETENTION_DAYS`` and, given Rasa's tracker
database, rows whose conversation is no longer in it. The web server's retention job runs both
daily; the staff CLI purges expired rows before it reads, so it never shows an expired request::

    python -m bot.actions.clients.callback_store list            # table on stdout
    python -m bot.actions.clients.callback_store export [--format csv|json]
    python -m bot.actions.clients.callback_store purge [--tracker-db-url sqlite:///rasa.db]

Counsellors read the requests of their office in the staff app's inbox (``staff/callbacks.py``);
this CLI stays for the server. Contact data is never logged.
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

import sqlalchemy as sa

from appdb import deletion
from appdb.engine import UPGRADE_HINT, get_engine, has_table, log_store_failure
from appdb.schema import callback_requests
from bot.actions.settings import load_settings

logger = logging.getLogger(__name__)

TABLE_NAME = callback_requests.name

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


def write(url: str, sender_id: str, request: CallbackRequest) -> bool:
    """Insert ``request`` for the conversation ``sender_id``; False if the database fails.

    Requests older than the retention period are purged in the same transaction.
    """
    retention_days = load_settings().callback_retention_days
    engine = get_engine(url)
    try:
        with engine.begin() as conn:
            cutoff = request.day - dt.timedelta(days=retention_days)
            deletion.delete_expired_callback_requests(conn, cutoff)
            conn.execute(callback_requests.insert().values(sender_id=sender_id, **asdict(request)))
    except sa.exc.SQLAlchemyError as exc:
        log_store_failure(logger, "callback request", engine, TABLE_NAME, exc)
        return False
    return True


def delete_for_sender(url: str, sender_id: str) -> int:
    """Delete every request of the conversation ``sender_id``; return the number deleted
    (:func:`appdb.deletion.delete_app_rows`)."""
    return deletion.delete_app_rows(get_engine(url), sender_id)


def purge(url: str, retention_days: int, today: dt.date, tracker_url: str | None = None) -> int:
    """Delete expired requests and, given ``tracker_url``, those whose conversation was deleted;
    return how many (:func:`appdb.deletion.purge_callback_requests`).

    "Expired": made more than ``retention_days`` days before ``today``. "Deleted conversation":
    Rasa's ``events`` table exists in the tracker database but holds no event of the request's
    ``sender_id`` (skipped when there is no ``events`` table, e.g. another tracker store, so
    requests are never lost by a misconfiguration).
    """
    tracker = get_engine(tracker_url) if tracker_url else None
    return deletion.purge_callback_requests(get_engine(url), retention_days, today, tracker)


def read_all(url: str) -> list[StoredRequest]:
    """All requests, oldest first."""
    columns = [callback_requests.c[name] for name in EXPORT_FIELDS]
    with get_engine(url).connect() as conn:
        rows = conn.execute(sa.select(*columns).order_by(callback_requests.c.id)).mappings()
        return [
            StoredRequest(row["id"], CallbackRequest(**{k: row[k] for k in EXPORT_FIELDS[1:]}))
            for row in rows
        ]


def count_for_sender(url: str, sender_id: str) -> int:
    """Number of requests stored for ``sender_id`` (tests, deletion checks)."""
    stmt = sa.select(sa.func.count()).where(callback_requests.c.sender_id == sender_id)
    with get_engine(url).connect() as conn:
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
            str(r.id),
            r.request.day.isoformat(),
            r.request.contact_kind,
            r.request.contact,
            r.request.preferred_time or "-",
            r.request.situation or "-",
            r.request.recipient,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Staff CLI: ``list`` (table), ``export`` (CSV or JSON on stdout), ``purge``."""
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m bot.actions.clients.callback_store",
        description="Callback requests for the counselling staff (stored with consent). "
        "Expired and withdrawn requests are deleted before every read.",
    )
    parser.add_argument("command", choices=("list", "export", "purge"))
    parser.add_argument(
        "--db-url", default=settings.app_db_url, help="application database (default APP_DB_URL)"
    )
    parser.add_argument(
        "--tracker-db-url",
        help="Rasa's tracker database: also delete requests whose conversation is gone",
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="for export")
    args = parser.parse_args(argv)

    if not has_table(get_engine(args.db_url), TABLE_NAME):
        print(f"Tabelle {TABLE_NAME} fehlt: {UPGRADE_HINT}", file=sys.stderr)
        return 1
    purged = purge(
        args.db_url, settings.callback_retention_days, settings.today(), args.tracker_db_url
    )
    if args.command == "purge":
        print(
            f"{purged} Rückrufwünsche gelöscht (älter als {settings.callback_retention_days} "
            "Tage oder Gespräch gelöscht)"
        )
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
