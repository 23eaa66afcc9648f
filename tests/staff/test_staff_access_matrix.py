"""The access-control matrix: every role (and anonymous) against every route of the staff app.

Anonymous requests go to the sign-in page; a signed-in account without the route's role gets
403; a counsellor sees only the callback requests and consultations of the own office (another
office's record answers 404, like a missing one); an expired handover code opens nothing.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from staff.app import create_app
from tests.staff.consultation_helpers import hand_over
from tests.staff.staff_helpers import StaffWorld

ROLES = ("counsellor", "editor", "analyst", "admin")
# route -> the role it needs (None: any signed-in account)
PAGES: dict[str, str | None] = {
    "/staff/": None,
    "/staff/callbacks": "counsellor",
    "/staff/callbacks/{id}": "counsellor",
    "/staff/editor": "editor",
    "/staff/analyst": "analyst",
    "/staff/analyst/engpass": "analyst",
    "/staff/analyst/export": "analyst",
    "/staff/analyst/bericht.pdf": "analyst",
    "/staff/admin": "admin",
    "/staff/admin/access-log": "admin",
    "/staff/consultations": "counsellor",
    "/staff/consultations/open": "counsellor",
    "/staff/consultations/new": "counsellor",
    "/staff/consultations/{cid}": "counsellor",
    "/staff/consultations/{cid}/profile": "counsellor",
    "/staff/consultations/{cid}/search": "counsellor",
    "/staff/consultations/{cid}/compare": "counsellor",
}
POSTS: dict[str, str | None] = {
    "/staff/callbacks/{id}/done": "counsellor",
    "/staff/sign-out": None,
    "/staff/consultations/open": "counsellor",
    "/staff/consultations/new": "counsellor",
    "/staff/consultations/{cid}/profile": "counsellor",
}
CONSULTATION_POSTS = [p for p in POSTS if p.startswith("/staff/consultations")]


def _consultation(world: StaffWorld) -> int:
    """A consultation claimed by office bb (started without a code)."""
    from staff import consultations

    owner = world.add_account("owner@example.de", "counsellor")
    return consultations.start_without_code(
        world.engine, owner.office.id, owner.id, {"goal": "umschulung"}, world.clock()
    )


PUBLIC = {
    "/staff/sign-in",
    "/staff/auth/oidc/start",
    "/staff/auth/oidc/callback",
    "/health",
    "/staff",
    # the citizen's read-only plan link (token checked by the route; tests/staff/test_staff_plan_links.py)
    "/plan/{token}",
    "/plan/{token}.pdf",
    "/plan/static/{name}",
}
# the plan builder (counsellor, office-scoped): {id} a plan, {step} a step, {n} a contact, {note} a note
PLAN_PAGES = ("/staff/plans", "/staff/plans/{id}", "/staff/plans/{id}.pdf")
PLAN_POSTS = (
    "/staff/plans",
    "/staff/plans/{id}/title",
    "/staff/plans/{id}/offers",
    "/staff/plans/{id}/path-steps",
    "/staff/plans/{id}/steps/{step}/move",
    "/staff/plans/{id}/steps/{step}/dates",
    "/staff/plans/{id}/steps/{step}/remove",
    "/staff/plans/{id}/checklist",
    "/staff/plans/{id}/contacts",
    "/staff/plans/{id}/contacts/{n}/remove",
    "/staff/plans/{id}/notes",
    "/staff/plans/{id}/notes/{note}/remove",
    "/staff/plans/{id}/links",
    "/staff/plans/{id}/links/revoke",
    "/staff/plans/{id}/delete",
)
_PARAMS = {"{request_id}": "{id}", "{consultation_id}": "{cid}", "{plan_id}": "{id}", "{step_id}": "{step}", "{index}": "{n}",
           "{note_id}": "{note}"}  # fmt: skip


def _normalised(path: str) -> str:
    for name, short in _PARAMS.items():
        path = path.replace(name, short)
    return path


def test_the_matrix_covers_every_route_of_the_app(world: StaffWorld) -> None:
    found: list[APIRoute] = []
    for route in create_app(world.settings, world.clock).routes:
        included = getattr(route, "original_router", None)  # an included APIRouter
        found += [r for r in (included.routes if included else [route]) if isinstance(r, APIRoute)]
    routes = {(method, route.path) for route in found for method in route.methods}
    assert len(routes) > 10
    covered = {("GET", p) for p in (*PAGES, *PLAN_PAGES)}
    covered |= {("POST", p) for p in (*POSTS, *PLAN_POSTS)}
    public = {(m, _normalised(p)) for m, p in routes if _normalised(p) in PUBLIC}
    assert {(m, _normalised(p)) for m, p in routes} - public == covered


def test_anonymous_requests_go_to_the_sign_in_page(world: StaffWorld) -> None:
    request_id = world.add_callback()
    consultation_id = _consultation(world)
    client = world.client()
    for path in sorted({*PAGES, *POSTS}):
        target = path.format(id=request_id, cid=consultation_id)
        if path in POSTS:
            answer = client.post(target, data={"csrf_token": "x"})
        else:
            answer = client.get(target)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == f"/staff/sign-in?next={target.replace('/', '%2F')}"
    assert world.callback_row(request_id).done_at is None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_route(world: StaffWorld, role: str) -> None:
    account = world.add_account(f"{role}@example.de", role)
    request_id = world.add_callback()  # office bb, like the account
    consultation_id = _consultation(world)
    client = world.session_client(account)
    seen = {
        path: client.get(path.format(id=request_id, cid=consultation_id)).status_code
        for path in PAGES
    }
    expected = {path: 200 if needed in (None, role) else 403 for path, needed in PAGES.items()}
    assert seen == expected
    assert "Kein Zugriff" in client.get("/staff/admin" if role != "admin" else "/staff/editor").text

    token = world.page_token(client)
    done = client.post(f"/staff/callbacks/{request_id}/done", data={"csrf_token": token})
    assert done.status_code == (303 if role == "counsellor" else 403)
    assert (world.callback_row(request_id).done_at is not None) == (role == "counsellor")
    if role != "counsellor":
        for path in CONSULTATION_POSTS:
            target = path.format(cid=consultation_id)
            assert client.post(target, data={"csrf_token": token}).status_code == 403, path
    out = client.post("/staff/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and client.get("/staff/").status_code == 303


def test_a_counsellor_never_sees_another_offices_requests(world: StaffWorld) -> None:
    mine = world.add_callback(contact="+49 89 1111111")
    theirs = world.add_callback("Jobcenter Landkreis München", contact="+49 89 2222222")
    counsellor = world.session_client(world.add_account("anna@example.de", "counsellor", "admin"))
    jobcenter = world.session_client(
        world.add_account("jens@example.de", "counsellor", office="jc")
    )
    inbox = counsellor.get("/staff/callbacks").text
    assert f"/staff/callbacks/{mine}" in inbox and f"/staff/callbacks/{theirs}" not in inbox
    other = counsellor.get(f"/staff/callbacks/{theirs}")
    assert other.status_code == 404 and "+49 89 2222222" not in other.text
    token = world.page_token(counsellor)
    done = counsellor.post(f"/staff/callbacks/{theirs}/done", data={"csrf_token": token})
    assert done.status_code == 404 and world.callback_row(theirs).done_at is None
    assert "+49 89 2222222" in jobcenter.get(f"/staff/callbacks/{theirs}").text
    assert jobcenter.get(f"/staff/callbacks/{mine}").status_code == 404
    assert counsellor.get("/staff/callbacks/999999").status_code == 404
    assert counsellor.get("/staff/callbacks/not-a-number").status_code == 404


def test_disabling_an_account_or_changing_its_roles_ends_its_sessions(world: StaffWorld) -> None:
    from staff import store

    client = world.session_client(world.add_account("anna@example.de", "counsellor", "admin"))
    assert client.get("/staff/admin").status_code == 200
    store.set_roles(world.engine, "anna@example.de", ["counsellor"])
    assert client.get("/staff/admin").status_code == 303  # signed out
    again = world.session_client(world.add_account("bernd@example.de", "counsellor"))
    store.set_active(world.engine, "bernd@example.de", False)
    assert again.get("/staff/").status_code == 303


# ---------------------------------------------------------------- the plan builder


def _plan_world(world: StaffWorld) -> tuple[int, dict[str, int]]:
    """A plan of office bb with one step, one added contact and one note; returns the plan id
    and the ids for the path parameters."""
    import json

    import sqlalchemy as sa

    from appdb.schema import plan_notes, plan_steps, plans
    from tests.staff.plan_helpers import add_consultation

    consultation = add_consultation(world)
    now = world.clock()
    with world.engine.begin() as conn:
        office = conn.execute(sa.text("SELECT id FROM offices WHERE code = 'bb'")).scalar_one()
        contacts = json.dumps([{"name": "Stelle"}, {"name": "Weitere"}])
        plan_id = conn.execute(
            plans.insert().values(consultation_id=consultation, office_id=office, title="Plan",
                                  contacts=contacts, created_at=now, updated_at=now)
        ).inserted_primary_key[0]  # fmt: skip
        step = conn.execute(
            plan_steps.insert().values(plan_id=plan_id, position=1, offer="{}")
        ).inserted_primary_key[0]
        note = conn.execute(
            plan_notes.insert().values(plan_id=plan_id, text="n", for_citizen=False, created_at=now)
        ).inserted_primary_key[0]
    return int(plan_id), {"id": int(plan_id), "step": int(step), "n": 1, "note": int(note)}


def test_anonymous_requests_to_plan_pages_go_to_the_sign_in_page(world: StaffWorld) -> None:
    _, ids = _plan_world(world)
    client = world.client()
    for path in (*PLAN_PAGES, *PLAN_POSTS):
        target = path.format(**ids)
        method = client.post if path in PLAN_POSTS and not path.endswith(".pdf") else client.get
        answer = (
            method(target, data={"csrf_token": "x"}) if method == client.post else method(target)
        )
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/staff/sign-in?next=")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_plan_route(world: StaffWorld, role: str) -> None:
    _, ids = _plan_world(world)
    client = world.session_client(world.add_account(f"{role}@example.de", role))
    token = world.page_token(client)
    allowed = role == "counsellor"
    for path in PLAN_PAGES:
        status = client.get(path.format(**ids)).status_code
        assert status == (200 if allowed else 403), path
    for path in PLAN_POSTS:  # the delete goes last
        data = {
            "csrf_token": token,
            "consultation_id": "999999",
            "title": "T",
            "text": "t",
            "name": "n",
        }
        status = client.post(path.format(**ids), data=data).status_code
        assert (status in (200, 303, 404)) if allowed else status == 403, (path, status)


def test_a_counsellor_of_another_office_gets_404_on_every_plan_route(world: StaffWorld) -> None:
    plan_id, ids = _plan_world(world)
    client = world.session_client(world.add_account("jens@example.de", "counsellor", office="jc"))
    token = world.page_token(client)
    for path in PLAN_PAGES[1:]:
        assert client.get(path.format(**ids)).status_code == 404, path
    for path in PLAN_POSTS[1:]:
        data = {"csrf_token": token, "title": "T", "text": "t", "name": "n", "offer_id": "x",
                "path_id": "x", "step": "0", "link": "0" * 64}  # fmt: skip
        assert client.post(path.format(**ids), data=data).status_code == 404, path
    mine = world.session_client(world.add_account("anna@example.de", "counsellor"))
    page = mine.get(f"/staff/plans/{plan_id}")
    assert page.status_code == 200 and "Weitere" in page.text


def test_a_counsellor_never_sees_another_offices_consultations(world: StaffWorld) -> None:
    theirs = _consultation(world)  # office bb
    jens = world.session_client(world.add_account("jens@example.de", "counsellor", office="jc"))
    for path in PAGES:
        if "{cid}" in path:
            assert jens.get(path.format(cid=theirs)).status_code == 404, path
    token = world.page_token(jens)
    saved = jens.post(
        f"/staff/consultations/{theirs}/profile", data={"csrf_token": token, "goal": "aufstieg"}
    )
    assert saved.status_code == 404
    assert jens.get("/staff/consultations/999999").status_code == 404
    assert jens.get("/staff/consultations/not-a-number").status_code == 404


def test_an_expired_code_opens_nothing(world: StaffWorld) -> None:
    code = hand_over(world)
    world.clock.advance(days=8)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    token = world.page_token(client)
    answer = client.post("/staff/consultations/open", data={"csrf_token": token, "code": code})
    assert answer.status_code == 400
    assert client.get("/staff/consultations/1").status_code == 404
