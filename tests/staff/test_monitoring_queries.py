"""Monitoring queries over demand_records on a real migrated database (SQLite; PostgreSQL on
127.0.0.1:5432 in the last test), against a plain-Python count of the inserted rows; random
rows and filters (hypothesis) end in tables that never show a count from 1 to k-1."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appdb import migrate
from appdb.engine import dispose_all
from staff.db import staff_engine
from staff.monitoring import filters as flt
from staff.monitoring import queries, tables
from staff.monitoring.filters import Filters
from tests.pg_support import fresh_database, url_of
from tests.staff.monitoring_support import (
    AGE_BANDS,
    EMPLOYMENT,
    FORMATS,
    GOALS,
    PLACES,
    TIME_MODELS,
    insert,
    random_rows,
    row,
)

TODAY = dt.date(2026, 12, 7)
K = 5


@pytest.fixture
def engine(staff_db_url: str) -> sa.Engine:
    return staff_engine(staff_db_url)


def expected(rows: list[dict[str, Any]], f: Filters, key: Any) -> Counter[Any]:
    """Reference: count the rows passing ``f`` by ``key(row)`` in Python."""
    found: Counter[Any] = Counter()
    for r in rows:
        if not f.start <= r["day"] <= f.end:
            continue
        if f.municipality and r["municipality"] != f.municipality:
            continue
        if f.field and not (r["target_kldb"] or "").startswith(f.field):
            continue
        if f.goal and r["goal"] != f.goal:
            continue
        if f.time_model and r["time_model"] != f.time_model:
            continue
        if any(
            getattr(f, n) and r.get(n) != getattr(f, n)
            for n in ("format", "employment_status", "age_band")
        ):
            continue
        if f.without_demo and r.get("simulated"):
            continue
        found[key(r)] += 1
    return found


def test_periods_fields_and_buckets(engine: sa.Engine) -> None:
    rows = [
        row(dt.date(2026, 11, 30), target_kldb="82102"),  # Monday of KW 49
        row(dt.date(2026, 12, 6), target_kldb="83112", municipality="München"),  # Sunday
        row(dt.date(2026, 11, 29), target_kldb=None, municipality=None, offers_found=0),
        row(dt.date(2026, 11, 1), offers_found=2, asked_for_human=True),
        row(dt.date(2026, 10, 31)),  # before both filters
    ]
    insert(engine, rows)
    weeks = flt.parse({"einheit": "week", "von": "2026-11-25", "bis": "2026-12-06"}, TODAY)
    assert (weeks.start, weeks.end) == (dt.date(2026, 11, 23), dt.date(2026, 12, 6))
    by_week = queries.grouped(engine, weeks, ["period", "field"])
    assert {k: c.requests for k, c in by_week.items()} == {
        ("2026-11-30", "82"): 1,
        ("2026-11-30", "83"): 1,
        ("2026-11-23", "_unknown"): 1,
    }
    months = flt.parse({"einheit": "month", "von": "2026-11", "bis": "2026-11"}, TODAY)
    by_place = queries.grouped(engine, months, ["municipality"])
    assert {k: c.requests for k, c in by_place.items()} == {("Haar",): 2, ("_unknown",): 1}
    assert by_place[("Haar",)].unmet == 1 and by_place[("_unknown",)].no_offer == 1
    assert by_place[("Haar",)].human == 1
    december = flt.parse({"einheit": "month", "von": "2026-12", "bis": "2026-12"}, TODAY)
    assert queries.grouped(engine, december, ["municipality"]) == {
        ("_outside",): queries.Counts(1, 0, 0, 0),  # München is outside the Landkreis
    }
    by_target = queries.demand_by_target(engine, months)
    assert queries.demand_for_codes(by_target, ["821", "8210", "831"]) == {
        "821": 2,
        "8210": 2,
        "831": 0,
    }


def test_filters_restrict_every_query(engine: sa.Engine) -> None:
    rows = random_rows(7, 300, dt.date(2026, 6, 1), 180)
    insert(engine, rows)
    f = flt.parse(
        {
            "von": "2026-07",
            "bis": "2026-10",
            "gemeinde": "Haar",
            "bereich": "82",
            "ziel": "umschulung",
        },
        TODAY,
    )
    assert set(f.problems) <= {"too_long"}  # weeks: at most 24
    got = queries.grouped(engine, f, ["period"])
    want = expected(rows, f, lambda r: r["day"].strftime("%Y-%m"))
    assert {k[0]: c.requests for k, c in got.items()} == dict(want)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(0, 160),
    unit=st.sampled_from(flt.UNITS),
    place=st.sampled_from([p for p in PLACES if p not in (None, "München")] + [""]),
    field=st.sampled_from(["", "82", "83", "43"]),
    goal=st.sampled_from([g for g in GOALS if g] + [""]),
    time_model=st.sampled_from([t for t in TIME_MODELS if t] + [""]),
    breakdown=st.sampled_from(flt.BREAKDOWNS),
    extra=st.fixed_dictionaries(
        {
            "lernform": st.sampled_from([v for v in FORMATS if v] + [""]),
            "erwerb": st.sampled_from([v for v in EMPLOYMENT if v] + [""]),
            "alter": st.sampled_from([v for v in AGE_BANDS if v] + [""]),
            "demo": st.sampled_from(["", "ohne"]),
        }
    ),
)
def test_random_rows_and_filters_never_show_small_counts(
    engine: sa.Engine,
    seed: int,
    count: int,
    unit: str,
    place: str,
    field: str,
    goal: str,
    time_model: str,
    breakdown: str,
    extra: dict[str, str],
) -> None:
    rows = random_rows(seed, count, dt.date(2026, 5, 1), 220, simulated=0.2)
    insert(engine, rows)
    f = flt.parse(
        {"einheit": unit, "von": "2026-06-01", "bis": "2026-11-30", "gemeinde": place,
         "bereich": field, "ziel": goal, "zeitmodell": time_model, "nach": breakdown, **extra},
        TODAY,
    )  # fmt: skip
    assert set(f.problems) <= {"too_long"}  # weeks: at most 24
    by_period = queries.grouped(engine, f, ["period", breakdown])
    want = expected(
        rows,
        f,
        lambda r: flt.period_key(unit, flt.start_of(unit, r["day"])),
    )
    got: Counter[str] = Counter()
    for (period, _), c in by_period.items():
        got[period] += c.requests
    assert dict(got) == dict(want)
    by_place = queries.grouped(engine, f, ["municipality"])
    linked = tables.linked_tables(by_period, by_place, f, K)
    built = [*linked, tables.unmet_matrix(queries.grouped(engine, f, ["municipality", "field"]), K)]
    built.append(tables.ranking(built[-1]))
    shared = linked if breakdown == "municipality" else linked[1:]
    for label in {r.label for t in shared for r in t.rows}:  # shared totals: one answer
        seen = {r.values[-1] for t in shared for r in t.rows if r.label == label}
        assert len(seen) == 1, (label, seen)
    assert len({t.footer.values[-1] for t in linked if t.footer}) == 1
    for table in built:
        for r in (*table.rows, *([table.footer] if table.footer else [])):
            for kind, value in zip(table.kinds, r.values, strict=True):
                if kind == tables.COUNT:
                    assert value is None or value == 0 or value >= K, (table.id, r)


def test_the_same_queries_on_postgresql() -> None:
    driver = "postgresql+psycopg"
    with fresh_database("bl_monitoring", driver) as name:
        url = url_of(name, driver)
        migrate.upgrade(url)
        engine = staff_engine(url)
        try:
            rows = random_rows(3, 400, dt.date(2026, 5, 1), 220)
            insert(engine, rows)
            for unit in flt.UNITS:
                f = flt.parse({"einheit": unit, "von": "2026-06-01", "bis": "2026-11-30"}, TODAY)
                got = queries.grouped(engine, f, ["period", "field", "municipality"])
                want = expected(
                    rows, f, lambda r, u=unit: flt.period_key(u, flt.start_of(u, r["day"]))
                )
                per_period: Counter[str] = Counter()
                for key, c in got.items():
                    per_period[key[0]] += c.requests
                assert dict(per_period) == dict(want)
                fields = {key[1] for key in got}
                assert fields <= {"82", "83", "43", "52", "29", "_unknown"}
            assert queries.demand_by_target(engine, f) == dict(
                expected(rows, f, lambda r: r["target_kldb"]) - Counter({None: 10**9})
            )
        finally:
            dispose_all()


@pytest.fixture(autouse=True)
def _dispose() -> Iterator[None]:
    yield
    dispose_all()


def test_a_total_hidden_in_one_table_is_hidden_in_the_others() -> None:
    """Requests per municipality are the row totals of "ergebnis" and, broken down by
    municipality, of "nachfrage". Protected alone, "nachfrage" hides Haar's 9 and Ottobrunn's
    5 while "ergebnis" shows them; linked, both hide them."""
    by_period = {
        ("2026-10", "Haar"): queries.Counts(6),
        ("2026-11", "Haar"): queries.Counts(3),
        ("2026-10", "Unterhaching"): queries.Counts(6),
        ("2026-11", "Unterhaching"): queries.Counts(6),
        ("2026-10", "Ottobrunn"): queries.Counts(5),
    }
    by_place = {
        ("Haar",): queries.Counts(9, 8, 3, 0),
        ("Unterhaching",): queries.Counts(12, 9, 4, 0),
        ("Ottobrunn",): queries.Counts(5, 4, 3, 0),
    }
    f = flt.parse({"nach": "municipality", "von": "2026-10", "bis": "2026-11"}, TODAY)

    def totals(table: tables.Table) -> dict[str, object]:
        return {r.label: r.values[-1] for r in table.rows}

    assert totals(tables.demand_over_time(by_period, f, K))["Haar"] is None
    assert totals(tables.outcome_by_municipality(by_place, K))["Haar"] == 9
    linked = tables.linked_tables(by_period, by_place, f, K)
    assert [totals(t)["Haar"] for t in linked] == [None, None]
    assert totals(linked[0]) == totals(linked[1])
    other = flt.parse({"nach": "goal", "von": "2026-10", "bis": "2026-11"}, TODAY)
    assert totals(tables.linked_tables({}, by_place, other, K)[1])["Haar"] == 9  # not linked


def test_the_pages_and_exports_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.staff.staff_helpers import FakeClock, StaffWorld

    monkeypatch.setenv("SEARCH_URL", "http://127.0.0.1:9")  # no supply figures
    driver = "postgresql+psycopg"
    with fresh_database("bl_monitoring_pages", driver) as name:
        url = url_of(name, driver)
        migrate.upgrade(url)
        try:
            world = StaffWorld(url, FakeClock())
            world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
            insert(world.engine, random_rows(4, 300, dt.date(2026, 5, 1), 220))
            client = world.session_client(world.add_account("ana@example.de", "analyst"))
            for path in ("/staff/analyst?einheit=week&nach=municipality", "/staff/analyst/engpass"):
                assert client.get(path).status_code == 200, path
            answer = client.get("/staff/analyst/export?tabelle=ungedeckt&format=xlsx")
            assert answer.status_code == 200 and answer.content[:2] == b"PK"
        finally:
            dispose_all()
