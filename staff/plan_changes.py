"""The changes a counsellor makes to a plan, as :data:`staff.plans.Change` functions that
:func:`staff.plans.change` applies in one transaction (with the access-log entry and the new
``updated_at``). Each returns False to refuse (e.g. a step of another plan, too many steps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from appdb.schema import plan_notes, plan_steps, plans
from staff.plans import (
    MAX_CONTACTS,
    MAX_NOTES,
    MAX_STEPS,
    NOTE_MAX,
    TITLE_MAX,
    Change,
    Plan,
    Step,
    dump,
)


def set_title(title: str) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        conn.execute(plans.update().where(plans.c.id == plan.id).values(title=title[:TITLE_MAX]))
        return True

    return apply


def add_step(
    offer_id: str | None, offer: Mapping[str, Any], start: dt.date | None, end: dt.date | None
) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if len(plan.steps) >= MAX_STEPS:
            return False
        position = max((s.position for s in plan.steps), default=0) + 1
        conn.execute(
            plan_steps.insert().values(
                plan_id=plan.id, position=position, offer_id=offer_id, offer=dump(dict(offer)),
                start_date=start, end_date=end,
            )
        )  # fmt: skip
        return True

    return apply


def _renumber(conn: Connection, ordered: list[Step]) -> None:
    for number, step in enumerate(ordered, start=1):
        conn.execute(plan_steps.update().where(plan_steps.c.id == step.id).values(position=number))


def move_step(step_id: int, delta: int) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        ordered = list(plan.steps)
        index = next((i for i, s in enumerate(ordered) if s.id == step_id), None)
        if index is None:
            return False
        target = index + delta
        if 0 <= target < len(ordered):
            ordered[index], ordered[target] = ordered[target], ordered[index]
        _renumber(conn, ordered)
        return True

    return apply


def remove_step(step_id: int) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if all(s.id != step_id for s in plan.steps):
            return False
        conn.execute(plan_steps.delete().where(plan_steps.c.id == step_id))
        _renumber(conn, [s for s in plan.steps if s.id != step_id])
        return True

    return apply


def set_dates(step_id: int, start: dt.date | None, end: dt.date | None) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if all(s.id != step_id for s in plan.steps):
            return False
        conn.execute(
            plan_steps.update()
            .where(plan_steps.c.id == step_id)
            .values(start_date=start, end_date=end)
        )
        return True

    return apply


def set_checklist(items: list[dict[str, Any]] | None) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        value = None if items is None else dump(items)
        conn.execute(plans.update().where(plans.c.id == plan.id).values(checklist=value))
        return True

    return apply


def add_contact(contact: Mapping[str, str]) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if len(plan.contacts) >= MAX_CONTACTS:
            return False
        contacts = [*plan.contacts, dict(contact)]
        conn.execute(plans.update().where(plans.c.id == plan.id).values(contacts=dump(contacts)))
        return True

    return apply


def remove_contact(index: int) -> Change:
    """Remove a contact the counsellor added (the office contact, index 0, stays)."""

    def apply(conn: Connection, plan: Plan) -> bool:
        if not 1 <= index < len(plan.contacts):
            return False
        contacts = [c for i, c in enumerate(plan.contacts) if i != index]
        conn.execute(plans.update().where(plans.c.id == plan.id).values(contacts=dump(contacts)))
        return True

    return apply


def add_note(text: str, for_citizen: bool, account_id: int, now: dt.datetime) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if len(plan.notes) >= MAX_NOTES:
            return False
        conn.execute(
            plan_notes.insert().values(
                plan_id=plan.id, text=text[:NOTE_MAX], for_citizen=for_citizen, created_at=now,
                created_by=account_id,
            )
        )  # fmt: skip
        return True

    return apply


def remove_note(note_id: int) -> Change:
    def apply(conn: Connection, plan: Plan) -> bool:
        if all(n.id != note_id for n in plan.notes):
            return False
        conn.execute(plan_notes.delete().where(plan_notes.c.id == note_id))
        return True

    return apply
