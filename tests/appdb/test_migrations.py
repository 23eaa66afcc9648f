"""The Alembic migrations create exactly the tables of appdb.schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from appdb import legacy, migrate
from appdb.schema import callback_requests, demand_monthly, demand_records, metadata
from appdb.urls import app_db_url, with_installed_driver
from tests.pg_support import fresh_database, url_of

REPO = Path(__file__).resolve().parents[2]
PG = "postgresql+psycopg"


def _differences(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diffs = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    engine.dispose()
    return diffs


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


STAFF_TABLES = {
    "offices",
    "staff_accounts",
    "staff_roles",
    "staff_sessions",
    "staff_signin_failures",
    "staff_login_flows",
    "staff_access_log",
}
#: revision 0003 (consultations and plans, issue 13)
CONSULTATION_TABLES = {
    "consultations",
    "consultation_lookup_failures",
    "plans",
    "plan_steps",
    "plan_notes",
    "plan_links",
}
#: revision 0004 (monthly demand aggregates kept by the retention, issue 14)
MONITORING_TABLES = {"demand_monthly"}


def test_upgrade_creates_the_schema_and_autogenerate_finds_no_difference(dbs) -> None:
    assert _tables(dbs.app_url) == {
        "alembic_version",
        "demand_records",
        "callback_requests",
        *STAFF_TABLES,
        *CONSULTATION_TABLES,
        *MONITORING_TABLES,
    }
    assert _differences(dbs.app_url) == []
    engine = sa.create_engine(dbs.app_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    inspector = sa.inspect(engine)
    indexes = {i["name"] for i in inspector.get_indexes("callback_requests")}
    foreign = {
        fk["name"]: fk["referred_table"] for fk in inspector.get_foreign_keys("callback_requests")
    }
    engine.dispose()
    assert indexes == {
        "ix_callback_requests_sender_id",
        "ix_callback_requests_day",
        "ix_callback_requests_office_id",
    }
    assert foreign == {
        "fk_callback_requests_office_id": "offices",
        "fk_callback_requests_done_by": "staff_accounts",
    }


def test_the_staff_revision_keeps_callback_requests_and_goes_back_cleanly(dbs) -> None:
    """0001 -> 0002 on a filled table keeps the rows (SQLite copies the table in batch mode);
    back to 0001 removes exactly the staff tables and columns."""
    import datetime as dt

    migrate.downgrade(dbs.app_url, "0001")
    assert _tables(dbs.app_url) == {"alembic_version", "demand_records", "callback_requests"}
    engine = sa.create_engine(dbs.app_url)
    old = sa.table(
        "callback_requests",
        *(sa.column(c) for c in ("sender_id", "day", "contact_kind", "contact", "recipient")),
    )
    with engine.begin() as conn:
        conn.execute(
            old.insert().values(
                sender_id="s1",
                day=dt.date(2026, 12, 1),
                contact_kind="email",
                contact="a@example.de",
                recipient="Bildungsberatung",
            )
        )
    migrate.upgrade(dbs.app_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(callback_requests)).mappings().one()
    engine.dispose()
    assert (row["sender_id"], row["contact"], row["office_id"], row["done_at"]) == (
        "s1",
        "a@example.de",
        None,
        None,
    )
    assert _differences(dbs.app_url) == []


def test_the_consultation_revision_goes_back_to_the_staff_schema(dbs) -> None:
    """0003 -> 0002 drops exactly the consultation and plan tables; up again is clean."""
    migrate.downgrade(dbs.app_url, "0002")
    assert _tables(dbs.app_url) == {
        "alembic_version",
        "demand_records",
        "callback_requests",
        *STAFF_TABLES,
    }
    migrate.upgrade(dbs.app_url)
    assert _differences(dbs.app_url) == []


def test_the_monitoring_revision_goes_back_to_the_consultation_schema(dbs) -> None:
    """0004 -> 0003 drops the monthly aggregates and the (municipality, day) index only."""
    migrate.downgrade(dbs.app_url, "0003")
    engine = sa.create_engine(dbs.app_url)
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("demand_records")}
    engine.dispose()
    assert indexes == {"ix_demand_records_day"}
    assert _tables(dbs.app_url) == {
        "alembic_version",
        "demand_records",
        "callback_requests",
        *STAFF_TABLES,
        *CONSULTATION_TABLES,
    }
    migrate.upgrade(dbs.app_url)
    assert _differences(dbs.app_url) == []


def test_the_demand_columns_revision_keeps_rows_and_goes_back_cleanly(dbs) -> None:
    """0004 -> 0005 on filled demand tables: old rows get no format, employment status or age
    band and count as real (simulated false); back to 0004 removes exactly those columns."""
    import datetime as dt

    migrate.downgrade(dbs.app_url, "0004")
    engine = sa.create_engine(dbs.app_url)
    old_row = {
        "day": dt.date(2026, 11, 2),
        "municipality": "Haar",
        "goal": "umschulung",
        "target_kldb": "82102",
        "time_model": "teilzeit",
        "offers_found": 2,
        "asked_for_human": False,
    }
    old_table = sa.table("demand_records", *(sa.column(c) for c in old_row))
    old_monthly = {
        "month": dt.date(2024, 1, 1),
        "requests": 7,
        "unmet": 1,
        "no_offer": 0,
        "human": 0,
    }
    monthly_table = sa.table("demand_monthly", *(sa.column(c) for c in old_monthly))
    with engine.begin() as conn:
        conn.execute(old_table.insert().values(**old_row))
        conn.execute(monthly_table.insert().values(**old_monthly))
    migrate.upgrade(dbs.app_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(demand_records)).mappings().one()
        monthly = conn.execute(sa.select(demand_monthly)).mappings().one()
    assert (row["format"], row["employment_status"], row["age_band"]) == (None, None, None)
    assert row["simulated"] is False and monthly["simulated"] is False
    assert row["municipality"] == "Haar" and monthly["requests"] == 7
    assert _differences(dbs.app_url) == []
    migrate.downgrade(dbs.app_url, "0004")
    inspector = sa.inspect(engine)
    columns = {c["name"] for c in inspector.get_columns("demand_records")}
    indexes = {i["name"] for i in inspector.get_indexes("demand_records")}
    with engine.connect() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(old_table)).scalar_one()
    engine.dispose()
    assert columns == {"id", *old_row}
    assert indexes == {"ix_demand_records_day", "ix_demand_records_municipality_day"}
    assert kept == 1
    migrate.upgrade(dbs.app_url)
    assert _differences(dbs.app_url) == []


def test_the_search_term_revision_keeps_rows_and_goes_back_cleanly(dbs) -> None:
    """0005 -> 0006 adds an empty search_term to filled demand tables; back removes only it."""
    import datetime as dt

    migrate.downgrade(dbs.app_url, "0005")
    engine = sa.create_engine(dbs.app_url)
    old_row = {
        "day": dt.date(2026, 11, 2),
        "offers_found": 0,
        "asked_for_human": False,
        "format": "online",
    }
    old_table = sa.table("demand_records", *(sa.column(c) for c in old_row))
    with engine.begin() as conn:
        conn.execute(old_table.insert().values(**old_row))
    migrate.upgrade(dbs.app_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(demand_records)).mappings().one()
    assert row["search_term"] is None and row["format"] == "online"
    assert _differences(dbs.app_url) == []
    migrate.downgrade(dbs.app_url, "0005")
    for table in ("demand_records", "demand_monthly"):
        columns = {c["name"] for c in sa.inspect(engine).get_columns(table)}
        assert "search_term" not in columns and "simulated" in columns
    engine.dispose()
    migrate.upgrade(dbs.app_url)
    assert _differences(dbs.app_url) == []


def test_an_unmigrated_database_differs_from_the_schema(tmp_path: Path) -> None:
    """The comparison is not vacuous: an empty database lacks both tables."""
    diffs = _differences(f"sqlite:///{tmp_path / 'empty.db'}")
    added = {d[1].name for d in diffs if d[0] == "add_table"}
    assert added == {
        "demand_records",
        "callback_requests",
        *STAFF_TABLES,
        *CONSULTATION_TABLES,
        *MONITORING_TABLES,
    }


def test_upgrade_is_idempotent_and_downgrade_to_base_drops_the_tables(dbs) -> None:
    migrate.upgrade(dbs.app_url)  # a second deploy changes nothing
    assert _differences(dbs.app_url) == []
    migrate.downgrade(dbs.app_url, "base")
    assert _tables(dbs.app_url) == {"alembic_version"}
    migrate.upgrade(dbs.app_url)
    assert _differences(dbs.app_url) == []


def _cli(*args: str, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appdb", *args],
        cwd=REPO,
        env={**os.environ, "APP_DB_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_reads_the_url_from_app_db_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    before = _cli("current", url=url)
    assert before.returncode == 1 and "revision none" in before.stdout
    assert _cli("upgrade", url=url).returncode == 0
    after = _cli("current", url=url)
    assert after.returncode == 0, after.stderr
    assert f"revision {migrate.head_revision()}" in after.stdout


def test_cli_upgrades_an_empty_postgresql_database_with_a_driverless_url() -> None:
    """Operators write postgresql://…; the app env picks psycopg 3 itself."""
    with fresh_database("bl_cli", PG) as name:
        url = url_of(name)  # no driver
        done = _cli("upgrade", url=url)
        assert done.returncode == 0, done.stderr
        assert _differences(url_of(name, PG)) == []


