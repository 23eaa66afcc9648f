"""The plan builder: create a plan for a consultation of the own office, add offers (search
service faked at the HTTP boundary) and learning-path steps, order and date them, attach the
funding checklist, contacts and notes; office scope, CSRF and the access log."""

from __future__ import annotations

import json

import sqlalchemy as sa

from appdb.schema import plan_notes, plan_steps, plans, staff_access_log
from tests.staff.plan_helpers import OFFER_ITEM, FakeSearch, add_consultation, day, fake_search
from tests.staff.staff_helpers import StaffWorld

__all__ = ["fake_search"]  # the fixture, imported for pytest
CONTACTS = {"bb": {"phone": "089 6221-0000", "email": "bildungsberatung@example.de"}}


def _world(world: StaffWorld) -> StaffWorld:
    return StaffWorld(world.db_url, world.clock, office_contacts=CONTACTS)


def _new_plan(world: StaffWorld, client, consultation_id: int, title: str = "Mein Weg") -> int:
    token = world.page_token(client, "/staff/plans")
    answer = client.post(
        "/staff/plans",
        data={"csrf_token": token, "consultation_id": str(consultation_id), "title": title},
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("?")[0].rsplit("/", 1)[1])


def _post(world: StaffWorld, client, plan_id: int, path: str, **data: str):
    token = world.page_token(client, f"/staff/plans/{plan_id}")
    return client.post(f"/staff/plans/{plan_id}/{path}", data={"csrf_token": token, **data})


def _log(world: StaffWorld) -> list[tuple[str, int, str]]:
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(staff_access_log).order_by(staff_access_log.c.id))
        return [(r.record_kind, r.record_id, r.action) for r in rows]


def _steps(world: StaffWorld, plan_id: int) -> list[tuple[int, str, dict]]:
    with world.engine.connect() as conn:
        rows = conn.execute(
            sa.select(plan_steps)
            .where(plan_steps.c.plan_id == plan_id)
            .order_by(plan_steps.c.position)
        )
        return [(r.position, r.offer_id, json.loads(r.offer)) for r in rows]


def test_create_a_plan_with_the_office_contact_first(world: StaffWorld) -> None:
    world = _world(world)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    consultation = add_consultation(world)
    listing = client.get("/staff/plans")
    assert listing.status_code == 200 and f'value="{consultation}"' in listing.text
    plan_id = _new_plan(world, client, consultation)
    page = client.get(f"/staff/plans/{plan_id}")
    assert page.status_code == 200 and "<h1>Mein Weg</h1>" in page.text
    with world.engine.connect() as conn:
        row = conn.execute(sa.select(plans).where(plans.c.id == plan_id)).one()
    contacts = json.loads(row.contacts)
    assert contacts[0]["name"] == "Bildungsberatung Landkreis München (Test)"
    assert contacts[0]["phone"] == "089 6221-0000"
    assert ("plan", plan_id, "create") in _log(world) and ("plan", plan_id, "view") in _log(world)
    assert "Mein Weg" in client.get("/staff/plans").text


