"""A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth) for the tests
of the production configuration (tracker store, demand records, callback requests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

PG_HOST = "postgres@127.0.0.1:5432"


def url_of(name: str, driver: str = "postgresql") -> str:
    """SQLAlchemy URL of database ``name`` (``driver`` e.g. ``postgresql+psycopg``)."""
    return f"{driver}://{PG_HOST}/{name}"


@contextmanager
def fresh_database(prefix: str, driver: str = "postgresql") -> Iterator[str]:
    """Create a database named ``<prefix>_<random>``, yield its name, drop it afterwards.

    Fails (does not skip) when PostgreSQL is not reachable: it runs on these machines and in CI.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url_of("postgres", driver), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is required for this test: {exc}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
