"""Fixtures of the staff app tests: a migrated application database per test, a frozen clock,
the app under a TestClient on https://testserver (so Secure cookies travel as in production)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from appdb.engine import dispose_all
from staff import passwords
from tests.appdb_support import make_template, migrated_sqlite
from tests.staff.monitoring_support import insert, random_rows
from tests.staff.staff_helpers import FakeClock, StaffWorld


@pytest.fixture(scope="session")
def staff_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The application database migrated once by the real migrations."""
    return make_template(tmp_path_factory.mktemp("staffdb"))


@pytest.fixture
def staff_db_url(tmp_path: Path, staff_db_template: Path) -> Iterator[str]:
    url = migrated_sqlite(staff_db_template, tmp_path / "app.db")
    yield url
    dispose_all()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world(staff_db_url: str, clock: FakeClock) -> StaffWorld:
    """Offices ``bb`` (Bildungsberatung) and ``jc`` (Jobcenter) and the app, no accounts yet."""
    found = StaffWorld(staff_db_url, clock)
    found.add_office("bb", "Bildungsberatung Landkreis München (Test)", "bildungsberatung")
    found.add_office("jc", "Jobcenter Landkreis München (Test)", "jobcenter")
    return found


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests of the lockout logic, where the cost does not matter
    (the production parameters are used everywhere else)."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    dummy = cheap.hash("dummy password for unknown accounts")
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    monkeypatch.setattr(passwords, "_dummy_hash", lambda: dummy)


@pytest.fixture
def analyst_world(
    staff_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> StaffWorld:
    """A staff database with 600 invented demand rows (May to December 2026) and an office; no
    search service (its URL answers nothing), so no supply figures."""
    from staff.monitoring import coverage, supply

    monkeypatch.setenv("SEARCH_URL", "http://127.0.0.1:9")  # nothing listens: no supply
    supply.clear_cache()
    coverage.clear_cache()
    world = StaffWorld(staff_db_url, clock)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    insert(world.engine, random_rows(11, 600, dt.date(2026, 5, 1), 220))
    return world
