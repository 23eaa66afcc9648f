"""A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth) for the tests
of the production configuration (tracker store, application database).

PostgreSQL is a prerequisite of these tests: with ``CI=true`` an unreachable server FAILS them;
locally they are skipped with the reason in pytest's summary (``-ra``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from appdb.urls import with_installed_driver
from tests.prereq import missing

PG_HOST = "postgres@127.0.0.1:5432"


def url_of(name: str, driver: str = "postgresql") -> str:
    """SQLAlchemy URL of database ``name`` (``driver`` e.g. ``postgresql+psycopg``)."""
    return f"{driver}://{PG_HOST}/{name}"


def missing_prerequisite(message: str) -> None:
    """Fail under ``CI=true``, otherwise skip loudly (tests/prereq.py)."""
    missing(message)


@contextmanager
def fresh_database(prefix: str, driver: str = "postgresql") -> Iterator[str]:
    """Create a database named ``<prefix>_<random>``, yield its name, drop it afterwards.

    ``driver`` ``postgresql`` means the driver installed in the running environment.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        with_installed_driver(url_of("postgres", driver)), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        missing_prerequisite(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {exc.orig!r}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
