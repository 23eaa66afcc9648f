"""End-to-end conversations over Rasa's REST channel against the real stack.

Rasa server + action server + search service + index all run (scripts/with_stack.py); nothing is faked.
"""

from __future__ import annotations

import pytest

from knowledge.geo import DEFAULT_REACH_KM, distance_km

pytestmark = pytest.mark.integration

PFLEGE_PREFIXES = ("81", "82")


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


def _recommendations(replies: list[dict]) -> list[dict]:
    for r in replies:
        custom = r.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "recommendations":
            return custom["items"]
    return []


def test_done_when_conversation_ends_with_reachable_care_offers(conversation) -> None:
    assert _texts(conversation.say("Hallo"))
    replies = conversation.say(
        "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"
    )
    assert _texts(replies), "the bot must answer (ask for the time model)"
    slots = conversation.slots()
    assert slots["municipality"] == "Unterhaching"
    assert slots["goal"] == "umschulung"
    assert (slots["target_kldb"] or "").startswith("821")

    replies = conversation.say("Teilzeit")
    items = _recommendations(replies)
    assert 3 <= len(items) <= 5, _texts(replies)
    assert _texts(replies), "recommendations need readable text next to the payload"
    for item in items:
        assert item["kldb_targets"], item
        assert any(code.startswith(PFLEGE_PREFIXES) for code in item["kldb_targets"]), item
        assert item["reasons"], item
        assert {"code", "text"} <= set(item["reasons"][0])
        if item["format"] != "online":
            assert item["municipality"] and item["municipality"] != "online"
        for key in (
            "offer_id",
            "title",
            "provider",
            "format",
            "time_model",
            "url",
            "shortage_occupation",
        ):
            assert key in item
    place_bound = [i for i in items if i["format"] != "online"]
    from knowledge.catalogue import load_catalogue

    catalogue = load_catalogue()
    for item in place_bound:
        offer = catalogue.by_id(item["offer_id"])
        assert offer is not None, "only offers that exist in the catalogue may be recommended"
        d = distance_km("Unterhaching", offer.lat, offer.lon)
        assert d is not None and d <= DEFAULT_REACH_KM, (item["title"], d)


def test_several_facts_then_correction(conversation) -> None:
    conversation.say("Ich bin Verkäuferin aus Haar und möchte in die Pflege")
    slots = conversation.slots()
    assert slots["municipality"] == "Haar"
    assert slots["current_occupation"]
    assert slots["target_kldb"]
    conversation.say("nein, ich wohne in Ottobrunn")
    assert conversation.slots()["municipality"] == "Ottobrunn"


def test_outside_landkreis_is_told_and_conversation_goes_on(conversation) -> None:
    replies = conversation.say("Ich wohne in Dachau und möchte eine Weiterbildung machen")
    assert "Landkreis München" in _texts(replies)
    assert conversation.slots()["municipality"] in (None, "")
    replies = conversation.say("Ich arbeite aber in Garching")
    assert conversation.slots()["municipality"] == "Garching b.München"
    assert _texts(replies)


@pytest.mark.parametrize(
    "message",
    [
        "",
        "Weiterbildung " * 800,
        "😀😀😀",
        "<script>alert('x')</script>",
        "Merhaba, iş arıyorum ve kurs yapmak istiyorum",
    ],
    ids=["empty", "10k", "emoji", "html", "turkish"],
)
def test_bad_input_keeps_profile_and_gets_a_fitting_reply(conversation, message: str) -> None:
    conversation.say("Ich bin Verkäuferin aus Haar und möchte in die Pflege")
    before = conversation.slots()
    replies = conversation.say(message)
    assert _texts(replies), f"no reply to {message[:30]!r}"
    after = conversation.slots()
    for slot in ("municipality", "current_occupation", "target_kldb", "goal"):
        assert after[slot] == before[slot], slot


