"""Telegram and WhatsApp (Twilio) against the real stack, through the public entry (nginx), with local
fakes of the Bot API and the Messages API that record every call (tests/integration/messenger_fakes.py).

    python -m tests.integration.messenger_fakes -- python scripts/with_stack.py -- \
        python -m pytest -m integration tests/integration/test_messenger_channels.py
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.channels.sender_ids import pseudonym
from bot.channels.webhook_auth import twilio_signature
from tests.prereq import missing

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PROXY = f"http://127.0.0.1:{os.environ.get('PROXY_PORT', '8080')}"
PUBLIC_URL = os.environ.get("PUBLIC_URL", PROXY).rstrip("/")
CHAT_ID = 731_552_904_118  # fake Telegram chat ids / phone numbers: must never reach Rasa
PHONE = "whatsapp:+4915199988877"
CONVERSATION = (
    "Hallo",
    "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln",
    "Teilzeit",
)


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        missing(f"{name} not set", "run via python -m tests.integration.messenger_fakes")
    return value


class Fake:
    """A running fake (its recorded calls)."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=10)
        try:
            self.client.get("/_calls").raise_for_status()
        except httpx.HTTPError as exc:
            missing(f"fake server not reachable at {url} ({exc})", "messenger_fakes runner")

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        calls = self.client.get("/_calls").json()
        return [c for c in calls if method is None or c["method"] == method]


@pytest.fixture(scope="module")
def telegram() -> Fake:
    return Fake(_env("TELEGRAM_API_URL"))


@pytest.fixture(scope="module")
def twilio() -> Fake:
    return Fake(_env("TWILIO_API_URL"))


@pytest.fixture(scope="module")
def entry() -> httpx.Client:
    return httpx.Client(base_url=PROXY, timeout=120)


def _secret() -> bytes:
    return _env("CHANNEL_SENDER_SECRET").encode()


def _bot_events(rasa: httpx.Client, conversation_id: str) -> tuple[dict, list[dict]]:
    tracker = rasa.get(f"/conversations/{conversation_id}/tracker").json()
    return tracker, [e for e in tracker["events"] if e.get("event") == "bot"]


def _offer_titles(bot_events: list[dict]) -> list[str]:
    for event in bot_events:
        custom = (event.get("data") or {}).get("custom")
        if isinstance(custom, dict) and custom.get("type") == "recommendations":
            return [item["title"] for item in custom["items"]]
    return []


def _assert_not_exposed(rasa: httpx.Client, conversation_id: str, real_id: str) -> None:
    tracker, _ = _bot_events(rasa, conversation_id)
    assert tracker["sender_id"] == conversation_id
    assert real_id not in json.dumps(tracker)
    log = ROOT / "results" / "stack.log"
    if log.exists():
        assert real_id not in log.read_text(encoding="utf-8", errors="replace")


# ---------------------------------------------------------------- Telegram


def _update(text: str, chat_id: int = CHAT_ID, update_id: int = 1) -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private", "first_name": "Test"}
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "text": text}
    return {"update_id": update_id, "message": message}


def _post_update(entry: httpx.Client, update: dict[str, Any], secret: str | None) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return entry.post("/webhooks/telegram/webhook", json=update, headers=headers)


def test_telegram_registers_its_webhook_at_start_up(telegram: Fake) -> None:
    deadline = time.monotonic() + 45
    while not telegram.calls("getMe") and time.monotonic() < deadline:
        time.sleep(1)
    [hook] = telegram.calls("setWebhook")[-1:] or [None]
    assert hook, "no setWebhook call reached the fake Bot API"
    assert hook["params"]["url"] == f"{PUBLIC_URL}/webhooks/telegram/webhook"
    assert hook["params"]["secret_token"] == _env("TELEGRAM_WEBHOOK_SECRET")
    assert telegram.calls("getMe")


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_telegram_refuses_updates_without_the_secret_token(
    entry: httpx.Client, telegram: Fake, secret: str | None
) -> None:
    before = len(telegram.calls("sendMessage"))
    assert _post_update(entry, _update("Hallo", chat_id=5551), secret).status_code == 403
    assert len(telegram.calls("sendMessage")) == before


