"""The citizen's plan in the chat (issue 13): a new read-only link to the newest plan.

"Mein Plan" looks up the consultations of THIS conversation (``consultations.sender_id``, not
anonymised) and their plans (not anonymised), newest change first, in the application database
(``APP_DB_URL``). For the newest plan it inserts a NEW row in ``plan_links`` (its own token,
only the SHA-256 stored, expiry ``STAFF_PLAN_LINK_TTL_DAYS``; :mod:`appdb.plan_tokens`, the
same helpers the staff app's "Neuen Link erstellen" uses) and returns the token once, to be
shown in the chat. Deleting the conversation deletes or anonymises the consultation and with
it every link (:mod:`appdb.deletion`).

SQLAlchemy Core only: runs with SQLAlchemy 1.4 (bot env) and 2.x (app env). Nothing here logs a
token, a link, a sender id or a plan title.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from appdb import plan_tokens
from appdb.engine import get_engine, log_store_failure
from appdb.schema import consultations, offices, plan_links, plans

logger = logging.getLogger(__name__)

NO_CONSULTATION = "no_consultation"
NO_PLAN = "no_plan"
LINK = "link"


@dataclass(frozen=True)
class PlanLink:
    """A new link to the conversation's newest plan (the token exists only here)."""

    title: str
    office: str
    token: str
    expires_at: dt.datetime  # naive UTC


@dataclass(frozen=True)
class Lookup:
    """What "Mein Plan" found: :data:`NO_CONSULTATION`, :data:`NO_PLAN` or :data:`LINK`."""

    status: str
    link: PlanLink | None = None


def _own_consultations(sender_id: str) -> sa.sql.ColumnElement:
    return sa.and_(
        consultations.c.sender_id == sender_id,
        consultations.c.anonymised_at.is_(None),
    )


def newest_plan_link(url: str, sender_id: str, now: dt.datetime, ttl_days: int) -> Lookup | None:
    """A new link to the newest plan of ``sender_id``'s consultations, or why there is none;
    None if the database fails (nothing is written then). ``now`` is naive UTC."""
    engine = get_engine(url)
    newest = (
        sa.select(plans.c.id, plans.c.title, offices.c.name)
        .select_from(
            plans.join(consultations, plans.c.consultation_id == consultations.c.id).join(
                offices, plans.c.office_id == offices.c.id
            )
        )
        .where(_own_consultations(sender_id), plans.c.anonymised_at.is_(None))
        .order_by(plans.c.updated_at.desc(), plans.c.id.desc())
        .limit(1)
    )
    any_consultation = sa.select(consultations.c.id).where(_own_consultations(sender_id)).limit(1)
    try:
        with engine.begin() as conn:
            row = conn.execute(newest).first()
            if row is None:
                found = conn.execute(any_consultation).first() is not None
                return Lookup(NO_PLAN if found else NO_CONSULTATION)
            token = plan_tokens.insert_link(conn, row[0], now, ttl_days)
    except sa.exc.SQLAlchemyError as exc:
        log_store_failure(logger, "plan link", engine, plan_links.name, exc)
        return None
    link = PlanLink(row[1], row[2], token, plan_tokens.expires_at(now, ttl_days))
    return Lookup(LINK, link)
