"""Alembic environment of the application database (run through ``python -m appdb``).

The URL comes from :mod:`appdb.migrate` (``config.attributes["url"]``, read from ``APP_DB_URL``),
never from an ini file or the command line. Online mode only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from appdb.schema import metadata
from appdb.urls import with_installed_driver

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # a caller (tests) passed an open connection
        _run(connection)
        return
    url = with_installed_driver(config.attributes["url"])
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite has no ALTER COLUMN
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against the database")
run_migrations_online()
