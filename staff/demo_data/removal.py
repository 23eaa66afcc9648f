"""Remove the demo data: every demand row and every monthly count flagged ``simulated``."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.schema import demand_monthly, demand_records


@dataclass(frozen=True)
class Removed:
    rows: int
    monthly: int


def count_simulated(engine: Engine) -> int:
    """Demand rows flagged simulated (raw rows only)."""
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).where(demand_records.c.simulated == sa.true())
        return int(conn.execute(query).scalar_one())


def remove_simulated(engine: Engine) -> Removed:
    """Delete the simulated raw rows and their share of the monthly counts (the retention keeps
    the flag as a key of ``demand_monthly``), in one transaction."""
    with engine.begin() as conn:
        rows = conn.execute(demand_records.delete().where(demand_records.c.simulated == sa.true()))
        monthly = conn.execute(
            demand_monthly.delete().where(demand_monthly.c.simulated == sa.true())
        )
    return Removed(int(rows.rowcount or 0), int(monthly.rowcount or 0))
