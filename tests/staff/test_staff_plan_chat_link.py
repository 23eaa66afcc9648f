"""The plan link the citizen gets in the chat ("Mein Plan", bot/actions/plan_link.py): the bot's
store (bot/actions/clients/plan_link_store.py, shared token helpers appdb/plan_tokens.py) makes a
link that the staff app's public page opens and that the plan page lists (and can revoke); the
plan page tells the counsellor about "Mein Plan" only for consultations from the chat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from appdb.engine import dispose_all
from appdb.schema import plans
from bot.actions.clients import plan_link_store
from tests.staff.plan_helpers import FakeSearch, add_consultation, fake_search
from tests.staff.staff_helpers import StaffWorld

__all__ = ["fake_search"]
HINT = "nach „Mein Plan“ fragt"


@pytest.fixture(autouse=True)
def _dispose() -> Iterator[None]:
    yield
    dispose_all()  # the bot store's cached engines


def _plan(world: StaffWorld, client, consultation: int) -> int:
    token = world.page_token(client, "/staff/plans")
    created = client.post(
        "/staff/plans",
        data={
            "csrf_token": token,
            "consultation_id": str(consultation),
            "title": "Weg in die Pflege",
        },
    )
    return int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])


def test_a_link_made_in_the_chat_opens_the_plan(world: StaffWorld, fake_search: FakeSearch) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    consultation = add_consultation(world, origin="chat", sender_id="chat-sender")
    plan_id = _plan(world, client, consultation)
    page = client.get(f"/staff/plans/{plan_id}")
    assert HINT in page.text

    url = world.settings.app_db_url
    found = plan_link_store.newest_plan_link(url, "chat-sender", world.clock(), 30)
    assert found is not None and found.link is not None
    assert (found.link.title, found.status) == ("Weg in die Pflege", plan_link_store.LINK)
    citizen = world.client("198.51.100.7")
    shown = citizen.get(f"/plan/{found.link.token}")
    assert shown.status_code == 200 and "Weg in die Pflege" in shown.text
    listed = client.get(f"/staff/plans/{plan_id}").text
    assert "gültig bis" in listed and "Link sperren" in listed
    assert found.link.token not in listed
    assert found.link.expires_at - world.clock() == dt.timedelta(days=30)

    with world.engine.begin() as conn:  # an anonymised plan gets no new link
        conn.execute(
            plans.update().where(plans.c.id == plan_id).values(anonymised_at=world.clock())
        )
    again = plan_link_store.newest_plan_link(url, "chat-sender", world.clock(), 30)
    assert again is not None and again.status == plan_link_store.NO_PLAN


def test_the_hint_is_only_for_consultations_from_the_chat(
    world: StaffWorld, fake_search: FakeSearch
) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    plan_id = _plan(world, client, add_consultation(world))
    assert HINT not in client.get(f"/staff/plans/{plan_id}").text
