"""Benchmark of the Bildungsmonitoring queries (``make bench-monitoring``); prints Markdown.

Inserts synthetic demand rows directly (no bot) into throw-away databases migrated with the
project's migrations (``appdb.migrate.upgrade``):

* SQLite: a file under ``build/bench-monitoring/`` (deleted at the end unless ``--keep``);
* PostgreSQL: a fresh database ``bench_monitoring_<random>`` on 127.0.0.1:5432 (trust auth, as
  the tests use it), dropped at the end.

The rows are synthetic and live only in these databases (their names say so, and a table
``synthetic_data_notice`` in each says it again); nothing is written to a real application
database. Distribution: the 29 municipalities weighted by population (2024) plus a few rows
from outside the district and without a place; target KldB codes (5 digits) partly below the
shortage occupations of ``knowledge/data/shortage_occupations.csv``, the rest Zipf-weighted
over other Berufsgattungen; goals and time models from ``knowledge/vocabulary.py``; days over
the last 24 whole months with a weekday pattern and slight growth; fewer offers in small
municipalities and shortage fields.

Then it runs the dashboard's real code as the routes do (``staff.monitoring.queries`` and
``tables``; the supply figures of the search service are left out, as when it does not answer)
for a few filters, ``--repeat`` times each after ``--warmup`` rounds, and reports p50/p95/max
per query and per page (all queries of the overview page plus building and protecting its
tables). Baselines from the same run: the same queries on ``--baseline-rows`` rows and a plain
``SELECT count(*)`` of the table.

Usage:
  python scripts/bench_monitoring.py                        # 1,000,000 rows, SQLite and PostgreSQL
  python scripts/bench_monitoring.py --rows 2000 --baseline-rows 500 --repeat 3 --sqlite-only
  python scripts/bench_monitoring.py --revision 0003        # schema without the 0004 index
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from bench_monitoring_data import COLUMNS, synthetic_rows  # noqa: E402  (scripts/ on sys.path)
from bench_stats import pct  # noqa: E402  (scripts/ is on sys.path)

from appdb import migrate  # noqa: E402
from appdb.schema import demand_monthly, demand_records  # noqa: E402
from appdb.urls import with_installed_driver  # noqa: E402
from knowledge.shortage import load_shortages  # noqa: E402
from staff.monitoring import filters as flt  # noqa: E402
from staff.monitoring import queries, tables  # noqa: E402

PG_SERVER = "postgres@127.0.0.1:5432"
K = 5


# ------------------------------------------------------------------------- databases
@contextmanager
def sqlite_database(directory: Path, rows: int, keep: bool) -> Iterator[str]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"synthetic-demand-{rows}.db"
    path.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        if not keep:
            path.unlink(missing_ok=True)


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"bench_monitoring_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        with_installed_driver(f"postgresql://{PG_SERVER}/postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield with_installed_driver(f"postgresql://{PG_SERVER}/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(engine: sa.Engine, rows: int, today: dt.date, seed: int) -> float:
    """Insert the rows (COPY on PostgreSQL, executemany on SQLite) and update the planner
    statistics; return the seconds taken."""
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE synthetic_data_notice (note VARCHAR(200))"))
        conn.execute(
            sa.text("INSERT INTO synthetic_data_notice VALUES (:n)"),
            {"n": "synthetic demand rows of scripts/bench_monitoring.py, not real requests"},
        )
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
            with cur.copy(f"COPY demand_records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for chunk in synthetic_rows(rows, today, seed):
                    for values in chunk:
                        copy.write_row(values)
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as conn:
            for chunk in synthetic_rows(rows, today, seed):
                conn.execute(
                    demand_records.insert(), [dict(zip(COLUMNS, v, strict=True)) for v in chunk]
                )
    analyze(engine)
    return time.perf_counter() - started


def analyze(engine: sa.Engine) -> None:
    """Planner statistics (and PostgreSQL's visibility map), as autovacuum would keep them."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE demand_records"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


# ------------------------------------------------------------------------- the dashboard's work
def scenarios(today: dt.date) -> dict[str, flt.Filters]:
    """The filters measured, parsed from query parameters like the routes do."""
    last = flt.start_of(flt.MONTH, flt.start_of(flt.MONTH, today) - dt.timedelta(days=1))
    first24 = last
    for _ in range(23):
        first24 = flt.start_of(flt.MONTH, first24 - dt.timedelta(days=1))
    params = {
        "default (6 months)": {},
        "24 months": {"von": first24.strftime("%Y-%m"), "bis": last.strftime("%Y-%m")},
        "12 weeks": {"einheit": "week"},
        "one municipality (Unterhaching)": {"gemeinde": "Unterhaching"},
        "one field (82)": {"bereich": "82"},
    }
    return {name: flt.parse(p, today) for name, p in params.items()}


def page_steps(engine: sa.Engine, f: flt.Filters) -> list[tuple[str, Callable[[], Any]]]:
    """The queries of the overview page (``routes.Builder``, each once) and of the page per
    municipality, in the order the routes run them."""
    return [
        ("grouped(period, breakdown)", lambda: queries.grouped(engine, f, ("period", f.breakdown))),
        ("grouped(municipality)", lambda: queries.grouped(engine, f, ("municipality",))),
        (
            "grouped(municipality, field)",
            lambda: queries.grouped(engine, f, ("municipality", "field")),
        ),
        ("demand_by_target", lambda: queries.demand_by_target(engine, f)),
        (
            "grouped(municipality, target)",
            lambda: queries.grouped(engine, f, ("municipality", "target")),
        ),
    ]


def build_tables(results: list[Any], f: flt.Filters) -> None:
    """The protected tables of both pages from the query results (supply: not available)."""
    by_period, by_place, by_field, by_target, by_code = results
    tables.linked_tables(by_period, by_place, f, K)
    tables.ranking(tables.unmet_matrix(by_field, K))
    tables.ranking(tables.human_matrix(by_field, K))
    entries = load_shortages()
    codes = list(dict.fromkeys(e.code for e in entries))
    tables.shortage_table(
        entries, queries.demand_for_codes(by_target, codes), None, K, f.municipality
    )
    tables.shortage_by_municipality(entries, by_code, None, K)


def measure(
    engine: sa.Engine, today: dt.date, repeat: int, warmup: int
) -> dict[tuple[str, str], list[float]]:
    """Milliseconds per (scenario, query); query ``page`` = every query plus the tables."""
    times: dict[tuple[str, str], list[float]] = {}
    count = sa.select(sa.func.count()).select_from(demand_records)
    for name, f in scenarios(today).items():
        print(f"  {engine.dialect.name}: {name}", file=sys.stderr, flush=True)
        steps = page_steps(engine, f)
        for round_no in range(warmup + repeat):
            results, page_start = [], time.perf_counter()
            for label, run in steps:
                start = time.perf_counter()
                results.append(run())
                if round_no >= warmup:
                    times.setdefault((name, label), []).append((time.perf_counter() - start) * 1000)
            build_tables(results, f)
            if round_no >= warmup:
                times.setdefault((name, "page"), []).append(
                    (time.perf_counter() - page_start) * 1000
                )
    for round_no in range(warmup + repeat):
        start = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(count).scalar()
        if round_no >= warmup:
            times.setdefault(("baseline", "SELECT count(*)"), []).append(
                (time.perf_counter() - start) * 1000
            )
    return times


# ------------------------------------------------------------------------- report
Times = dict[tuple[str, str], list[float]]


def run_engine(
    url: str, rows: int, args: argparse.Namespace, repeat: int
) -> dict[str, tuple[float, Times]]:
    """Fill at the first revision and measure; with ``--compare REV`` fill at REV, measure,
    upgrade to ``--revision`` (timed: the migration on the filled table) and measure again."""
    first = args.compare or args.revision
    migrate.upgrade(url, first)
    engine = sa.create_engine(url)
    created = not sa.inspect(engine).has_table(demand_monthly.name)
    if created:  # before 0004: the queries of this code also read the (empty) monthly counts
        demand_monthly.create(engine)
    try:
        seconds = fill(engine, rows, args.today, args.seed)
        found = {first: (seconds, measure(engine, args.today, repeat, args.warmup))}
        if args.compare:
            if created:
                demand_monthly.drop(engine)
            start = time.perf_counter()
            migrate.upgrade(url, args.revision)
            analyze(engine)
            found[args.revision] = (
                time.perf_counter() - start,
                measure(engine, args.today, repeat, args.warmup),
            )
        return found
    finally:
        engine.dispose()


def _ms(values: list[float]) -> str:
    return f"{pct(values, 0.5):.0f} | {pct(values, 0.95):.0f} | {max(values):.0f}"


Results = dict[str, dict[int, dict[str, tuple[float, Times]]]]


def report(results: Results, args: argparse.Namespace) -> None:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    runs = f"{args.repeat} runs" + (
        f" ({args.sqlite_repeat} on SQLite)" if args.sqlite_repeat != args.repeat else ""
    )
    print("## Bildungsmonitoring queries\n")
    print(
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} cores, {mem:.0f} GB RAM, Python {platform.python_version()}, "
        f"SQLAlchemy {sa.__version__}; {runs} per query after {args.warmup} warm-up rounds; "
        "target p95 <= 300 ms on PostgreSQL.\n"
    )
    print("| engine | rows | schema | insert or migration (s) |\n|---|---:|---|---:|")
    for engine, by_rows in results.items():
        for rows, by_rev in sorted(by_rows.items()):
            for n, (rev, (seconds, _)) in enumerate(by_rev.items()):
                what = "insert + analyze" if n == 0 else f"upgrade to {rev} + analyze"
                print(f"| {engine} | {rows:,} | {rev} | {seconds:.1f} ({what}) |")
    print()
    print("| engine | schema | filter | query | p50 ms | p95 ms | max ms | baseline p95 ms |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for engine, by_rows in results.items():
        for rev, (_, times) in by_rows[args.rows].items():
            base = by_rows.get(args.baseline_rows, {}).get(rev, (0.0, {}))[1]
            for (name, label), values in times.items():
                b = base.get((name, label))
                b_text = f"{pct(b, 0.95):.0f}" if b and args.baseline_rows != args.rows else "–"
                label_md = f"**{label}**" if label == "page" else label
                print(f"| {engine} | {rev} | {name} | {label_md} | {_ms(values)} | {b_text} |")
    print(
        f"\n{args.rows:,} rows. Baseline column: the same query on {args.baseline_rows:,} rows in "
        "the same run. `page` = the five queries of both monitoring pages plus building and "
        "protecting their tables (supply figures of the search service not included)."
    )
    for engine, by_rows in results.items():
        for rev, (_, times) in by_rows[args.rows].items():
            queries_p95 = [
                pct(v, 0.95) for (n, q), v in times.items() if q != "page" and n != "baseline"
            ]
            pages = [pct(v, 0.95) for (_, q), v in times.items() if q == "page"]
            print(
                f"\n{engine}, schema {rev}: worst query p95 {max(queries_p95):.0f} ms, "
                f"worst page p95 {max(pages):.0f} ms"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000, help="0: no baseline size")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite-repeat", type=int, help="runs on SQLite (default: --repeat)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--revision", default="head", help="migrate up to this revision")
    parser.add_argument("--compare", help="first measure at this revision, then at --revision")
    engines = parser.add_mutually_exclusive_group()
    engines.add_argument("--sqlite-only", action="store_true")
    engines.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--dir", type=Path, default=ROOT / "build" / "bench-monitoring")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files")
    args = parser.parse_args(argv)
    args.sqlite_repeat = args.sqlite_repeat or args.repeat
    sizes = sorted({args.rows, *([args.baseline_rows] if args.baseline_rows else [])})
    results: Results = {}
    for rows in sizes:
        if not args.postgres_only:
            with sqlite_database(args.dir, rows, args.keep) as url:
                results.setdefault("SQLite", {})[rows] = run_engine(
                    url, rows, args, args.sqlite_repeat
                )
        if not args.sqlite_only:
            with postgres_database() as url:
                results.setdefault("PostgreSQL", {})[rows] = run_engine(
                    url, rows, args, args.repeat
                )
        print(f"measured {rows:,} rows", file=sys.stderr, flush=True)
    report(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
