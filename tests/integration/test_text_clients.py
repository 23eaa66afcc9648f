"""The REST webhook for text clients against the real stack (issue 15, step 1): ``text`` is the
complete text form unless the page asks for its own form (``"rich": "page"``). Rasa, the action
server, the search service and the index all run (scripts/with_stack.py). The text-only socket.io
client is tested in tests/bot/test_text_client_socketio.py (python-socketio is in the bot env).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

PROFILE = "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"


def test_rest_returns_the_complete_text_and_the_page_form_on_request(conversation) -> None:
    conversation.say("Hallo")
    asked = conversation.say(PROFILE)
    assert any("1) Vollzeit\n2) Teilzeit" in r.get("text", "") for r in asked)  # numbered
    replies = conversation.say("2")  # the second button: Teilzeit
    assert conversation.slots()["time_model"] == "teilzeit"
    offers = next(r for r in replies if (r.get("custom") or {}).get("type") == "recommendations")
    for item in offers["custom"]["items"]:
        assert item["title"] in offers["text"] and item["provider"] in offers["text"]

    page = conversation.client.post(
        "/webhooks/rest/webhook",
        json={"sender": conversation.sender, "message": "Weitere Angebote", "rich": "page"},
    )
    page.raise_for_status()
    more = [r for r in page.json() if (r.get("custom") or {}).get("type") == "recommendations"]
    if more:  # the page shows cards: the text is the lead only
        assert not any(i["title"] in more[0]["text"] for i in more[0]["custom"]["items"])
