"""The citizen's read-only link (page + PDF): a 256-bit token shown once, stored as SHA-256,
valid until it expires or is revoked (one 404 for unknown, expired, revoked), never showing
internal notes or logging the token; retention of plans and links; anonymisation when the
citizen deletes the conversation."""

from __future__ import annotations

import hashlib
import json
import logging
import re

import pytest
import sqlalchemy as sa

from appdb.deletion import ANONYMISED_PLAN_TITLE, anonymise_plans, delete_plans
from appdb.schema import plan_links, plan_notes, plan_steps, plans
from staff import housekeeping
from tests.staff.plan_helpers import FakeSearch, add_consultation, fake_search
from tests.staff.staff_helpers import FakeClock, StaffWorld

__all__ = ["fake_search"]
_LINK_RE = re.compile(r"https://testserver/plan/([A-Za-z0-9_-]{43})")
INTERNAL = "Interne Notiz: nur für die Stelle"
FOR_CITIZEN = "Bitte bringen Sie Ihr Zeugnis mit"


def _plan(world: StaffWorld, client) -> tuple[int, int]:
    consultation = add_consultation(world)
    token = world.page_token(client, "/staff/plans")
    created = client.post(
        "/staff/plans",
        data={"csrf_token": token, "consultation_id": str(consultation), "title": "Ihr Plan"},
    )
    plan_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
    for data in (
        {"offer_id": "test-pflege-1"},
        {"text": INTERNAL},
        {"text": FOR_CITIZEN, "for_citizen": "yes"},
    ):
        action = "offers" if "offer_id" in data else "notes"
        client.post(f"/staff/plans/{plan_id}/{action}", data={"csrf_token": token, **data})
    return consultation, plan_id


def _link(world: StaffWorld, client, plan_id: int) -> str:
    token = world.page_token(client, f"/staff/plans/{plan_id}")
    page = client.post(f"/staff/plans/{plan_id}/links", data={"csrf_token": token})
    assert page.status_code == 200 and "nur jetzt sichtbar" in page.text
    found = _LINK_RE.search(page.text)
    assert found
    return found.group(1)


