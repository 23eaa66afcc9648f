"""Delete-my-data and out-of-scope handling."""

from __future__ import annotations

import pytest

from bot.actions.housekeeping import ActionDeleteMyData, ActionHandleOutOfScope
from tests.bot.responses import rendered

FULL_PROFILE = {
    "current_occupation": "Einzelhandel",
    "municipality": "Unterhaching",
    "goal": "umschulung",
    "time_model": "teilzeit",
    "format": "egal",
}


async def test_delete_my_data_payload_text_and_reset(tracker_from, dispatcher, domain):
    tracker = tracker_from({"intent": "delete_my_data", "slots": FULL_PROFILE})
    events = await ActionDeleteMyData().run(dispatcher, tracker, domain)
    assert [e["event"] for e in events] == ["reset_slots", "restart"]
    (message,) = dispatcher.messages
    assert message["custom"] == {"type": "delete_conversation"}
    assert message["response"] == "utter_delete_confirmation"
    text = rendered(domain, "utter_delete_confirmation")
    assert "lösche" in text and "Wohnort" in text


@pytest.mark.parametrize(
    ("issue", "response"),
    [
        ("empty", "utter_input_empty"),
        ("too_long", "utter_input_too_long"),
        ("emoji_only", "utter_input_emoji_only"),
        ("markup", "utter_input_markup"),
        ("foreign_language", "utter_input_foreign_language"),
        (None, "utter_out_of_scope"),
    ],
)
async def test_out_of_scope_kinds_never_touch_slots(
    tracker_from, dispatcher, domain, issue, response
):
    entities = [{"entity": "input_issue", "value": issue}] if issue else []
    # a message that also carries profile entities must not change the profile
    entities.append({"entity": "municipality", "value": "Dachau", "in_landkreis": False})
    tracker = tracker_from(
        {
            "intent": "out_of_scope",
            "slots": FULL_PROFILE,
            "latest_message": {"text": "<b>Dachau</b>", "entities": entities},
        }
    )
    events = await ActionHandleOutOfScope().run(dispatcher, tracker, domain)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == [response]


async def test_out_of_scope_reads_issue_from_metadata(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "intent": "out_of_scope",
            "latest_message": {"text": "", "metadata": {"input_issue": "empty"}},
        }
    )
    await ActionHandleOutOfScope().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_input_empty"
