"""Alembic migrations of the application database, configured in code (no ``alembic.ini``).

App env only (Alembic is installed there). Run once from ``make setup`` and on every deploy
(``.venv-app/bin/python -m appdb upgrade``), never when a process starts.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Alembic configuration for the database at ``url`` (kept out of the ini interpolation)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creates it first for SQLite)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Go back to ``revision`` (``base`` drops every table of the application database)."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision in ``appdb/migrations/versions``."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(engine: sa.engine.Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
