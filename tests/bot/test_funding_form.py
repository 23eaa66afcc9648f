"""validate_funding_form and the pure funding-profile helpers, with the real rule engine."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from rasa_sdk import Tracker

from bot.actions.funding_form import ActionCheckFundingQuestions, ValidateFundingForm
from bot.actions.utils import funding_profile as fp
from knowledge.funding import Range


async def validate(tracker_from, dispatcher, domain, state: dict[str, Any]) -> dict[str, Any]:
    """Run the validation action; returns {slot: value} of its SlotSet events."""
    state = {"active_loop": "funding_form", **state}
    latest = state.setdefault("latest_message", {})
    latest.setdefault("intent", {"name": state.get("intent", "inform"), "confidence": 1.0})
    events = await ValidateFundingForm().run(dispatcher, tracker_from(state), domain)
    assert all(e["event"] == "slot" for e in events)
    assert dispatcher.messages == []
    return {e["name"]: e["value"] for e in events}


async def test_activation_without_facts_asks_the_employment_status_first(
    tracker_from, dispatcher, domain
):
    got = await validate(tracker_from, dispatcher, domain, {"intent": "ask_funding"})
    assert got == {"requested_slot": "employment_status"}


async def test_facts_from_the_trigger_message_are_not_asked_again(tracker_from, dispatcher, domain):
    state = {
        "intent": "ask_funding",
        "candidates": {"employment_status": "beschaeftigt", "company_size": "250 Beschäftigten"},
        "latest_message": {"text": "Ich arbeite bei einem Betrieb mit 250 Beschäftigten"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got["company_size"] == "mittel"  # normalised from the raw entity text
    assert got["requested_slot"] == "vocational_qualification"


async def test_button_answer_moves_to_the_next_deciding_question(tracker_from, dispatcher, domain):
    state = {
        "requested_slot": "employment_status",
        "candidates": {"employment_status": "arbeitslos"},
        "latest_message": {
            "text": '/inform{"employment_status":"arbeitslos"}',
            "entities": [{"entity": "employment_status", "value": "arbeitslos"}],
        },
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got == {"requested_slot": "vocational_qualification"}


async def test_dont_know_is_kept_and_not_asked_again(tracker_from, dispatcher, domain):
    state = {
        "intent": "deny",  # "Weiß nicht" may be classified as deny ...
        "requested_slot": "vocational_qualification",
        "slots": {"employment_status": "arbeitslos"},
        "candidates": {"vocational_qualification": "nein"},  # ... and mapped to "nein"
        "latest_message": {"text": "Weiß nicht"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got["vocational_qualification"] == "unbekannt"
    assert got["requested_slot"] == "course_type"


async def test_typed_answer_to_the_company_size_question(tracker_from, dispatcher, domain):
    state = {
        "requested_slot": "company_size",
        "slots": {
            "employment_status": "beschaeftigt",
            "vocational_qualification": "ja",
            "course_type": "weiterbildung",
            "qualification_since": "ab_2_jahre",
        },
        "latest_message": {"text": "so ca. 120 Leute"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got["company_size"] == "mittel"
    assert got["requested_slot"] == "age_group"  # age decides the § 82 employer share


async def test_button_text_for_the_course_type_counts_even_with_another_intent(
    tracker_from, dispatcher, domain
):
    state = {
        "intent": "ask_language_course",
        "requested_slot": "course_type",
        "slots": {"employment_status": "arbeitslos", "vocational_qualification": "nein"},
        "latest_message": {"text": "Deutschkurs"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got == {"course_type": "sprachkurs", "requested_slot": None}


async def test_numbers_in_a_message_with_entities_belong_to_the_entities(
    tracker_from, dispatcher, domain
):
    """ "Ich bin 52" to "Abschluss vor mindestens 2 Jahren?" is an age, not 52 years."""
    state = {
        "requested_slot": "qualification_since",
        "slots": {
            "employment_status": "beschaeftigt",
            "vocational_qualification": "ja",
            "course_type": "weiterbildung",
        },
        "candidates": {"age_group": "52"},
        "latest_message": {"text": "Ich bin 52", "entities": [{"entity": "age", "value": "52"}]},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got == {"age_group": "ab_45", "requested_slot": "qualification_since"}


async def test_a_misread_entity_does_not_wipe_an_answer(dispatcher, domain):
    """ "vor 5 Jahren": the NLU may tag "5" as an age; the earlier age group stays."""
    before = {
        "employment_status": "beschaeftigt",
        "vocational_qualification": "ja",
        "course_type": "weiterbildung",
        "company_size": "mittel",
        "age_group": "ab_45",
        "requested_slot": "qualification_since",
    }
    latest = {
        "text": "vor 5 Jahren",
        "entities": [{"entity": "age", "value": "5"}],
        "intent": {"name": "inform", "confidence": 1.0},
    }
    events = [
        *({"event": "slot", "name": k, "value": v} for k, v in before.items()),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": latest["text"]},
        {"event": "action", "name": "funding_form"},
        {"event": "slot", "name": "age_group", "value": "5"},  # Rasa's slot candidate
    ]
    tracker = Tracker(
        sender_id="test-user",
        slots={**before, "age_group": "5"},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "funding_form"},
        latest_action_name="funding_form",
    )
    got = {
        e["name"]: e["value"] for e in await ValidateFundingForm().run(dispatcher, tracker, domain)
    }
    assert got == {
        "qualification_since": "ab_2_jahre",
        "age_group": "ab_45",
        "requested_slot": None,
    }


async def test_form_ends_when_nothing_decides_any_more(tracker_from, dispatcher, domain):
    """Unemployed, no qualification, retraining: company size and age change nothing."""
    state = {
        "requested_slot": "course_type",
        "slots": {"employment_status": "arbeitslos", "vocational_qualification": "nein"},
        "latest_message": {
            "text": "eine Umschulung",
            "entities": [{"entity": "goal", "value": "umschulung"}],
        },
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got == {"course_type": "umschulung", "requested_slot": None}


async def test_a_question_in_between_changes_no_slot(tracker_from, dispatcher, domain):
    """Only requested_slot is returned, so Rasa rejects the form and answers the question."""
    state = {
        "intent": "ask_funding",
        "requested_slot": "course_type",
        "slots": {"employment_status": "beschaeftigt", "vocational_qualification": "ja"},
        "latest_message": {"text": "Was ist eigentlich der Meisterbonus?"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got == {"requested_slot": "course_type"}


async def test_goal_from_the_profile_fills_the_course_type(tracker_from, dispatcher, domain):
    state = {
        "intent": "ask_funding",
        "slots": {"goal": "aufstieg", "employment_status": "beschaeftigt"},
    }
    got = await validate(tracker_from, dispatcher, domain, state)
    assert got["course_type"] == "aufstiegsfortbildung"
    assert got["requested_slot"] == "vocational_qualification"


# --- whether the form runs at all ------------------------------------------------------------


async def questions_needed(tracker_from, dispatcher, domain, text, entities=(), **state):
    state = {
        "intent": "ask_funding",
        "latest_message": {"text": text, "entities": list(entities)},
        **state,
    }
    events = await ActionCheckFundingQuestions().run(dispatcher, tracker_from(state), domain)
    assert len(events) == 1 and events[0]["name"] == "funding_questions_needed"
    assert dispatcher.messages == []
    return events[0]["value"]


async def test_general_question_without_facts_needs_the_form(tracker_from, dispatcher, domain):
    assert await questions_needed(
        tracker_from, dispatcher, domain, "Welche Förderung gibt es für mich?"
    )


async def test_one_message_with_the_deciding_facts_needs_no_form(tracker_from, dispatcher, domain):
    entities = [
        {"entity": "age", "value": "50"},
        {"entity": "employment_status", "value": "arbeitslos"},
        {"entity": "qualification", "value": "kein Abschluss"},
        {"entity": "goal", "value": "umschulung"},
    ]
    text = "Ich bin 50, arbeitslos, ohne Berufsabschluss – wer zahlt eine Umschulung?"
    assert not await questions_needed(tracker_from, dispatcher, domain, text, entities)


async def test_named_instrument_all_programmes_or_another_form_need_no_form(
    tracker_from, dispatcher, domain
):
    assert not await questions_needed(tracker_from, dispatcher, domain, "Was ist der Meisterbonus?")
    dispatcher.messages.clear()
    topic = [{"entity": "topic", "value": "alle"}]
    assert not await questions_needed(tracker_from, dispatcher, domain, "/ask_funding", topic)
    assert not await questions_needed(
        tracker_from, dispatcher, domain, "Wer zahlt das?", active_loop="profile_form"
    )


async def test_facts_known_from_earlier_turns_need_no_form(tracker_from, dispatcher, domain):
    slots = {
        "employment_status": "arbeitslos",
        "vocational_qualification": "nein",
        "goal": "umschulung",
        "age_group": "unbekannt",
    }
    assert not await questions_needed(
        tracker_from, dispatcher, domain, "Und wer zahlt das?", slots=slots
    )


# --- pure helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("beschaeftigt", "beschaeftigt"),
        ("angestellt", "beschaeftigt"),
        ("in Kurzarbeit", "kurzarbeit"),
        ("Bürgergeld", "buergergeld"),
        ("arbeitssuchend", "arbeitsuchend"),
        ("ich bin seit Mai arbeitslos", "arbeitslos"),
        ("Selbstständige", "selbststaendig"),
        ("nicht berufstätig", None),
        ("Hallo", None),
    ],
)
def test_employment_status(raw, expected):
    assert fp.employment_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45 Mitarbeiter", "klein"),
        ("weniger als 50 Mitarbeitern", "klein"),
        ("bis 49", "klein"),
        ("ca. 150 Leute", "mittel"),
        ("unter 500", "mittel"),
        ("über 500 Beschäftigte", "gross"),
        ("2.000 Mitarbeitern", "gross"),
        ("Großkonzern", "gross"),
        ("mittelständisches Unternehmen", "mittel"),
        ("gross", "gross"),
        ("keine Zahl", None),
    ],
)
def test_company_size(raw, expected):
    assert fp.company_size(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", "ab_45"),
        ("44", "25_bis_44"),
        ("ich bin 24 Jahre alt", "unter_25"),
        ("unter 25", "unter_25"),
        ("45+", "ab_45"),
        ("über 45", "ab_45"),
        ("ab_45", "ab_45"),
        ("Jahrgang 1975", None),
    ],
)
def test_age_group(raw, expected):
    assert fp.age_group(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kein Abschluss", "nein"),
        ("keinen Berufsabschluss", "nein"),
        ("ohne Ausbildung", "nein"),
        ("ungelernt", "nein"),
        ("Ausbildung", "ja"),
        ("ja, als Bäcker", "ja"),
        ("Nein", "nein"),
        ("Meister", None),  # a goal as often as a qualification held
        ("Abitur", None),  # a school certificate says nothing about vocational training
    ],
)
def test_vocational_qualification(raw, expected):
    assert fp.vocational_qualification(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Umschulung zur Erzieherin", "umschulung"),
        ("Aufstiegsfortbildung", "aufstiegsfortbildung"),
        ("den Techniker", "aufstiegsfortbildung"),
        ("Weiterbildung im Beruf", "weiterbildung"),
        ("Studium", "studium"),
        ("Deutschkurs", "sprachkurs"),
        ("Anerkennung eines ausländischen Abschlusses", "anerkennung"),
        ("aufstieg", "aufstiegsfortbildung"),
        ("wiedereinstieg", None),
    ],
)
def test_course_type(raw, expected):
    assert fp.course_type(raw) == expected


def test_qualification_since_from_years_or_a_year():
    today = dt.date(2026, 11, 26)
    assert fp.qualification_since("vor 5 Jahren", today) == "ab_2_jahre"
    assert fp.qualification_since("vor 8 Monaten", today) == "unter_2_jahre"
    assert fp.qualification_since("1", today) == "unter_2_jahre"
    assert fp.qualification_since("im Jahr 2025", today) == "unter_2_jahre"
    assert fp.qualification_since("2019", today) == "ab_2_jahre"
    assert fp.qualification_since("ja", today) == "ab_2_jahre"
    assert fp.qualification_since("nein", today) == "unter_2_jahre"
    assert fp.qualification_since("Ich bin 52", today) is None


def test_form_buttons_render_to_payloads_the_form_understands(domain):
    """Payloads survive Rasa's response templating and carry canonical values."""
    from rasa.core.nlg.interpolator import interpolate

    names = [n for n in domain["responses"] if n.startswith("utter_ask_funding_form_")]
    assert sorted(names) == sorted(f"utter_ask_funding_form_{s}" for s in fp.FORM_SLOTS)
    entity_slot = {"employment_status": "employment_status", "company_size": "company_size"}
    entity_slot["age"] = "age_group"
    for name in [*names, "utter_funding_followup"]:
        slot = name.removeprefix("utter_ask_funding_form_")
        buttons = interpolate(copy.deepcopy(domain["responses"][name][0]["buttons"]), {"x": 1})
        assert buttons[-1]["payload"] in ("Weiß nicht", "/request_human")
        for button in buttons:
            payload = button["payload"]
            if payload.startswith("/") and "{" in payload:
                entities = json.loads(payload[payload.index("{") :])
                for entity, value in entities.items():
                    if entity in entity_slot:
                        assert fp.NORMALIZERS[entity_slot[entity]](value) == value, payload
                    else:
                        assert (entity, value) == ("topic", fp.TOPIC_ALL)
            elif not payload.startswith("/"):
                understood = fp.is_dont_know(payload) or fp.NORMALIZERS[slot](payload)
                assert understood, (name, payload)


