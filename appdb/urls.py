"""Database URLs of the application database (stdlib only, imported by both environments).

One setting, ``APP_DB_URL``, serves the action server (bot env, psycopg2) and the web server
and migrations (app env, psycopg 3): a PostgreSQL URL without a driver (``postgresql://...``)
gets the driver installed in the running environment (:func:`with_installed_driver`).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
APP_DB_URL_VARIABLE = "APP_DB_URL"
DEFAULT_APP_DB_URL = "sqlite:///app.db"
_POSTGRES_SCHEMES = ("postgresql", "postgres")
#: PostgreSQL drivers in order of preference with the SQLAlchemy dialect name of each
_POSTGRES_DRIVERS = (("psycopg", "postgresql+psycopg"), ("psycopg2", "postgresql+psycopg2"))


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make the file path of a relative ``sqlite:///`` URL absolute against ``base``.

    ``sqlite:///app.db`` -> ``sqlite:////<base>/app.db``; absolute paths, in-memory databases
    and other dialects are returned unchanged.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    path = url[len(prefix) :]
    if not path or path == ":memory:" or path.startswith("/"):
        return url
    return prefix + str((base / path).resolve())


def installed_postgres_dialect() -> str | None:
    """``postgresql+psycopg`` (psycopg 3) or ``postgresql+psycopg2``, whichever is installed."""
    for module, dialect in _POSTGRES_DRIVERS:
        if importlib.util.find_spec(module) is not None:
            return dialect
    return None


def with_installed_driver(url: str) -> str:
    """``postgresql://…`` -> ``postgresql+<installed driver>://…``; other URLs unchanged.

    A URL that names its driver (``postgresql+psycopg2://``) is kept as written.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in _POSTGRES_SCHEMES:
        return url
    dialect = installed_postgres_dialect()
    return f"{dialect}://{rest}" if dialect else url


def app_db_url(environ: Mapping[str, str] | None = None, base: Path = REPO_ROOT) -> str:
    """``APP_DB_URL`` from the environment (default ``sqlite:///app.db`` in the project root),
    relative SQLite paths made absolute against ``base``."""
    env = os.environ if environ is None else environ
    raw = env.get(APP_DB_URL_VARIABLE, "").strip() or DEFAULT_APP_DB_URL
    return resolve_sqlite_path(raw, base)
