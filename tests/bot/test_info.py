"""Info actions with the real knowledge base and rule engine (no mocks).

Funding: checklists with status, conditions to confirm, amounts, deciding office, source URL and
Stand; the form is started only when deciding facts are missing. Also shortage, language
courses and contacts (recognition: test_recognition.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.info import (
    ActionFundingInfo,
    ActionLanguageCourses,
    ActionRequestHuman,
    ActionShortageOccupations,
)
from bot.actions.utils import facts
from knowledge import facts as kfacts
from knowledge import funding

PROMISES = re.compile(
    r"(haben|steht)\s+(Ihnen\s+)?(einen\s+)?Anspruch auf (bezahlten\s+)?Bildungsurlaub", re.I
)
#: the brief was researched 2026-11; its corrections (domain-brief section 7) were checked 2026-12
SOURCE_AND_STAND = re.compile(r"Quellen?: https://\S+.*\(Stand: (November|Dezember) 2026\)")


async def answer(action, tracker, dispatcher, domain) -> str:
    events = await action.run(dispatcher, tracker, domain)
    # action_request_human tells the rules whether a callback may be offered (not configured here)
    offer_flag = [SlotSet("callback_available", False)]
    assert events == (offer_flag if isinstance(action, ActionRequestHuman) else [])
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]["text"]


async def run_funding(tracker, dispatcher, domain) -> tuple[list[str], list[str], list[dict]]:
    """(texts, response names, events) of one ActionFundingInfo run."""
    events = await ActionFundingInfo().run(dispatcher, tracker, domain)
    texts = [m["text"] for m in dispatcher.messages if m.get("text")]
    responses = [m["response"] for m in dispatcher.messages if m.get("response")]
    return texts, responses, events


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def funding_state(text: str, entities: list[dict] | None = None, **slots: Any) -> dict:
    return {
        "intent": "ask_funding",
        "slots": slots,
        "latest_message": {
            "text": text,
            "entities": entities or [],
            "intent": {"name": "ask_funding", "confidence": 1.0},
        },
    }


# --- questions about one instrument -----------------------------------------------------


async def test_meisterbonus_question_gets_its_checklist_without_the_form(
    tracker_from, dispatcher, domain
):
    texts, responses, events = await run_funding(
        tracker_from(funding_state("Was ist der Meisterbonus?")), dispatcher, domain
    )
    assert len(texts) == 2 and texts[1] == facts.DISCLAIMER
    text = texts[0]
    assert text.startswith("Meisterbonus der Bayerischen Staatsregierung: möglich – bitte prüfen")
    assert "3.000 €" in text and "Hauptwohnsitz oder Arbeitsort in Bayern" in text
    assert "Wer entscheidet: Die Kammer bzw. zuständige Stelle" in text
    assert SOURCE_AND_STAND.search(text)
    assert responses == []
    assert slot_events(events) == {}


async def test_bildungsgutschein_question_names_law_office_discretion_source_and_stand(
    tracker_from, dispatcher, domain
):
    texts, _, _ = await run_funding(
        tracker_from(funding_state("Bekomme ich einen Bildungsgutschein?")), dispatcher, domain
    )
    text = texts[0]
    assert "§§ 81 ff. SGB III" in text
    assert "Wer entscheidet: Agentur für Arbeit München" in text
    assert "Kann-Leistung" in text
    assert "☐ Bildungsträger und Kurs sind nach AZAV zugelassen." in text
    assert SOURCE_AND_STAND.search(text)
    assert "keine Zusage" in texts[-1]
    assert "Bildungsurlaub" not in " ".join(texts)


async def test_specific_question_uses_what_is_known(tracker_from, dispatcher, domain):
    state = funding_state(
        "Wer bekommt Weiterbildungsgeld?",
        employment_status="beschaeftigt",
        vocational_qualification="ja",
        course_type="aufstiegsfortbildung",
    )
    texts, _, _ = await run_funding(tracker_from(state), dispatcher, domain)
    text = texts[0]
    assert text.startswith("Weiterbildungsgeld (§ 87a SGB III, seit 1.7.2023): passt eher nicht")
    assert (
        "Spricht nach Ihren Angaben dagegen:\n✗ Die Weiterbildung führt zu einem Abschluss" in text
    )


async def test_bildungsurlaub_question_is_answered_honestly(tracker_from, dispatcher, domain):
    texts, _, _ = await run_funding(
        tracker_from(funding_state("Habe ich Anspruch auf Bildungsurlaub?")), dispatcher, domain
    )
    text = texts[0]
    assert "Bayern hat kein Gesetz über Bildungsurlaub" in text
    assert "keine bezahlte Freistellung zusagen" in text
    assert "Arbeitsort" in text
    assert not PROMISES.search(text)
    assert SOURCE_AND_STAND.search(text)


async def test_bildungsgutschein_mentions_shortage_of_target(tracker_from, dispatcher, domain):
    state = funding_state("Zahlt das ein Bildungsgutschein?", target_kldb="82102")
    texts, _, _ = await run_funding(tracker_from(state), dispatcher, domain)
    assert "Engpass-Berufsgruppe (Altenpflege" in texts[0]


# --- general questions: form or checklist ------------------------------------------------


ONE_MESSAGE_ENTITIES = [
    {"entity": "age", "value": "50", "start": 7, "end": 9},
    {"entity": "employment_status", "value": "arbeitslos", "start": 11, "end": 21},
    {"entity": "qualification", "value": "kein Abschluss", "start": 23, "end": 43},
    {"entity": "goal", "value": "umschulung", "start": 63, "end": 73},
]


async def test_one_message_with_all_deciding_facts_gets_the_checklist_at_once(
    tracker_from, dispatcher, domain
):
    state = funding_state(
        "Ich bin 50, arbeitslos, ohne Berufsabschluss – wer zahlt eine Umschulung?",
        ONE_MESSAGE_ENTITIES,
    )
    texts, responses, events = await run_funding(tracker_from(state), dispatcher, domain)
    overview = texts[0]
    assert overview.startswith("Ihre Förder-Checkliste")
    assert (
        "• Bildungsgutschein – Förderung der beruflichen Weiterbildung (§§ 81 ff. SGB III): "
        "wahrscheinlich passend" in overview
    )
    assert "Rechtsanspruch auf Förderung eines Berufsabschlusses (§ 81 Abs. 2 SGB III)" in overview
    assert "Weiterbildungsgeld" in overview and "Weiterbildungsprämie" in overview
    assert "§ 82" not in overview and "Aufstiegs-BAföG" not in overview
    assert re.search(r"\d+ weitere Programme passen nach Ihren Angaben eher nicht", overview)
    items = texts[1:-2]
    assert len(items) == 4
    for item in items:
        assert "Wer entscheidet:" in item and SOURCE_AND_STAND.search(item)
        assert "Leistungen und Beträge:" in item
    claim = next(t for t in items if "§ 81 Abs. 2" in t.splitlines()[0])
    assert "Rechtsanspruch, wenn alle Voraussetzungen erfüllt sind" in claim
    assert "☐ In der Regel waren Sie vorher mindestens 3 Jahre berufstätig" in claim
    assert "150 € im Monat" in " ".join(items)
    note = texts[-2]
    assert note.startswith("Bildungsurlaub / Bildungszeit: Bayern hat kein Gesetz")
    assert texts[-1] == facts.DISCLAIMER
    assert responses == ["utter_funding_followup"]
    assert slot_events(events) == {
        "employment_status": "arbeitslos",
        "vocational_qualification": "nein",
        "course_type": "umschulung",
        "age_group": "ab_45",
    }
    assert not PROMISES.search(" ".join(texts))


async def test_checklist_after_the_form_applies_the_82_company_size_and_age_rules(
    tracker_from, dispatcher, domain
):
    state = funding_state(
        "",
        employment_status="beschaeftigt",
        vocational_qualification="ja",
        course_type="weiterbildung",
        qualification_since="ab_2_jahre",
        company_size="mittel",
        age_group="ab_45",
    )
    state["intent"] = "inform"
    texts, responses, events = await run_funding(tracker_from(state), dispatcher, domain)
    section_82 = next(t for t in texts if t.startswith("Weiterbildung für Beschäftigte (§ 82"))
    assert section_82.splitlines()[0].endswith("wahrscheinlich passend")
    assert "45 Jahre oder älter (oder schwerbehindert): kein Arbeitgeberanteil" in section_82
    assert "trägt 50 % der Lehrgangskosten" not in section_82
    assert "75 %" in section_82  # only in the wage-subsidy line
    assert "Betrieb mit 500 oder mehr" not in section_82
    assert "Betrag bitte vor dem Antrag prüfen" in section_82
    assert "Wer entscheidet: Agentur für Arbeit München (Arbeitgeber-Service)" in section_82
    assert slot_events(events) == {}
    assert responses == ["utter_funding_followup"]


async def test_checklist_for_a_younger_employee_shows_the_50_percent_share(
    tracker_from, dispatcher, domain
):
    state = funding_state(
        "",
        employment_status="beschaeftigt",
        vocational_qualification="ja",
        course_type="weiterbildung",
        qualification_since="ab_2_jahre",
        company_size="mittel",
        age_group="25_bis_44",
    )
    texts, _, _ = await run_funding(tracker_from(state), dispatcher, domain)
    section_82 = next(t for t in texts if t.startswith("Weiterbildung für Beschäftigte (§ 82"))
    assert "Ihr Arbeitgeber trägt 50 % der Lehrgangskosten" in section_82
    # severe disability is unknown: the exemption stays visible as a possibility
    assert "(oder schwerbehindert): kein Arbeitgeberanteil" in section_82


async def test_skipped_questions_stay_to_confirm(tracker_from, dispatcher, domain):
    state = funding_state(
        "",
        employment_status="unbekannt",
        vocational_qualification="unbekannt",
        course_type="unbekannt",
    )
    texts, _, events = await run_funding(tracker_from(state), dispatcher, domain)
    assert "passt eher nicht" not in texts[0]  # unknown facts never exclude
    assert "Bildungsgutschein" in texts[0] and "Aufstiegs-BAföG" in texts[0]
    assert all(": möglich – bitte prüfen" in t.splitlines()[0] for t in texts[1:-2])
    assert slot_events(events) == {}


async def test_funding_question_inside_the_profile_form_is_answered_without_the_form(
    tracker_from, dispatcher, domain
):
    state = funding_state("Wer bezahlt mir das eigentlich?")
    state["active_loop"] = "profile_form"
    texts, responses, events = await run_funding(tracker_from(state), dispatcher, domain)
    assert texts[0].startswith("Ihre Förder-Checkliste")
    assert responses == ["utter_funding_followup"]
    assert slot_events(events) == {}


async def test_general_question_inside_the_funding_form_lets_the_form_ask_again(
    tracker_from, dispatcher, domain
):
    state = funding_state("Wer zahlt das?", employment_status="arbeitslos")
    state["active_loop"] = "funding_form"
    texts, responses, events = await run_funding(tracker_from(state), dispatcher, domain)
    assert texts == [] and responses == [] and slot_events(events) == {}


async def test_all_programmes_on_request_show_the_unlikely_ones(tracker_from, dispatcher, domain):
    state = funding_state(
        "/ask_funding",
        [{"entity": "topic", "value": "alle"}],
        employment_status="arbeitslos",
        vocational_qualification="nein",
        course_type="umschulung",
        age_group="ab_45",
    )
    texts, responses, _ = await run_funding(tracker_from(state), dispatcher, domain)
    assert texts[0].startswith("Diese Programme passen nach Ihren bisherigen Angaben eher nicht")
    assert "• Aufstiegs-BAföG (AFBG)" in texts[0]
    assert "Bildungsgutschein" not in texts[0]  # shown before, not repeated
    afbg = next(t for t in texts if t.startswith("Aufstiegs-BAföG"))
    assert afbg.splitlines()[0] == "Aufstiegs-BAföG (AFBG): passt eher nicht"
    assert "✗ Sie haben eine anerkannte Berufsausbildung" in afbg
    assert "Wer entscheidet:" in afbg and SOURCE_AND_STAND.search(afbg)
    assert texts[-2].startswith("Bildungsurlaub / Bildungszeit: Bayern hat kein Gesetz")
    assert responses == []  # no "show all" button again


async def test_every_instrument_message_names_office_source_and_stand(
    tracker_from, dispatcher, domain
):
    for instrument in funding.load_instruments():
        dispatcher.messages.clear()
        texts, _, _ = await run_funding(
            tracker_from(funding_state(f"Was ist {instrument.keywords[0]}?")), dispatcher, domain
        )
        first = texts[0]
        assert first.startswith(instrument.title), instrument.id
        assert "Wer entscheidet:" in first and SOURCE_AND_STAND.search(first), instrument.id


# --- other info actions ------------------------------------------------------------------


def test_every_topic_and_contact_is_complete():
    for key in kfacts.TOPICS:
        topic = facts.load_topic(key)
        assert topic.office and topic.stand_label in ("November 2026", "Dezember 2026")
        assert all(url.startswith("https://") for url in topic.sources)
    assert all(c.name and c.what for c in facts.load_contacts())


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


async def test_language_courses_mention_bamf_costs_and_local_vhs(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from({"intent": "ask_language_course", "slots": {"municipality": "Ismaning"}})
    text = await answer(ActionLanguageCourses(), tracker, dispatcher, domain)
    assert "BAMF" in text and "B1" in text
    assert "2,29 € pro Unterrichtseinheit" in text and "Grundsätzlich kostenlos." in text
    assert "Volkshochschule für Ismaning: VHS Nord." in text
    # nearby Integrations-/Berufssprachkurse from the real catalogue, within reach of Ismaning
    from knowledge import geo
    from knowledge.catalogue import load_catalogue

    shown = [o for o in load_catalogue() if f"„{o.title}“" in text]
    assert len(shown) >= 2
    for offer in shown:
        assert offer.course_type in ("integrationskurs", "berufssprachkurs")
        if offer.format != "online":
            assert geo.within_reach("Ismaning", offer.lat, offer.lon)


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


@pytest.mark.parametrize(
    ("slots", "intents", "first"),
    [
        ({"employment_status": "buergergeld"}, [], "Jobcenter Landkreis München"),
        ({"employment_status": "arbeitslos"}, [], "Agentur für Arbeit München"),
        ({"employment_status": "beschaeftigt"}, [], "Weiterbildungsinitiator*innen"),
        ({}, ["ask_recognition"], "IQ Netzwerk Bayern – MigraNet"),
        ({"foreign_qualification": True}, [], "IQ Netzwerk Bayern – MigraNet"),
    ],
)
async def test_request_human_puts_the_right_place_for_the_situation_first(
    tracker_from, dispatcher, domain, slots, intents, first
):
    tracker = tracker_from({"intent": "request_human", "slots": slots})
    for intent in intents:
        tracker.events.insert(0, {"event": "user", "parse_data": {"intent": {"name": intent}}})
    text = await answer(ActionRequestHuman(), tracker, dispatcher, domain)
    head, _, rest = text.partition("Außerdem:")
    assert "Für Ihre Situation ist die erste Adresse:" in head and first in head
    assert first not in rest
    assert "Infotelefon Weiterbildungsberatung" in rest  # every contact is still listed


async def test_request_human_without_known_situation_lists_all_contacts(
    tracker_from, dispatcher, domain
):
    text = await answer(
        ActionRequestHuman(), tracker_from({"intent": "request_human"}), dispatcher, domain
    )
    assert "erste Adresse" not in text
    assert text.count("• ") >= 5
