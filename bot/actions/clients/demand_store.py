"""Anonymous demand records for the district's Bildungsmonitoring.

Each recommendation turn writes one row to ``demand_records`` in the same database as Rasa's
tracker store (``DEMAND_DB_URL``, default ``sqlite:///rasa.db``). A row holds only the day (no
time), municipality, goal, target KldB code, time model, how many fitting offers were found and
whether the user asked for a person: no message text, no sender id, nothing that links it to a
conversation, so it stays when a conversation is deleted (issue 5, item 7).

Writing never breaks a turn: a database error is logged (without any user data) and ignored.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

TABLE_NAME = "demand_records"
_metadata = sa.MetaData()
demand_records = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("municipality", sa.String(100)),
    sa.Column("goal", sa.String(40)),
    sa.Column("target_kldb", sa.String(5)),
    sa.Column("time_model", sa.String(40)),
    sa.Column("offers_found", sa.Integer, nullable=False),
    sa.Column("asked_for_human", sa.Boolean, nullable=False),
)


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


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)
    _metadata.create_all(engine, checkfirst=True)
    return engine


def write(url: str, record: DemandRecord) -> bool:
    """Insert ``record``; returns False (and logs the error type only) if the database fails."""
    try:
        with _engine(url).begin() as conn:
            conn.execute(demand_records.insert().values(**asdict(record)))
    except sa.exc.SQLAlchemyError as exc:
        logger.warning("demand record not stored: %s", type(exc).__name__)
        return False
    return True


def read_all(url: str) -> list[DemandRecord]:
    """All records, oldest first (for the Bildungsmonitoring export and for tests)."""
    with _engine(url).connect() as conn:
        rows = conn.execute(sa.select(demand_records).order_by(demand_records.c.id)).mappings()
        return [DemandRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows]