def test_telegram_conversation_reaches_recommendations(
    entry: httpx.Client, telegram: Fake, rasa: httpx.Client
) -> None:
    secret = _env("TELEGRAM_WEBHOOK_SECRET")
    for i, text in enumerate(CONVERSATION, start=10):
        assert _post_update(entry, _update(text, update_id=i), secret).status_code == 200
    sent = [c["params"] for c in telegram.calls("sendMessage")]
    mine = [p for p in sent if p["chat_id"] == str(CHAT_ID)]
    assert "Datenschutz" in mine[0]["text"], "the privacy notice comes first"
    assert all(len(p["text"]) <= 4096 for p in mine)
    conversation_id = pseudonym("telegram", str(CHAT_ID), _secret())
    _, bot_events = _bot_events(rasa, conversation_id)
    titles = _offer_titles(bot_events)
    assert titles, "no recommendations in the tracker"
    everything = "\n".join(p["text"] for p in mine)
    for title in titles:
        assert title in everything, title
    with_buttons = [e for e in bot_events if (e.get("data") or {}).get("buttons")]
    keyboards = [p["reply_markup"]["inline_keyboard"] for p in mine if p.get("reply_markup")]
    if with_buttons:
        shown = {button["text"] for kb in keyboards for row in kb for button in row}
        for event in with_buttons:
            assert {b["title"][:64] for b in event["data"]["buttons"]} <= shown
    for kb in keyboards:
        for row in kb:
            assert all(len(b["callback_data"].encode()) <= 64 for b in row)
    _assert_not_exposed(rasa, conversation_id, str(CHAT_ID))


def test_telegram_button_press_reaches_the_bot(
    entry: httpx.Client, telegram: Fake, rasa: httpx.Client
) -> None:
    chat_id = 731_552_904_119
    secret = _env("TELEGRAM_WEBHOOK_SECRET")
    assert _post_update(entry, _update("Hallo", chat_id, 50), secret).status_code == 200
    keyboards = [
        c["params"]["reply_markup"]["inline_keyboard"]
        for c in telegram.calls("sendMessage")
        if c["params"]["chat_id"] == str(chat_id) and c["params"].get("reply_markup")
    ]
    assert keyboards, "the greeting offers buttons"
    button = keyboards[-1][0][0]
    chat = {"id": chat_id, "type": "private"}
    query = {
        "id": "4711",
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
        "chat_instance": "1",
        "data": button["callback_data"],
        "message": {"message_id": 2, "date": int(time.time()), "chat": chat, "text": "…"},
    }
    before = len(telegram.calls("sendMessage"))
    response = _post_update(entry, {"update_id": 51, "callback_query": query}, secret)
    assert response.status_code == 200
    assert any(
        c["params"]["callback_query_id"] == "4711" for c in telegram.calls("answerCallbackQuery")
    )
    assert len(telegram.calls("sendMessage")) > before, "the bot answers the button"
    conversation_id = pseudonym("telegram", str(chat_id), _secret())
    tracker, _ = _bot_events(rasa, conversation_id)
    users = [e for e in tracker["events"] if e.get("event") == "user"]
    assert users[-1]["text"] == button["callback_data"]


# ---------------------------------------------------------------- WhatsApp (Twilio)


def _twilio_form(body: str, sender: str = PHONE) -> dict[str, str]:
    return {
        "SmsMessageSid": "SM" + "0" * 32,
        "AccountSid": _env("TWILIO_ACCOUNT_SID"),
        "From": sender,
        "To": _env("TWILIO_WHATSAPP_NUMBER"),
        "Body": body,
        "NumMedia": "0",
        "MessagingServiceSid": "",  # Twilio signs empty parameters too
    }


def _post_twilio(
    entry: httpx.Client, form: dict[str, str], signature: str | None
) -> httpx.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return entry.post("/webhooks/twilio/webhook", content=urlencode(form), headers=headers)


def _sign(form: dict[str, str]) -> str:
    url = f"{PUBLIC_URL}/webhooks/twilio/webhook"
    return twilio_signature(_env("TWILIO_AUTH_TOKEN"), url, form.items())


def _say(entry: httpx.Client, body: str, sender: str = PHONE) -> None:
    form = _twilio_form(body, sender)
    assert _post_twilio(entry, form, _sign(form)).status_code == 204


def _bodies(twilio: Fake, to: str) -> list[str]:
    return [c["params"]["Body"] for c in twilio.calls() if c["params"].get("To") == to]


def test_twilio_refuses_unsigned_and_wrongly_signed_requests(
    entry: httpx.Client, twilio: Fake
) -> None:
    form = _twilio_form("Hallo", "whatsapp:+4915100000001")
    good = _sign(form)
    assert _post_twilio(entry, form, None).status_code == 403
    assert _post_twilio(entry, form, "AAAA" + good[4:]).status_code == 403
    assert _post_twilio(entry, {**form, "Body": "Hallo!"}, good).status_code == 403
    assert not _bodies(twilio, "whatsapp:+4915100000001")


