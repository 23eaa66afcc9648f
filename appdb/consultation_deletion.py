"""Deleting and anonymising consultations and their plans (issue 13), called by
:mod:`appdb.deletion` when a conversation is deleted and by the retention jobs.

Consultations are not plain per-conversation rows: deleting a conversation (by the citizen or by
the retention) deletes its **unclaimed** consultations and **anonymises** the claimed ones
(:func:`release_consultations`): the office that claimed one keeps the record that a consultation
happened, the coded profile and its plans, but the link to the conversation (``sender_id``), the
chat text and the free-text occupations go; its plans lose links, notes, checklist and extra
contacts (:func:`anonymise_plans`). Rules: docs/privacy.md. SQLAlchemy Core only (bot env 1.4,
app env 2.x); nothing here logs a value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from appdb.schema import consultations, plan_links, plan_notes, plan_steps, plans

CHUNK = 500  # ids per IN (...) list
T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in slices of :data:`CHUNK` (one IN (...) list each); also used by
    :mod:`appdb.deletion`."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


#: Free-text fields of a consultation profile (as the citizen wrote them); anonymisation
#: removes them and keeps the coded values (KldB codes, municipality, vocabulary values).
FREE_TEXT_PROFILE_FIELDS = ("current_occupation", "target_occupation")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def anonymised_profile(profile: object) -> dict:
    """A profile without its free-text fields (codes stay)."""
    if not isinstance(profile, dict):
        return {}
    return {k: (None if k in FREE_TEXT_PROFILE_FIELDS else v) for k, v in profile.items()}


def anonymised_snapshot(snapshot: object) -> dict:
    """A snapshot without chat text and free-text profile fields."""
    if not isinstance(snapshot, dict):
        return {"version": 1, "chat": [], "anonymised": True}
    result = dict(snapshot)
    result["chat"] = []
    result["profile"] = anonymised_profile(snapshot.get("profile"))
    result["anonymised"] = True
    return result


def _loads(text: str | None) -> object:
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def release_consultations(
    conn: Connection, sender_ids: Sequence[str], now: dt.datetime | None = None
) -> int:
    """The conversations ``sender_ids`` are being deleted: delete their unclaimed consultations,
    anonymise the claimed ones; return how many rows were touched (inside the caller's
    transaction; nothing when the table does not exist yet)."""
    if not sa.inspect(conn).has_table(consultations.name):
        return 0
    when = now or _utcnow()
    touched = 0
    c = consultations.c
    for chunk in chunks(sender_ids):
        touched += conn.execute(
            consultations.delete().where(c.sender_id.in_(chunk), c.claimed_at.is_(None))
        ).rowcount
        rows = conn.execute(
            sa.select(c.id, c.snapshot, c.profile).where(c.sender_id.in_(chunk))
        ).all()
        for row in rows:
            conn.execute(
                consultations.update()
                .where(c.id == row.id)
                .values(
                    sender_id=None,
                    includes_chat_text=False,
                    snapshot=json.dumps(
                        anonymised_snapshot(_loads(row.snapshot)), ensure_ascii=False
                    ),
                    profile=json.dumps(anonymised_profile(_loads(row.profile)), ensure_ascii=False),
                    anonymised_at=when,
                    updated_at=when,
                )
            )
            touched += 1
        # the plans of the claimed ones lose their personal parts too (docs/privacy.md, "Pläne")
        anonymise_plans(conn, [row.id for row in rows], when)
    return touched


def purge_idle_consultations(conn: Connection, before: dt.datetime) -> int:
    """Delete claimed and staff-started consultations unchanged since ``before`` that have no plan
    left (caller's transaction): the office's record ends with its last plan, whose own retention
    counts from its last change (docs/privacy.md)."""
    if not sa.inspect(conn).has_table(consultations.name):
        return 0
    c = consultations.c
    has_plan = sa.exists().where(plans.c.consultation_id == c.id)
    stmt = consultations.delete().where(c.claimed_at.is_not(None), c.updated_at < before, ~has_plan)
    return conn.execute(stmt).rowcount


def purge_expired_consultations(conn: Connection, now: dt.datetime) -> int:
    """Delete unclaimed consultations whose code expired before ``now`` (caller's transaction)."""
    if not sa.inspect(conn).has_table(consultations.name):
        return 0
    c = consultations.c
    stmt = consultations.delete().where(
        c.claimed_at.is_(None), c.expires_at.is_not(None), c.expires_at < now
    )
    return conn.execute(stmt).rowcount


ANONYMISED_PLAN_TITLE = "Plan (anonymisiert)"


def _plan_ids(conn: Connection, consultation_ids: Sequence[int]) -> list[int]:
    if not consultation_ids or not sa.inspect(conn).has_table(plans.name):
        return []
    stmt = sa.select(plans.c.id).where(plans.c.consultation_id.in_(list(consultation_ids)))
    return [row[0] for row in conn.execute(stmt)]


def anonymise_plans(conn: Connection, consultation_ids: Sequence[int], now: dt.datetime) -> int:
    """Strip the plans of ``consultation_ids`` of everything personal (inside the caller's
    transaction); return how many plans.

    Rule (docs/privacy.md, "Pläne"): the citizen links are deleted (the link stops working at
    once), all notes are deleted (internal and for the citizen: free text may name the person),
    the title becomes :data:`ANONYMISED_PLAN_TITLE`, the funding checklist (derived from the
    person's facts) is removed, of the contacts only the office's own (the first) stays. The
    steps (offers, learning-path steps, dates) stay as the office's record of its advice;
    ``updated_at`` is not touched, so the retention still counts from the last change.
    """
    ids = _plan_ids(conn, consultation_ids)
    for chunk in chunks(ids):
        conn.execute(plan_links.delete().where(plan_links.c.plan_id.in_(chunk)))
        conn.execute(plan_notes.delete().where(plan_notes.c.plan_id.in_(chunk)))
        for plan_id, contacts in conn.execute(
            sa.select(plans.c.id, plans.c.contacts).where(plans.c.id.in_(chunk))
        ).all():
            try:
                kept = json.loads(contacts or "[]")[:1]
            except ValueError:
                kept = []
            conn.execute(
                plans.update()
                .where(plans.c.id == plan_id)
                .values(
                    title=ANONYMISED_PLAN_TITLE,
                    checklist=None,
                    contacts=json.dumps(kept, ensure_ascii=False),
                    anonymised_at=now,
                )
            )
    return len(ids)


def delete_plans(conn: Connection, consultation_ids: Sequence[int]) -> int:
    """Delete the plans of ``consultation_ids`` with their steps, notes and links (inside the
    caller's transaction; explicit, because SQLite enforces the cascade only with the
    ``foreign_keys`` pragma); return how many plans."""
    ids = _plan_ids(conn, consultation_ids)
    for chunk in chunks(ids):
        for table in (plan_links, plan_notes, plan_steps):
            conn.execute(table.delete().where(table.c.plan_id.in_(chunk)))
        conn.execute(plans.delete().where(plans.c.id.in_(chunk)))
    return len(ids)
