"""Server-side sessions of signed-in staff and identity-provider sign-ins in progress.

The session cookie holds 256 random bits; the database keeps only their SHA-256, so a copy of
the database does not sign anybody in. A session ends when it was idle longer than
``STAFF_IDLE_TIMEOUT_MINUTES`` (30) or is older than ``STAFF_ABSOLUTE_TIMEOUT_HOURS`` (8), at
sign-out, and when its account is disabled or changed. Each session has its own CSRF token.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.schema import staff_accounts, staff_login_flows, staff_sessions
from staff.db import sha256_hex
from staff.store import Account, account_by_id

#: Identity-provider sign-ins must come back within this time.
FLOW_LIFETIME = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Timeouts:
    idle: dt.timedelta
    absolute: dt.timedelta


@dataclass(frozen=True)
class Session:
    token_hash: str
    account: Account
    csrf_token: str
    method: str
    created_at: dt.datetime


def new_token() -> str:
    return secrets.token_urlsafe(32)


def create(engine: Engine, account_id: int, method: str, now: dt.datetime) -> str:
    """Start a session; return the cookie value (never stored)."""
    token = new_token()
    with engine.begin() as conn:
        conn.execute(
            staff_sessions.insert().values(
                token_hash=sha256_hex(token),
                account_id=account_id,
                csrf_token=new_token(),
                auth_method=method,
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def load(
    engine: Engine, token: str, now: dt.datetime, timeouts: Timeouts
) -> tuple[Session | None, bool]:
    """The live session of ``token`` (touched: its idle time starts again) and whether the
    token belonged to a session that has just expired (deleted now)."""
    if not token or len(token) > 100:
        return None, False
    key = sha256_hex(token)
    with engine.begin() as conn:
        row = (
            conn.execute(
                sa.select(staff_sessions, staff_accounts.c.active)
                .join(staff_accounts, staff_accounts.c.id == staff_sessions.c.account_id)
                .where(staff_sessions.c.token_hash == key)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None, False
        expired = (
            now - row["last_seen_at"] > timeouts.idle or now - row["created_at"] > timeouts.absolute
        )
        account = account_by_id(conn, row["account_id"]) if row["active"] else None
        if expired or account is None or not account.active:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == key))
            return None, expired
        conn.execute(
            staff_sessions.update()
            .where(staff_sessions.c.token_hash == key)
            .values(last_seen_at=now)
        )
    return Session(key, account, row["csrf_token"], row["auth_method"], row["created_at"]), False


def delete(engine: Engine, token_hash: str) -> None:
    with engine.begin() as conn:
        conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == token_hash))


def purge(engine: Engine, now: dt.datetime, timeouts: Timeouts) -> int:
    """Delete expired sessions and sign-ins in progress; return how many rows."""
    with engine.begin() as conn:
        stmt = staff_sessions.delete().where(
            sa.or_(
                staff_sessions.c.last_seen_at < now - timeouts.idle,
                staff_sessions.c.created_at < now - timeouts.absolute,
            )
        )
        count = conn.execute(stmt).rowcount
        flows = staff_login_flows.delete().where(
            staff_login_flows.c.created_at < now - FLOW_LIFETIME
        )
        return count + conn.execute(flows).rowcount


# ---------------------------------------------------------------- sign-ins in progress


def save_flow(engine: Engine, data: dict[str, Any], now: dt.datetime) -> str:
    """Keep the identity-provider transaction (state, nonce, PKCE verifier) server side; return
    the value of the browser's binding cookie."""
    token = new_token()
    with engine.begin() as conn:
        conn.execute(
            staff_login_flows.insert().values(
                id_hash=sha256_hex(token), data=json.dumps(data), created_at=now
            )
        )
    return token


def take_flow(engine: Engine, token: str, now: dt.datetime) -> dict[str, Any] | None:
    """The transaction bound to the cookie ``token``, deleted (single use); None if unknown or
    older than :data:`FLOW_LIFETIME`."""
    if not token or len(token) > 100:
        return None
    key = sha256_hex(token)
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(staff_login_flows).where(staff_login_flows.c.id_hash == key)
        ).first()
        if row is None:
            return None
        conn.execute(staff_login_flows.delete().where(staff_login_flows.c.id_hash == key))
    if now - row.created_at > FLOW_LIFETIME:
        return None
    data = json.loads(row.data)
    return data if isinstance(data, dict) else None
