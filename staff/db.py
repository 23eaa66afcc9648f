"""Database access of the staff app: the engine and the clock.

Every time the staff app stores or compares is naive UTC (:func:`utcnow`). The clock is a
parameter of everything that depends on time, so that tests can freeze and advance it
(idle and absolute session timeouts, lockout window, retention).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.engine import get_engine

#: Returns the current time as naive UTC.
Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    """The current time, naive UTC (the form stored in the database)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def staff_engine(url: str) -> Engine:
    """The pooled engine of the application database; on SQLite with foreign keys enforced
    (SQLite leaves them off per connection), so an office in use cannot be deleted."""
    engine = get_engine(url)
    if engine.dialect.name == "sqlite" and not sa.event.contains(
        engine, "connect", _sqlite_foreign_keys
    ):
        sa.event.listen(engine, "connect", _sqlite_foreign_keys)
        engine.dispose()  # connections opened before the listener lack the pragma
    return engine
