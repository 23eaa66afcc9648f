"""Info actions: funding checklists with source/Stand/office, shortage, recognition, contacts."""

from __future__ import annotations

import re

import pytest

from bot.actions.info import (
    ActionFundingInfo,
    ActionLanguageCourses,
    ActionRecognitionInfo,
    ActionRequestHuman,
    ActionShortageOccupations,
)
from bot.actions.utils import facts

PROMISES = re.compile(
    r"(haben|steht)\s+(Ihnen\s+)?(einen\s+)?Anspruch auf (bezahlten\s+)?Bildungsurlaub", re.I
)


async def answer(action, tracker, dispatcher, domain) -> str:
    assert await action.run(dispatcher, tracker, domain) == []
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]["text"]


async def test_bildungsgutschein_checklist_names_source_stand_office(
    tracker_from, dispatcher, domain
):
    tracker = tracker_from(
        {
            "intent": "ask_funding",
            "latest_message": {"text": "Bekomme ich einen Bildungsgutschein?"},
        }
    )
    text = await answer(ActionFundingInfo(), tracker, dispatcher, domain)
    assert "§§ 81 ff. SGB III" in text
    assert "Wer entscheidet: Agentur für Arbeit München" in text
    assert "Kann-Leistung" in text
    assert re.search(r"Quellen?: https://\S+", text)
    assert "Stand: November 2026" in text
    assert "☐" in text and "keine Zusage" in text  # checklist, not a verdict
    assert "Bildungsurlaub" not in text


async def test_funding_overview_by_goal_has_office_and_source_per_topic(
    tracker_from, dispatcher, domain
):
    tracker = tracker_from(
        {
            "intent": "ask_funding",
            "slots": {"goal": "aufstieg"},
            "latest_message": {"text": "Welche Förderung gibt es für mich?"},
        }
    )
    text = await answer(ActionFundingInfo(), tracker, dispatcher, domain)
    assert "Aufstiegs-BAföG" in text and "Meisterbonus" in text
    assert text.count("Wer entscheidet:") == 2
    assert text.count("(Stand: November 2026)") == 2
    assert "Bildungsurlaub" not in text


async def test_bildungsurlaub_question_is_answered_honestly(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "intent": "ask_funding",
            "latest_message": {"text": "Habe ich Anspruch auf Bildungsurlaub?"},
        }
    )
    text = await answer(ActionFundingInfo(), tracker, dispatcher, domain)
    assert "Bayern hat kein Gesetz über Bildungsurlaub" in text
    assert "keine bezahlte Freistellung zusagen" in text
    assert "Arbeitsort" in text
    assert not PROMISES.search(text)
    assert "Quelle: https://" in text and "Stand:" in text


async def test_bildungsgutschein_mentions_shortage_of_target(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "intent": "ask_funding",
            "slots": {"target_kldb": "82102"},
            "latest_message": {"text": "Zahlt die Arbeitsagentur das?"},
        }
    )
    text = await answer(ActionFundingInfo(), tracker, dispatcher, domain)
    assert "Engpass-Berufsgruppe (Altenpflege" in text


def test_every_facts_topic_is_complete():
    data = facts.load_facts()
    for topic in [*data["funding"].values(), data["recognition"], data["language"]]:
        assert topic["office"] and topic["stand"]
        assert all(url.startswith("https://") for url in topic["sources"])


async def test_shortage_for_target_names_level_and_year(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {"intent": "ask_shortage_occupations", "slots": {"target_kldb": "82102"}}
    )
    text = await answer(ActionShortageOccupations(), tracker, dispatcher, domain)
    assert "Altenpflege" in text
    assert "Ebene: Bund, Jahr 2024" in text
    assert "Ebene: Landkreis-Erhebung, Jahr 2016" in text
    assert "Quelle: https://" in text and "Stand: " in text


async def test_shortage_overview_without_occupation(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "intent": "ask_shortage_occupations",
            "latest_message": {"text": "Welche Berufe werden gesucht?"},
        }
    )
    text = await answer(ActionShortageOccupations(), tracker, dispatcher, domain)
    assert "Softwareentwicklung" in text and "Erziehung" in text
    assert "Beobachtung" not in text  # only Engpass statements in the overview


async def test_recognition_for_pflege_names_lfp(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        {
            "intent": "ask_recognition",
            "latest_message": {
                "text": "Wird meine Ausbildung als Krankenschwester anerkannt?",
                "entities": [
                    {"entity": "occupation", "value": "Krankenschwester", "kldb": "81302"}
                ],
            },
        }
    )
    text = await answer(ActionRecognitionInfo(), tracker, dispatcher, domain)
    assert (
        "Für Ihren Pflegeberuf ist in Bayern das Bayerische Landesamt für Pflege (LfP) zuständig."
        in text
    )
    assert "MigraNet" in text and "Wer entscheidet:" in text and "Stand:" in text


async def test_language_courses_mention_bamf_and_local_vhs(tracker_from, dispatcher, domain):
    tracker = tracker_from({"intent": "ask_language_course", "slots": {"municipality": "Ismaning"}})
    text = await answer(ActionLanguageCourses(), tracker, dispatcher, domain)
    assert "BAMF" in text and "B1" in text
    assert "Volkshochschule für Ismaning: VHS Nord." in text


@pytest.mark.parametrize(
    ("municipality", "expected"),
    [
        ("Unterhaching", "Volkshochschule für Unterhaching: vhs Unterhaching."),
        ("Aying", "Für Aying ist mir keine zuständige Volkshochschule bekannt"),
        ("Brunnthal", "(Zuordnung nicht sicher bestätigt)"),
    ],
)
async def test_request_human_lists_contacts_and_local_vhs(
    tracker_from, dispatcher, domain, municipality, expected
):
    tracker = tracker_from({"intent": "request_human", "slots": {"municipality": municipality}})
    text = await answer(ActionRequestHuman(), tracker, dispatcher, domain)
    for needle in (
        "Agentur für Arbeit München – Berufsberatung im Erwerbsleben",
        "Jobcenter Landkreis München (Landratsamt, Mariahilfplatz 17",
        "Weiterbildungsinitiator*innen (WBI) Bayern",
        "MigraNet",
        "030 20179090",
        expected,
    ):
        assert needle in text
    # no invented phone numbers: the BMBF Infotelefon is the only number in the answer
    assert re.findall(r"\b0\d{2,4}[ /-]?\d{4,}", text) == ["030 20179090"]
