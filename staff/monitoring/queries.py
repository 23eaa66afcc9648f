"""Aggregate queries over ``demand_records`` (SQLAlchemy Core; SQLite and PostgreSQL).

Every function returns counts grouped in SQL; nothing returns or even reads a single row to
the caller. The counts are raw: the pages and exports pass them through
:mod:`staff.monitoring.suppression` before anything is shown.

"Unmet" follows what a demand row records (``bot/actions/recommend.py``): ``offers_found`` is
the number of offers the bot showed after the search service's own relaxation; fewer than
three (the search's ``min_results``) counts as unmet, none as "no offer"; ``asked_for_human``
means the person asked for a person or a callback in the conversation.

Months older than the retention of the raw rows (``DEMAND_RETENTION_MONTHS``) survive as
monthly counts in ``demand_monthly`` (:mod:`appdb.demand_retention`; the target KldB code cut
to four digits): the views by month add them, so every request counts exactly once, before or
after the retention. Views by week cannot split a month and show raw rows only
(:func:`raw_rows_from` tells the page from when on weeks are complete).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# the search's ``min_results``, shared with the monthly aggregates: fewer offers than this is
# "unmet demand"
from appdb.demand_retention import MIN_FITTING as MIN_FITTING
from appdb.schema import demand_monthly as agg
from appdb.schema import demand_records as d
from staff.monitoring.filters import MONTH, Filters, municipality_bucket


@dataclass
class Counts:
    """Requests of one group: all, with fewer than three offers, with none, asking for a person."""

    requests: int = 0
    unmet: int = 0
    no_offer: int = 0
    human: int = 0

    def add(self, other: Counts) -> None:
        self.requests += other.requests
        self.unmet += other.unmet
        self.no_offer += other.no_offer
        self.human += other.human


def _lit(text: str) -> sa.ColumnElement[str]:
    """A constant rendered into the SQL (not a bound parameter), so that an expression in the
    select list and in GROUP BY is the same text (PostgreSQL compares them textually)."""
    return sa.literal_column(f"'{text}'")


def field_expr() -> sa.ColumnElement[str]:
    """The KldB Berufshauptgruppe (first two digits) of the target occupation."""
    return sa.func.substr(d.c.target_kldb, sa.literal_column("1"), sa.literal_column("2"))


#: filters and breakdowns that are a column of both tables under the same name
PLAIN = ("municipality", "goal", "time_model", "format", "employment_status", "age_band")


def _plain(table: sa.Table, filters: Filters) -> list[sa.ColumnElement[bool]]:
    cond = [table.c[name] == getattr(filters, name) for name in PLAIN if getattr(filters, name)]
    if filters.without_demo:
        cond.append(table.c.simulated == sa.false())
    return cond


def _where(filters: Filters) -> list[sa.ColumnElement[bool]]:
    cond = [d.c.day >= filters.start, d.c.day <= filters.end, *_plain(d, filters)]
    if filters.field:
        cond.append(d.c.target_kldb.like(f"{filters.field}%"))
    return cond


def _dimension(name: str) -> sa.ColumnElement[Any]:
    if name == "field":
        return field_expr()
    return d.c.target_kldb if name == "target" else d.c[name]


def _flag_count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """Rows of the group meeting ``condition`` (SQL ``count(*) FILTER (WHERE …)``)."""
    return sa.func.count().filter(condition)


def _period_of(day: dt.date, unit: str) -> str:
    """The period key of a day (the ``Date`` column, a ``date`` on both engines): "YYYY-MM" for
    months, the Monday "YYYY-MM-DD" for weeks."""
    if unit == MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _tuned(conn: sa.Connection) -> None:
    """PostgreSQL settings of this transaction for the aggregates: enough memory to hash the
    groups instead of sorting them on disk, and no JIT compilation (it costs more than it saves
    on these short queries on two cores). Measured in docs/benchmarks.md."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL work_mem = '32MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")


def grouped(engine: Engine, filters: Filters, dims: Iterable[str]) -> dict[tuple[str, ...], Counts]:
    """Counts per combination of ``dims`` (``period``, ``field``, ``target`` = the target KldB
    code, or a column of :data:`PLAIN`) over the filtered rows. Missing values are ``"_unknown"``; municipalities
    outside the Landkreis are merged into ``"_outside"``.

    The raw rows are grouped by ``day`` for the period (a plain column: the planner estimates its
    groups well and nothing is computed per row); the days are added up to periods here."""
    names = list(dims)
    raw_dims = [d.c.day if n == "period" else _dimension(n) for n in names]
    query = (
        sa.select(
            *[dim.label(f"k{i}") for i, dim in enumerate(raw_dims)],
            sa.func.count().label("requests"),
            _flag_count(d.c.offers_found < MIN_FITTING).label("unmet"),
            _flag_count(d.c.offers_found == 0).label("no_offer"),
            _flag_count(d.c.asked_for_human == sa.true()).label("human"),
        )
        .where(*_where(filters))
        .group_by(*raw_dims)
    )
    out: dict[tuple[str, ...], Counts] = defaultdict(Counts)
    with engine.connect() as conn:
        _tuned(conn)
        for row in conn.execute(query):
            key = tuple(
                _period_of(row[i], filters.unit) if n == "period" else _bucket(n, row[i])
                for i, n in enumerate(names)
            )
            out[key].add(
                Counts(int(row.requests), int(row.unmet), int(row.no_offer), int(row.human))
            )
        if filters.unit == MONTH:
            for row in conn.execute(_monthly(engine, filters, names)):
                key = tuple(_bucket(n, row[i]) for i, n in enumerate(names))
                out[key].add(
                    Counts(int(row.requests), int(row.unmet), int(row.no_offer), int(row.human))
                )
    return dict(out)


