"""Consultations of the staff app (issue 13): open by code, claim, the office's list, the
working profile, consultations started without a code.

A consultation comes from the citizen's handover in the chat (origin ``chat``: snapshot stored
by the bot with the citizen's yes, ``bot/actions/clients/consultation_store.py``) or is started
by a counsellor (origin ``staff``). The first counsellor who opens the code claims it for the
account's office; from then on only that office sees it (another office gets 404, as for a
missing one). Code lookups are rate-limited per account and per client address
(``consultation_lookup_failures``); unknown, expired, malformed and foreign codes get the same
answer. Every opening is written to the access log (record kind ``consultation``).

JSON shapes: ``docs/consultation-contract.md``. Nothing here logs a code or a profile value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from appdb import handover_codes
from appdb.deletion import purge_expired_consultations, purge_idle_consultations
from appdb.schema import consultation_lookup_failures as failures
from appdb.schema import consultations, staff_accounts
from bot.actions.utils import handover
from knowledge.profile import Profile
from staff import access_log
from staff.db import sha256_hex
from staff.lockout import Policy

RECORD_KIND = "consultation"
ORIGIN_CHAT = "chat"
ORIGIN_STAFF = "staff"
#: keys of the profile JSON (docs/consultation-contract.md)
PROFILE_FIELDS: tuple[str, ...] = tuple(handover.PROFILE_SLOTS)


@dataclass(frozen=True)
class Consultation:
    id: int
    origin: str
    profile: dict[str, Any]
    snapshot: dict[str, Any]
    includes_chat_text: bool
    created_at: dt.datetime
    expires_at: dt.datetime | None
    claimed_at: dt.datetime | None
    claimed_by: int | None
    claimed_by_email: str | None
    office_id: int | None
    updated_at: dt.datetime
    anonymised_at: dt.datetime | None


@dataclass(frozen=True)
class LookupResult:
    """Outcome of "open by code": ``status`` is ``opened``, ``invalid`` or ``locked``."""

    status: str
    consultation_id: int | None = None


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _query() -> sa.Select:
    return sa.select(consultations, staff_accounts.c.email.label("claimed_by_email")).outerjoin(
        staff_accounts, staff_accounts.c.id == consultations.c.claimed_by
    )


def _consultation(row: Mapping) -> Consultation:
    return Consultation(
        id=row["id"],
        origin=row["origin"],
        profile=_loads(row["profile"]),
        snapshot=_loads(row["snapshot"]),
        includes_chat_text=bool(row["includes_chat_text"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        claimed_at=row["claimed_at"],
        claimed_by=row["claimed_by"],
        claimed_by_email=row["claimed_by_email"],
        office_id=row["office_id"],
        updated_at=row["updated_at"],
        anonymised_at=row["anonymised_at"],
    )


def _for_office(conn: Connection, office_id: int, consultation_id: int) -> Consultation | None:
    stmt = _query().where(
        consultations.c.id == consultation_id, consultations.c.office_id == office_id
    )
    row = conn.execute(stmt).mappings().first()
    return _consultation(row) if row is not None else None


def for_office(engine: Engine, office_id: int, consultation_id: int) -> Consultation | None:
    """The consultation if it belongs to the office (None: missing or another office's).
    Not logged: callers that show its content use :func:`open_for_office`."""
    with engine.connect() as conn:
        return _for_office(conn, office_id, consultation_id)


def open_for_office(
    engine: Engine, office_id: int, consultation_id: int, account_id: int, now: dt.datetime
) -> Consultation | None:
    """The consultation of the office; the opening is logged (``view``)."""
    with engine.begin() as conn:
        found = _for_office(conn, office_id, consultation_id)
        if found is not None:
            access_log.record(conn, account_id, RECORD_KIND, found.id, "view", now)
    return found


def list_for_office(engine: Engine, office_id: int) -> list[Consultation]:
    """The office's consultations, the most recently changed first (not logged: the list shows
    no profile details)."""
    stmt = (
        _query()
        .where(consultations.c.office_id == office_id)
        .order_by(consultations.c.updated_at.desc(), consultations.c.id.desc())
    )
    with engine.connect() as conn:
        return [_consultation(r) for r in conn.execute(stmt).mappings().all()]


# ------------------------------------------------------------------ open by code (rate-limited)


def account_key(account_id: int) -> str:
    return sha256_hex(f"account:{account_id}")


def is_locked(
    engine: Engine, account_id: int, address: str, now: dt.datetime, policy: Policy
) -> bool:
    """True while the account or the address has ``policy.limit`` failed lookups in the window."""
    since = now - policy.window
    with engine.connect() as conn:
        for column, value in (
            (failures.c.account_key, account_key(account_id)),
            (failures.c.address, address[:64]),
        ):
            stmt = sa.select(sa.func.count()).where(column == value, failures.c.at > since)
            if int(conn.execute(stmt).scalar_one()) >= policy.limit:
                return True
    return False


def _record_failure(conn: Connection, account_id: int, address: str, now: dt.datetime) -> None:
    conn.execute(
        failures.insert().values(at=now, account_key=account_key(account_id), address=address[:64])
    )


def open_by_code(
    engine: Engine,
    typed: str,
    account_id: int,
    office_id: int,
    address: str,
    now: dt.datetime,
    policy: Policy,
) -> LookupResult:
    """Look the code up by its hash; the first counsellor claims the consultation for the
    office. Unknown, expired, malformed and other offices' codes are one answer (``invalid``)
    and count as failures; while locked no lookup happens."""
    if is_locked(engine, account_id, address, now, policy):
        return LookupResult("locked")
    digest = handover_codes.code_hash(typed)
    c = consultations.c
    with engine.begin() as conn:
        row = None
        if digest is not None:
            row = conn.execute(
                sa.select(c.id, c.office_id, c.expires_at).where(c.code_hash == digest)
            ).first()
        usable = (
            row is not None
            and row.expires_at is not None
            and row.expires_at > now
            and row.office_id in (None, office_id)
        )
        if not usable or row is None:
            _record_failure(conn, account_id, address, now)
            return LookupResult("invalid")
        if row.office_id is None:
            claimed = conn.execute(
                consultations.update()
                .where(c.id == row.id, c.office_id.is_(None))
                .values(claimed_by=account_id, claimed_at=now, office_id=office_id, updated_at=now)
            ).rowcount
            if claimed != 1:  # another counsellor was faster (same request instant)
                _record_failure(conn, account_id, address, now)
                return LookupResult("invalid")
            access_log.record(conn, account_id, RECORD_KIND, row.id, "claim", now)
    return LookupResult("opened", int(row.id))


def purge_lookup_failures(engine: Engine, now: dt.datetime, policy: Policy) -> int:
    with engine.begin() as conn:
        return conn.execute(failures.delete().where(failures.c.at <= now - policy.window)).rowcount


def purge_expired(engine: Engine, now: dt.datetime) -> int:
    """Delete unclaimed consultations whose code expired (housekeeping)."""
    with engine.begin() as conn:
        return purge_expired_consultations(conn, now)


def purge_idle(engine: Engine, now: dt.datetime, retention_days: int) -> int:
    """Delete claimed consultations without plans unchanged for ``retention_days`` (housekeeping)."""
    with engine.begin() as conn:
        return purge_idle_consultations(conn, now - dt.timedelta(days=retention_days))


# ------------------------------------------------------------------ working profile


def search_profile(profile: Mapping[str, Any]) -> Profile:
    """The profile as the search service's learner profile."""
    return Profile.from_mapping(
        {
            **profile,
            "foreign_qualification": profile.get("foreign_qualification")
            if isinstance(profile.get("foreign_qualification"), bool)
            else None,
        }
    )


