"""The access log: which account opened or changed which record when, without any content.

Kinds of record: ``callback_request`` (actions ``view``, ``done``), ``consultation``
(``claim`` by code, ``create`` without a code, ``view``, ``update`` of the working profile) and
``plan`` (``view``, ``pdf``, ``create``, ``change``, ``link``, ``revoke``, ``delete``). Admins
read it on the admin page; rows older than
``STAFF_ACCESS_LOG_RETENTION_DAYS`` (365) are deleted by the housekeeping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from appdb.schema import offices, staff_access_log, staff_accounts

RECORD_KINDS = ("callback_request", "consultation", "plan")
#: consultation: claim (by code), create (without a code), view, update (working profile);
#: plan: view, pdf (printable plan), create, change, link (citizen link made), revoke, delete
ACTIONS = ("view", "done", "claim", "create", "update", "pdf", "change", "link", "revoke", "delete")


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    email: str
    office: str
    record_kind: str
    record_id: int
    action: str


def record(
    conn: Connection,
    account_id: int,
    record_kind: str,
    record_id: int,
    action: str,
    now: dt.datetime,
) -> None:
    """Add an entry inside the caller's transaction (with the access it logs)."""
    if record_kind not in RECORD_KINDS or action not in ACTIONS:
        raise ValueError(f"unknown access-log entry {record_kind}/{action}")
    conn.execute(
        staff_access_log.insert().values(
            at=now,
            account_id=account_id,
            record_kind=record_kind,
            record_id=record_id,
            action=action,
        )
    )


def entries(engine: Engine, limit: int = 200, offset: int = 0) -> tuple[list[Entry], int]:
    """The newest entries first, and the total number."""
    stmt = (
        sa.select(
            staff_access_log,
            staff_accounts.c.email,
            offices.c.name.label("office"),
        )
        .join(staff_accounts, staff_accounts.c.id == staff_access_log.c.account_id)
        .join(offices, offices.c.id == staff_accounts.c.office_id)
        .order_by(staff_access_log.c.at.desc(), staff_access_log.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
        total = conn.execute(sa.select(sa.func.count()).select_from(staff_access_log)).scalar_one()
    found = [
        Entry(r["at"], r["email"], r["office"], r["record_kind"], r["record_id"], r["action"])
        for r in rows
    ]
    return found, int(total)


def purge(engine: Engine, now: dt.datetime, retention_days: int) -> int:
    cutoff = now - dt.timedelta(days=retention_days)
    with engine.begin() as conn:
        return conn.execute(
            staff_access_log.delete().where(staff_access_log.c.at < cutoff)
        ).rowcount
