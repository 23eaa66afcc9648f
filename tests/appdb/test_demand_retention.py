"""Retention of the raw demand rows: months older than the retention are counted into
``demand_monthly`` and deleted, on SQLite and PostgreSQL; nothing is lost from the counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa

from appdb.demand_retention import cutoff_day, purge_demand_records
from appdb.schema import demand_monthly, demand_records

TODAY = dt.date(2026, 12, 8)


def _row(day: dt.date, place: str | None, target: str | None, offers: int, human: bool) -> dict:
    return {
        "day": day,
        "municipality": place,
        "goal": "umschulung",
        "target_kldb": target,
        "time_model": "teilzeit",
        "offers_found": offers,
        "asked_for_human": human,
    }


ROWS = [
    _row(dt.date(2023, 5, 15), "Haar", "82102", 5, False),  # old: aggregated
    _row(dt.date(2024, 11, 1), "Haar", "82102", 0, True),
    _row(dt.date(2024, 11, 30), "Haar", "82101", 2, False),  # same month and group as above
    _row(dt.date(2024, 11, 30), None, None, 4, False),
    _row(dt.date(2024, 12, 1), "Haar", "82102", 0, True),  # first day kept
    _row(dt.date(2026, 12, 7), "Aying", "52122", 1, False),
]


def test_cutoff_keeps_whole_months_before_the_current_one() -> None:
    assert cutoff_day(TODAY, 24) == dt.date(2024, 12, 1)
    assert cutoff_day(dt.date(2026, 1, 31), 1) == dt.date(2025, 12, 1)
    assert cutoff_day(dt.date(2026, 1, 1), 24) == dt.date(2024, 1, 1)
    with pytest.raises(ValueError):
        cutoff_day(TODAY, 0)


def test_old_rows_become_monthly_counts_and_are_deleted(dbs) -> None:
    engine = sa.create_engine(dbs.app_url)
    with engine.begin() as conn:
        conn.execute(demand_records.insert(), ROWS)
    assert purge_demand_records(engine, 24, TODAY) == 4
    with engine.connect() as conn:
        kept = sorted(r.day for r in conn.execute(sa.select(demand_records.c.day)))
        m = demand_monthly.c
        found = Counter()
        for r in conn.execute(sa.select(demand_monthly)).mappings():
            key = (r["month"], r["municipality"], r["goal"], r["target_group"], r["time_model"])
            found[key + ("requests",)] += r["requests"]
            found[key + ("unmet",)] += r["unmet"]
            found[key + ("no_offer",)] += r["no_offer"]
            found[key + ("human",)] += r["human"]
        total = conn.execute(sa.select(sa.func.sum(m.requests))).scalar()
    assert kept == [dt.date(2024, 12, 1), dt.date(2026, 12, 7)]
    nov = (dt.date(2024, 11, 1), "Haar", "umschulung", "8210", "teilzeit")
    unknown = (dt.date(2024, 11, 1), None, "umschulung", None, "teilzeit")
    may = (dt.date(2023, 5, 1), "Haar", "umschulung", "8210", "teilzeit")
    assert {k: v for k, v in found.items() if v} == {
        nov + ("requests",): 2,
        nov + ("unmet",): 2,
        nov + ("no_offer",): 1,
        nov + ("human",): 1,
        unknown + ("requests",): 1,
        may + ("requests",): 1,
    }
    assert total + len(kept) == len(ROWS)  # every request is still counted once
    # a second run finds nothing to move
    assert purge_demand_records(engine, 24, TODAY) == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.sum(m.requests))).scalar() == total
    engine.dispose()
