"""Retention of the raw demand rows (``demand_records``): rows of months older than
``DEMAND_RETENTION_MONTHS`` (default 24) are counted into ``demand_monthly`` (month x
municipality x goal x first four digits of the target KldB code x time model x format wish x
employment status x age band x demo flag x search term: requests, fewer than three offers, no offer, asked for
a person) and deleted, in one transaction.

Whole months only: the cutoff is the first day of the month ``months`` months before the
current one, so the current month and the ``months`` whole months before it keep their raw rows
(the monitoring pages show at most 24 periods). Run by the staff housekeeping
(``staff/housekeeping.py``).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from appdb.schema import demand_monthly, demand_records

logger = logging.getLogger(__name__)

#: fewer offers shown than this is "unmet demand" (the search's ``min_results``)
MIN_FITTING = 3
#: digits of the target KldB code kept in the aggregates (covers fields and shortage codes)
TARGET_GROUP_DIGITS = 4
#: keys of the monthly counts taken over as they are (revisions 0005 and 0006)
EXTRA_KEYS = ("format", "employment_status", "age_band", "simulated", "search_term")


def cutoff_day(today: dt.date, months: int) -> dt.date:
    """First day kept: the first of the month ``months`` months before ``today``'s month."""
    if months < 1:
        raise ValueError("months must be at least 1")
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_of_day(engine: Engine) -> sa.ColumnElement[dt.date]:
    day = demand_records.c.day
    if engine.dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), day), sa.Date)
    return sa.func.date(day, sa.literal_column("'start of month'"), type_=sa.Date)


def _flag_sum(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def purge_demand_records(engine: Engine, months: int, today: dt.date) -> int:
    """Aggregate and delete the raw demand rows older than the retention; return how many
    rows were deleted."""
    cutoff = cutoff_day(today, months)
    d = demand_records.c
    month = _month_of_day(engine)
    group = sa.func.substr(
        d.target_kldb, sa.literal_column("1"), sa.literal_column(str(TARGET_GROUP_DIGITS))
    )
    keys = (month, d.municipality, d.goal, group, d.time_model, *(d[c] for c in EXTRA_KEYS))
    counts = sa.select(
        *keys,
        sa.func.count(),
        _flag_sum(d.offers_found < MIN_FITTING),
        _flag_sum(d.offers_found == 0),
        _flag_sum(d.asked_for_human == sa.true()),
    ).where(d.day < cutoff)
    m = demand_monthly.c
    columns = [m.month, m.municipality, m.goal, m.target_group, m.time_model]
    columns += [m[c] for c in EXTRA_KEYS]
    columns += [m.requests, m.unmet, m.no_offer, m.human]
    with engine.begin() as conn:
        conn.execute(demand_monthly.insert().from_select(columns, counts.group_by(*keys)))
        deleted = conn.execute(demand_records.delete().where(d.day < cutoff)).rowcount
    logger.info("demand records aggregated and purged: %d", deleted)
    return int(deleted or 0)
