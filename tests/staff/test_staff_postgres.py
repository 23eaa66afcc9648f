"""The staff app on PostgreSQL (the machine's 127.0.0.1:5432, a throw-away database migrated by
the real migrations): sign-in, lockout, timeouts, inbox, access log and housekeeping run the
same queries there as on SQLite. The migrations themselves are tested on both in tests/appdb."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from appdb import migrate
from appdb.engine import dispose_all
from appdb.schema import staff_access_log, staff_roles
from staff import housekeeping, store
from tests.pg_support import fresh_database, url_of
from tests.staff.staff_helpers import FakeClock, StaffWorld

PG = "postgresql+psycopg"


@pytest.fixture
def pg_world(clock: FakeClock) -> Iterator[StaffWorld]:
    with fresh_database("bl_staff", PG) as name:
        url = url_of(name, PG)
        migrate.upgrade(url)
        world = StaffWorld(url, clock)
        world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
        world.add_office("jc", "Jobcenter (Test)", "jobcenter")
        yield world
        dispose_all()


def test_the_staff_app_on_postgresql(pg_world: StaffWorld, clock: FakeClock, fast_hashing) -> None:
    world = pg_world
    anna = world.add_account("anna@example.de", "counsellor", "admin")
    mine = world.add_callback()
    theirs = world.add_callback("Jobcenter Landkreis München")

    for i in range(5):  # lockout counts on PostgreSQL's timestamps
        world.sign_in(world.client(f"198.51.100.{i}"), "anna@example.de", "falsch-falsch-falsch")
    assert world.sign_in(world.client("198.51.100.9"), "anna@example.de").status_code == 429
    clock.advance(minutes=16)
    client = world.client()
    assert world.sign_in(client, "anna@example.de").status_code == 303

    assert f"/staff/callbacks/{mine}" in client.get("/staff/callbacks").text
    assert client.get(f"/staff/callbacks/{theirs}").status_code == 404
    token = world.page_token(client)
    assert (
        client.post(f"/staff/callbacks/{mine}/done", data={"csrf_token": token}).status_code == 303
    )
    assert "anna@example.de" in client.get("/staff/admin/access-log").text

    world.sign_in(world.client("198.51.100.10"), "niemand@example.de", "falsch-falsch-falsch")
    clock.advance(minutes=31)
    assert client.get("/staff/").status_code == 303  # idle timeout
    result = housekeeping.run_once(world.engine, world.settings, clock())
    # anna's five failures went with her sign-in, her session with the expired request
    assert result.failures == 1 and result.sessions == 0

    # the account cannot be deleted while the access log names it; roles go with the account
    with pytest.raises(sa.exc.IntegrityError), world.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM staff_accounts WHERE id = :id"), {"id": anna.id})
    with world.engine.begin() as conn:
        conn.execute(staff_access_log.delete())
        conn.execute(sa.text("DELETE FROM staff_accounts WHERE id = :id"), {"id": anna.id})
        assert conn.execute(sa.select(sa.func.count()).select_from(staff_roles)).scalar_one() == 0
    assert world.callback_row(mine).done_by is None  # ON DELETE SET NULL
    assert store.list_accounts(world.engine) == []
