"""Conversation fit over Rasa's REST channel against the real stack (issue 12).

Seen defect: a nurse trained abroad who wrote in simple German that she lives in the district
and has B1 German was asked "Was ist Ihr Ziel?"; the recognition answer was ~2,600 characters in
one message; after it "ja" fell into the fallback. Nothing is faked here: NLU, rules, actions,
the search service and the catalogue are the real ones (scripts/with_stack.py).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

GOAL_QUESTION = "Was ist Ihr Ziel?"
FALLBACK_STARTS = (
    "Entschuldigung, das habe ich nicht",
    "Das habe ich leider nicht verstanden",
    "Leider kann ich Ihnen dabei nicht weiterhelfen",
)


def texts(replies: list[dict]) -> list[str]:
    return [r["text"] for r in replies if r.get("text")]


def test_foreign_nurse_gets_recognition_and_language_course_then_yes_gives_more(conversation):
    replies = conversation.say(
        "Ich bin Krankenschwester. Ich habe auf den Philippinen gelernt. "
        "Ich wohne in Unterhaching. Mein Deutsch ist B1."
    )
    said = texts(replies)
    assert GOAL_QUESTION not in "\n".join(said)
    short, language = said[0], said[1]
    assert "Bayerische Landesamt für Pflege" in short and "Stand:" in short
    assert "Nächster Schritt" in short and len(short) < 900
    assert "Berufssprachkurs" in language and "einfacher Sprache" in language
    slots = conversation.slots()
    assert slots["foreign_qualification"] is True and slots["german_level"] == "b1"

    details = texts(conversation.say("ja"))
    assert details and not details[0].startswith(FALLBACK_STARTS)
    assert "Anerkennungszuschuss" in "\n".join(details)
    assert conversation.slots()["plain_language"] is True  # what the "ja" accepted


def test_yes_after_recognition_inside_the_form_does_not_fall_back(conversation):
    conversation.say("Ich suche eine Weiterbildung")
    assert conversation.slots()["requested_slot"] == "current_occupation"
    short = texts(conversation.say("Wird mein Abschluss aus Polen anerkannt?"))
    assert any("Nächster Schritt" in t for t in short)
    details = texts(conversation.say("ja"))
    assert details and not details[0].startswith(FALLBACK_STARTS)
    assert "Checkliste:" in "\n".join(details)
    assert conversation.slots()["requested_slot"] == "current_occupation"  # the form goes on