@pytest.mark.parametrize("text", ["Weiß nicht", "weiss ich nicht", "keine Ahnung", "Keine Angabe"])
def test_dont_know(text):
    assert fp.is_dont_know(text)
    assert not fp.is_dont_know("Ich weiß, was ich will")


def test_engine_facts_use_ranges_and_leave_unknowns_out():
    values = {
        "employment_status": "unbekannt",
        "vocational_qualification": "ja",
        "course_type": "weiterbildung",
        "qualification_since": "ab_2_jahre",
        "company_size": "mittel",
        "age_group": "25_bis_44",
    }
    assert fp.engine_facts(values) == {
        "has_vocational_qualification": True,
        "course_type": "weiterbildung",
        "years_since_qualification": Range(2, None),
        "company_size_employees": Range(50, 499),
        "age": Range(25, 44),
    }


def test_target_shortage_is_true_or_unknown_never_false():
    assert fp.engine_facts({}, "82102")["target_is_shortage_occupation"] is True
    assert "target_is_shortage_occupation" not in fp.engine_facts({}, "62102")


def test_missing_slots_follow_the_rules():
    assert fp.missing_slots({}) == list(fp.FORM_SLOTS)
    employed = {
        "employment_status": "beschaeftigt",
        "vocational_qualification": "ja",
        "course_type": "weiterbildung",
        "qualification_since": "ab_2_jahre",
    }
    assert fp.missing_slots(employed) == ["company_size", "age_group"]
    unemployed = {"employment_status": "arbeitslos", "vocational_qualification": "nein"}
    assert fp.missing_slots(unemployed) == ["course_type"]
    no_qualification = {"employment_status": "beschaeftigt", "vocational_qualification": "nein"}
    assert "qualification_since" not in fp.missing_slots(no_qualification)
