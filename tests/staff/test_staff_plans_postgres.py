"""Plans on PostgreSQL (the machine's 127.0.0.1:5432, a throw-away database migrated by the real
migrations): building, ordering, the citizen link, anonymisation and retention run the same
queries there as on SQLite."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from appdb import migrate
from appdb.deletion import ANONYMISED_PLAN_TITLE, anonymise_plans
from appdb.engine import dispose_all
from appdb.schema import plan_steps, plans
from staff import housekeeping
from tests.pg_support import fresh_database, url_of
from tests.staff.plan_helpers import add_consultation
from tests.staff.staff_helpers import FakeClock, StaffWorld

PG = "postgresql+psycopg"


@pytest.fixture
def pg_world(clock: FakeClock) -> Iterator[StaffWorld]:
    with fresh_database("bl_plans", PG) as name:
        url = url_of(name, PG)
        migrate.upgrade(url)
        world = StaffWorld(url, clock)
        world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
        yield world
        dispose_all()


def test_plans_on_postgresql(pg_world: StaffWorld, clock: FakeClock) -> None:
    world = pg_world
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    consultation = add_consultation(world)
    token = world.page_token(client, "/staff/plans")
    created = client.post(
        "/staff/plans", data={"csrf_token": token, "consultation_id": str(consultation)}
    )
    plan_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
    page = client.get(f"/staff/plans/{plan_id}").text
    path_id = page.split('name="path_id" value="', 1)[1].split('"', 1)[0]
    base = f"/staff/plans/{plan_id}"
    for step in ("0", "1"):
        data = {"csrf_token": token, "path_id": path_id, "step": step}
        assert client.post(f"{base}/path-steps", data=data).status_code == 303
    for action, data in (("checklist", {}), ("notes", {"text": "Für Sie", "for_citizen": "yes"})):
        assert (
            client.post(f"{base}/{action}", data={"csrf_token": token, **data}).status_code == 303
        )
    with world.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(plan_steps.c.id))).scalar_one()
    moved = client.post(f"{base}/steps/{last}/move", data={"csrf_token": token, "direction": "up"})
    assert moved.status_code == 303
    with world.engine.connect() as conn:
        order = conn.execute(sa.select(plan_steps.c.id).order_by(plan_steps.c.position)).scalars()
        assert list(order)[0] == last
    link_page = client.post(f"{base}/links", data={"csrf_token": token}).text
    link = re.search(r"/plan/([A-Za-z0-9_-]{43})", link_page)
    assert link and "Für Sie" in world.client().get(f"/plan/{link.group(1)}").text

    with world.engine.begin() as conn:
        assert anonymise_plans(conn, [consultation], clock()) == 1
    with world.engine.connect() as conn:
        row = conn.execute(sa.select(plans)).one()
    assert row.title == ANONYMISED_PLAN_TITLE and row.checklist is None
    assert len(json.loads(row.contacts)) == 1
    assert world.client().get(f"/plan/{link.group(1)}").status_code == 404
    clock.advance(days=91)
    assert housekeeping.run_once(world.engine, world.settings, clock()).plans == 1
