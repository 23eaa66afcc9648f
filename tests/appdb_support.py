"""Migrated application databases for the tests of both environments.

The schema is made by the real Alembic migrations (:mod:`appdb.migrate`), as ``make setup`` does:
in-process in the app env, through the app env's ``python -m appdb upgrade`` from the bot env
(Alembic is installed in the app env only).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP_PYTHON = REPO / ".venv-app" / "bin" / "python"


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest revision."""
    if importlib.util.find_spec("alembic") is not None:
        from appdb import migrate as migrations

        migrations.upgrade(url)
        return
    env = {**os.environ, "APP_DB_URL": url}
    done = subprocess.run(
        [str(APP_PYTHON), "-m", "appdb", "upgrade"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m appdb upgrade failed:\n{done.stderr[-2000:]}")


def migrated_sqlite(template: Path, target: Path) -> str:
    """Copy the migrated SQLite ``template`` (see :func:`make_template`) to ``target``."""
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def make_template(directory: Path) -> Path:
    """A migrated SQLite file in ``directory`` (made once per session, copied per test)."""
    path = directory / "app-template.db"
    migrate(f"sqlite:///{path}")
    return path
