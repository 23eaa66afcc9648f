"""ValidateProfileForm, issue 12: implied goals, upgrade targets, "egal" answers, first-turn codes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.actions.forms import ValidateProfileForm
from bot.actions.utils.profile import implied_goal, upgrade_kind
from knowledge.kldb import upgrade_code


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def run_form(tracker, dispatcher, domain) -> dict[str, Any]:
    return slot_events(await ValidateProfileForm().run(dispatcher, tracker, domain))


def occupation(value: str, code: str | None, role: str | None, start: int = 0) -> dict:
    entity = {"entity": "occupation", "value": value, "start": start, "end": start + len(value)}
    if code:
        entity["kldb"] = code
    if role:
        entity["role"] = role
    return entity


@pytest.mark.parametrize(
    ("current", "target", "upgrade", "goal"),
    [
        ("62102", "82102", None, "umschulung"),  # sales -> geriatric care: another field
        ("32102", "32193", None, "aufstieg"),  # Hochbau helper -> Maurermeister
        ("81301", "81302", None, "aufstieg"),  # higher Anforderungsniveau, same group
        ("26212", None, "meister", "aufstieg"),
        ("26212", "26252", None, None),  # neighbouring specialism: nothing implied
        (None, "82102", None, None),  # no current occupation: no career change known
    ],
)
def test_implied_goal(current, target, upgrade, goal):
    assert implied_goal(current, target, upgrade) == goal


def test_upgrade_code_and_kind():
    assert upgrade_code("26212", "meister") == "26293"
    assert upgrade_code("25252", "techniker") == "25253"
    assert upgrade_code("26212", "astronaut") is None
    assert upgrade_code("262", "meister") is None
    text = "den Meister machen"
    qualification = {"entity": "qualification", "value": "Meister", "start": 4, "end": 11}
    assert upgrade_kind([qualification], text) == "meister"
    assert upgrade_kind([occupation("Maurermeister", "32193", "target")], "") is None


async def test_career_change_target_implies_umschulung(tracker_from, dispatcher, domain):
    text = "Ich bin Verkäuferin und möchte Altenpflegerin werden"
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "latest_message": {
                "text": text,
                "entities": [
                    occupation("Verkäuferin", "62102", "current", 8),
                    occupation("Altenpflegerin", "82102", "target", 31),
                ],
            },
            "candidates": {
                "current_occupation": "Verkäuferin",
                "target_occupation": "Altenpflegerin",
            },
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["current_kldb"] == "62102"
    assert slots["target_kldb"] == "82102"
    assert slots["goal"] == "umschulung"


async def test_meister_wish_maps_to_the_fields_upgrade(tracker_from, dispatcher, domain):
    text = "Als Elektroniker will ich den Meister machen"
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "latest_message": {
                "text": text,
                "entities": [
                    occupation("Elektroniker", "26212", "target", 4),  # "als" read as a target cue
                    {"entity": "qualification", "value": "Meister", "start": 30, "end": 37},
                ],
            },
            "candidates": {"target_occupation": "Elektroniker"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["current_kldb"] == "26212"
    assert slots["target_kldb"] == "26293"
    assert slots["goal"] == "aufstieg"


async def test_stated_goal_is_not_replaced(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "latest_message": {
                "text": "Verkäuferin, Weiterbildung zur Altenpflegerin",
                "entities": [
                    occupation("Verkäuferin", "62102", "current"),
                    {"entity": "goal", "value": "weiterbildung", "start": 13, "end": 26},
                    occupation("Altenpflegerin", "82102", "target", 31),
                ],
            },
            "candidates": {"goal": "weiterbildung"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["goal"] == "weiterbildung"


async def test_current_code_is_set_outside_the_form(tracker_from, dispatcher, domain):
    """A first message classified as small talk still runs this action through
    action_extract_slots (custom mapping of current_kldb): the code is set."""
    tracker = tracker_from(
        {
            "intent": "out_of_scope",
            "latest_message": {
                "text": "Rohrisolierer hier, was gibt es?",
                "entities": [occupation("Rohrisolierer", "33312", "current")],
            },
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert (slots["current_occupation"], slots["current_kldb"]) == ("Rohrisolierer", "33312")


@pytest.mark.parametrize("requested", ["goal", "time_model", "municipality"])
async def test_egal_leaves_the_question_open_and_moves_on(
    tracker_from, dispatcher, domain, requested
):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": requested,
            "slots": {"current_occupation": "Koch", "current_kldb": "29302"},
            "latest_message": {
                "text": "egal",
                "entities": [
                    {"entity": "indifferent", "value": "egal", "start": 0, "end": 4},
                    {"entity": "format", "value": "egal", "start": 0, "end": 4},
                ],
            },
            "candidates": {"format": "egal"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["profile_skipped"] == [requested]
    assert slots["format"] is None  # the same word answered the open question, not the format
    assert slots["requested_slot"] not in (requested, None)


async def test_doesnt_matter_to_the_format_question_is_format_egal(
    tracker_from, dispatcher, domain
):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "format",
            "latest_message": {
                "text": "doesn't matter",
                "entities": [{"entity": "indifferent", "value": "egal", "start": 0, "end": 14}],
            },
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["format"] == "egal"


@pytest.mark.parametrize(
    ("current", "target", "goal"),
    [
        ("32122", "714", "umschulung"),  # bricklayer -> office work (a field word)
        ("71402", "714", None),  # office clerk -> office work: same field
        ("62102", "2", "umschulung"),  # sales -> "Handwerk": another Berufsbereich
        ("26212", "2", None),  # electronics technician -> "Handwerk": same Berufsbereich
    ],
)
def test_implied_goal_for_field_targets(current, target, goal):
    assert implied_goal(current, target) == goal


async def test_bricklayer_looking_for_office_work_is_a_career_change(
    tracker_from, dispatcher, domain
):
    """ "Ich bin Maurer und suche Büroarbeit": Büro is the target, never the current
    occupation, and a target in another field implies the goal Umschulung."""
    text = "Ich bin Maurer und suche Büroarbeit"
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "latest_message": {
                "text": text,
                "entities": [
                    occupation("Maurer", "32122", "current", 8),
                    occupation("Büroarbeit", "714", "target", 25),
                ],
            },
            "candidates": {"current_occupation": "Maurer", "target_occupation": "Büroarbeit"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert (slots["current_occupation"], slots["current_kldb"]) == ("Maurer", "32122")
    assert (slots["target_occupation"], slots["target_kldb"]) == ("Büroarbeit", "714")
    assert slots["goal"] == "umschulung"


async def test_office_work_alone_is_no_current_occupation(tracker_from, dispatcher, domain):
    """ "Ich suche Büroarbeit" as the first message: a target only (the form then asks for the
    occupation held now)."""
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "latest_message": {
                "text": "Ich suche Büroarbeit",
                "entities": [occupation("Büroarbeit", "714", "target", 10)],
            },
            "candidates": {"target_occupation": "Büroarbeit"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots.get("current_occupation") is None and slots.get("current_kldb") is None
    assert slots["target_kldb"] == "714" and "goal" not in slots  # no current field known


@pytest.mark.parametrize(
    ("requested", "following"),
    [("goal", "time_model"), ("time_model", "format"), ("municipality", "goal")],
)
async def test_egal_answers_one_question_only_over_both_runs_of_a_turn(
    tracker_from, dispatcher, domain, requested, following
):
    """Rasa runs this action twice per turn: in slot extraction (custom mappings) and in the
    form. The first run moves requested_slot on; the second must not take the same "egal" as
    the answer to the next question too ("egal" to the goal question skipped the time model)."""
    state = {
        "active_loop": "profile_form",
        "requested_slot": requested,
        "slots": {
            slot: value
            for slot, value in {
                "current_occupation": "Koch",
                "current_kldb": "29302",
                "municipality": "Haar",
                "goal": "weiterbildung",
                "time_model": "teilzeit",
            }.items()
            if slot not in (requested, following)
        },
        "latest_message": {
            "text": "egal",
            "entities": [{"entity": "indifferent", "value": "egal", "start": 0, "end": 4}],
        },
    }
    first = await run_form(tracker_from(state), dispatcher, domain)  # slot extraction
    assert first == {"profile_skipped": [requested], "requested_slot": following}
    tracker = tracker_from({**state, "candidates": first})  # the form, after the first run
    tracker.events.insert(0, {"event": "slot", "name": "requested_slot", "value": requested})
    second = await run_form(tracker, dispatcher, domain)
    assert second["profile_skipped"] == [requested]
    assert second["requested_slot"] == following
    assert second.get("format") in (None, tracker.get_slot("format"))
