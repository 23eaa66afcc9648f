""" "Mein Plan" end to end over Rasa's REST channel against the real stack (scripts/with_stack.py):
the citizen hands over in the chat (the code message says that the plan can be asked for here),
asks for the plan before there is one (kind answer), the counsellor's office claims the
consultation and makes a plan (written to the application database as the staff app does), the
citizen asks "Wo ist mein Plan?" and follows the link from the bot's text THROUGH THE PROXY to the
read-only page (200, plan title); after "Meine Daten löschen" the link no longer works.

Reads and writes the stack's application database (APP_DB_URL, as the action server and the
staff app use it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from appdb import plan_tokens
from appdb.schema import consultations, offices, plan_links, plans
from appdb.urls import app_db_url, with_installed_driver
from tests.prereq import missing
from tests.security.entry_clients import PROXY_URL

pytestmark = pytest.mark.integration

CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
LINK = re.compile(r"(https?://\S+/plan/([A-Za-z0-9_-]{43}))")
TITLE = "Weg in die Pflegehilfe (Integrationstest)"


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


@pytest.fixture
def engine() -> Iterator[sa.engine.Engine]:
    try:
        httpx.get(f"{PROXY_URL}/plan/{'A' * 43}", timeout=5)
    except httpx.HTTPError as exc:
        missing(f"proxy not reachable at {PROXY_URL} ({exc})", "run via scripts/with_stack.py")
    engine = sa.create_engine(with_installed_driver(app_db_url()))
    try:
        yield engine
    finally:
        engine.dispose()


def _make_plan(engine: sa.engine.Engine, sender: str) -> int:
    """What the staff app does when a counsellor opens the code and creates a plan."""
    with engine.begin() as conn:
        office_id = conn.execute(
            offices.insert().values(
                code=f"it-{uuid.uuid4().hex[:8]}",
                name="Bildungsberatung Integrationstest",
                kind="bildungsberatung",
            )
        ).inserted_primary_key[0]
        consultation_id = conn.execute(
            sa.select(consultations.c.id).where(consultations.c.sender_id == sender)
        ).scalar_one()
        now = conn.execute(
            sa.select(consultations.c.created_at).where(consultations.c.id == consultation_id)
        ).scalar_one()
        conn.execute(
            consultations.update()
            .where(consultations.c.id == consultation_id)
            .values(claimed_at=now, office_id=office_id, updated_at=now)
        )
        return conn.execute(
            plans.insert().values(
                consultation_id=consultation_id,
                office_id=office_id,
                title=TITLE,
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]


def test_the_citizen_gets_the_plan_link_in_the_chat(conversation, engine) -> None:
    conversation.say("Ich möchte das mit einer Beraterin besprechen")
    stored = _texts(conversation.say("/affirm"))
    assert CODE.search(stored) and "„Mein Plan“" in stored

    not_yet = _texts(conversation.say("Wo ist mein Plan?"))
    assert "noch keinen Plan" in not_yet and LINK.search(not_yet) is None

    plan_id = _make_plan(engine, conversation.sender)
    shown = _texts(conversation.say("Wo ist mein Plan?"))
    found = LINK.search(shown)
    assert found, shown
    url, token = found.groups()
    assert TITLE in shown and "Bildungsberatung Integrationstest" in shown
    assert "nicht weiter" in shown
    assert url == f"{PROXY_URL}/plan/{token}"  # PUBLIC_URL as the action server knows it
    with engine.connect() as conn:
        [row] = conn.execute(sa.select(plan_links).where(plan_links.c.plan_id == plan_id)).all()
    assert row.token_hash == plan_tokens.token_hash(token)

    page = httpx.get(url, timeout=30)
    assert page.status_code == 200 and TITLE in page.text
    assert page.headers["cache-control"] == "no-store"
    pdf = httpx.get(f"{url}.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    conversation.say("Meine Daten löschen")  # claimed: anonymised, every link deleted
    assert httpx.get(url, timeout=30).status_code == 404
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(plan_links).where(plan_links.c.plan_id == plan_id)).all() == []
        )
        title = conn.execute(sa.select(plans.c.title).where(plans.c.id == plan_id)).scalar_one()
    assert title != TITLE
    gone = _texts(conversation.say("Mein Plan"))
    assert LINK.search(gone) is None
