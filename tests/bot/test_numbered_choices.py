"""Numbered choices on the input side (bot/channels/choices.py) against Rasa's real tracker store,
and the REST collector's rendered messages (bot/channels/output.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.choices import choice_number, resolve_choice, resolve_from_events
from bot.channels.output import RenderingCollectingOutput

BUTTONS = [
    {"title": "Größerer Umkreis", "payload": '/more_results{"search_scope": "wider"}'},
    {"title": "Online-Angebote", "payload": '/more_results{"search_scope": "online"}'},
    {"title": "Persönliche Beratung", "payload": "/request_human"},
]
OFFERS = {"custom": {"type": "recommendations", "items": [{"title": "A"}, {"title": "B"}]}}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        (" 2. ", 2),
        ("2)", 2),
        ("die zweite", 2),
        ("Die Zweite!", 2),
        ("Nummer 2", 2),
        ("Nr. 2", 2),
        ("zweitens", 2),
        ("Nummer zwei", 2),
        ("die dritte bitte", 3),
        ("erste", 1),
        ("the second", 2),
        ("Erzähl mehr zu 2", None),
        ("2 Kurse in Haar", None),
        ("Ja", None),
        ("12345", None),
        ("", None),
    ],
)
def test_choice_number(text: str, number: int | None) -> None:
    assert choice_number(text) == number


def turn(*bot_data: dict[str, Any]) -> list[dict[str, Any]]:
    events = [{"event": "user", "text": "Hallo"}]
    events += [{"event": "bot", "text": "…", "data": data} for data in bot_data]
    return events


def test_number_selects_the_button_of_the_last_bot_turn() -> None:
    events = turn({"buttons": BUTTONS})
    assert resolve_from_events("2", events) == '/more_results{"search_scope": "online"}'
    assert resolve_from_events("die dritte", events) == "/request_human"
    assert resolve_from_events("4", events) == "4"  # out of range: normal NLU
    assert resolve_from_events("Erzähl mehr zu 2", events) == "Erzähl mehr zu 2"


def test_after_an_offer_list_a_number_means_the_offer() -> None:
    events = turn(OFFERS, {"buttons": BUTTONS})
    assert resolve_from_events("2", events) == "2"
    # older socket.io shape stored in trackers
    assert (
        resolve_from_events("2", turn({"custom": {"data": OFFERS["custom"]}}, {"buttons": BUTTONS}))
        == "2"
    )
    # Telegram's mapped callback data always means the button
    assert resolve_from_events("choice:3", events) == "/request_human"


def test_only_the_last_turn_counts() -> None:
    events = [
        *turn({"buttons": BUTTONS}),
        {"event": "user", "text": "2"},
        {"event": "bot", "data": {}},
    ]
    assert resolve_from_events("1", events) == "1"
    assert resolve_from_events("1", turn({})) == "1"


async def test_resolution_reads_rasas_tracker_store() -> None:
    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker.from_events(
        "a" * 32,
        [
            UserUttered("Ich suche einen Kurs"),
            BotUttered("Zu Ihrem Ziel habe ich nichts gefunden.", data={"buttons": BUTTONS}),
        ],
    )
    await store.save(tracker)
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    assert await resolve_choice(app, "a" * 32, "Nummer 1") == BUTTONS[0]["payload"]
    assert await resolve_choice(app, "b" * 32, "1") == "1"  # unknown conversation
    assert await resolve_choice(app, "a" * 32, "Haar") == "Haar"
    assert await resolve_choice(None, "a" * 32, "1") == "1"  # no agent: unchanged


async def test_rest_collector_returns_the_complete_text_and_keeps_custom() -> None:
    payload = {
        "type": "recommendations",
        "items": [
            {
                "title": "Kurs A&amp;B <br/>(1 < 2)",
                "provider": "VHS",
                "municipality": "Haar",
                "url": "https://x.de",
            }
        ],
        "lead": "Hier ist ein Angebot:",
        "footer": "Fragen Sie gern.",
    }
    message = {
        "text": "Hier ist ein Angebot:\nFragen Sie gern.",
        "custom": payload,
        "buttons": BUTTONS,
    }
    text = RenderingCollectingOutput("text")
    await text.send_response("u", dict(message))
    (out,) = text.messages
    assert "1. „Kurs A&B (1 < 2)“ – VHS, Haar" in out["text"] and "https://x.de" in out["text"]
    assert "\n1) Größerer Umkreis\n2) Online-Angebote\n3) Persönliche Beratung" in out["text"]
    assert out["custom"] == payload and out["buttons"] == BUTTONS
    page = RenderingCollectingOutput("page")
    await page.send_response("u", dict(message))
    assert page.messages[0]["text"] == message["text"] and page.messages[0]["custom"] == payload
