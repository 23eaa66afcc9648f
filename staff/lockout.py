"""Lockout after repeated failed sign-ins, per account and per client address.

Every failed local sign-in is stored with the SHA-256 of the e-mail address typed (whether an
account has it or not, so unknown and known addresses behave the same) and the client address.
A sign-in is refused while either has ``STAFF_LOCKOUT_FAILURES`` (5) failures within the last
``STAFF_LOCKOUT_WINDOW_MINUTES`` (15), even with the right password. A successful sign-in clears
the account's failures; rows older than the window are purged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.schema import staff_signin_failures as failures
from staff.db import sha256_hex


@dataclass(frozen=True)
class Policy:
    limit: int
    window: dt.timedelta


def account_key(email: str) -> str:
    return sha256_hex(email.strip().lower())


def _count(engine: Engine, column: sa.Column, value: str, since: dt.datetime) -> int:
    stmt = sa.select(sa.func.count()).where(column == value, failures.c.at > since)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def is_locked(engine: Engine, email: str, address: str, now: dt.datetime, policy: Policy) -> bool:
    since = now - policy.window
    return (
        _count(engine, failures.c.account_key, account_key(email), since) >= policy.limit
        or _count(engine, failures.c.address, address, since) >= policy.limit
    )


def record_failure(engine: Engine, email: str, address: str, now: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            failures.insert().values(at=now, account_key=account_key(email), address=address[:64])
        )


def clear_account(engine: Engine, email: str) -> None:
    with engine.begin() as conn:
        conn.execute(failures.delete().where(failures.c.account_key == account_key(email)))


def purge(engine: Engine, now: dt.datetime, policy: Policy) -> int:
    with engine.begin() as conn:
        return conn.execute(failures.delete().where(failures.c.at <= now - policy.window)).rowcount
