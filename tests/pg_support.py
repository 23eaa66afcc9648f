"""A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth) for the tests
of the production configuration (tracker store, application database).

PostgreSQL is a prerequisite of these tests: with ``CI=true`` an unreachable server FAILS them;
locally they are skipped with the reason in pytest's summary (``-ra``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from appdb.urls import with_installed_driver

PG_HOST = "postgres@127.0.0.1:5432"


def url_of(name: str, driver: str = "postgresql") -> str:
    """SQLAlchemy URL of database ``name`` (``driver`` e.g. ``postgresql+psycopg``)."""
    return f"{driver}://{PG_HOST}/{name}"


def in_ci() -> bool:
    """True when the tests run in CI (``CI=true``): missing prerequisites fail there."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_prerequisite(message: str) -> None:
    """Fail under ``CI=true``, otherwise skip loudly (the reason shows in the summary)."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing prerequisite fails)", pytrace=False)
    pytest.skip(f"PREREQUISITE MISSING: {message} (with CI=true this test fails)")


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