def _monthly_dimension(engine: Engine, name: str) -> sa.ColumnElement[Any]:
    if name == "period":
        if engine.dialect.name == "postgresql":
            return sa.func.to_char(agg.c.month, _lit("YYYY-MM"))
        return sa.func.strftime(_lit("%Y-%m"), agg.c.month)
    if name == "field":
        return sa.func.substr(agg.c.target_group, sa.literal_column("1"), sa.literal_column("2"))
    return agg.c.target_group if name == "target" else agg.c[name]


def _monthly_where(filters: Filters) -> list[sa.ColumnElement[bool]]:
    cond = [agg.c.month >= filters.start.replace(day=1), agg.c.month <= filters.end]
    cond += _plain(agg, filters)
    if filters.field:
        cond.append(agg.c.target_group.like(f"{filters.field}%"))
    return cond


def _monthly(engine: Engine, filters: Filters, names: list[str]) -> sa.Select[Any]:
    """The same grouping over the monthly counts of the months past the retention."""
    keys = [_monthly_dimension(engine, n).label(f"k{i}") for i, n in enumerate(names)]
    total = [
        sa.func.coalesce(sa.func.sum(agg.c[c]), 0).label(c)
        for c in ("requests", "unmet", "no_offer", "human")
    ]
    return (
        sa.select(*keys, *total)
        .where(*_monthly_where(filters))
        .group_by(*[_monthly_dimension(engine, n) for n in names])
    )


def raw_rows_from(engine: Engine) -> dt.date | None:
    """The first day from which on every request is a raw row (the day after the newest month
    of the monthly counts), or None when the retention has not moved any month yet."""
    with engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.max(agg.c.month))).scalar()
    if newest is None:
        return None
    if isinstance(newest, str):  # SQLite returns the aggregate of a date column as text
        newest = dt.date.fromisoformat(newest)
    return (newest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _bucket(name: str, value: object) -> str:
    if name == "municipality":
        return municipality_bucket(value if isinstance(value, str) else None)
    if value is None or value == "":
        return "_unknown"
    return str(value)


def _counts_by_key(
    engine: Engine, filters: Filters, raw: sa.Select[Any], monthly: sa.Select[Any]
) -> dict[str, int]:
    """(key, count) rows of ``raw`` plus, for views by month, of ``monthly``, added up per key."""
    out: dict[str, int] = defaultdict(int)
    with engine.connect() as conn:
        _tuned(conn)
        found = list(conn.execute(raw))
        if filters.unit == MONTH:
            found += conn.execute(monthly)
        for key, n in found:
            out[str(key)] += int(n)
    return dict(out)


def demand_by_target(engine: Engine, filters: Filters) -> dict[str, int]:
    """Requests per stated target KldB code (rows without a target are left out; months past
    the retention by the first four digits)."""
    query = (
        sa.select(d.c.target_kldb, sa.func.count())
        .where(*_where(filters), d.c.target_kldb.is_not(None))
        .group_by(d.c.target_kldb)
    )
    monthly = (
        sa.select(agg.c.target_group, sa.func.sum(agg.c.requests))
        .where(*_monthly_where(filters), agg.c.target_group.is_not(None))
        .group_by(agg.c.target_group)
    )
    return _counts_by_key(engine, filters, query, monthly)


def terms_without_offer(engine: Engine, filters: Filters) -> dict[str, int]:
    """Requests that found no offer, per closed-vocabulary search term (``knowledge.search_terms``;
    rows without a term – written before revision 0006 – are left out)."""
    query = (
        sa.select(d.c.search_term, sa.func.count())
        .where(*_where(filters), d.c.offers_found == 0, d.c.search_term.is_not(None))
        .group_by(d.c.search_term)
    )
    monthly = (
        sa.select(agg.c.search_term, sa.func.sum(agg.c.no_offer))
        .where(*_monthly_where(filters), agg.c.search_term.is_not(None), agg.c.no_offer > 0)
        .group_by(agg.c.search_term)
    )
    return _counts_by_key(engine, filters, query, monthly)


def demand_for_codes(by_target: dict[str, int], codes: Iterable[str]) -> dict[str, int]:
    """Requests whose target lies inside each code (prefix match, as the shortage table's
    entries cover their groups)."""
    return {code: sum(n for t, n in by_target.items() if t.startswith(code)) for code in codes}


def has_simulated(engine: Engine) -> bool:
    """Whether any raw row or monthly count comes from signed demo conversations (the pages
    then show a banner, the exports a note)."""
    with engine.connect() as conn:
        for table in (d, agg):
            found = conn.execute(
                sa.select(table.c.id).where(table.c.simulated == sa.true()).limit(1)
            ).first()
            if found is not None:
                return True
    return False
