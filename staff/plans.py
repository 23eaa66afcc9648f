"""Plans: what a counsellor and a citizen agree on in a consultation (tables ``plans``,
``plan_steps``, ``plan_notes``; citizen links in :mod:`staff.plan_links`).

A plan belongs to one consultation and to the office of the counsellor who made it; only that
office's counsellors see it (another office's plan answers 404 like a missing one). It holds

- ordered steps: an offer (a copy of what the plan shows: title, provider, place, link, why it
  fits) or a learning-path step, each with optional start and end dates;
- the funding checklist of the consultation's profile from the rule engine
  (:mod:`knowledge.funding`), stored as JSON when attached (items with source, Stand and the
  deciding office), so the plan keeps what was discussed even when the rules change;
- contacts (the counsellor's office contact first) and notes, internal unless marked for the
  citizen.

Every opening and change is written to the access log (record kind ``plan``) in the same
transaction. Plans are deleted ``STAFF_PLAN_RETENTION_DAYS`` after their last change
(:mod:`staff.plan_links` ``purge``); deleting the conversation anonymises them
(:func:`appdb.deletion.anonymise_plans`). Nothing here logs plan content.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from appdb.schema import consultations, offices, plan_links, plan_notes, plan_steps, plans
from appdb.schema import staff_accounts as accounts
from staff import access_log

RECORD_KIND = "plan"
MAX_STEPS = 30
MAX_NOTES = 50
MAX_CONTACTS = 10
TITLE_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class ConsultationRef:
    """What the plan builder reads of a consultation (the office's own only)."""

    id: int
    profile: dict[str, Any]
    snapshot: dict[str, Any]
    anonymised: bool
    origin: str = "staff"  # chat: handed over from the chat (the person can ask there for the plan)


@dataclass(frozen=True)
class Step:
    id: int
    position: int
    offer_id: str | None
    offer: dict[str, Any]  # kind "offer" | "path_step", title, provider, place, url, reasons …
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    for_citizen: bool
    created_at: dt.datetime
    author: str | None


@dataclass(frozen=True)
class Link:
    token_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def active(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class Plan:
    id: int
    consultation_id: int
    office_id: int
    office_name: str
    title: str
    checklist: list[dict[str, Any]] | None
    contacts: list[dict[str, str]]
    created_at: dt.datetime
    updated_at: dt.datetime
    anonymised_at: dt.datetime | None
    steps: list[Step] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def citizen_notes(self) -> list[Note]:
        return [n for n in self.notes if n.for_citizen]


def _json(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


# ---------------------------------------------------------------- consultations


def consultation_for_office(
    engine: Engine, office_id: int, consultation_id: int
) -> ConsultationRef | None:
    """The consultation if the office claimed it (None: missing or another office's)."""
    stmt = sa.select(consultations).where(
        consultations.c.id == consultation_id, consultations.c.office_id == office_id
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    return ConsultationRef(
        row["id"],
        _json(row["profile"], {}),
        _json(row["snapshot"], {}),
        row["anonymised_at"] is not None,
        row["origin"],
    )


@dataclass(frozen=True)
class ConsultationChoice:
    id: int
    origin: str
    target: str | None
    created_at: dt.datetime


def consultations_of_office(engine: Engine, office_id: int) -> list[ConsultationChoice]:
    """The office's consultations (newest first) to start a plan for; anonymised ones left out."""
    stmt = (
        sa.select(consultations.c.id, consultations.c.origin, consultations.c.profile,
                  consultations.c.created_at)
        .where(consultations.c.office_id == office_id, consultations.c.anonymised_at.is_(None))
        .order_by(consultations.c.created_at.desc(), consultations.c.id.desc())
        .limit(200)
    )  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        ConsultationChoice(
            r["id"], r["origin"], _json(r["profile"], {}).get("target_occupation"), r["created_at"]
        )
        for r in rows
    ]


# ---------------------------------------------------------------- reading


def _load(conn: Connection, office_id: int | None, plan_id: int) -> Plan | None:
    stmt = (
        sa.select(plans, offices.c.name.label("office_name"))
        .join(offices, offices.c.id == plans.c.office_id)
        .where(plans.c.id == plan_id)
    )
    if office_id is not None:
        stmt = stmt.where(plans.c.office_id == office_id)
    row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    steps = [
        Step(s["id"], s["position"], s["offer_id"], _json(s["offer"], {}), s["start_date"],
             s["end_date"])
        for s in conn.execute(
            sa.select(plan_steps)
            .where(plan_steps.c.plan_id == plan_id)
            .order_by(plan_steps.c.position, plan_steps.c.id)
        ).mappings()
    ]  # fmt: skip
    notes = [
        Note(n["id"], n["text"], n["for_citizen"], n["created_at"], n["email"])
        for n in conn.execute(
            sa.select(plan_notes, accounts.c.email)
            .outerjoin(accounts, accounts.c.id == plan_notes.c.created_by)
            .where(plan_notes.c.plan_id == plan_id)
            .order_by(plan_notes.c.created_at, plan_notes.c.id)
        ).mappings()
    ]
    links = [
        Link(k["token_hash"], k["created_at"], k["expires_at"], k["revoked_at"])
        for k in conn.execute(
            sa.select(plan_links)
            .where(plan_links.c.plan_id == plan_id)
            .order_by(plan_links.c.created_at.desc())
        ).mappings()
    ]
    return Plan(
        id=row["id"],
        consultation_id=row["consultation_id"],
        office_id=row["office_id"],
        office_name=row["office_name"],
        title=row["title"],
        checklist=_json(row["checklist"], None),
        contacts=_json(row["contacts"], []),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        anonymised_at=row["anonymised_at"],
        steps=steps,
        notes=notes,
        links=links,
    )


def for_office(engine: Engine, office_id: int, plan_id: int) -> Plan | None:
    """The office's plan, not logged (for a change that logs itself)."""
    with engine.connect() as conn:
        return _load(conn, office_id, plan_id)


def load_public(conn: Connection, plan_id: int) -> Plan | None:
    """A plan for the citizen's link (the caller has checked the token)."""
    return _load(conn, None, plan_id)


def open_plan(
    engine: Engine,
    office_id: int,
    plan_id: int,
    account_id: int,
    now: dt.datetime,
    action: str = "view",
) -> Plan | None:
    """The office's plan; the opening (``view``, or ``pdf`` for the printable plan) is logged."""
    with engine.begin() as conn:
        found = _load(conn, office_id, plan_id)
        if found is not None:
            access_log.record(conn, account_id, RECORD_KIND, plan_id, action, now)
    return found


@dataclass(frozen=True)
class Summary:
    id: int
    consultation_id: int
    title: str
    steps: int
    updated_at: dt.datetime


def list_for_office(
    engine: Engine, office_id: int, consultation_id: int | None = None
) -> list[Summary]:
    count = sa.select(sa.func.count()).where(plan_steps.c.plan_id == plans.c.id).scalar_subquery()
    stmt = sa.select(plans.c.id, plans.c.consultation_id, plans.c.title, plans.c.updated_at,
                     count.label("steps")).where(plans.c.office_id == office_id)  # fmt: skip
    if consultation_id is not None:
        stmt = stmt.where(plans.c.consultation_id == consultation_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(plans.c.updated_at.desc())).mappings().all()
    return [
        Summary(r["id"], r["consultation_id"], r["title"], r["steps"], r["updated_at"])
        for r in rows
    ]


# ---------------------------------------------------------------- writing


def create(
    engine: Engine,
    office_id: int,
    consultation_id: int,
    account_id: int,
    title: str,
    office_contact: Mapping[str, str],
    now: dt.datetime,
) -> int | None:
    """A new plan for the office's consultation (None: not the office's); logged ``create``."""
    with engine.begin() as conn:
        owned = conn.execute(
            sa.select(consultations.c.id).where(
                consultations.c.id == consultation_id, consultations.c.office_id == office_id
            )
        ).first()
        if owned is None:
            return None
        result = conn.execute(
            plans.insert().values(
                consultation_id=consultation_id,
                office_id=office_id,
                created_by=account_id,
                title=title[:TITLE_MAX],
                checklist=None,
                contacts=dump([dict(office_contact)]),
                created_at=now,
                updated_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        plan_id = int(key[0])
        access_log.record(conn, account_id, RECORD_KIND, plan_id, "create", now)
    return plan_id


Change = Callable[[Connection, Plan], bool]


def change(
    engine: Engine,
    office_id: int,
    plan_id: int,
    account_id: int,
    now: dt.datetime,
    apply: Change,
) -> bool:
    """Apply a change to the office's plan in one transaction with its access-log entry and a
    new ``updated_at``; False (nothing changed) for another office's, a missing or an anonymised
    plan, or when ``apply`` refuses (e.g. a step of another plan)."""
    with engine.begin() as conn:
        found = _load(conn, office_id, plan_id)
        if found is None or found.anonymised_at is not None or not apply(conn, found):
            return False
        conn.execute(plans.update().where(plans.c.id == plan_id).values(updated_at=now))
        access_log.record(conn, account_id, RECORD_KIND, plan_id, "change", now)
    return True


def delete(engine: Engine, office_id: int, plan_id: int, account_id: int, now: dt.datetime) -> bool:
    """Delete the office's plan with its steps, notes and links (logged ``delete``)."""
    with engine.begin() as conn:
        if _load(conn, office_id, plan_id) is None:
            return False
        for table in (plan_links, plan_notes, plan_steps):
            conn.execute(table.delete().where(table.c.plan_id == plan_id))
        conn.execute(plans.delete().where(plans.c.id == plan_id))
        access_log.record(conn, account_id, RECORD_KIND, plan_id, "delete", now)
    return True