def funding_facts(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Facts of :func:`knowledge.funding.evaluate` for the profile (ranges as [low, high])."""
    return handover.funding_facts(profile)


def checklist(profile: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The funding checklist for the working profile (:mod:`knowledge.funding`)."""
    return handover.checklist(profile)


def start_without_code(
    engine: Engine, office_id: int, account_id: int, profile: Mapping[str, Any], now: dt.datetime
) -> int:
    """A consultation started by a counsellor (origin ``staff``), claimed by the office."""
    clean = {key: profile.get(key) for key in PROFILE_FIELDS}
    snapshot = {
        "version": handover.SNAPSHOT_VERSION,
        "taken_at": now.replace(microsecond=0).isoformat(),
        "profile": clean,
        "shown_offer_ids": [],
        "offers": [],
        "learning_path": None,
        "funding_facts": funding_facts(clean),
        "checklist": checklist(clean),
        "chat": [],
    }
    with engine.begin() as conn:
        result = conn.execute(
            consultations.insert().values(
                code_hash=None,
                sender_id=None,
                origin=ORIGIN_STAFF,
                snapshot=_dumps(snapshot),
                includes_chat_text=False,
                profile=_dumps(clean),
                created_at=now,
                expires_at=None,
                claimed_at=now,
                claimed_by=account_id,
                office_id=office_id,
                updated_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        new_id = int(key[0])
        access_log.record(conn, account_id, RECORD_KIND, new_id, "create", now)
    return new_id


def update_profile(
    engine: Engine,
    office_id: int,
    consultation_id: int,
    account_id: int,
    profile: Mapping[str, Any],
    now: dt.datetime,
) -> bool:
    """Replace the working profile (the snapshot stays as the citizen handed it over)."""
    clean = {key: profile.get(key) for key in PROFILE_FIELDS}
    with engine.begin() as conn:
        changed = conn.execute(
            consultations.update()
            .where(consultations.c.id == consultation_id, consultations.c.office_id == office_id)
            .values(profile=_dumps(clean), updated_at=now)
        ).rowcount
        if changed != 1:
            return False
        access_log.record(conn, account_id, RECORD_KIND, consultation_id, "update", now)
    return True