def test_the_link_shows_the_plan_without_internal_notes(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _, plan_id = _plan(world, client)
    token = _link(world, client, plan_id)
    with world.engine.connect() as conn:
        stored = conn.execute(sa.select(plan_links)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps([str(v) for v in stored])
    assert (stored.expires_at - stored.created_at).days == 30
    assert token not in client.get(f"/staff/plans/{plan_id}").text  # shown once only

    citizen = world.client("198.51.100.7")  # no session
    page = citizen.get(f"/plan/{token}")
    assert page.status_code == 200
    assert "Ihr Plan" in page.text and FOR_CITIZEN in page.text and INTERNAL not in page.text
    assert "Berufsfachschule für Pflege Haar (Test)" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "noindex" in page.headers["x-robots-tag"]
    assert "<form" not in page.text and "csrf" not in page.text
    pdf = citizen.get(f"/plan/{token}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert citizen.get("/plan/static/plan.css").status_code == 200
    assert citizen.get("/plan/static/../app.py").status_code == 404


def test_unknown_expired_and_revoked_links_get_the_same_404(
    world: StaffWorld, clock: FakeClock, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _, plan_id = _plan(world, client)
    revoked, expiring = _link(world, client, plan_id), _link(world, client, plan_id)
    citizen = world.client("198.51.100.7")
    assert citizen.get(f"/plan/{revoked}").status_code == 200
    link_hash = hashlib.sha256(revoked.encode()).hexdigest()
    token = world.page_token(client, f"/staff/plans/{plan_id}")
    other = world.session_client(world.add_account("jens@example.de", "counsellor", office="jc"))
    foreign = other.post(
        f"/staff/plans/{plan_id}/links/revoke",
        data={"csrf_token": world.page_token(other), "link": link_hash},
    )
    assert foreign.status_code == 404 and citizen.get(f"/plan/{revoked}").status_code == 200
    done = client.post(
        f"/staff/plans/{plan_id}/links/revoke", data={"csrf_token": token, "link": link_hash}
    )
    assert done.status_code == 303
    clock.advance(days=30, seconds=1)
    answers = [
        citizen.get(path)
        for path in (
            f"/plan/{revoked}", f"/plan/{revoked}.pdf", f"/plan/{expiring}", f"/plan/{expiring}.pdf",
            f"/plan/{'A' * 43}", "/plan/kurz", f"/plan/{expiring}x",
        )
    ]  # fmt: skip
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1 and "Plan nicht verfügbar" in answers[0].text
    assert FOR_CITIZEN not in answers[0].text


def test_the_token_is_not_logged(
    world: StaffWorld, fake_search: FakeSearch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _, plan_id = _plan(world, client)
    token = _link(world, client, plan_id)
    citizen = world.client("198.51.100.7")
    citizen.get(f"/plan/{token}")
    citizen.get(f"/plan/{token}.pdf")
    housekeeping.run_once(world.engine, world.settings, world.clock())
    # everything the app and its libraries logged (httpx: the test's own client)
    logged = "\n".join(
        f"{r.name}: {r.getMessage()}" for r in caplog.records if not r.name.startswith("httpx")
    )
    assert "weasyprint" in {r.name.split(".")[0] for r in caplog.records}  # the PDF was made
    assert token not in logged and FOR_CITIZEN not in logged


def test_housekeeping_deletes_old_plans_and_expired_links(
    world: StaffWorld, clock: FakeClock, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _, old_plan = _plan(world, client)
    _link(world, client, old_plan)
    clock.advance(days=60)
    client = world.session_client(world.add_account("bert@example.de", "counsellor"))
    _, new_plan = _plan(world, client)
    expired = _link(world, client, new_plan)
    clock.advance(
        days=31, hours=1
    )  # old plan: 91 days unchanged; the new plan's link expired a day ago
    result = housekeeping.run_once(world.engine, world.settings, clock())
    assert (result.plans, result.plan_links) == (1, 2)
    with world.engine.connect() as conn:
        assert [r.id for r in conn.execute(sa.select(plans.c.id))] == [new_plan]
        assert conn.execute(sa.select(sa.func.count()).select_from(plan_links)).scalar_one() == 0
        left = conn.execute(sa.select(plan_steps.c.plan_id).distinct()).scalars().all()
    assert left == [new_plan]
    assert world.client().get(f"/plan/{expired}").status_code == 404


def test_retention_and_link_lifetime_are_settings(world: StaffWorld, clock: FakeClock) -> None:
    short = StaffWorld(world.db_url, clock, plan_retention_days=10, plan_link_ttl_days=2)
    client = short.session_client(short.add_account("anna@example.de", "counsellor"))
    _, plan_id = _plan(short, client)
    token = _link(short, client, plan_id)
    clock.advance(days=2, seconds=1)
    assert short.client().get(f"/plan/{token}").status_code == 404  # the link lived 2 days
    clock.advance(days=8)
    assert housekeeping.run_once(short.engine, short.settings, clock()).plans == 1


def test_anonymising_strips_the_plan_of_everything_personal(
    world: StaffWorld, clock: FakeClock, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    consultation, plan_id = _plan(world, client)
    token = world.page_token(client, f"/staff/plans/{plan_id}")
    client.post(f"/staff/plans/{plan_id}/checklist", data={"csrf_token": token})
    client.post(
        f"/staff/plans/{plan_id}/contacts",
        data={"csrf_token": token, "name": "Frau Muster (Arbeitgeberin)"},
    )
    link = _link(world, client, plan_id)
    with world.engine.begin() as conn:
        assert anonymise_plans(conn, [consultation], clock()) == 1
    with world.engine.connect() as conn:
        row = conn.execute(sa.select(plans).where(plans.c.id == plan_id)).one()
        notes = conn.execute(sa.select(sa.func.count()).select_from(plan_notes)).scalar_one()
        links = conn.execute(sa.select(sa.func.count()).select_from(plan_links)).scalar_one()
        steps = conn.execute(sa.select(sa.func.count()).select_from(plan_steps)).scalar_one()
    assert (row.title, row.checklist, notes, links, steps) == (ANONYMISED_PLAN_TITLE, None, 0, 0, 1)
    assert [c["name"] for c in json.loads(row.contacts)] == [
        "Bildungsberatung Landkreis München (Test)"
    ]
    assert row.anonymised_at == clock()
    assert world.client().get(f"/plan/{link}").status_code == 404
    page = client.get(f"/staff/plans/{plan_id}").text
    assert "anonymisiert" in page and "Neuen Link erstellen" not in page
    with world.engine.begin() as conn:
        assert delete_plans(conn, [consultation]) == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(plans)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(plan_steps)).scalar_one() == 0
