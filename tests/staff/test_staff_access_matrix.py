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


def _path(path: str) -> str:
    return path.replace("{request_id}", "{id}").replace("{consultation_id}", "{cid}")


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
}


def test_the_matrix_covers_every_route_of_the_app(world: StaffWorld) -> None:
    found: list[APIRoute] = []
    for route in create_app(world.settings, world.clock).routes:
        included = getattr(route, "original_router", None)  # an included APIRouter
        found += [r for r in (included.routes if included else [route]) if isinstance(r, APIRoute)]
    routes = {(method, route.path) for route in found for method in route.methods}
    assert len(routes) > 10
    covered = {("GET", p) for p in PAGES} | {("POST", p) for p in POSTS}
    public = {(m, p) for m, p in routes if _path(p) in PUBLIC}
    assert {(m, _path(p)) for m, p in routes} - public == covered


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