def test_whatsapp_conversation_reaches_recommendations(
    entry: httpx.Client, twilio: Fake, rasa: httpx.Client
) -> None:
    for text in CONVERSATION:
        _say(entry, text)
    bodies = _bodies(twilio, PHONE)
    assert "Datenschutz" in bodies[0], "the privacy notice comes first"
    assert all(len(b) <= 1600 for b in bodies)
    sender = {c["params"]["From"] for c in twilio.calls() if c["params"].get("To") == PHONE}
    assert sender == {_env("TWILIO_WHATSAPP_NUMBER")}
    conversation_id = pseudonym("twilio", PHONE, _secret())
    _, bot_events = _bot_events(rasa, conversation_id)
    titles = _offer_titles(bot_events)
    assert titles, "no recommendations in the tracker"
    everything = "\n".join(bodies)
    for title in titles:
        assert title in everything, title
    for event in bot_events:
        for i, button in enumerate((event.get("data") or {}).get("buttons") or [], start=1):
            assert re.search(rf"{i}[.)] {re.escape(button['title'])}", everything)
    _assert_not_exposed(rasa, conversation_id, PHONE.removeprefix("whatsapp:"))


def test_whatsapp_numbered_answer_picks_the_choice(
    entry: httpx.Client, twilio: Fake, rasa: httpx.Client
) -> None:
    sender = "whatsapp:+4915100000004"
    _say(entry, "Hallo", sender)
    conversation_id = pseudonym("twilio", sender, _secret())
    _, bot_events = _bot_events(rasa, conversation_id)
    with_buttons = [
        e["data"]["buttons"] for e in bot_events if (e.get("data") or {}).get("buttons")
    ]
    buttons = with_buttons[-1] if with_buttons else []
    assert len(buttons) >= 2, "the greeting offers choices"
    assert re.search(rf"2[.)] {re.escape(buttons[1]['title'])}", _bodies(twilio, sender)[-1])
    _say(entry, "2", sender)
    tracker, _ = _bot_events(rasa, conversation_id)
    users = [e for e in tracker["events"] if e.get("event") == "user"]
    assert users[-1]["text"] == buttons[1]["payload"]


def test_whatsapp_limits_rate_and_size_with_a_reply(entry: httpx.Client, twilio: Fake) -> None:
    sender = "whatsapp:+4915100000002"
    _say(entry, "x" * 5000, sender)
    assert "Nachricht ist sehr lang" in _bodies(twilio, sender)[-1]  # the input guard
    limit = int(os.environ.get("CHANNEL_MESSAGES_PER_MINUTE", "20"))
    for _ in range(limit - 1):  # the long message counted too
        _say(entry, "Hallo", sender)
    count = len(_bodies(twilio, sender))
    _say(entry, "Hallo", sender)
    _say(entry, "Hallo", sender)
    after = _bodies(twilio, sender)
    assert len(after) == count + 1, "one reply per minute when the limit is reached"
    assert "warten Sie eine Minute" in after[-1]


def test_whatsapp_delete_my_data(entry: httpx.Client, twilio: Fake, rasa: httpx.Client) -> None:
    sender = "whatsapp:+4915100000003"
    _say(entry, "Ich wohne in Unterhaching", sender)
    _say(entry, "Daten löschen", sender)
    assert "lösche" in _bodies(twilio, sender)[-1]
    conversation_id = pseudonym("twilio", sender, _secret())
    time.sleep(8)  # the web server deletes once more after its grace period (5 s)
    tracker, _ = _bot_events(rasa, conversation_id)
    assert not [e for e in tracker["events"] if e.get("event") == "user"]
    count = len(_bodies(twilio, sender))
    _say(entry, "Hallo", sender)
    assert "Datenschutz" in _bodies(twilio, sender)[count], "a new contact gets the notice again"


def test_telegram_delete_my_data(entry: httpx.Client, telegram: Fake, rasa: httpx.Client) -> None:
    chat_id = 731_552_904_120
    secret = _env("TELEGRAM_WEBHOOK_SECRET")
    for i, text in enumerate(("Ich wohne in Unterhaching", "Daten löschen"), start=70):
        assert _post_update(entry, _update(text, chat_id, i), secret).status_code == 200

    def texts() -> list[str]:
        calls = telegram.calls("sendMessage")
        return [c["params"]["text"] for c in calls if c["params"]["chat_id"] == str(chat_id)]

    assert "lösche" in texts()[-1]
    conversation_id = pseudonym("telegram", str(chat_id), _secret())
    time.sleep(8)  # the web server deletes once more after its grace period (5 s)
    tracker, _ = _bot_events(rasa, conversation_id)
    assert not [e for e in tracker["events"] if e.get("event") == "user"]
    count = len(texts())
    assert _post_update(entry, _update("Hallo", chat_id, 72), secret).status_code == 200
    assert "Datenschutz" in texts()[count], "a new contact gets the notice again"
