"""InputGuard classification and the out_of_scope intent override."""

from __future__ import annotations

import pytest

from nlu.components.input_guard import classify_text, is_foreign_language, strip_markup

pytestmark = [pytest.mark.bot]


@pytest.mark.parametrize(
    ("text", "kind", "blocking"),
    [
        ("", "empty", True),
        ("   \n\t", "empty", True),
        ("😀😀", "emoji_only", True),
        ("👍 🙏 !!!", "emoji_only", True),
        ("<script>alert(1)</script>", "markup", True),
        ("<b>Hallo</b>, ich suche einen Kurs", "markup", False),
        ("Merhaba, iş arıyorum", "foreign_language", True),
        ("Bonjour, je cherche une formation", "foreign_language", True),
        ("Привет", "foreign_language", True),
        ("I am a nurse looking for a course", None, False),
        ("Teilzeit", None, False),
        ("ja", None, False),
        ("Ciao", None, False),
        ("Industriemechaniker Metallbau", None, False),
        ("Altenpflegerin Unterhaching", None, False),
        ("Fernunterricht Buchhaltung Controlling", None, False),
    ],
)
def test_classify_text(text, kind, blocking):
    result = classify_text(text)
    assert (result.kind, result.blocking) == (kind, blocking)


def test_too_long_is_truncated():
    result = classify_text("Pflege " * 2000)
    assert result.kind == "too_long" and result.blocking
    assert len(result.text) == 1000


def test_strip_markup_removes_scripts_and_tags():
    assert strip_markup("<p>Hallo&nbsp;<i>Welt</i></p><script>x()</script>") == "Hallo Welt"
    assert strip_markup('<a href="javascript:alert(1)">Kurs</a>') == "Kurs"


def test_short_german_never_foreign():
    for text in ("ja", "nein", "Teilzeit", "Haar", "online bitte", "Servus"):
        assert not is_foreign_language(text)


def _message(text):
    from rasa.shared.nlu.training_data.message import Message

    return Message(data={"text": text})


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("x" * 10_000, "too_long"),
        ("😀😀", "emoji_only"),
        ("<script>alert(1)</script>", "markup"),
        ("Merhaba, iş arıyorum", "foreign_language"),
    ],
)
def test_component_records_issue_and_forces_out_of_scope(input_guard, intent_override, text, kind):
    message = _message(text)
    input_guard.process([message])
    assert message.get("input_issue") == kind
    assert "input_issue" in message.output_properties
    assert {"entity": "input_issue", "value": kind}.items() <= message.get("entities")[0].items()
    assert len(message.get("text")) <= 1000
    message.set("intent", {"name": "greet", "confidence": 0.9})
    intent_override.process([message])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "out_of_scope"


@pytest.mark.parametrize("text", ["I am a nurse looking for a course", "Teilzeit", "ja"])
def test_component_leaves_normal_input_alone(input_guard, intent_override, text):
    message = _message(text)
    input_guard.process([message])
    assert message.get("input_issue") is None and message.get("entities", []) == []
    assert message.get("text") == text
    message.set("intent", {"name": "affirm", "confidence": 0.8})
    intent_override.process([message])
    assert message.get("intent")["name"] == "affirm"


def test_markup_with_words_keeps_intent_and_cleans_text(input_guard, intent_override):
    message = _message("<b>Ich suche</b> eine Umschulung")
    input_guard.process([message])
    assert message.get("input_issue") == "markup"
    assert message.get("text") == "Ich suche eine Umschulung"
    message.set("intent", {"name": "search_courses", "confidence": 0.7})
    intent_override.process([message])
    assert message.get("intent")["name"] == "search_courses"


def test_training_data_passes_unchanged(input_guard):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([_message("<b>x</b>")])
    assert input_guard.process_training_data(data) is data
    assert data.training_examples[0].get("text") == "<b>x</b>"


def test_full_chain_long_input_stays_fast(parse):
    import time

    started = time.monotonic()
    message = parse("Ich suche eine Umschulung in Haar. " * 400)
    assert message.get("input_issue") == "too_long"
    assert message.get("intent")["name"] == "out_of_scope"
    assert time.monotonic() - started < 2.0


def test_override_restores_issue_entity_dropped_by_diet(input_guard, intent_override):
    message = _message("")
    input_guard.process([message])
    message.set("entities", [])  # DIETClassifier replaces entities with [] for empty texts
    intent_override.process([message])
    assert [e["value"] for e in message.get("entities")] == ["empty"]


# --- reply language (English is answered in English, not flagged) -----------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I am a nurse looking for a course", "en"),
        ("hello", "en"),
        ("yes", "en"),
        ("part-time please", "en"),
        ("retraining as an electrician", "en"),
        ("Can you help me?", "en"),
        ("Hallo, ich suche einen Kurs", "de"),
        ("Bitte einfacher", "de"),
        ("Ich verstehe das nicht, einfacher bitte", "de"),
        ("Verkäuferin Unterhaching", "de"),
        ("nein", "de"),
        # neutral: keep the conversation's language
        ("Haar", None),
        ("ok", None),
        ("Hi", None),
        ("Pflege", None),
        ("xyzzy plugh", None),
        ("Pflegefachfrau Unterhaching", None),
        ("", None),
    ],
)
def test_detect_reply_language(text, language):
    from nlu.components.input_guard import detect_reply_language

    assert detect_reply_language(text) == language


def _languages(message):
    return [e["value"] for e in message.get("entities") or [] if e["entity"] == "reply_language"]


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("I live in Haar and work as a cashier", ["en"]),
        ("Ich wohne in Haar", ["de"]),
        ("Haar", []),
        ("Merhaba, iş arıyorum", []),  # other languages keep the foreign-language reply
        ("😀😀", []),
    ],
)
def test_component_adds_reply_language_entity(input_guard, intent_override, text, languages):
    message = _message(text)
    input_guard.process([message])
    message.set("entities", [])  # DIETClassifier may replace the entities
    intent_override.process([message])
    assert _languages(message) == languages


def test_english_is_not_foreign(input_guard, intent_override):
    message = _message("Hello, I am looking for a part-time course in Garching")
    input_guard.process([message])
    intent_override.process([message])
    assert message.get("input_issue") is None
    assert _languages(message) == ["en"]


def test_full_chain_english_message(parse):
    message = parse("I am a nurse from Haar and I want to work part-time")
    entities = {e["entity"]: e["value"] for e in message.get("entities")}
    assert entities["reply_language"] == "en"
    assert entities["municipality"] == "Haar"
    assert entities["time_model"] == "teilzeit"
    occupation = next(e for e in message.get("entities") if e["entity"] == "occupation")
    # a job title resolves to its Berufsgattung (nlu/patterns/occupation_terms.csv), like German ones
    assert occupation["value"] == "nurse" and occupation["kldb"] == "81302"
