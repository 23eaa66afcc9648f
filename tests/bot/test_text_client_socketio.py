"""A text-only socket.io client against the real stack (issue 15, step 1: channel-neutral answers).

A third-party socket.io client that does not declare ``"rich": "page"`` (like a standard Rasa web
widget: text and buttons only) must get every offer in the TEXT and may answer a button question
with "2". Runs in the bot environment (python-socketio's client); Rasa, the action server, the
search service and the index all run (scripts/with_stack.py).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
import requests

from tests.prereq import missing

pytestmark = pytest.mark.integration

RASA_URL = os.environ.get("BL_RASA_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
PROFILE = "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"


def tracker(sender: str) -> dict[str, Any]:
    """The conversation from Rasa's HTTP API (JWT from scripts/with_stack.py)."""
    token = os.environ.get("BL_RASA_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    resp = requests.get(f"{RASA_URL}/conversations/{sender}/tracker", headers=headers, timeout=30)
    resp.raise_for_status()
    return resp.json()


@pytest.fixture
def rasa_up() -> None:
    try:
        requests.get(f"{RASA_URL}/", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        missing(f"Rasa server not reachable at {RASA_URL} ({exc})", "run via scripts/with_stack.py")


class TextOnlySocketClient:
    """A socket.io client like a standard widget: session_request without a capability."""

    def __init__(self) -> None:
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False)
        self.session_id = uuid.uuid4().hex
        self.received: list[dict[str, Any]] = []
        self.confirmed = asyncio.Event()
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        self.received.append(data if isinstance(data, dict) else {"raw": data})

    async def _on_confirm(self, _data: Any) -> None:
        self.confirmed.set()

    async def connect(self) -> None:
        # polling: the bot env's aiohttp predates the websocket client API of its engineio
        await self.sio.connect(RASA_URL, socketio_path="/socket.io", transports=["polling"])
        await self.sio.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(self.confirmed.wait(), timeout=15)

    async def say(self, text: str, quiet: float = 4.0, timeout: float = 90.0) -> list[dict]:
        """Send ``text``; the bot messages of the turn (until ``quiet`` seconds pass without one)."""
        start = len(self.received)
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        waited, seen, since = 0.0, start, 0.0
        while waited < timeout:
            await asyncio.sleep(0.25)
            waited += 0.25
            if len(self.received) != seen:
                seen, since = len(self.received), 0.0
            else:
                since += 0.25
            if seen > start and since >= quiet:
                break
        return self.received[start:]


def _text(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


async def test_text_only_socketio_client_gets_the_offers_in_the_text_and_answers_with_a_number(
    rasa_up: None,
) -> None:
    from knowledge.catalogue import load_catalogue

    client = TextOnlySocketClient()
    await client.connect()
    try:
        await client.say("Hallo")
        asked = await client.say(PROFILE)
        buttons = [b for m in asked for b in m.get("quick_replies") or []]
        titles = [b["title"] for b in buttons]
        assert titles == ["Vollzeit", "Teilzeit", "Berufsbegleitend"], _text(asked)
        assert "1) Vollzeit\n2) Teilzeit\n3) Berufsbegleitend" in _text(asked)  # numbered

        answer = await client.say("2")  # "Teilzeit"
    finally:
        await client.sio.disconnect()
    slots = tracker(client.session_id)["slots"]
    assert slots["time_model"] == "teilzeit"
    assert not any("custom" in m or "attachment" in m for m in answer), "text and buttons only"
    text = _text(answer)
    assert "in der Übersicht" not in text  # the learning path is in the text, not "see overview"
    assert "Ein möglicher Lernweg für Sie" in text and "DQR-Niveau" in text
    shown = slots["shown_offer_ids"]
    assert 3 <= len(shown) <= 5, text
    catalogue = load_catalogue()
    for number, offer_id in enumerate(shown, start=1):  # every offer, numbered, with its link
        offer = catalogue.by_id(offer_id)
        assert offer is not None, offer_id
        line = next(line for line in text.split("\n") if line.startswith(f"{number}. „"))
        assert offer.title in line and offer.provider in line, (line, offer.title)
        if offer.url:
            assert offer.url in line
