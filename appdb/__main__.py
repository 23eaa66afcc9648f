"""Command line of the application database (app env)::

    .venv-app/bin/python -m appdb upgrade [REVISION]     # default: head; make setup / deploy
    .venv-app/bin/python -m appdb current                # revision of the database, and the head
    .venv-app/bin/python -m appdb downgrade REVISION     # e.g. base (drops the tables)
    .venv-app/bin/python -m appdb import-legacy          # rows from LEGACY_DB_URL (old rasa.db)

The database is ``APP_DB_URL`` from the environment (default ``sqlite:///app.db`` in the project
root); a URL, which may hold a password, is never taken from the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import sqlalchemy as sa

from appdb import legacy, migrate
from appdb.urls import REPO_ROOT, app_db_url, resolve_sqlite_path, with_installed_driver


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m appdb",
        description="Migrations of the application database (APP_DB_URL).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upgrade", help="migrate to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    sub.add_parser("current", help="print the database's revision and the newest one")
    down = sub.add_parser("downgrade", help="migrate back to a revision (base: no tables)")
    down.add_argument("revision")
    sub.add_parser(
        "import-legacy",
        help=f"copy demand records and callback requests from {legacy.LEGACY_DB_URL_VARIABLE} "
        f"(default {legacy.DEFAULT_LEGACY_DB_URL}) into the migrated application database",
    )
    args = parser.parse_args(argv)
    url = app_db_url()

    if args.command == "upgrade":
        migrate.upgrade(url, args.revision)
        print(f"application database {_safe(url)} at revision {args.revision}")
    elif args.command == "downgrade":
        migrate.downgrade(url, args.revision)
        print(f"application database {_safe(url)} at revision {args.revision}")
    elif args.command == "current":
        engine = sa.create_engine(with_installed_driver(url))
        try:
            current = migrate.current_revision(engine)
        finally:
            engine.dispose()
        head = migrate.head_revision()
        print(f"{_safe(url)}: revision {current or 'none'} (newest: {head})")
        return 0 if current == head else 1
    else:
        raw = os.environ.get(legacy.LEGACY_DB_URL_VARIABLE, "").strip()
        source_url = resolve_sqlite_path(raw or legacy.DEFAULT_LEGACY_DB_URL, REPO_ROOT)
        source = sa.create_engine(with_installed_driver(source_url))
        target = sa.create_engine(with_installed_driver(url))
        try:
            result = legacy.import_legacy(source, target)
        finally:
            source.dispose()
            target.dispose()
        for table, count in result.copied.items():
            print(f"{table}: {count} rows copied")
        for table in result.skipped:
            print(f"{table}: skipped, the application database already has rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
