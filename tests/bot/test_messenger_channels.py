"""Unit tests of the messenger channels' building blocks: webhook authenticity (Twilio's documented
signature example, Telegram's secret token), the reply mapping, per-sender limits, the fallback
rendering and the channels' configuration from the environment."""

from __future__ import annotations

import pytest

from bot.channels.messenger import (
    MessengerSettings,
    SenderMap,
    SenderRateLimiter,
    prepare_text,
    resolve_number,
)
from bot.channels.messenger_render import fallback_render, split_text
from bot.channels.webhook_auth import telegram_secret_ok, twilio_signature, twilio_signature_ok

# Twilio's documented example (https://www.twilio.com/docs/usage/security#validating-requests)
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
DOC_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_twilio_signature_matches_the_documented_example() -> None:
    assert twilio_signature(DOC_TOKEN, DOC_URL, DOC_PARAMS.items()) == DOC_SIGNATURE
    assert twilio_signature_ok(DOC_TOKEN, DOC_URL, DOC_PARAMS.items(), DOC_SIGNATURE)


def test_twilio_signature_agrees_with_twilios_own_validator() -> None:
    validator = pytest.importorskip("twilio.request_validator").RequestValidator
    params = {"From": "whatsapp:+4915100000000", "Body": "Grüße & mehr", "NumMedia": "0"}
    url = "https://bildungslotse.example/webhooks/twilio/webhook"
    assert twilio_signature("tok", url, params.items()) == validator("tok").compute_signature(
        url, params
    )


@pytest.mark.parametrize(
    ("token", "url", "params", "signature"),
    [
        (DOC_TOKEN, DOC_URL, DOC_PARAMS, None),
        (DOC_TOKEN, DOC_URL, DOC_PARAMS, ""),
        (DOC_TOKEN, DOC_URL, DOC_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("54321", DOC_URL, DOC_PARAMS, DOC_SIGNATURE),
        (DOC_TOKEN, DOC_URL.replace("https", "http"), DOC_PARAMS, DOC_SIGNATURE),
        (DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Digits": "1235"}, DOC_SIGNATURE),
        ("", DOC_URL, DOC_PARAMS, DOC_SIGNATURE),
    ],
)
def test_twilio_refuses_wrong_signatures(
    token: str, url: str, params: dict[str, str], signature: str | None
) -> None:
    assert not twilio_signature_ok(token, url, params.items(), signature)


def test_telegram_secret_token() -> None:
    assert telegram_secret_ok("abc_DEF-123", "abc_DEF-123")
    for received in (None, "", "abc_DEF-12", "abc_DEF-1234", "ABC_DEF-123"):
        assert not telegram_secret_ok("abc_DEF-123", received)
    assert not telegram_secret_ok("", "")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sender_map_first_contact_expiry_bound_and_forget() -> None:
    clock = Clock()
    senders = SenderMap(retention_days=1, max_senders=2, clock=clock)
    assert senders.remember("a", "+491") is True
    assert senders.remember("a", "+491") is False
    assert senders.real_id("a") == "+491"
    clock.now += 86400
    assert senders.real_id("a") is None and senders.remember("a", "+491") is True
    senders.remember("b", "+492")
    senders.remember("c", "+493")
    assert len(senders) == 2 and senders.real_id("a") is None
    senders.set_choices("b", [("Ja", "/affirm")])
    assert senders.new_turn("b") == (("Ja", "/affirm"),) and senders.new_turn("b") == ()
    senders.mark_listed("b")  # a numbered offer list: "2" means offer 2, not a button
    senders.set_choices("b", [("Ja", "/affirm")])
    assert senders.new_turn("b") == ()
    senders.forget_after_turn("b")
    assert senders.real_id("b") == "+492"
    senders.end_turn("b")
    assert "b" not in senders and senders.real_id("b") is None


def test_rate_limiter_refuses_with_one_notice_per_minute() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(per_minute=3, clock=clock)
    assert [limiter.check("a") for _ in range(3)] == ["ok"] * 3
    assert limiter.check("a") == "refuse_notify"
    assert limiter.check("a") == "refuse"
    assert limiter.check("b") == "ok"
    clock.now += 60
    assert limiter.check("a") == "ok"


def test_numbered_answers_long_text_and_commands() -> None:
    choices = [("Ja", "/affirm"), ("Nein", "/deny")]
    assert resolve_number("2", choices) == "/deny"
    assert resolve_number(" 1. ", choices) == "/affirm"
    assert resolve_number("3", choices) == "3"
    assert resolve_number("2", []) == "2"
    assert len(prepare_text("x" * 5000, 1000)) == 1001
    assert not prepare_text('/nlu_fallback{"x": 1}', 1000).startswith("/")


def test_split_prefers_paragraphs_and_keeps_the_limit() -> None:
    text = ("Absatz eins. " * 40).strip() + "\n\n" + ("Absatz zwei. " * 40).strip()
    parts = split_text(text, 600)
    assert all(len(p) <= 600 for p in parts)
    assert parts[0].endswith("Absatz eins.") and parts[1].startswith("Absatz zwei.")
    assert all(len(p) <= 50 for p in split_text("a" * 120, 50))


def test_fallback_render_numbers_choices_for_whatsapp_and_keeps_them_for_telegram() -> None:
    message = {"text": "Was möchten Sie?", "buttons": [{"title": "Kurse", "payload": "/x"}]}
    [whatsapp] = fallback_render(message, "twilio")
    assert "1. Kurse" in whatsapp.text and "Nummer" in whatsapp.text
    [telegram] = fallback_render(message, "telegram")
    assert telegram.text == "Was möchten Sie?" and telegram.choices[0].payload == "/x"
    long = fallback_render({"text": "Wort " * 1000, "buttons": message["buttons"]}, "twilio")
    assert len(long) > 1 and all(len(o.text) <= 1600 for o in long)
    assert not long[0].choices and long[-1].choices
    assert fallback_render({"custom": {"type": "recommendations"}}, "twilio") == []


def test_settings_come_from_the_environment() -> None:
    cfg = MessengerSettings.from_env({"WEB_PORT": "9381", "CHANNEL_MESSAGES_PER_MINUTE": "7"})
    assert cfg.messages_per_minute == 7 and cfg.retention_days == 30
    assert cfg.delete_url == "http://127.0.0.1:9381/api/conversations/"
    with pytest.raises(ValueError):
        MessengerSettings.from_env({"CHANNEL_MESSAGES_PER_MINUTE": "0"})


def test_channels_without_secrets_are_not_configured() -> None:
    from bot.channels.telegram import TelegramInput, callback_data
    from bot.channels.twilio import TwilioInput

    assert TelegramInput({}).output is None and TwilioInput({}).output is None
    env = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_WEBHOOK_SECRET": "bad secret!",  # not Telegram's alphabet
        "CHANNEL_SENDER_SECRET": "s" * 40,
    }
    assert TelegramInput(env).output is None
    configured = TelegramInput({**env, "TELEGRAM_WEBHOOK_SECRET": "ok_secret"})
    assert configured.output is not None
    assert configured.webhook_url == "http://127.0.0.1:8080/webhooks/telegram/webhook"
    assert callback_data("Titel", "/short") == "/short"
    assert callback_data("Titel", "/" + "x" * 80) == "Titel"
    assert len(callback_data("Ä" * 80, "/" + "x" * 80).encode()) <= 64
