"""Issue 3 "done when" over Rasa's REST channel against the real stack: shortage occupations,
a learning path for a career changer, a funding checklist with sources, Stand and deciding office."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration

STAND = re.compile(
    r"Stand: (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
    r"November|Dezember) \d{4}|Stand: \d{4}-\d{2}"
)


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


def _payloads(replies: list[dict], kind: str) -> list[dict]:
    return [
        r["custom"]
        for r in replies
        if isinstance(r.get("custom"), dict) and r["custom"].get("type") == kind
    ]


def test_which_occupations_are_sought_names_level_year_and_source(conversation) -> None:
    text = _texts(conversation.say("Welche Berufe werden im Landkreis gesucht?"))
    assert "Engpass" in text
    assert "Ebene:" in text and "Jahr 20" in text and "Quelle: https://" in text
    assert "nicht Ihre persönliche Chance" in text  # market statement, not a promise


def test_career_changer_gets_a_learning_path_linked_to_catalogue_offers(conversation) -> None:
    from knowledge.catalogue import load_catalogue

    answers = {
        "goal": "Umschulung",
        "time_model": "Teilzeit",
        "format": "egal",
        "municipality": "Unterhaching",
        "current_occupation": "Verkäuferin",
    }
    conversation.say("Hallo")
    replies = conversation.say(
        "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"
    )
    for _ in range(len(answers)):  # answer whatever the profile form still asks
        requested = conversation.slots().get("requested_slot")
        if not requested:
            break
        replies = conversation.say(answers[requested])
    (path,) = _payloads(replies, "learning_path")
    assert len(path["steps"]) >= 2
    catalogue = load_catalogue()
    linked = [o["offer_id"] for step in path["steps"] for o in step.get("offers", [])]
    assert linked and all(catalogue.by_id(i) is not None for i in linked)
    assert _payloads(replies, "recommendations"), "the offers follow the path"


def test_funding_question_in_one_message_gets_a_sourced_checklist(conversation) -> None:
    replies = conversation.say(
        "Ich bin 50, arbeitslos, ohne Berufsabschluss – wer zahlt eine Umschulung?"
    )
    text = _texts(replies)
    assert "Bildungsgutschein" in text
    assert "Agentur für Arbeit" in text  # the office that decides
    assert "https://" in text and STAND.search(text)
    assert "keine Zusage" in text  # a checklist, not a verdict
    assert "Bildungsurlaub" in text and "Bayern" in text
