"""Anonymous demand records for the district's Bildungsmonitoring.

Each recommendation turn writes one row to ``demand_records`` (:mod:`appdb.schema`) in the
application database (``APP_DB_URL``, default ``sqlite:///app.db``; created by
``python -m appdb upgrade``, never here). A row holds only the day (no
time), municipality, goal, target KldB code, time model, format wish, employment status and
age band (the latter two only when the funding questions collected them; a band, never an
age), how many fitting offers were found, whether the user asked for a person and whether the
conversation was a signed demo conversation (``simulated``): no message text, no sender id, nothing that links it to a
conversation, so it stays when a conversation is deleted (issue 5, item 7).

Writing never breaks a turn: a database error is logged (without any user data; a missing table
with the command that creates it) and ignored.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from appdb.engine import get_engine, log_store_failure
from appdb.schema import demand_records

logger = logging.getLogger(__name__)

TABLE_NAME = demand_records.name


@dataclass(frozen=True)
class DemandRecord:
    """One anonymous record; ``day`` is the date only."""

    day: dt.date
    municipality: str | None
    goal: str | None
    target_kldb: str | None
    time_model: str | None
    offers_found: int
    asked_for_human: bool
    format: str | None = None
    employment_status: str | None = None
    age_band: str | None = None
    simulated: bool = False
    #: closed-vocabulary term when the search found nothing (knowledge.search_terms)
    search_term: str | None = None


def write(url: str, record: DemandRecord) -> bool:
    """Insert ``record``; returns False (and logs the error type only) if the database fails."""
    engine = get_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(demand_records.insert().values(**asdict(record)))
    except sa.exc.SQLAlchemyError as exc:
        log_store_failure(logger, "demand record", engine, TABLE_NAME, exc)
        return False
    return True


def read_all(url: str) -> list[DemandRecord]:
    """All records, oldest first (for the Bildungsmonitoring export and for tests)."""
    with get_engine(url).connect() as conn:
        rows = conn.execute(sa.select(demand_records).order_by(demand_records.c.id)).mappings()
        return [DemandRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]
