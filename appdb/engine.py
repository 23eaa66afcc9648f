"""Engines for the application database (SQLAlchemy 1.4 and 2.x).

:func:`get_engine` never creates tables: the schema belongs to the migrations
(``python -m appdb upgrade``). :func:`log_store_failure` tells an operator when a table is
missing instead of logging a bare database error.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.urls import with_installed_driver

UPGRADE_HINT = "run `.venv-app/bin/python -m appdb upgrade` (make setup does)"


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def get_engine(url: str) -> Engine:
    """A pooled engine for ``url``, one per URL and process (a driver-less PostgreSQL URL gets
    the installed driver)."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = sa.create_engine(with_installed_driver(url), pool_pre_ping=True)
            _ENGINES[url] = engine
        return engine


def dispose_all() -> None:
    """Close every cached engine's connections and forget the engines (tests, shutdown)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.dispose()


def has_table(engine: Engine, name: str) -> bool:
    """True if the table ``name`` exists (False as well when the database cannot be reached)."""
    try:
        return sa.inspect(engine).has_table(name)
    except sa.exc.SQLAlchemyError:
        return False


def log_store_failure(
    logger: logging.Logger, what: str, engine: Engine, table: str, exc: Exception
) -> None:
    """Log a failed write of ``what`` with the error type only (never values or user data);
    when the reason is a missing table, say so and how to create it."""
    if not has_table(engine, table):
        logger.error("%s not stored: table %s missing, %s", what, table, UPGRADE_HINT)
    else:
        logger.warning("%s not stored: %s", what, type(exc).__name__)
