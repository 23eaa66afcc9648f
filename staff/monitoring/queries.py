"""Aggregate queries over ``demand_records`` (SQLAlchemy Core; SQLite and PostgreSQL).

Every function returns counts grouped in SQL; nothing returns or even reads a single row to
the caller. The counts are raw: the pages and exports pass them through
:mod:`staff.monitoring.suppression` before anything is shown.

"Unmet" follows what a demand row records (``bot/actions/recommend.py``): ``offers_found`` is
the number of offers the bot showed after the search service's own relaxation; fewer than
three (the search's ``min_results``) counts as unmet, none as "no offer"; ``asked_for_human``
means the person asked for a person or a callback in the conversation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# the search's ``min_results``, shared with the monthly aggregates: fewer offers than this is
# "unmet demand"
from appdb.demand_retention import MIN_FITTING as MIN_FITTING
from appdb.schema import demand_records as d
from staff.monitoring.filters import Filters, municipality_bucket


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


def period_expr(engine: Engine, unit: str) -> sa.ColumnElement[str]:
    """The period key of ``day``: "YYYY-MM" for months, the Monday "YYYY-MM-DD" for weeks."""
    if engine.dialect.name == "postgresql":
        if unit == "month":
            return sa.func.to_char(d.c.day, _lit("YYYY-MM"))
        return sa.func.to_char(sa.func.date_trunc(_lit("week"), d.c.day), _lit("YYYY-MM-DD"))
    if unit == "month":
        return sa.func.strftime(_lit("%Y-%m"), d.c.day)
    return sa.func.date(d.c.day, _lit("-6 days"), _lit("weekday 1"))


def field_expr() -> sa.ColumnElement[str]:
    """The KldB Berufshauptgruppe (first two digits) of the target occupation."""
    return sa.func.substr(d.c.target_kldb, sa.literal_column("1"), sa.literal_column("2"))


def _where(filters: Filters) -> list[sa.ColumnElement[bool]]:
    cond = [d.c.day >= filters.start, d.c.day <= filters.end]
    if filters.municipality:
        cond.append(d.c.municipality == filters.municipality)
    if filters.field:
        cond.append(d.c.target_kldb.like(f"{filters.field}%"))
    if filters.goal:
        cond.append(d.c.goal == filters.goal)
    if filters.time_model:
        cond.append(d.c.time_model == filters.time_model)
    return cond


def _dimension(engine: Engine, name: str, filters: Filters) -> sa.ColumnElement[Any]:
    if name == "period":
        return period_expr(engine, filters.unit)
    if name == "field":
        return field_expr()
    columns = {
        "municipality": d.c.municipality,
        "goal": d.c.goal,
        "time_model": d.c.time_model,
        "target": d.c.target_kldb,
    }
    return columns[name]


def _flag_sum(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def grouped(engine: Engine, filters: Filters, dims: Iterable[str]) -> dict[tuple[str, ...], Counts]:
    """Counts per combination of ``dims`` (``period``, ``field``, ``municipality``, ``goal``,
    ``time_model``, ``target`` = the target KldB code) over the filtered rows. Missing values are ``"_unknown"``; municipalities
    outside the Landkreis are merged into ``"_outside"``."""
    names = list(dims)
    keys = [_dimension(engine, n, filters).label(f"k{i}") for i, n in enumerate(names)]
    query = (
        sa.select(
            *keys,
            sa.func.count().label("requests"),
            _flag_sum(d.c.offers_found < MIN_FITTING).label("unmet"),
            _flag_sum(d.c.offers_found == 0).label("no_offer"),
            _flag_sum(d.c.asked_for_human == sa.true()).label("human"),
        )
        .where(*_where(filters))
        .group_by(*[_dimension(engine, n, filters) for n in names])
    )
    out: dict[tuple[str, ...], Counts] = defaultdict(Counts)
    with engine.connect() as conn:
        for row in conn.execute(query):
            key = tuple(_bucket(n, row[i]) for i, n in enumerate(names))
            out[key].add(
                Counts(int(row.requests), int(row.unmet), int(row.no_offer), int(row.human))
            )
    return dict(out)


def _bucket(name: str, value: object) -> str:
    if name == "municipality":
        return municipality_bucket(value if isinstance(value, str) else None)
    if value is None or value == "":
        return "_unknown"
    return str(value)


def demand_by_target(engine: Engine, filters: Filters) -> dict[str, int]:
    """Requests per stated target KldB code (rows without a target are left out)."""
    query = (
        sa.select(d.c.target_kldb, sa.func.count())
        .where(*_where(filters), d.c.target_kldb.is_not(None))
        .group_by(d.c.target_kldb)
    )
    with engine.connect() as conn:
        return {str(code): int(n) for code, n in conn.execute(query)}


def demand_for_codes(by_target: dict[str, int], codes: Iterable[str]) -> dict[str, int]:
    """Requests whose target lies inside each code (prefix match, as the shortage table's
    entries cover their groups)."""
    return {code: sum(n for t, n in by_target.items() if t.startswith(code)) for code in codes}
