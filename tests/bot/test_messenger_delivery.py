"""The messenger channels' inbound flow and outputs against the local fakes of the Bot API and the
Messages API (tests/integration/messenger_fakes.py, real HTTP); Rasa is replaced by a recorder of
the UserMessages it would get, which is all this layer hands over."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import messenger, messenger_render
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
    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_response(
            message.sender_id,
            {
                "text": f"Antwort {len(self.messages)}",
                "buttons": [
                    {"title": "Ja", "payload": "/affirm"},
                    {"title": "Nein", "payload": "/deny"},
                ],
            },
        )


async def test_twilio_flow_notice_choices_limit_and_no_phone_for_rasa(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the channel's own fallback (rendering layer and its choice helper, which reads Rasa's
    # tracker store, not installed)
    monkeypatch.setattr(messenger, "shared_resolve_choice", None)
    monkeypatch.setattr(messenger, "render_outgoing", messenger_render.fallback_render)
    channel = TwilioInput(env)
    out = channel.output
    assert out is not None
    rasa = Rasa()
    phone = "whatsapp:+4915100000099"
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp")
    await out.state.receive(phone, "2", out, rasa, "WhatsApp")
    await out.state.receive(phone, None, out, rasa, "WhatsApp")  # a picture
    assert [m.text for m in rasa.messages] == ["Hallo", "/deny"]
    assert {m.sender_id for m in rasa.messages} == {out.state.pseudonym(phone)}
    assert all(phone not in repr(vars(m)) for m in rasa.messages)
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp")  # over the limit of 3
    await out.state.receive(phone, "Hallo", out, rasa, "WhatsApp")
    assert len(rasa.messages) == 2
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
