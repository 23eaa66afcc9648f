"""Session timeouts with a frozen clock: idle 30 minutes, absolute 8 hours (both settings)."""

from __future__ import annotations

import sqlalchemy as sa

from appdb.schema import staff_sessions
from staff import housekeeping
from tests.staff.staff_helpers import FakeClock, StaffWorld


def _sessions(world: StaffWorld) -> int:
    with world.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar_one()


def test_idle_timeout_ends_the_session_after_30_minutes_without_a_request(
    world: StaffWorld, clock: FakeClock
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    clock.advance(minutes=29, seconds=59)
    assert client.get("/staff/").status_code == 200  # activity restarts the idle time
    clock.advance(minutes=29, seconds=59)
    assert client.get("/staff/").status_code == 200
    clock.advance(minutes=30, seconds=1)
    expired = client.get("/staff/callbacks")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/staff/sign-in?next=%2Fstaff%2Fcallbacks&notice=expired"
    assert "Max-Age=0" in expired.headers["set-cookie"]
    assert _sessions(world) == 0
    notice = client.get(expired.headers["location"])
    assert "Ihre Sitzung ist abgelaufen." in notice.text


def test_absolute_timeout_ends_an_active_session_after_8_hours(
    world: StaffWorld, clock: FakeClock
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    for _ in range(20):  # active every 20 minutes, never idle: 6 h 40 min
        clock.advance(minutes=20)
        assert client.get("/staff/").status_code == 200
    for step in ({"minutes": 20}, {"minutes": 20}, {"minutes": 20}, {"minutes": 19, "seconds": 59}):
        clock.advance(**step)  # 7 h, 7 h 20, 7 h 40, 7 h 59 min 59 s
        assert client.get("/staff/").status_code == 200
    clock.advance(seconds=2)  # 8 h and 1 s, idle for 2 s only
    assert client.get("/staff/").status_code == 303
    assert _sessions(world) == 0


def test_timeouts_are_settings(staff_db_url: str, clock: FakeClock) -> None:
    world = StaffWorld(staff_db_url, clock, idle_timeout_minutes=5, absolute_timeout_hours=1)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    clock.advance(minutes=4)
    assert client.get("/staff/").status_code == 200
    clock.advance(minutes=6)
    assert client.get("/staff/").status_code == 303
    other = world.session_client(world.add_account("bernd@example.de", "counsellor"))
    for _ in range(15):
        clock.advance(minutes=4)
        assert other.get("/staff/").status_code == 200
    clock.advance(minutes=1, seconds=1)  # 61 min
    assert other.get("/staff/").status_code == 303


def test_housekeeping_deletes_expired_sessions_without_a_request(
    world: StaffWorld, clock: FakeClock
) -> None:
    world.session_client(world.add_account("anna@example.de", "counsellor"))
    world.session_client(world.add_account("bernd@example.de", "counsellor"))
    clock.advance(minutes=10)
    fresh = world.session_client(world.add_account("carla@example.de", "counsellor"))
    clock.advance(minutes=25)  # the first two idle 35 min, the third 25 min
    assert housekeeping.run_once(world.engine, world.settings, clock()).sessions == 2
    assert _sessions(world) == 1
    assert fresh.get("/staff/").status_code == 200
