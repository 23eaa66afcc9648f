"""Reply language and einfache Sprache: domain variations, pure formatting and the actions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.actions import constants as c
from bot.actions.housekeeping import ActionDeleteMyData
from bot.actions.recommend import ActionExplainRecommendation, ActionRecommendOffers
from bot.actions.utils import formatting
from bot.actions.utils.profile import Profile

# Responses on the core path: each needs an English and an einfache-Sprache variation.
CORE_RESPONSES = (
    "utter_greet utter_goodbye utter_thank utter_help utter_restart utter_ask_rephrase "
    "utter_default utter_out_of_scope utter_ask_current_occupation utter_ask_municipality "
    "utter_ask_goal utter_ask_time_model utter_ask_format utter_outside_landkreis "
    "utter_profile_summary utter_search_unavailable utter_no_results"
).split()
ABBREVIATIONS = re.compile(r"\b(z\. ?B\.|bzw\.|ggf\.|u\. ?a\.|usw\.|d\. ?h\.|ca\.|evtl\.)")
MAX_PLAIN_SENTENCE_WORDS = 14

HIT = {
    "offer_id": "demo-1",
    "title": "Pflegehilfe Grundkurs",
    "provider": "Bildungswerk Haar",
    "municipality": "Haar",
    "distance_km": 3.46,
    "format": "hybrid",
    "time_model": "teilzeit",
    "next_start": "2027-01-15",
    "reasons": [{"code": "kldb", "text": "passt zum Zielberuf Altenpflege"}],
}
PROFILE = Profile(
    current_occupation="Einzelhandel",
    municipality="Haar",
    goal="umschulung",
    time_model="teilzeit",
    format="egal",
    target_occupation="Altenpflege",
)


def _conditions(variation: dict[str, Any]) -> dict[str, Any]:
    return {cond["name"]: cond["value"] for cond in variation.get("condition") or []}


def _variations(domain: dict[str, Any], name: str, **slots: Any) -> list[dict[str, Any]]:
    """The variations Rasa may pick for these slot values (conditional ones win)."""
    variations = domain["responses"][name]
    matching = [
        v for v in variations
        if v.get("condition") and all(slots.get(k) == val for k, val in _conditions(v).items())
    ]
    return matching or [v for v in variations if not v.get("condition")]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize("name", CORE_RESPONSES)
def test_core_responses_have_english_and_plain_variations(domain, name):
    english = _variations(domain, name, reply_language="en", plain_language=False)
    plain = _variations(domain, name, reply_language="de", plain_language=True)
    german = _variations(domain, name, reply_language="de", plain_language=False)
    assert all(_conditions(v).get("reply_language") == "en" for v in english), name
    assert all(_conditions(v).get("plain_language") is True for v in plain), name
    assert all(_conditions(v).get("reply_language", "de") == "de" for v in german), name
    # English wins over plain language: plain German must never be picked for an English user
    both = _variations(domain, name, reply_language="en", plain_language=True)
    assert all(_conditions(v).get("reply_language") == "en" for v in both), name


@pytest.mark.parametrize("name", [*CORE_RESPONSES, "utter_plain_language_on"])
def test_plain_variations_follow_einfache_sprache_rules(domain, name):
    for variation in _variations(domain, name, reply_language="de", plain_language=True):
        text = variation["text"]
        assert not ABBREVIATIONS.search(text), (name, text)
        for sentence in _sentences(text):
            assert len(sentence.split()) <= MAX_PLAIN_SENTENCE_WORDS, (name, sentence)


def test_buttons_keep_their_payloads_in_every_language(domain):
    for name in ("utter_ask_goal", "utter_ask_time_model", "utter_ask_format", "utter_no_results"):
        payloads = {
            tuple(b["payload"] for b in v.get("buttons") or [])
            for v in domain["responses"][name]
        }
        assert len(payloads) == 1, name


@pytest.mark.parametrize(
    ("language", "plain", "style"),
    [
        ("en", False, formatting.STYLE_EN),
        ("en", True, formatting.STYLE_EN),
        ("de", True, formatting.STYLE_PLAIN),
        ("de", False, formatting.STYLE_DE),
        (None, None, formatting.STYLE_DE),
    ],
)
def test_reply_style(language, plain, style):
    assert formatting.reply_style(language, plain) == style
    slots = {c.SLOT_REPLY_LANGUAGE: language, c.SLOT_PLAIN_LANGUAGE: plain}
    assert formatting.style_of_slots(slots) == style


def test_every_style_has_every_text():
    keys = set(formatting.TEXTS[formatting.STYLE_DE])
    for style in formatting.STYLES:
        assert set(formatting.TEXTS[style]) == keys, style


def test_recommendations_text_in_english():
    text = formatting.recommendations_text([HIT], PROFILE, 25, style=formatting.STYLE_EN)
    assert text.startswith(
        "Here is a suitable offer (retraining / career change, goal: Altenpflege"
    )
    assert '1. "Pflegehilfe Grundkurs" – Bildungswerk Haar, Haar (3.5 km), hybrid' in text
    assert "part-time. Next start: 2027-01-15." in text
    assert "I could not find more suitable offers" in text
    assert "Nächster" not in text and "Angebote" not in text


def test_recommendations_text_in_plain_language():
    text = formatting.recommendations_text([HIT], PROFILE, 25, style=formatting.STYLE_PLAIN)
    lines = text.splitlines()
    assert lines[0] == "Ich habe einen Kurs für Sie gefunden."
    assert lines[1] == (
        "1. Kurs: „Pflegehilfe Grundkurs“. Anbieter: Bildungswerk Haar. Ort: Haar (3,5 km). "
        "Sie lernen vor Ort und online. Zeit: Teilzeit. Der Kurs beginnt am 15.01.2027. "
        "Der Kurs passt: passt zum Zielberuf Altenpflege."
    )
    assert not ABBREVIATIONS.search(text)


def test_german_default_is_unchanged():
    text = formatting.recommendations_text([HIT], PROFILE, 25)
    assert "1. „Pflegehilfe Grundkurs“ – Bildungswerk Haar, Haar (3,5 km)" in text
    assert "Nächster Start: 15.01.2027." in text


@pytest.mark.parametrize(
    ("text", "number"),
    [("why the second one?", 2), ("why offer 3", 3), ("explain the last one", -1)],
)
def test_english_offer_numbers(text, number):
    assert formatting.parse_offer_number(text) == number


def test_relaxation_note_in_every_style():
    codes = ["kldb_group", "wider_area"]
    assert "widened the search area" in formatting.relaxation_note(codes, 25, formatting.STYLE_EN)
    plain = formatting.relaxation_note(codes, 25, formatting.STYLE_PLAIN)
    assert plain.startswith("Es gab nur wenige passende Kurse. Deshalb habe ich")


async def test_recommendations_action_answers_in_english(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots[c.SLOT_REPLY_LANGUAGE] = "en"
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    message = next(m for m in dispatcher.messages if m["custom"].get("type") == "recommendations")
    assert message["text"].startswith("Here are ")
    assert "Next start: 2027-01-15." in message["text"]
    assert "Ask \"Why does this fit?\"" in message["text"]


async def test_recommendations_action_in_plain_language(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots[c.SLOT_PLAIN_LANGUAGE] = True
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    message = next(m for m in dispatcher.messages if m["custom"].get("type") == "recommendations")
    assert message["text"].startswith("Ich habe ")
    assert "Der Kurs beginnt am 15.01.2027." in message["text"]


async def test_explanation_without_offers_in_english(tracker_from, dispatcher, domain):
    tracker = tracker_from({"slots": {c.SLOT_REPLY_LANGUAGE: "en"}})
    await ActionExplainRecommendation().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("I have not shown you any offers")


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({c.SLOT_REPLY_LANGUAGE: "en"}, "I am now deleting this conversation"),
        ({c.SLOT_PLAIN_LANGUAGE: True}, "Ich lösche jetzt dieses Gespräch. Ich lösche"),
        ({}, "Ich lösche jetzt dieses Gespräch: Ihre Nachrichten"),
    ],
)
async def test_delete_confirmation_follows_the_style(
    tracker_from, dispatcher, domain, slots, expected
):
    tracker = tracker_from({"intent": "delete_my_data", "slots": slots})
    await ActionDeleteMyData().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith(expected)


def test_domain_declares_the_style_slots_and_their_sources(domain):
    language = domain["slots"][c.SLOT_REPLY_LANGUAGE]
    assert tuple(language["values"]) == c.REPLY_LANGUAGES and language["initial_value"] == "de"
    assert language["mappings"] == [{"type": "from_entity", "entity": c.ENTITY_REPLY_LANGUAGE}]
    plain = domain["slots"][c.SLOT_PLAIN_LANGUAGE]
    assert plain["initial_value"] is False
    assert plain["mappings"] == [
        {"type": "from_intent", "intent": c.INTENT_REQUEST_PLAIN_LANGUAGE, "value": True}
    ]
    assert c.UTTER_PLAIN_LANGUAGE_ON in domain["responses"]
    assert not language["influence_conversation"] and not plain["influence_conversation"]
