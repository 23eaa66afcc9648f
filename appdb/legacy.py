"""Copy demand records and callback requests from an old installation's tracker database.

Before the application database existed, the action server wrote ``demand_records`` and
``callback_requests`` into Rasa's tracker database (``rasa.db`` by default). For an existing
installation, run once after ``python -m appdb upgrade``::

    LEGACY_DB_URL=sqlite:///rasa.db .venv-app/bin/python -m appdb import-legacy

Rows are copied without their old ids (the application database numbers them); a table that is
already filled in the application database is skipped, so a second run copies nothing twice. The
old tables are left in place: drop them once the copy is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from appdb.schema import callback_requests, demand_records

LEGACY_DB_URL_VARIABLE = "LEGACY_DB_URL"
DEFAULT_LEGACY_DB_URL = "sqlite:///rasa.db"
_TABLES = (demand_records, callback_requests)


@dataclass(frozen=True)
class ImportResult:
    """Rows copied per table name, and the tables skipped because the target had rows."""

    copied: dict[str, int]
    skipped: tuple[str, ...]


def import_legacy(source: sa.engine.Engine, target: sa.engine.Engine) -> ImportResult:
    """Copy the rows of both tables from ``source`` into the migrated ``target``."""
    copied: dict[str, int] = {}
    skipped: list[str] = []
    source_tables = sa.inspect(source)
    for table in _TABLES:
        if not source_tables.has_table(table.name):
            copied[table.name] = 0
            continue
        # the old tables lack the columns added later (office, done mark): copy the shared ones
        present = {c["name"] for c in source_tables.get_columns(table.name)}
        columns = [c for c in table.columns if c.name != "id" and c.name in present]
        with target.begin() as out:
            if out.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                skipped.append(table.name)
                continue
            with source.connect() as src:
                query = sa.select(*columns).order_by(table.c.id)
                rows = [dict(row) for row in src.execute(query).mappings()]
            if rows:
                out.execute(table.insert(), rows)
            copied[table.name] = len(rows)
    return ImportResult(copied, tuple(skipped))
