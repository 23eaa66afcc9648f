"""The callback inbox: callback requests of one office (rows of ``callback_requests``).

The bot stores a request only after the citizen's explicit yes (``bot/actions/callback.py``),
addressed to ``CALLBACK_RECIPIENT``. The staff app gives each request the office that
``STAFF_CALLBACK_OFFICES`` maps its recipient to (:func:`assign_offices`, before every read);
a request is visible to the counsellors of that office only, and one of them marks it done.
Requests whose recipient maps to no office stay unassigned and invisible (the admin page counts
them). Expired requests (``CALLBACK_RETENTION_DAYS``) are deleted before every read
(:func:`appdb.deletion.purge_callback_requests`), and by the web server's retention job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.deletion import purge_callback_requests
from appdb.schema import callback_requests as requests
from appdb.schema import offices, staff_accounts
from staff import access_log

RECORD_KIND = "callback_request"


@dataclass(frozen=True)
class Request:
    id: int
    day: dt.date
    contact_kind: str
    preferred_time: str | None
    situation: str | None
    recipient: str
    done_at: dt.datetime | None
    done_by: str | None  # e-mail of the account that marked it done


@dataclass(frozen=True)
class RequestWithContact:
    request: Request
    contact: str


def assign_offices(engine: Engine, recipients: Mapping[str, str]) -> int:
    """Give unassigned requests the office their recipient maps to; return how many."""
    assigned = 0
    with engine.begin() as conn:
        for recipient, code in recipients.items():
            office_id = conn.execute(
                sa.select(offices.c.id).where(offices.c.code == code)
            ).scalar_one_or_none()
            if office_id is None:
                continue
            stmt = (
                requests.update()
                .where(requests.c.office_id.is_(None), requests.c.recipient == recipient)
                .values(office_id=office_id)
            )
            assigned += conn.execute(stmt).rowcount
    return assigned


def prepare(
    engine: Engine, recipients: Mapping[str, str], retention_days: int, today: dt.date
) -> None:
    """Before a read: delete expired requests, assign new ones to their office."""
    purge_callback_requests(engine, retention_days, today)
    assign_offices(engine, recipients)


def _query() -> sa.Select:
    return sa.select(
        requests.c.id,
        requests.c.day,
        requests.c.contact_kind,
        requests.c.contact,
        requests.c.preferred_time,
        requests.c.situation,
        requests.c.recipient,
        requests.c.done_at,
        staff_accounts.c.email.label("done_by"),
    ).outerjoin(staff_accounts, staff_accounts.c.id == requests.c.done_by)


def _request(row: Mapping) -> Request:
    return Request(
        row["id"],
        row["day"],
        row["contact_kind"],
        row["preferred_time"],
        row["situation"],
        row["recipient"],
        row["done_at"],
        row["done_by"],
    )


def inbox(engine: Engine, office_id: int) -> tuple[list[Request], list[Request]]:
    """(open requests, oldest first; done ones, newest first) of the office, without contacts."""
    stmt = _query().where(requests.c.office_id == office_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(requests.c.day, requests.c.id)).mappings().all()
    found = [_request(r) for r in rows]
    done = sorted((r for r in found if r.done_at), key=lambda r: r.done_at or r.day, reverse=True)
    return [r for r in found if not r.done_at], done


def open_request(
    engine: Engine, office_id: int, request_id: int, account_id: int, now: dt.datetime
) -> RequestWithContact | None:
    """The request with its contact, if it belongs to the office; the opening is logged."""
    stmt = _query().where(requests.c.id == request_id, requests.c.office_id == office_id)
    with engine.begin() as conn:
        row = conn.execute(stmt).mappings().first()
        if row is None:
            return None
        access_log.record(conn, account_id, RECORD_KIND, request_id, "view", now)
    return RequestWithContact(_request(row), row["contact"])


def mark_done(
    engine: Engine, office_id: int, request_id: int, account_id: int, now: dt.datetime
) -> bool:
    """Mark an open request of the office done (logged); False if there is no such request."""
    with engine.begin() as conn:
        stmt = (
            requests.update()
            .where(
                requests.c.id == request_id,
                requests.c.office_id == office_id,
                requests.c.done_at.is_(None),
            )
            .values(done_at=now, done_by=account_id)
        )
        if conn.execute(stmt).rowcount != 1:
            return False
        access_log.record(conn, account_id, RECORD_KIND, request_id, "done", now)
    return True


def unassigned_count(engine: Engine) -> int:
    stmt = sa.select(sa.func.count()).where(requests.c.office_id.is_(None))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())
