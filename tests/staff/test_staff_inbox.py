"""The callback inbox: office assignment by the recipient map, contact only when opened, the
access log, marking done, retention; the admin page."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from appdb.deletion import delete_app_rows
from appdb.schema import callback_requests, staff_access_log
from staff import callbacks, housekeeping
from tests.staff.staff_helpers import FakeClock, StaffWorld


def _log(world: StaffWorld) -> list[tuple]:
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(staff_access_log).order_by(staff_access_log.c.id))
        return [(r.account_id, r.record_kind, r.record_id, r.action, r.at) for r in rows]


def test_the_inbox_lists_without_contacts_and_opening_is_logged(
    world: StaffWorld, clock: FakeClock
) -> None:
    account = world.add_account("anna@example.de", "counsellor")
    first = world.add_callback(contact="+49 89 1234567")
    second = world.add_callback(contact="b.buerger@example.de", kind="email")
    client = world.session_client(account)
    inbox = client.get("/staff/callbacks")
    assert "Offen (2)" in inbox.text and "+49 89 1234567" not in inbox.text
    assert "b.buerger@example.de" not in inbox.text and "Telefon" in inbox.text
    assert _log(world) == []  # listing shows no contact, nothing to log

    clock.advance(minutes=3)
    detail = client.get(f"/staff/callbacks/{second}")
    assert 'href="mailto:b.buerger@example.de"' in detail.text and "anerkennung" in detail.text
    assert _log(world) == [(account.id, "callback_request", second, "view", clock())]
    assert first != second


def test_marking_done_moves_the_request_and_is_logged(world: StaffWorld, clock: FakeClock) -> None:
    account = world.add_account("anna@example.de", "counsellor")
    request_id = world.add_callback()
    client = world.session_client(account)
    token = world.page_token(client)
    answer = client.post(f"/staff/callbacks/{request_id}/done", data={"csrf_token": token})
    assert answer.headers["location"] == "/staff/callbacks?notice=done"
    page = client.get(answer.headers["location"]).text
    assert "Der Rückrufwunsch ist als erledigt markiert." in page
    assert "Offen (0)" in page and "Erledigt (1)" in page and "anna@example.de" in page
    row = world.callback_row(request_id)
    assert (row.done_at, row.done_by) == (clock(), account.id)
    assert _log(world)[-1][1:4] == ("callback_request", request_id, "done")
    again = client.post(f"/staff/callbacks/{request_id}/done", data={"csrf_token": token})
    assert again.status_code == 404  # already done: nothing changes, nothing logged
    assert len(_log(world)) == 1


def test_requests_get_the_office_their_recipient_maps_to_and_keep_it(world: StaffWorld) -> None:
    bb = world.add_callback("Bildungsberatung Landkreis München")
    jc = world.add_callback("Jobcenter Landkreis München")
    lost = world.add_callback("VHS Irgendwo (nicht zugeordnet)")
    assert callbacks.assign_offices(world.engine, world.settings.callback_offices) == 2
    assert callbacks.assign_offices(world.engine, world.settings.callback_offices) == 0
    offices = {r: world.callback_row(r).office_id for r in (bb, jc, lost)}
    assert offices[bb] != offices[jc] and offices[lost] is None
    # a later change of the map does not move assigned requests
    assert callbacks.assign_offices(world.engine, {"Jobcenter Landkreis München": "bb"}) == 0
    assert world.callback_row(jc).office_id == offices[jc]

    admin = world.session_client(world.add_account("admin@example.de", "admin"))
    page = admin.get("/staff/admin").text
    assert "Ein Rückrufwunsch ist keiner Stelle zugeordnet" in page
    assert "admin@example.de" in page and "Jobcenter Landkreis München (Test)" in page


def test_expired_and_deleted_requests_disappear(world: StaffWorld, clock: FakeClock) -> None:
    account = world.add_account("anna@example.de", "counsellor")
    old = world.add_callback(day=clock().date() - dt.timedelta(days=31))
    kept = world.add_callback(day=clock().date() - dt.timedelta(days=29))
    withdrawn = world.add_callback(sender="a" * 32)
    client = world.session_client(account)
    page = client.get("/staff/callbacks").text
    assert f"/staff/callbacks/{kept}" in page and f"/staff/callbacks/{old}" not in page
    assert world.callback_row(old) is None  # deleted before the read, not just hidden
    assert delete_app_rows(world.engine, "a" * 32) == 1  # "Meine Daten löschen" in the chat
    assert client.get(f"/staff/callbacks/{withdrawn}").status_code == 404


def test_the_access_log_page_and_its_retention(world: StaffWorld, clock: FakeClock) -> None:
    counsellor = world.add_account("anna@example.de", "counsellor")
    request_id = world.add_callback()
    client = world.session_client(counsellor)
    client.get(f"/staff/callbacks/{request_id}")
    clock.advance(days=200)  # the request itself is gone by now (30 days), its log entry not
    later = world.add_callback()
    client = world.session_client(counsellor)
    assert client.get(f"/staff/callbacks/{request_id}").status_code == 404
    client.get(f"/staff/callbacks/{later}")
    admin = world.session_client(world.add_account("admin@example.de", "admin"))
    page = admin.get("/staff/admin/access-log").text
    assert "2 Einträge" in page and f"Rückrufwunsch Nr. {request_id}" in page
    assert page.index(f"Rückrufwunsch Nr. {later}") < page.index(f"Rückrufwunsch Nr. {request_id}")
    assert "07.12.2026, 09:00 Uhr" in page  # 08:00 UTC shown in German time
    assert "+49 89" not in page  # no content
    clock.advance(days=166)  # the first entry is now 366 days old
    result = housekeeping.run_once(world.engine, world.settings, clock())
    assert result.access_log == 1
    assert len(_log(world)) == 1


def test_the_start_page_counts_open_requests_for_counsellors_only(world: StaffWorld) -> None:
    world.add_callback()
    world.add_callback()
    counsellor = world.session_client(world.add_account("anna@example.de", "counsellor"))
    editor = world.session_client(world.add_account("eva@example.de", "editor", "analyst"))
    assert "Es gibt 2 offene Rückrufwünsche für Ihre Stelle." in counsellor.get("/staff/").text
    page = editor.get("/staff/").text
    assert "Beratung: Rückrufwünsche" not in page and "/staff/callbacks" not in page
    assert "Redaktion" in page and "Auswertung" in page
    with world.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(callback_requests)).scalar_one()
            == 2
        )
