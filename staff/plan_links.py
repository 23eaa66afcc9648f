"""The citizen's read-only link to a plan, and the retention of plans and links.

A link is ``$PUBLIC_URL/plan/<token>`` (page) and ``…/plan/<token>.pdf`` (printable plan). The
token has 256 random bits (``secrets.token_urlsafe(32)``, 43 characters; made and hashed by
:mod:`appdb.plan_tokens`, shared with the bot's "Mein Plan" in the chat); the database keeps
only its SHA-256 (``plan_links.token_hash``), so the counsellor sees the link once, right after
making it. A link works until ``expires_at`` (``STAFF_PLAN_LINK_TTL_DAYS``, default 30) or until
a counsellor of the office revokes it; an unknown, expired or revoked token gets the same 404.
The token is never logged (the proxy logs ``/plan/-``, see docs/security.md).

Retention (:func:`purge`, run by the housekeeping): plans whose last change is older than
``STAFF_PLAN_RETENTION_DAYS`` (default 90) are deleted with their steps, notes and links;
links expired (or revoked) more than a day ago are deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb import plan_tokens
from appdb.plan_tokens import PUBLIC_PATH, TOKEN_RE
from appdb.schema import plan_links, plan_notes, plan_steps, plans
from staff import access_log
from staff.plans import RECORD_KIND, Plan, load_public

__all__ = ["PUBLIC_PATH", "TOKEN_RE", "create_link", "plan_for_token", "purge", "revoke_link"]
#: revoked or expired links stay visible on the plan page this long, then they are deleted
LINK_GRACE = dt.timedelta(days=1)


def create_link(
    engine: Engine,
    office_id: int,
    plan_id: int,
    account_id: int,
    now: dt.datetime,
    ttl_days: int,
) -> str | None:
    """A new link to the office's plan; returns the token (never stored), None if not the
    office's plan. Logged ``link``."""
    with engine.begin() as conn:
        owned = conn.execute(
            sa.select(plans.c.id).where(
                plans.c.id == plan_id,
                plans.c.office_id == office_id,
                plans.c.anonymised_at.is_(None),
            )
        ).first()
        if owned is None:
            return None
        token = plan_tokens.insert_link(conn, plan_id, now, ttl_days)
        access_log.record(conn, account_id, RECORD_KIND, plan_id, "link", now)
    return token


def revoke_link(
    engine: Engine, office_id: int, plan_id: int, token_hash: str, account_id: int, now: dt.datetime
) -> bool:
    """Revoke a link of the office's plan (logged ``revoke``)."""
    owned = sa.select(plans.c.id).where(plans.c.id == plan_id, plans.c.office_id == office_id)
    with engine.begin() as conn:
        if conn.execute(owned).first() is None:
            return False
        stmt = (
            plan_links.update()
            .where(
                plan_links.c.token_hash == token_hash,
                plan_links.c.plan_id == plan_id,
                plan_links.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        if conn.execute(stmt).rowcount != 1:
            return False
        access_log.record(conn, account_id, RECORD_KIND, plan_id, "revoke", now)
    return True


def plan_for_token(engine: Engine, token: str, now: dt.datetime) -> tuple[Plan, dt.datetime] | None:
    """(the plan a valid token opens, the link's expiry); None for a malformed, unknown,
    expired or revoked token."""
    if not TOKEN_RE.match(token):
        return None
    stmt = sa.select(plan_links.c.plan_id, plan_links.c.expires_at).where(
        plan_links.c.token_hash == plan_tokens.token_hash(token),
        plan_links.c.revoked_at.is_(None),
        plan_links.c.expires_at > now,
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
        plan = None if row is None else load_public(conn, row[0])
    return None if row is None or plan is None else (plan, row[1])


@dataclass(frozen=True)
class Purged:
    plans: int
    links: int


def purge(engine: Engine, now: dt.datetime, retention_days: int) -> Purged:
    """Delete plans unchanged for ``retention_days`` (with steps, notes, links) and links
    that expired or were revoked more than :data:`LINK_GRACE` ago."""
    cutoff = now - dt.timedelta(days=retention_days)
    old = sa.select(plans.c.id).where(plans.c.updated_at < cutoff)
    with engine.begin() as conn:
        ids = [row[0] for row in conn.execute(old)]
        links = 0
        for table in (plan_links, plan_notes, plan_steps):
            if ids:
                deleted = conn.execute(table.delete().where(table.c.plan_id.in_(ids))).rowcount
                links += deleted if table is plan_links else 0
        if ids:
            conn.execute(plans.delete().where(plans.c.id.in_(ids)))
        gone = now - LINK_GRACE
        links += conn.execute(
            plan_links.delete().where(
                sa.or_(plan_links.c.expires_at < gone, plan_links.c.revoked_at < gone)
            )
        ).rowcount
    return Purged(len(ids), links)