def test_offers_come_from_the_search_service_with_why_they_fit(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _new_plan(world, client, add_consultation(world))
    added = _post(
        world, client, plan_id, "offers", offer_id="test-pflege-1", start_date="2027-03-01"
    )
    assert added.status_code == 303 and "step_added" in added.headers["location"]
    request = fake_search.requests[-1]
    assert request["url"].endswith("/offers/lookup") and request["json"]["ids"] == ["test-pflege-1"]
    assert request["json"]["profile"]["target_kldb"] == "81302"
    assert "current_occupation" not in request["json"]["profile"]  # free text stays here
    [(position, offer_id, offer)] = _steps(world, plan_id)
    assert (position, offer_id) == (1, "test-pflege-1")
    assert offer["provider"] == OFFER_ITEM["provider"] and offer["url"] == OFFER_ITEM["url"]
    assert any("Zielberuf" in r for r in offer["reasons"]) and offer["example"] is True
    page = client.get(f"/staff/plans/{plan_id}").text
    assert OFFER_ITEM["title"] in page and "01.03.2027" in page and "Warum es passt" in page

    unknown = _post(world, client, plan_id, "offers", offer_id="gibt-es-nicht")
    assert "offer_unknown" in unknown.headers["location"]
    assert "gibt es im Katalog nicht" in client.get(unknown.headers["location"]).text
    assert len(_steps(world, plan_id)) == 1


def test_without_the_search_service_only_offers_shown_in_the_chat_can_be_added(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    fake_search.status = 503
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    shown = {**OFFER_ITEM, "offer_id": "chat-1", "reasons": ["Im Chat gezeigt: passt zum Ziel"]}
    plan_id = _new_plan(world, client, add_consultation(world, offers=[shown]))
    page = client.get(f"/staff/plans/{plan_id}").text
    assert "Im Chat gezeigte Angebote" in page and 'value="chat-1"' in page
    assert (
        "step_added"
        in _post(world, client, plan_id, "offers", offer_id="chat-1").headers["location"]
    )
    assert _steps(world, plan_id)[0][2]["reasons"] == ["Im Chat gezeigt: passt zum Ziel"]
    other = _post(world, client, plan_id, "offers", offer_id="test-pflege-1")
    assert "search_unavailable" in other.headers["location"]


def test_learning_path_steps_order_dates_and_removal(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _new_plan(world, client, add_consultation(world))
    page = client.get(f"/staff/plans/{plan_id}").text
    assert "Schritte eines Lernwegs" in page and 'name="path_id"' in page
    path_id = page.split('name="path_id" value="', 1)[1].split('"', 1)[0]
    assert _post(world, client, plan_id, "path-steps", path_id=path_id, step="0").status_code == 303
    _post(world, client, plan_id, "offers", offer_id="test-pflege-1")
    steps = _steps(world, plan_id)
    assert [s[2]["kind"] for s in steps] == ["path_step", "offer"]
    assert steps[0][2]["sources"] and steps[0][2]["path_title"]
    with world.engine.connect() as conn:
        ids = [
            r.id for r in conn.execute(sa.select(plan_steps.c.id).order_by(plan_steps.c.position))
        ]
    assert _post(world, client, plan_id, f"steps/{ids[1]}/move", direction="up").status_code == 303
    assert [s[2]["kind"] for s in _steps(world, plan_id)] == ["offer", "path_step"]
    dated = _post(
        world,
        client,
        plan_id,
        f"steps/{ids[0]}/dates",
        start_date="2027-01-10",
        end_date="2027-12-20",
    )
    assert dated.status_code == 303
    with world.engine.connect() as conn:
        row = conn.execute(sa.select(plan_steps).where(plan_steps.c.id == ids[0])).one()
    assert (row.start_date, row.end_date) == (day("2027-01-10"), day("2027-12-20"))
    wrong = _post(
        world,
        client,
        plan_id,
        f"steps/{ids[0]}/dates",
        start_date="2027-05-01",
        end_date="2027-01-01",
    )
    assert "dates_order" in wrong.headers["location"]
    assert _post(world, client, plan_id, f"steps/{ids[0]}/remove").status_code == 303
    assert [s[1] for s in _steps(world, plan_id)] == ["test-pflege-1"]
    assert (
        _post(world, client, plan_id, "path-steps", path_id="kein-lernweg", step="0").status_code
        == 404
    )


def test_the_funding_checklist_comes_from_the_rule_engine_with_source_stand_and_office(
    world: StaffWorld,
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _new_plan(world, client, add_consultation(world))
    assert _post(world, client, plan_id, "checklist").status_code == 303
    with world.engine.connect() as conn:
        items = json.loads(conn.execute(sa.select(plans.c.checklist)).scalar_one())
    first = items[0]
    assert first["id"] == "bildungsgutschein" and first["status"] == "wahrscheinlich passend"
    assert first["sources"][0].startswith("https://") and first["stand"][:4].isdigit()
    assert "Agentur für Arbeit" in first["office"]
    page = client.get(f"/staff/plans/{plan_id}").text
    assert (
        f"Stand {first['stand_label']}" in page
        and "entscheidet allein die jeweils genannte Stelle" in page
    )
    assert _post(world, client, plan_id, "checklist", action="remove").status_code == 303
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(plans.c.checklist)).scalar_one() is None


def test_contacts_and_notes_internal_or_for_the_citizen(world: StaffWorld) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _new_plan(world, client, add_consultation(world))
    _post(
        world, client, plan_id, "contacts", name="Agentur für Arbeit (Test)", phone="0800 4 5555 00"
    )
    assert _post(world, client, plan_id, "contacts/0/remove").status_code == 404  # the office's own
    _post(world, client, plan_id, "notes", text="Intern: Unterlagen fehlen")
    _post(
        world,
        client,
        plan_id,
        "notes",
        text="Bitte Termin bei der Agentur machen",
        for_citizen="yes",
    )
    assert "note_missing" in _post(world, client, plan_id, "notes", text="  ").headers["location"]
    with world.engine.connect() as conn:
        notes = conn.execute(sa.select(plan_notes.c.text, plan_notes.c.for_citizen)).all()
    assert sorted(notes) == [
        ("Bitte Termin bei der Agentur machen", True),
        ("Intern: Unterlagen fehlen", False),
    ]
    page = client.get(f"/staff/plans/{plan_id}").text
    assert "Agentur für Arbeit (Test)" in page and "Intern · " in page
    assert _post(world, client, plan_id, "contacts/1/remove").status_code == 303
    assert "Agentur für Arbeit (Test)" not in client.get(f"/staff/plans/{plan_id}").text


def test_another_offices_plan_answers_404_and_stays_unchanged(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    mine = world.session_client(world.add_account("anna@example.de", "counsellor"))
    theirs = world.session_client(world.add_account("jens@example.de", "counsellor", office="jc"))
    plan_id = _new_plan(world, mine, add_consultation(world))
    assert "Mein Weg" in mine.get(f"/staff/plans/{plan_id}").text
    assert theirs.get(f"/staff/plans/{plan_id}").status_code == 404
    assert theirs.get(f"/staff/plans/{plan_id}.pdf").status_code == 404
    token = world.page_token(theirs, "/staff/plans")
    for action in ("title", "offers", "checklist", "notes", "contacts", "links", "delete"):
        answer = theirs.post(
            f"/staff/plans/{plan_id}/{action}",
            data={
                "csrf_token": token,
                "title": "X",
                "offer_id": "test-pflege-1",
                "text": "X",
                "name": "X",
            },
        )
        assert answer.status_code == 404, action
    foreign = add_consultation(world, office="jc")
    create = theirs.post(
        "/staff/plans", data={"csrf_token": token, "consultation_id": str(add_consultation(world))}
    )
    assert create.status_code == 404  # a consultation of another office
    assert (
        mine.post(
            "/staff/plans",
            data={
                "csrf_token": world.page_token(mine, "/staff/plans"),
                "consultation_id": str(foreign),
            },
        ).status_code
        == 404
    )
    assert "Mein Weg" in mine.get(f"/staff/plans/{plan_id}").text
    assert f"/staff/plans/{plan_id}" not in theirs.get("/staff/plans").text
    assert not fake_search.requests


def test_changes_need_the_sessions_csrf_token_and_are_logged(world: StaffWorld) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _new_plan(world, client, add_consultation(world))
    refused = client.post(
        f"/staff/plans/{plan_id}/title", data={"csrf_token": "falsch", "title": "X"}
    )
    assert refused.status_code == 403
    assert _post(world, client, plan_id, "title", title="Neuer Titel").status_code == 303
    assert ("plan", plan_id, "change") in _log(world)
    assert "<h1>Neuer Titel</h1>" in client.get(f"/staff/plans/{plan_id}").text
    deleted = _post(world, client, plan_id, "delete")
    assert (
        deleted.status_code == 303 and deleted.headers["location"] == "/staff/plans?notice=deleted"
    )
    assert client.get(f"/staff/plans/{plan_id}").status_code == 404
    assert ("plan", plan_id, "delete") in _log(world)
    entries = client.get("/staff/admin/access-log")
    assert entries.status_code == 403  # counsellor only; the admin sees the log