def test_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert with_installed_driver("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert with_installed_driver("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert with_installed_driver("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert with_installed_driver("sqlite:///app.db") == "sqlite:///app.db"
    assert app_db_url({}, Path("/base")) == "sqlite:////base/app.db"
    assert app_db_url({"APP_DB_URL": " sqlite:///x/y.db "}, Path("/b")) == "sqlite:////b/x/y.db"
    assert app_db_url({"APP_DB_URL": "postgresql://u@h/db"}) == "postgresql://u@h/db"


def test_import_legacy_copies_rows_from_the_old_tracker_database(tmp_path: Path) -> None:
    old_url = f"sqlite:///{tmp_path / 'rasa.db'}"
    new_url = f"sqlite:///{tmp_path / 'app.db'}"
    old = sa.create_engine(old_url)
    # the two tables as the action server used to create them there (before the staff columns)
    old_tables = sa.MetaData()
    for table in (demand_records, callback_requests):
        sa.Table(
            table.name,
            old_tables,
            *(
                sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                for c in table.columns
                if c.name
                not in ("office_id", "done_at", "done_by")
                + ("format", "employment_status", "age_band", "simulated")  # revision 0005
                + ("search_term",)  # revision 0006
            ),
        )
    old_tables.create_all(old)
    import datetime as dt

    day = dt.date(2026, 11, 2)
    with old.begin() as conn:
        conn.execute(
            demand_records.insert(),
            [
                {
                    "day": day,
                    "municipality": "Haar",
                    "goal": "umschulung",
                    "target_kldb": "82102",
                    "time_model": "teilzeit",
                    "offers_found": 4,
                    "asked_for_human": False,
                },
                {
                    "day": day,
                    "municipality": None,
                    "goal": None,
                    "target_kldb": None,
                    "time_model": None,
                    "offers_found": 0,
                    "asked_for_human": True,
                },
            ],
        )
        conn.execute(
            old_tables.tables["callback_requests"]
            .insert()
            .values(
                sender_id="s1",
                day=day,
                contact_kind="email",
                contact="a@example.de",
                preferred_time=None,
                situation=None,
                recipient="Bildungsberatung",
            )
        )
    old.dispose()
    migrate.upgrade(new_url)

    done = _cli("import-legacy", url=new_url, LEGACY_DB_URL=old_url)
    assert done.returncode == 0, done.stderr
    assert "demand_records: 2 rows copied" in done.stdout
    assert "callback_requests: 1 rows copied" in done.stdout
    again = _cli("import-legacy", url=new_url, LEGACY_DB_URL=old_url)
    assert "skipped" in again.stderr  # nothing is copied twice

    new = sa.create_engine(new_url)
    with new.connect() as conn:
        rows = conn.execute(sa.select(demand_records).order_by(demand_records.c.id)).all()
        contacts = conn.execute(sa.select(callback_requests.c.contact)).scalars().all()
    new.dispose()
    assert [r.municipality for r in rows] == ["Haar", None]
    assert contacts == ["a@example.de"]
    result = legacy.import_legacy(
        sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}"), sa.create_engine(new_url)
    )
    assert result.copied == {"demand_records": 0, "callback_requests": 0}
