"""Reply language and einfache Sprache: domain variations, pure formatting and the actions
(recommendations, learning path, information answers, funding checklist, callback)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.actions import constants as c
from bot.actions.housekeeping import ActionDeleteMyData
from bot.actions.info import (
    ActionFundingInfo,
    ActionLanguageCourses,
    ActionRequestHuman,
    ActionShortageOccupations,
)
from bot.actions.recognition import ActionRecognitionDetails
from bot.actions.recommend import ActionExplainRecommendation, ActionRecommendOffers
from bot.actions.utils import formatting
from bot.actions.utils import paths as path_render
from bot.actions.utils.profile import Profile
from i18n import catalogue
from rendering import render
from tests.bot.responses import rendered
from tests.bot.responses import variations as _variations

# Responses on the core path: each needs an English and an einfache-Sprache variation.
CORE_RESPONSES = (
    "utter_greet utter_goodbye utter_thank utter_help utter_restart utter_ask_rephrase "
    "utter_default utter_out_of_scope utter_ask_current_occupation utter_ask_municipality "
    "utter_ask_goal utter_ask_time_model utter_ask_format utter_outside_landkreis "
    "utter_profile_summary utter_search_unavailable utter_no_results"
).split()
ABBREVIATIONS = re.compile(r"\b(z\. ?B\.|bzw\.|ggf\.|u\. ?a\.|usw\.|d\. ?h\.|ca\.|evtl\.)")
MAX_PLAIN_SENTENCE_WORDS = 14

HIT = {
    "offer_id": "demo-1",
    "title": "Pflegehilfe Grundkurs",
    "provider": "Bildungswerk Haar",
    "municipality": "Haar",
    "distance_km": 3.46,
    "format": "hybrid",
    "time_model": "teilzeit",
    "next_start": "2027-01-15",
    "reasons": [{"code": "time_model", "params": {"time_model": "teilzeit"}, "contribution": 0.3}],
}
PROFILE = Profile(
    current_occupation="Einzelhandel",
    municipality="Haar",
    goal="umschulung",
    time_model="teilzeit",
    format="egal",
    target_occupation="Altenpflege",
)


def _conditions(variation: dict[str, Any]) -> dict[str, Any]:
    return {cond["name"]: cond["value"] for cond in variation.get("condition") or []}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize("name", CORE_RESPONSES)
def test_core_responses_have_english_and_plain_variations(domain, name):
    english = _variations(domain, name, reply_language="en", plain_language=False)
    plain = _variations(domain, name, reply_language="de", plain_language=True)
    german = _variations(domain, name, reply_language="de", plain_language=False)
    assert all(_conditions(v).get("reply_language") == "en" for v in english), name
    assert all(_conditions(v).get("plain_language") is True for v in plain), name
    assert all(_conditions(v).get("reply_language", "de") == "de" for v in german), name
    # English wins over plain language: plain German must never be picked for an English user
    both = _variations(domain, name, reply_language="en", plain_language=True)
    assert all(_conditions(v).get("reply_language") == "en" for v in both), name


@pytest.mark.parametrize("name", [*CORE_RESPONSES, "utter_plain_language_on"])
def test_plain_variations_follow_einfache_sprache_rules(domain, name):
    for variation in _variations(domain, name, reply_language="de", plain_language=True):
        text = variation["text"]
        assert not ABBREVIATIONS.search(text), (name, text)
        for sentence in _sentences(text):
            assert len(sentence.split()) <= MAX_PLAIN_SENTENCE_WORDS, (name, sentence)


def test_buttons_keep_their_payloads_in_every_language(domain):
    for name in ("utter_ask_goal", "utter_ask_time_model", "utter_ask_format", "utter_no_results"):
        payloads = {
            tuple(b["payload"] for b in v.get("buttons") or []) for v in domain["responses"][name]
        }
        assert len(payloads) == 1, name


@pytest.mark.parametrize(
    ("language", "plain", "style"),
    [
        ("en", False, formatting.STYLE_EN),
        ("en", True, formatting.STYLE_EN),
        ("de", True, formatting.STYLE_PLAIN),
        ("de", False, formatting.STYLE_DE),
        (None, None, formatting.STYLE_DE),
    ],
)
def test_reply_style(language, plain, style):
    assert formatting.reply_style(language, plain) == style
    slots = {c.SLOT_REPLY_LANGUAGE: language, c.SLOT_PLAIN_LANGUAGE: plain}
    assert formatting.style_of_slots(slots) == style


def test_styles_are_the_catalogue_ids():
    assert formatting.STYLES == ("de", "de_plain", "en")
    assert {catalogue(style).style for style in formatting.STYLES} == set(formatting.STYLES)


def test_recommendations_text_in_english():
    text = formatting.recommendations_text([HIT], PROFILE, 25, style=formatting.STYLE_EN)
    assert text.startswith(
        "Here is a suitable offer (retraining / career change, goal: Altenpflege"
    )
    assert '1. "Pflegehilfe Grundkurs" – Bildungswerk Haar, Haar (3.5 km), hybrid' in text
    assert "part-time. Next start: 2027-01-15." in text
    assert "I could not find more suitable offers" in text
    assert "Nächster" not in text and "Angebote" not in text


def test_recommendations_text_in_plain_language():
    text = formatting.recommendations_text([HIT], PROFILE, 25, style=formatting.STYLE_PLAIN)
    lines = text.splitlines()
    assert lines[0] == "Ich habe einen Kurs für Sie gefunden."
    assert lines[1] == (
        "1. Kurs: „Pflegehilfe Grundkurs“. Anbieter: Bildungswerk Haar. Ort: Haar (3,5 km). "
        "Sie lernen vor Ort und online. Zeit: Teilzeit. Der Kurs beginnt am 15.01.2027. "
        "Der Kurs passt: Die Zeit passt: Teilzeit."
    )
    assert not ABBREVIATIONS.search(text)


def test_german_default_is_unchanged():
    text = formatting.recommendations_text([HIT], PROFILE, 25)
    assert "1. „Pflegehilfe Grundkurs“ – Bildungswerk Haar, Haar (3,5 km)" in text
    assert "Nächster Start: 15.01.2027. Warum: Zeitmodell wie gewünscht: Teilzeit." in text


@pytest.mark.parametrize("style", formatting.STYLES)
def test_an_invented_course_is_called_an_example_not_only_its_dates(style):
    invented = {**HIT, "example_fields": ["title", "description", "start_dates"]}
    dates_only = {**HIT, "example_fields": ["start_dates"]}
    course_note = catalogue(style).templates("offers.example_course")[0]
    data_note = catalogue(style).templates("offers.example_data")[0]
    text = formatting.recommendations_text([dates_only, invented], PROFILE, 25, style=style)
    assert course_note in text and data_note not in text
    text = formatting.recommendations_text([dates_only], PROFILE, 25, style=style)
    assert data_note in text and course_note not in text


def test_english_users_get_english_reasons():
    text = formatting.recommendations_text([HIT], PROFILE, 25, style=formatting.STYLE_EN)
    assert "Next start: 2027-01-15. Why: time model as requested: part-time." in text
    item = formatting.recommendation_item(HIT, formatting.STYLE_EN)
    assert item["reasons"] == [{"code": "time_model", "text": "time model as requested: part-time"}]


@pytest.mark.parametrize(
    ("text", "number"),
    [("why the second one?", 2), ("why offer 3", 3), ("explain the last one", -1)],
)
def test_english_offer_numbers(text, number):
    assert formatting.parse_offer_number(text) == number


def test_relaxation_note_in_every_style():
    codes = ["kldb_group", "wider_area"]
    assert "widened the search area" in formatting.relaxation_note(codes, 25, formatting.STYLE_EN)
    plain = formatting.relaxation_note(codes, 25, formatting.STYLE_PLAIN)
    assert plain.startswith("Es gab nur wenige passende Kurse. Deshalb habe ich")


async def test_recommendations_action_answers_in_english(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots[c.SLOT_REPLY_LANGUAGE] = "en"
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    message = next(m for m in dispatcher.messages if m["custom"].get("type") == "recommendations")
    text = "\n".join(part.text for part in render(message, "text"))  # the text clients' form
    assert text.startswith("Here are ") and message["text"].startswith("Here are ")
    assert "Next start: 2027-01-15." in text
    assert 'Ask "Why does this fit?"' in text


async def test_recommendations_action_in_plain_language(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots[c.SLOT_PLAIN_LANGUAGE] = True
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    message = next(m for m in dispatcher.messages if m["custom"].get("type") == "recommendations")
    assert message["text"].startswith("Ich habe ")
    text = "\n".join(part.text for part in render(message, "twilio"))
    assert "Der Kurs beginnt am 15.01.2027." in text


async def test_explanation_without_offers_in_english(tracker_from, dispatcher, domain):
    tracker = tracker_from({"slots": {c.SLOT_REPLY_LANGUAGE: "en"}})
    await ActionExplainRecommendation().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_no_offers_shown"
    text = rendered(domain, "utter_no_offers_shown", {c.SLOT_REPLY_LANGUAGE: "en"})
    assert text.startswith("I have not shown you any offers")


async def test_explanation_follows_the_style_of_the_moment(
    search_server, tracker_from, dispatcher, domain
):
    """Reasons are stored as codes: an explanation after switching to English is English."""
    tracker = tracker_from("altenpflege_profile")
    events = await ActionRecommendOffers().run(dispatcher, tracker, domain)
    last = next(e["value"] for e in events if e.get("name") == c.SLOT_LAST_SEARCH)
    assert all("params" in r for item in last["items"] for r in item["reasons"])
    explain = tracker_from({"slots": {c.SLOT_LAST_SEARCH: last, c.SLOT_REPLY_LANGUAGE: "en"}})
    dispatcher.messages.clear()
    await ActionExplainRecommendation().run(dispatcher, explain, domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("This is how I chose the suggestions")
    assert "leads to your target occupation: " in text and "führt zu" not in text


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({c.SLOT_REPLY_LANGUAGE: "en"}, "I am now deleting this conversation"),
        ({c.SLOT_PLAIN_LANGUAGE: True}, "Ich lösche jetzt dieses Gespräch. Ich lösche"),
        ({}, "Ich lösche jetzt dieses Gespräch: Ihre Nachrichten"),
    ],
)
async def test_delete_confirmation_follows_the_style(
    tracker_from, dispatcher, domain, slots, expected
):
    tracker = tracker_from({"intent": "delete_my_data", "slots": slots})
    await ActionDeleteMyData().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_delete_confirmation"
    assert rendered(domain, "utter_delete_confirmation", slots).startswith(expected)


def test_domain_declares_the_style_slots_and_their_sources(domain):
    language = domain["slots"][c.SLOT_REPLY_LANGUAGE]
    assert tuple(language["values"]) == c.REPLY_LANGUAGES and language["initial_value"] == "de"
    assert language["mappings"] == [{"type": "from_entity", "entity": c.ENTITY_REPLY_LANGUAGE}]
    plain = domain["slots"][c.SLOT_PLAIN_LANGUAGE]
    assert plain["initial_value"] is False
    assert plain["mappings"] == [
        {"type": "from_intent", "intent": c.INTENT_REQUEST_PLAIN_LANGUAGE, "value": True}
    ]
    assert c.UTTER_PLAIN_LANGUAGE_ON in domain["responses"]
    assert not language["influence_conversation"] and not plain["influence_conversation"]


# --- information answers: English and einfache Sprache (templates around knowledge data) ---

EN = {c.SLOT_REPLY_LANGUAGE: "en"}
PLAIN = {c.SLOT_PLAIN_LANGUAGE: True}
GERMAN_FRAME = re.compile(r"\b(Quelle|Quellen|Wer entscheidet|Checkliste|Außerdem|Hinweis)\b:")
SAMPLE_VALUES = {
    "title": "Pflege",
    "status": "möglich",
    "urls": "https://example.org",
    "stand": "2026",
    "office": "Agentur für Arbeit",
    "text": "Text",
    "count": 2,
    "note": "Notiz",
    "sources": "https://example.org",
    "where": " in der Nähe von Haar",
    "place": "Haar",
    "municipality": "Haar",
    "name": "VHS Nord",
    "caveat": "",
    "statement": "Engpass",
    "level": "Bund",
    "year": 2024,
    "url": "https://example.org",
    "what": "Beratung",
}


def _plain_templates() -> list[tuple[str, str]]:
    plain = catalogue(formatting.STYLE_PLAIN)
    from_catalogue = [
        (k, t)
        for k in sorted(plain.keys())
        for t in plain.templates(k)
        if k.startswith(("info.", "offers.", "reason.", "callback.stored", "path.", "handover."))
    ]
    return from_catalogue


@pytest.mark.parametrize(("key", "template"), _plain_templates())
def test_plain_templates_follow_einfache_sprache_rules(key, template):
    filled = template.format_map(
        _Fill(
            {
                **SAMPLE_VALUES,
                "months": "12 Monate",
                "labels": "Geld",
                "listed": "Kurs",
                "more": "",
                "label": "Geld",
                "cited": "https://example.org",
                "date": "01.01.2027",
                "summary": "Text",
                "origin": "A",
                "target": "B",
                "steps": "Schritte",
                "total": "12 Monate",
                "number": 1,
                "optional": "",
                "types": "Kurs",
                "duration": "12 Monate",
                "dqr": "DQR-Niveau 3",
                "km": 25,
                "why": "",
                "time": "",
            }
        )
    )
    assert not ABBREVIATIONS.search(filled), (key, filled)
    for sentence in _sentences(filled):
        assert len(sentence.split()) <= MAX_PLAIN_SENTENCE_WORDS, (key, sentence)


class _Fill(dict):
    """Sample values; any other placeholder becomes one word."""

    def __missing__(self, key: str) -> str:
        return "Wert"


async def _answer(action, tracker_from, dispatcher, domain, state) -> str:
    await action.run(dispatcher, tracker_from(state), domain)
    return "\n".join(m["text"] for m in dispatcher.messages if m.get("text"))


async def test_request_human_in_english_keeps_the_proper_names(tracker_from, dispatcher, domain):
    text = await _answer(
        ActionRequestHuman(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "request_human", "slots": {**EN, "employment_status": "arbeitslos"}},
    )
    assert text.startswith("Of course – here you can get personal counselling free of charge")
    assert "For your situation, the first place to go is:" in text and "Also:" in text
    assert "Agentur für Arbeit München – Berufsberatung im Erwerbsleben" in text
    assert "030 20179090" in text
    assert not GERMAN_FRAME.search(text) and "Gern –" not in text


async def test_request_human_in_plain_language(tracker_from, dispatcher, domain):
    text = await _answer(
        ActionRequestHuman(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "request_human", "slots": PLAIN},
    )
    assert text.startswith("Gern. Hier bekommen Sie Beratung. Die Beratung ist kostenlos.")


async def test_shortage_in_english_keeps_sources_and_stand(tracker_from, dispatcher, domain):
    text = await _answer(
        ActionShortageOccupations(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "ask_shortage_occupations", "slots": {**EN, "target_kldb": "82102"}},
    )
    assert text.startswith('This is what I know about the skilled-labour situation for "')
    assert "level: Bund, year 2024; source: https://" in text
    assert "as of / Stand: " in text
    assert text.splitlines()[-1].startswith('"Shortage" (German: Engpass) describes')
    assert not GERMAN_FRAME.search(text)


async def test_shortage_in_plain_language(tracker_from, dispatcher, domain):
    text = await _answer(
        ActionShortageOccupations(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "ask_shortage_occupations", "slots": PLAIN},
    )
    lines = text.splitlines()
    assert lines[0] == "In diesen Berufen fehlen Fachkräfte:"
    assert all(re.search(r"\. Quelle: https?://\S+\. Stand: ", line) for line in lines[1:-1])
    assert lines[-1].startswith("Das sagt etwas über den Arbeitsmarkt.")


async def test_recognition_details_in_english(tracker_from, dispatcher, domain):
    slots = {**EN, "current_kldb": "43412", "current_occupation": "Fachinformatiker"}
    text = await _answer(
        ActionRecognitionDetails(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "ask_recognition", "slots": slots},
    )
    lines = text.splitlines()
    assert lines[0] == (
        "Anerkennung ausländischer Berufsabschlüsse (information from German "
        "official sources, quoted in German)"
    )
    assert lines[1] == "Checklist (in German):"
    assert "IHK FOSA" in text and "(source: https://" in text
    assert any(line.startswith("Who decides (German office name): ") for line in lines)
    assert re.search(r"Sources?: https://\S+.*\(as of / Stand: Dezember 2026\)", text)
    assert lines[-1] == "This is guidance, not a promise – the office named decides."
    assert not GERMAN_FRAME.search(text)


async def test_language_courses_in_plain_language(tracker_from, dispatcher, domain):
    text = await _answer(
        ActionLanguageCourses(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "ask_language_course", "slots": {**PLAIN, "municipality": "Ismaning"}},
    )
    assert text.splitlines()[1] == "Das ist wichtig:"
    assert "Ihre Volkshochschule in Ismaning: VHS Nord." in text
    assert "Das entscheidet: " in text and re.search(r"Quellen?: https://\S+", text)
    assert "Stand: November 2026." in text


async def test_language_courses_in_english_name_the_german_course_types(
    search_server, tracker_from, dispatcher, domain
):
    text = await _answer(
        ActionLanguageCourses(),
        tracker_from,
        dispatcher,
        domain,
        {"intent": "ask_language_course", "slots": {**EN, "municipality": "Ismaning"}},
    )
    assert "Adult education centre (Volkshochschule) for Ismaning: VHS Nord." in text
    assert "(German: Integrationskurse, Berufssprachkurse) near Ismaning" in text


def _funding_state(slots: dict[str, Any], text: str = "Welche Förderung gibt es für mich?"):
    return {
        "intent": "ask_funding",
        "slots": {
            **slots,
            "employment_status": "arbeitslos",
            "vocational_qualification": "nein",
            "course_type": "umschulung",
            "age_group": "25_bis_44",
        },
        "latest_message": {
            "text": text,
            "entities": [],
            "intent": {"name": "ask_funding", "confidence": 1.0},
        },
    }


async def test_funding_checklist_in_english(tracker_from, dispatcher, domain):
    await ActionFundingInfo().run(dispatcher, tracker_from(_funding_state(EN)), domain)
    texts = [m["text"] for m in dispatcher.messages if m.get("text")]
    assert texts[0].startswith("Your funding checklist based on what you told me so far")
    assert re.search(r"likely to fit|possible – please check", texts[0])
    item = texts[1]
    assert "(German name): " in item and "Who decides (German office name): " in item
    assert re.search(r"Sources?: https://\S+.*\(as of / Stand: ", item)
    assert texts[-1] == "This is guidance, not a promise – the office named decides."
    assert not any(GERMAN_FRAME.search(t) for t in texts)
    assert dispatcher.messages[-1]["response"] == "utter_funding_followup"


async def test_funding_checklist_in_plain_language(tracker_from, dispatcher, domain):
    await ActionFundingInfo().run(dispatcher, tracker_from(_funding_state(PLAIN)), domain)
    texts = [m["text"] for m in dispatcher.messages if m.get("text")]
    assert texts[0].startswith(
        "Diese Förderungen passen vielleicht zu Ihnen. Das ist keine Zusage."
    )
    assert re.search(r": (passt wahrscheinlich|passt vielleicht)", texts[0])
    assert "Das entscheidet: " in texts[1]
    assert texts[-1].startswith("Das ist nur eine Hilfe. Das ist keine Zusage.")


@pytest.mark.parametrize(
    "name",
    [
        "utter_funding_intro",
        "utter_ask_funding_form_employment_status",
        "utter_ask_funding_form_vocational_qualification",
        "utter_ask_funding_form_course_type",
        "utter_ask_funding_form_qualification_since",
        "utter_ask_funding_form_company_size",
        "utter_ask_funding_form_age_group",
        "utter_funding_followup",
        "utter_ask_callback_contact",
        "utter_ask_callback_time",
        "utter_callback_invalid_contact",
        "utter_callback_invalid_time",
        "utter_callback_not_stored",
        "utter_callback_declined",
        "utter_consultation_not_stored",
        "utter_consultation_store_failed",
    ],
)
def test_funding_and_callback_responses_have_english_and_plain_variations(domain, name):
    english = _variations(domain, name, reply_language="en", plain_language=False)
    plain = _variations(domain, name, reply_language="de", plain_language=True)
    assert all(_conditions(v).get("reply_language") == "en" for v in english), name
    assert all(_conditions(v).get("plain_language") is True for v in plain), name
    payloads = {
        tuple(b["payload"] for b in v.get("buttons") or []) for v in domain["responses"][name]
    }
    assert len(payloads) == 1, name  # the same answers whatever the language
    for variation in plain:
        assert not ABBREVIATIONS.search(variation["text"]), name
        for sentence in _sentences(variation["text"]):
            assert len(sentence.split()) <= MAX_PLAIN_SENTENCE_WORDS, (name, sentence)


@pytest.fixture(scope="module")
def care_path():
    import datetime as dt

    from knowledge import paths as P
    from tests.bot.conftest import FakeSearchService, canned_entries

    search = FakeSearchService(canned_entries())  # canned answers, not started
    path = P.find_path(
        current_kldb="62102",
        current_text="Verkäuferin",
        target_kldb="81302",
        target_text="Pflegefachfrau",
    )
    found = []
    for step in path.steps:
        request = P.step_request(
            step, today=dt.date(2026, 11, 26), municipality="Unterhaching", reach_km=25.0
        )
        found.append(P.linked_offers(search.response_for(request)) if request else ((), 0))
    return P.resolve_path(path, found, municipality="Unterhaching")


def test_learning_path_in_english(care_path):
    text = path_render.learning_path_text(care_path, style=formatting.STYLE_EN)
    lines = text.splitlines()
    assert lines[0].startswith('A possible learning path for you: "Quereinstieg in die Pflege')
    assert "2 steps, about 36 months (3 years) in total" in lines[0]
    assert lines[1].startswith("(in German) ")
    assert "duration: 12 months (1 year); DQR level 3 (German Qualifications Framework)." in text
    assert "Funding possible (German names): Bildungsgutschein" in text
    assert "Who decides on the funding (German office names):" in text
    assert re.search(r"Source: https://\S+ \(as of / Stand: \d\d\.\d\d\.\d{4}\)", text)
    assert ", next start 20" in text  # ISO dates for English users
    assert lines[-1].startswith("This is guidance, not a promise")
    assert "Dauer:" not in text and "Quelle:" not in text and "insgesamt" not in text


def test_learning_path_in_plain_language(care_path):
    text = path_render.learning_path_text(care_path, style=formatting.STYLE_PLAIN)
    assert text.startswith("Ein möglicher Weg für Sie: „Quereinstieg in die Pflege")
    assert "Er hat 2 Schritte. Er dauert ungefähr 36 Monate (3 Jahre)." in text
    assert "1. Schritt: " in text and "Dauer: 12 Monate (1 Jahr). DQR-Niveau 3." in text
    assert "Dafür gibt es vielleicht Geld: Bildungsgutschein" in text
    assert text.splitlines()[-1].startswith("Das ist nur ein Vorschlag.")


def test_learning_path_payload_follows_the_style(care_path):
    payload = path_render.learning_path_payload(care_path, formatting.STYLE_EN)
    assert payload["total"] == "about 36 months (3 years)"
    assert payload["steps"][0]["dqr"].startswith("DQR level 3")
    assert payload["disclaimer"].startswith("This is guidance")
    assert payload["title"] == path_render.learning_path_payload(care_path)["title"]
