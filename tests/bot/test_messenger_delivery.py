"""The messenger channels' inbound flow and outputs against the local fakes of the Bot API and the
Messages API (tests/integration/messenger_fakes.py, real HTTP), with the real rendering layer and
numbered-choice helper. Rasa's agent is replaced by a recorder of the UserMessages it would get
(which is all this layer hands over) that stores each turn in Rasa's own in-memory tracker store,
where :func:`bot.channels.choices.resolve_choice` reads the last turn's buttons."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.telegram import TelegramInput
from bot.channels.twilio import TwilioInput
from tests.integration.messenger_fakes import configure_env, start_fakes


def _free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@pytest.fixture(scope="module")
def env() -> Iterator[dict[str, str]]:
    env = configure_env(
        {
            "FAKE_TELEGRAM_PORT": _free_port(),
            "FAKE_TWILIO_PORT": _free_port(),
            "CHANNEL_MESSAGES_PER_MINUTE": "3",
            "PROXY_PORT": "8280",
        }
    )
    servers = start_fakes(env)
    yield env
    for server in servers:
        server.shutdown()


def _calls(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/_calls", timeout=10) as resp:
        return json.loads(resp.read())


class Rasa:
    """The agent's part: records the UserMessage, answers with two buttons and stores the turn
    in Rasa's in-memory tracker store (``app.ctx.agent.tracker_store``, as in the Rasa server)."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self.store = InMemoryTrackerStore(Domain.empty())
        self.app = SimpleNamespace(
            ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=self.store))
        )

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        reply = {
            "text": f"Antwort {len(self.messages)}",
            "buttons": [
                {"title": "Ja", "payload": "/affirm"},
                {"title": "Nein", "payload": "/deny"},
            ],
        }
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text))
        tracker.update(BotUttered(reply["text"], data={"buttons": reply["buttons"]}))
        await self.store.save(tracker)
        await message.output_channel.send_response(message.sender_id, reply)


async def test_twilio_flow_notice_choices_limit_and_no_phone_for_rasa(env: dict[str, str]) -> None:
    channel = TwilioInput(env)
    out = channel.output
    assert out is not None
    rasa = Rasa()
    phone = "whatsapp:+4915100000099"
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp", rasa.app)
    await out.state.receive(phone, "die zweite", out, rasa, "WhatsApp", rasa.app)
    await out.state.receive(phone, None, out, rasa, "WhatsApp", rasa.app)  # a picture
    assert [m.text for m in rasa.messages] == ["Hallo", "/deny"]
    assert {m.sender_id for m in rasa.messages} == {out.state.pseudonym(phone)}
    assert all(phone not in repr(vars(m)) for m in rasa.messages)
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp", rasa.app)  # over the limit of 3
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp", rasa.app)
    assert len(rasa.messages) == 2
    await out.http_client.close()


async def test_long_text_is_cut_and_commands_neutralised(env: dict[str, str]) -> None:
    channel = TwilioInput(env)
    out = channel.output
    assert out is not None
    rasa = Rasa()
    phone = "whatsapp:+4915100000097"
    await out.state.receive(phone, "x" * 5000, out, rasa, "WhatsApp", rasa.app)
    await out.state.receive(phone, '/nlu_fallback{"x": 1}', out, rasa, "WhatsApp", rasa.app)
    limit = out.state.settings.max_message_chars
    assert len(rasa.messages[0].text) == limit + 1
    assert not rasa.messages[1].text.startswith("/")
    await out.http_client.close()


async def test_twilio_output_reaches_the_messages_api(env: dict[str, str]) -> None:
    channel = TwilioInput(env)
    out = channel.output
    assert out is not None
    phone = "whatsapp:+4915100000098"
    await out.state.receive(phone, "Hallo", out, Rasa(), "WhatsApp")
    await out.http_client.close()
    calls = _calls(env["TWILIO_API_URL"])
    bodies = [c["params"]["Body"] for c in calls if c["params"]["To"] == phone]
    assert "Datenschutz" in bodies[0] and "WhatsApp" in bodies[0]
    assert bodies[1].startswith("Antwort 1")
    assert re.search(r"1[.)] Ja\n2[.)] Nein", bodies[1])


async def test_telegram_output_sends_inline_keyboards(env: dict[str, str]) -> None:
    channel = TelegramInput(env)
    out = channel.output
    assert out is not None
    await channel.register_webhook()
    await out.state.receive("4242", "Hallo", out, Rasa(), "Telegram")
    await out.session.close()
    calls = _calls(env["TELEGRAM_API_URL"])
    assert [c["method"] for c in calls[:2]] == ["setWebhook", "getMe"]
    assert calls[0]["params"]["secret_token"] == env["TELEGRAM_WEBHOOK_SECRET"]
    sent = [c["params"] for c in calls if c["method"] == "sendMessage"]
    assert "Datenschutz" in sent[0]["text"] and "reply_markup" not in sent[0]
    keyboard = sent[1]["reply_markup"]["inline_keyboard"]
    assert keyboard == [
        [{"text": "Ja", "callback_data": "/affirm"}],
        [{"text": "Nein", "callback_data": "/deny"}],
    ]