def test_bad_input_replies_differ_by_case(conversation) -> None:
    answers = {}
    for kind, message in {
        "empty": "",
        "emoji": "😀😀😀",
        "html": "<b>hallo</b><script>x()</script>",
        "foreign": "Merhaba, iş arıyorum ve kurs yapmak istiyorum",
    }.items():
        answers[kind] = _texts(conversation.say(message))
    assert len(set(answers.values())) == len(answers), answers


# --- languages: English answers on the core path, einfache Sprache on request -----------------

ENGLISH_QUESTIONS = {
    "current_occupation": "What do you do for a living",
    "municipality": "In which municipality",
    "goal": "What is your goal?",
    "time_model": "How would you like to learn",
    "format": "Would you rather learn on site",
}
ENGLISH_ANSWERS = {
    "current_occupation": "I am a cashier",
    "municipality": "I live in Haar",
    "goal": "retraining please",
    "time_model": "part-time please",
    "format": "online please",
}
PLAIN_QUESTIONS = {
    "current_occupation": "Was ist Ihr Beruf?",
    "municipality": "Wo wohnen Sie?",
    "goal": "Was möchten Sie?",
    "time_model": "Wann möchten Sie lernen?",
    "format": "Wo möchten Sie lernen?",
}
PLAIN_ANSWERS = {
    "current_occupation": "Verkäuferin",
    "municipality": "Haar",
    "goal": "Umschulung",
    "time_model": "Teilzeit",
    "format": "online",
}


def _fill_form(conversation, replies, questions, answers) -> list[dict]:
    """Answer whatever the form asks until it is done; every question in the expected wording."""
    for _ in range(len(answers)):
        requested = conversation.slots().get("requested_slot")
        if not requested:
            return replies
        assert questions[requested] in _texts(replies), (requested, _texts(replies))
        replies = conversation.say(answers[requested])
    assert not conversation.slots().get("requested_slot")
    return replies


def test_english_conversation_gets_english_answers(conversation) -> None:
    replies = conversation.say("Hello, I need some help")
    assert any(t in _texts(replies) for t in ("I help you find further", "I can help you with"))
    assert conversation.slots()["reply_language"] == "en"

    replies = conversation.say("I want to change my career")
    replies = _fill_form(conversation, replies, ENGLISH_QUESTIONS, ENGLISH_ANSWERS)
    slots = conversation.slots()
    assert slots["municipality"] == "Haar" and slots["goal"] == "umschulung"
    assert slots["time_model"] == "teilzeit" and slots["reply_language"] == "en"
    # Rasa's REST channel sends the text and the custom payload as two messages
    assert any((r.get("custom") or {}).get("type") == "recommendations" for r in replies)
    text = next(r["text"] for r in replies if r.get("text", "").startswith("Here "))
    assert 'Ask "Why does this fit?"' in text

    assert "Goodbye!" in _texts(conversation.say("goodbye"))


def test_english_words_fill_the_profile_slots(conversation) -> None:
    conversation.say("I am a nurse from Garching and I would like further training, full-time")
    slots = conversation.slots()
    assert slots["municipality"] == "Garching b.München"
    assert (slots["current_kldb"] or "").startswith("813")
    assert slots["goal"] == "weiterbildung"
    assert slots["time_model"] == "vollzeit"


def test_bitte_einfacher_switches_to_plain_language(conversation) -> None:
    conversation.say("Hallo")
    replies = conversation.say("Bitte einfacher")
    assert "einfacher Sprache" in _texts(replies)
    assert conversation.slots()["plain_language"] is True

    replies = conversation.say("Ich suche eine Weiterbildung")
    replies = _fill_form(conversation, replies, PLAIN_QUESTIONS, PLAIN_ANSWERS)
    assert any((r.get("custom") or {}).get("type") == "recommendations" for r in replies)
    text = next(r["text"] for r in replies if r.get("text", "").startswith("Ich habe "))
    assert "z. B." not in text
    assert conversation.slots()["plain_language"] is True  # stays on


def test_other_foreign_languages_still_get_the_foreign_language_reply(conversation) -> None:
    texts = _texts(conversation.say("Bonjour, je cherche une formation professionnelle"))
    assert "Deutsch und Englisch" in texts
