"""ValidateProfileForm: multi-fact messages, corrections, out-of-area places, combined question."""

from __future__ import annotations

from typing import Any

from bot.actions.forms import ValidateProfileForm


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def run_form(tracker, dispatcher, domain) -> dict[str, Any]:
    return slot_events(await ValidateProfileForm().run(dispatcher, tracker, domain))


async def test_multi_fact_message_fills_several_slots_and_codes(tracker_from, dispatcher, domain):
    slots = await run_form(tracker_from("multi_fact_message"), dispatcher, domain)
    assert slots["current_occupation"] == "Einzelhandel"
    assert slots["current_kldb"] == "621"
    assert slots["municipality"] == "Unterhaching"
    assert slots["goal"] == "umschulung"
    # target is not a required slot, but its value and code still come from the role entity
    assert slots["target_occupation"] == "Altenpflege"
    assert slots["target_kldb"] == "821"
    assert dispatcher.messages == []


async def test_correction_overwrites_municipality(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "goal",
            "slots": {"municipality": "Unterhaching", "current_occupation": "Einzelhandel"},
            "latest_message": {
                "text": "nein, ich wohne in Ottobrunn",
                "entities": [
                    {"entity": "municipality", "value": "Ottobrunn", "in_landkreis": True}
                ],
            },
            "candidates": {"municipality": "Ottobrunn"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["municipality"] == "Ottobrunn"
    assert "current_occupation" not in slots  # untouched


async def test_short_place_name_becomes_official_name(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "municipality",
            "latest_message": {"text": "in Garching", "entities": []},
            "candidates": {"municipality": "Garching"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["municipality"] == "Garching b.München"


async def test_place_outside_landkreis_is_declined_and_asked_again(
    tracker_from, dispatcher, domain
):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "municipality",
            "latest_message": {
                "text": "Ich wohne in München",
                "entities": [{"entity": "municipality", "value": "München", "in_landkreis": False}],
            },
            "candidates": {"municipality": "München"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["municipality"] is None
    assert slots["outside_area"] is True
    assert dispatcher.messages[0]["response"] == "utter_outside_landkreis"
    assert dispatcher.messages[0]["place"] == "München"


async def test_outside_place_without_resolver_flag_uses_gazetteer(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "municipality",
            "latest_message": {"text": "Dachau", "entities": []},
            "candidates": {"municipality": "Dachau"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["municipality"] is None
    assert dispatcher.messages[0]["place"] == "Dachau"


async def test_time_model_only_answer_sets_format_egal(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "time_model",
            "latest_message": {
                "text": "Teilzeit",
                "entities": [{"entity": "time_model", "value": "teilzeit"}],
            },
            "candidates": {"time_model": "teilzeit"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots == {"time_model": "teilzeit", "format": "egal"}


async def test_time_model_and_format_in_one_answer_keeps_format(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "time_model",
            "latest_message": {
                "text": "Teilzeit und online",
                "entities": [
                    {"entity": "time_model", "value": "teilzeit"},
                    {"entity": "format", "value": "online"},
                ],
            },
            "candidates": {"time_model": "teilzeit", "format": "online"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["time_model"] == "teilzeit"
    assert slots["format"] == "online"


async def test_time_model_given_early_does_not_fix_format(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "goal",
            "latest_message": {"text": "Umschulung in Teilzeit", "entities": []},
            "candidates": {"goal": "umschulung", "time_model": "teilzeit"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["time_model"] == "teilzeit"
    assert "format" not in slots  # the combined question still asks for the format


async def test_garbage_values_are_rejected(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "goal",
            "latest_message": {"text": "???", "entities": []},
            "candidates": {
                "goal": "irgendwas",
                "format": "telepathisch",
                "current_occupation": "!!!",
            },
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["goal"] is None
    assert slots["format"] is None
    assert slots["current_occupation"] is None


async def test_goal_synonym_is_canonicalised(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "goal",
            "latest_message": {"text": "Berufswechsel", "entities": []},
            "candidates": {"goal": "Berufswechsel"},
        }
    )
    assert (await run_form(tracker, dispatcher, domain))["goal"] == "umschulung"


async def test_target_only_does_not_fill_current_occupation(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "current_occupation",
            "latest_message": {
                "text": "Ich will Altenpfleger werden",
                "entities": [
                    {
                        "entity": "occupation",
                        "value": "Altenpfleger",
                        "role": "target",
                        "kldb": "82102",
                    }
                ],
            },
            "candidates": {"current_occupation": "Altenpfleger"},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["current_occupation"] is None
    assert slots["target_occupation"] == "Altenpfleger"
    assert slots["target_kldb"] == "82102"


async def test_typed_job_title_answer_is_extracted(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "active_loop": "profile_form",
            "requested_slot": "current_occupation",
            "latest_message": {"text": "Verkäuferin", "entities": []},
        }
    )
    slots = await run_form(tracker, dispatcher, domain)
    assert slots["current_occupation"] == "Verkäuferin"
    assert slots["current_kldb"] == "62102"
