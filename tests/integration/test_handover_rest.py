"""The consultation handover end to end over Rasa's REST channel against the real stack
(scripts/with_stack.py): the bot explains and asks, only a yes stores the snapshot (the chat
text only with the second button), the code is shown once and only its hash is stored, a no
stores nothing, and "Meine Daten löschen" deletes the unclaimed snapshot.

Reads the stack's application database (APP_DB_URL, as the action server writes it).
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from appdb import handover_codes
from appdb.schema import consultations
from appdb.urls import app_db_url, with_installed_driver

pytestmark = pytest.mark.integration

CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
WITH_CHAT = '/affirm{"handover_scope": "chat"}'


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


def _rows(sender: str) -> list:
    engine = sa.create_engine(with_installed_driver(app_db_url()))
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.select(consultations).where(consultations.c.sender_id == sender)
            ).all()
    finally:
        engine.dispose()


def _offered(conversation) -> list[dict]:
    replies = conversation.say("Ich möchte das mit einer Beraterin besprechen")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    assert "Gesprächstext" in _texts(replies)
    return buttons


def test_yes_with_chat_text_stores_a_snapshot_with_a_code(conversation) -> None:
    conversation.say(
        "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"
    )
    shown = conversation.say("Teilzeit")
    offer_ids = [
        item["offer_id"]
        for r in shown
        if isinstance(r.get("custom"), dict) and r["custom"].get("type") == "recommendations"
        for item in r["custom"]["items"]
    ]
    assert offer_ids
    buttons = _offered(conversation)
    assert [b["payload"] for b in buttons][:3] == ["/affirm", WITH_CHAT, "/deny"]
    assert _rows(conversation.sender) == []  # asking stores nothing
    replies = conversation.say(WITH_CHAT)
    found = CODE.search(_texts(replies))
    assert found, _texts(replies)
    [stored] = _rows(conversation.sender)
    assert stored.code_hash == handover_codes.code_hash(found.group(0))
    snapshot = json.loads(stored.snapshot)
    assert [o["offer_id"] for o in snapshot["offers"]] == offer_ids
    assert snapshot["profile"]["municipality"] == "Unterhaching"
    assert any(line == {"from": "user", "text": "Teilzeit"} for line in snapshot["chat"])
    assert stored.includes_chat_text is True and stored.claimed_at is None

    conversation.say("Meine Daten löschen")
    assert _rows(conversation.sender) == []  # unclaimed: deleted with the conversation


def test_no_stores_nothing(conversation) -> None:
    conversation.say("Ich bin Elektroniker in Garching und will den Meister machen")
    _offered(conversation)
    replies = conversation.say("/deny")
    assert not CODE.search(_texts(replies))
    assert _rows(conversation.sender) == []
