"""Recognition answers and the situation a message shows (issue 12, conversation fit).

Seen defects: a nurse trained abroad who wrote in simple German that she lives in the district
and has B1 German was asked "Was ist Ihr Ziel?"; the recognition answer was about 2,600
characters in one message; after it "ja" fell into the fallback. Now the short answer leads
with two or three sentences and the next step (office from recognition.json, the recognition
counselling from contacts.json, source and Stand), Berufssprachkurse near the person come at
once, and more detail (in einfache Sprache for limited German) follows on request.
The search service is the fake of conftest.py with answers recorded from the real catalogue.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.actions import constants as c
from bot.actions.recognition import ActionRecognitionDetails, ActionRecognitionInfo
from bot.actions.situation import (
    NEWS_FOREIGN,
    NEWS_LIMITED_GERMAN,
    ActionAcceptPlainLanguage,
    ActionReadSituation,
    situation_events,
)
from knowledge import facts as kfacts
from knowledge.catalogue import load_catalogue

NURSE = {"entity": "occupation", "value": "Krankenschwester", "role": "current", "kldb": "81302"}
FIRST_MESSAGE = (
    "Ich bin Krankenschwester. Ich habe in den Philippinen gelernt. "
    "Ich wohne in Unterhaching. Mein Deutsch ist B1."
)
#: the old answer was about 2,600 characters in one message
SHORT_ANSWER_MAX_CHARS = 900
TOPIC = kfacts.load_topic("recognition")
STAND = TOPIC.stand_label  # "Dezember 2026": the facts' Stand, from the data
NURSE_BODY = TOPIC.body_for("81302")


def nurse_state(**slots: Any) -> dict[str, Any]:
    return {
        "intent": "inform",
        "latest_message": {"text": FIRST_MESSAGE, "entities": [NURSE]},
        "slots": {
            "current_occupation": "Krankenschwester",
            "municipality": "Unterhaching",
            "foreign_qualification": True,
            **slots,
        },
    }


def titles(text: str, course_type: str) -> list[str]:
    """Catalogue offers of ``course_type`` quoted in ``text``, in the order shown."""
    found = [o.title for o in load_catalogue() if o.course_type == course_type and o.title in text]
    return sorted(found, key=text.index)


def events_by_name(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_short_answer_leads_with_office_and_next_step_then_language_courses(
    search_server, tracker_from, dispatcher, domain
):
    events = await ActionRecognitionInfo().run(dispatcher, tracker_from(nurse_state()), domain)
    assert events == []
    first, second = dispatcher.messages
    lines = first["text"].splitlines()
    assert lines[0] == (
        "Ihren Berufsabschluss als Krankenschwester aus dem Ausland können Sie in Deutschland "
        "anerkennen lassen."
    )
    assert "Bayerische Landesamt für Pflege (LfP) zuständig" in lines[1]
    assert lines[2].startswith("Nächster Schritt: Lassen Sie sich beraten – IQ Netzwerk Bayern")
    assert lines[1] == NURSE_BODY.note
    assert re.fullmatch(rf"Quellen: https://\S+ ; .*\(Stand: {STAND}\)", lines[3])
    assert len(lines) == 4 and len(first["text"]) <= SHORT_ANSWER_MAX_CHARS
    # Berufssprachkurse at once, the nurses' course first (prefer_kldb), then the offer
    courses = titles(second["text"], "berufssprachkurs")
    assert courses and ("Pflege" in courses[0] or "Gesundheit" in courses[0])
    assert second["text"].splitlines()[-1].startswith("Möchten Sie mehr zur Anerkennung wissen")
    assert [b["payload"] for b in second["buttons"]] == ["/ask_more_detail", "/deny"]
    request = next(r for r in search_server.requests if r["course_types"] == ["berufssprachkurs"])
    assert request["prefer_kldb"] == ["81302"] and request["kldb_prefixes"] is None
    assert len(first["text"]) + len(second["text"]) < 2600


async def test_limited_german_gets_the_offer_in_einfache_sprache(
    search_server, tracker_from, dispatcher, domain
):
    await ActionRecognitionInfo().run(
        dispatcher, tracker_from(nurse_state(german_level="b1")), domain
    )
    offer = dispatcher.messages[-1]
    assert offer["text"].splitlines()[-1] == (
        "Soll ich Ihnen mehr zur Anerkennung in einfacher Sprache schreiben?"
    )
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/ask_more_detail", "/deny"]
    assert offer["buttons"][0]["title"] == "Ja, in einfacher Sprache"


async def test_yes_to_the_plain_offer_switches_style_and_gives_the_details(
    search_server, tracker_from, dispatcher, domain
):
    state = nurse_state(german_level="wenig")
    state.update(intent="affirm", latest_message={"text": "ja", "entities": []})
    tracker = tracker_from(state)
    tracker.events.insert(0, {"event": "user", "parse_data": {"entities": [NURSE]}})
    events = await ActionRecognitionDetails().run(dispatcher, tracker, domain)
    assert events_by_name(events) == {c.SLOT_PLAIN_LANGUAGE: True}
    text = "\n".join(m["text"] for m in dispatcher.messages)
    assert "Das ist wichtig:" in text and "Das entscheidet: " in text  # einfache Sprache frame
    assert "Bayerische Landesamt für Pflege" in text  # the occupation of the first message
    shown = titles(text, "anpassungsqualifizierung")
    catalogue = {o.title: o for o in load_catalogue()}
    assert shown and all(any(k.startswith("813") for k in catalogue[t].kldb_targets) for t in shown)


async def test_more_detail_button_keeps_the_style(search_server, tracker_from, dispatcher, domain):
    state = nurse_state(german_level="b1")
    state.update(intent="ask_more_detail", latest_message={"text": "Mehr dazu", "entities": []})
    events = await ActionRecognitionDetails().run(dispatcher, tracker_from(state), domain)
    assert events == []
    assert dispatcher.messages[0]["text"].splitlines()[1] == "Checkliste:"


async def test_details_for_pflege_keep_every_fact_with_source(
    search_server, tracker_from, dispatcher, domain
):
    state = nurse_state()
    state.update(intent="affirm", latest_message={"text": "ja", "entities": [NURSE]})
    await ActionRecognitionDetails().run(dispatcher, tracker_from(state), domain)
    text = "\n".join(m["text"] for m in dispatcher.messages)
    assert NURSE_BODY.note in text and "Bayerische Landesamt für Pflege" in text
    assert "MigraNet" in text and "Wer entscheidet:" in text and f"Stand: {STAND}" in text
    assert "Anerkennungszuschuss des Bundes (BMBF): Bis" in text
    assert "https://ihk-muenchen.de/de/berufsbildung-berufszugang/anerkennung/" in text
    assert titles(text, "anpassungsqualifizierung")


async def test_it_occupation_names_ihk_fosa_with_source(tracker_from, dispatcher, domain):
    slots = {"current_kldb": "43412", "current_occupation": "Fachinformatiker"}
    tracker = tracker_from({"intent": "ask_recognition", "slots": slots})
    await ActionRecognitionInfo().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "IHK FOSA" in text and "https://www.ihk-fosa.de" in text
    assert "Pflegeberuf" not in text


async def test_short_answer_in_english_and_plain(tracker_from, dispatcher, domain):
    slots = {"current_kldb": "43412", "reply_language": "en"}
    await ActionRecognitionInfo().run(
        dispatcher, tracker_from({"intent": "ask_recognition", "slots": slots}), domain
    )
    first = dispatcher.messages[0]["text"]
    assert first.startswith("You can have a vocational qualification from abroad recognised")
    assert "Next step: get advice – IQ Netzwerk Bayern" in first
    assert f"(as of / Stand: {STAND})" in first
    dispatcher.messages.clear()
    slots = {"current_kldb": "43412", "plain_language": True, "german_level": "a2"}
    await ActionRecognitionInfo().run(
        dispatcher, tracker_from({"intent": "ask_recognition", "slots": slots}), domain
    )
    offer = dispatcher.messages[-1]  # already plain: no second offer of einfache Sprache
    assert offer["text"].splitlines()[-1] == "Möchten Sie mehr über die Anerkennung wissen?"
    assert [b["payload"] for b in offer["buttons"]] == ["/ask_more_detail", "/deny"]


# --- what a message shows (action_read_situation) ---------------------------------------------


def test_first_message_of_the_foreign_nurse_is_news():
    events = situation_events(FIRST_MESSAGE, "inform", [NURSE], {})
    assert events_by_name(events) == {
        c.SLOT_FOREIGN_QUALIFICATION: True,
        c.SLOT_GERMAN_LEVEL: "b1",
        c.SLOT_SITUATION_NEWS: NEWS_FOREIGN,
    }
    # the next message it reads resets the news; what was seen stays
    after = {c.SLOT_FOREIGN_QUALIFICATION: True, c.SLOT_GERMAN_LEVEL: "b1"}
    after[c.SLOT_SITUATION_NEWS] = NEWS_FOREIGN
    assert events_by_name(situation_events("Teilzeit", "inform", [], after)) == {
        c.SLOT_SITUATION_NEWS: None
    }


@pytest.mark.parametrize(
    ("text", "intent", "entities", "slots", "expected"),
    [
        # a recognition question counts, the rules answer it anyway (no news)
        ("Wird mein Abschluss anerkannt?", "ask_recognition", [], {}, {"foreign": True}),
        # an origin without any qualification is no statement about one
        ("Ich komme aus Syrien und suche einen Deutschkurs", "ask_language_course", [], {}, {}),
        ("Ich spreche wenig Deutsch", "inform", [], {}, {"level": "wenig", "news": "limited"}),
        ("my German is A2", "inform", [], {"reply_language": "en"}, {"level": "a2"}),
        ("Deutsch A1", "inform", [], {"plain_language": True}, {"level": "a1"}),
        ("Deutsch C1", "inform", [], {}, {"level": "c1"}),
        ("Führerschein C1, wohne in Haar", "inform", [], {}, {}),
    ],
)
def test_situation_events(text, intent, entities, slots, expected):
    names = {
        "foreign": c.SLOT_FOREIGN_QUALIFICATION,
        "level": c.SLOT_GERMAN_LEVEL,
        "news": c.SLOT_SITUATION_NEWS,
    }
    values = {"news": {"limited": NEWS_LIMITED_GERMAN}}
    wanted = {names[k]: values.get(k, {}).get(v, v) for k, v in expected.items()}
    assert events_by_name(situation_events(text, intent, entities, slots)) == wanted


async def test_read_situation_is_a_slot_mapping_action(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {"intent": "inform", "latest_message": {"text": FIRST_MESSAGE, "entities": [NURSE]}}
    )
    events = await ActionReadSituation().run(dispatcher, tracker, domain)
    assert events_by_name(events)[c.SLOT_SITUATION_NEWS] == NEWS_FOREIGN
    assert dispatcher.messages == []  # slot mapping actions never speak
    mapping = domain["slots"][c.SLOT_FOREIGN_QUALIFICATION]["mappings"][0]
    assert mapping["action"] == "action_read_situation" and "inform" in mapping["intent"]


async def test_accepting_plain_language_sets_the_style(tracker_from, dispatcher, domain):
    events = await ActionAcceptPlainLanguage().run(dispatcher, tracker_from({}), domain)
    assert events_by_name(events) == {c.SLOT_PLAIN_LANGUAGE: True, c.SLOT_SITUATION_NEWS: None}


async def test_place_outside_the_landkreis_does_not_stay_in_the_slot(
    search_server, tracker_from, dispatcher, domain
):
    """A first message answered by the recognition flow never reaches the profile form's
    municipality check: a place outside the Landkreis is cleared here, the language courses are
    searched without it, and the answer says that the place is not in the Landkreis."""
    events = await ActionRecognitionInfo().run(
        dispatcher, tracker_from(nurse_state(municipality="Dachau")), domain
    )
    assert events_by_name(events) == {c.SLOT_MUNICIPALITY: None, c.SLOT_OUTSIDE_AREA: True}
    request = next(r for r in search_server.requests if r["course_types"] == ["berufssprachkurs"])
    assert request["municipality"] is None
    courses = dispatcher.messages[1]["text"]
    assert titles(courses, "berufssprachkurs")
    assert "Dachau gehört nicht zum Landkreis" in courses and "Nähe von Dachau" not in courses


async def test_place_in_the_landkreis_stays(search_server, tracker_from, dispatcher, domain):
    events = await ActionRecognitionInfo().run(dispatcher, tracker_from(nurse_state()), domain)
    assert events == []
    assert "in der Nähe von Unterhaching" in dispatcher.messages[1]["text"]
