"""Lockout after 5 failed sign-ins in 15 minutes, per account and per address, with the same
message for accounts that do not exist."""

from __future__ import annotations

import pytest

from staff import housekeeping
from tests.staff.staff_helpers import PASSWORD, FakeClock, StaffWorld

LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche."
FAILED = "Die Anmeldung ist fehlgeschlagen."
WRONG = "falsches-Passwort-123"

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_five_failures_lock_the_account_even_for_the_right_password(
    world: StaffWorld, clock: FakeClock
) -> None:
    world.add_account("anna@example.de", "counsellor")
    answers = [
        world.sign_in(world.client(f"198.51.100.{i}"), "anna@example.de", WRONG) for i in range(5)
    ]  # five addresses: the account's count decides
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert all(FAILED in a.text for a in answers[:4]) and LOCKED in answers[4].text
    right = world.sign_in(world.client("198.51.100.77"), "anna@example.de")
    assert right.status_code == 429 and LOCKED in right.text
    assert "set-cookie" not in right.headers or "bl_staff=" not in right.headers[
        "set-cookie"
    ].replace("bl_staff_csrf", "")
    clock.advance(minutes=14, seconds=59)
    assert world.sign_in(world.client("198.51.100.78"), "anna@example.de").status_code == 429
    clock.advance(minutes=15)  # the window has passed the failures
    assert world.sign_in(world.client("198.51.100.79"), "anna@example.de").status_code == 303


def test_an_unknown_account_is_locked_with_the_same_message(world: StaffWorld) -> None:
    world.add_account("anna@example.de", "counsellor")
    unknown = [
        world.sign_in(world.client(f"198.51.100.{i}"), "niemand@example.de", WRONG).status_code
        for i in range(5)
    ]
    known = [
        world.sign_in(world.client(f"198.51.100.{i + 10}"), "anna@example.de", WRONG).status_code
        for i in range(5)
    ]
    assert unknown == known == [401, 401, 401, 401, 429]
    locked_unknown = world.sign_in(world.client("198.51.100.50"), "niemand@example.de", WRONG)
    locked_known = world.sign_in(world.client("198.51.100.51"), "anna@example.de", WRONG)
    assert LOCKED in locked_unknown.text and LOCKED in locked_known.text
    assert (
        locked_unknown.text.split("<main")[1].split("csrf_token")[0]
        == (locked_known.text.split("<main")[1].split("csrf_token")[0])
    )


def test_five_failures_from_one_address_lock_that_address_for_every_account(
    world: StaffWorld, clock: FakeClock
) -> None:
    world.add_account("anna@example.de", "counsellor")
    world.add_account("bernd@example.de", "counsellor")
    attacker = "203.0.113.66"
    for i in range(5):
        world.sign_in(world.client(attacker), f"rate{i}@example.de", WRONG)
    blocked = world.sign_in(world.client(attacker), "anna@example.de")
    assert blocked.status_code == 429 and LOCKED in blocked.text
    assert world.sign_in(world.client("203.0.113.67"), "bernd@example.de").status_code == 303
    clock.advance(minutes=15, seconds=1)
    assert world.sign_in(world.client(attacker), "anna@example.de").status_code == 303


def test_the_address_comes_from_the_proxy_header_only_behind_the_proxy(
    world: StaffWorld,
) -> None:
    """Through the proxy (peer 127.0.0.1) the client is X-Forwarded-For's last entry; a client
    cannot choose its address by sending the header itself."""
    world.add_account("anna@example.de", "counsellor")
    for i in range(5):  # direct client forging five different addresses
        world.sign_in(
            world.client("203.0.113.80"),
            f"x{i}@example.de",
            WRONG,
            **{"X-Forwarded-For": f"10.0.0.{i}"},
        )
    assert world.sign_in(world.client("203.0.113.80"), "anna@example.de").status_code == 429
    for i in range(5):  # behind the proxy: five clients, none locked by the others
        world.sign_in(
            world.client("127.0.0.1"),
            f"y{i}@example.de",
            WRONG,
            **{"X-Forwarded-For": f"192.0.2.{i}"},
        )
    proxied = world.sign_in(
        world.client("127.0.0.1"), "anna@example.de", PASSWORD, **{"X-Forwarded-For": "192.0.2.200"}
    )
    assert proxied.status_code == 303


def test_a_success_clears_the_account_count(world: StaffWorld) -> None:
    world.add_account("anna@example.de", "counsellor")
    for i in range(4):
        world.sign_in(world.client(f"198.51.100.{i}"), "anna@example.de", WRONG)
    assert world.sign_in(world.client("198.51.100.20"), "anna@example.de").status_code == 303
    for i in range(4):
        answer = world.sign_in(world.client(f"198.51.100.{30 + i}"), "anna@example.de", WRONG)
        assert answer.status_code == 401


def test_lockout_settings_and_purge(staff_db_url: str, clock: FakeClock) -> None:
    world = StaffWorld(staff_db_url, clock, lockout_failures=2, lockout_window_minutes=1)
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    world.add_account("anna@example.de", "counsellor")
    codes = [
        world.sign_in(world.client(f"198.51.100.{i}"), "anna@example.de", WRONG).status_code
        for i in range(2)
    ]
    assert codes == [401, 429]
    clock.advance(seconds=61)
    assert housekeeping.run_once(world.engine, world.settings, clock()).failures == 2
    assert world.sign_in(world.client("198.51.100.9"), "anna@example.de").status_code == 303
