"""Issue 12 on the real built pipeline (ruler + resolver, no trained model): trade abbreviations,
typos, Ortsteile, roles, implied goal words, time model and format rules, "egal" answers, and
the intent override for first messages that state profile facts.

The sentences here are written for these tests; none is taken from eval/first_message.
"""

from __future__ import annotations

import pytest

from nlu.components.occupation_terms import fuzzy_code, lookup, term_code
from nlu.components.profile_intent import ProfileFactsIntentOverride, has_profile_facts
from nlu.components.profile_rules import add_profile_entities, indifferent_entity

pytestmark = [pytest.mark.bot, pytest.mark.models]


def ents(message, kind):
    return [e for e in message.get("entities", []) if e["entity"] == kind]


def values(message, kind):
    return [e["value"] for e in ents(message, kind)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ich arbeite als MFA in einer Praxis", "81102"),
        ("bin gelernte ZFA", "81112"),
        ("Ich bin PTA und suche Kurse", "81822"),
        ("Ich bin Anlagenmechaniker SHK", "34212"),
        ("Ich bin Elektronikerin EGT aus Haar", "26212"),
        ("FISI hier", "43102"),
        ("Ich bin Fachinformatiker AE", "43412"),
        ("I am a nurse", "81302"),
        ("Ich bin Krankenpfleger", "81302"),
    ],
)
def test_trade_abbreviations_and_colloquial_titles(parse, text, code):
    (occupation,) = ents(parse(text), "occupation")
    assert occupation["kldb"] == code
    assert occupation["role"] == "current"


def test_longest_abbreviation_wins_over_the_plain_title(parse):
    (occupation,) = ents(parse("Ich bin Elektroniker EGT"), "occupation")
    assert occupation["value"] == "Elektroniker EGT" and occupation["kldb"] == "26212"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Dachdeckerr", "32142"), ("Tischlerinn", "22342"), ("Friseurinn", "82312")],
)
def test_job_title_with_one_typo_after_a_cue(parse, typed, code):
    (occupation,) = ents(parse(f"Ich bin {typed} und suche Kurse"), "occupation")
    assert occupation["kldb"] == code


def test_lookups():
    assert term_code("mfa") == "81102"
    assert fuzzy_code("Mechatronikr") == "26112"
    assert fuzzy_code("Haus") is None  # too short for a typo lookup
    assert lookup("Verkäuferin") == "62102"


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("Ich wohne in Hochbrück", "Garching b.München"),
        ("wohne in Riedmoos", "Unterschleißheim"),
        ("aus Furth", "Oberhaching"),
        ("ich lebe in Lustheim", "Oberschleißheim"),
    ],
)
def test_ortsteile_resolve_to_their_municipality(parse, text, official):
    assert values(parse(text), "municipality") == [official]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Tischler hier, was gibt es?", "current"),
        ("Maurer aus Haar, suche Kurse", "current"),
        ("ich will zurück in meinen Job als Tischler", "current"),
        ("möchte als Tischler wieder einsteigen", "current"),
        ("ich möchte Tischler werden", "target"),
    ],
)
def test_occupation_roles(parse, text, role):
    (occupation,) = ents(parse(text), "occupation")
    assert occupation["role"] == role


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("nach der Pause möchte ich wieder in den Beruf einsteigen", "wiedereinstieg"),
        ("i mog wieder eisteign", "wiedereinstieg"),
        ("ich will zurück in meinen Job", "wiedereinstieg"),
        ("suche eine Umschulungsmaßnahme", "umschulung"),
        ("I want to get back to work", "wiedereinstieg"),
    ],
)
def test_goal_words_beyond_exact_phrases(parse, text, goal):
    assert goal in values(parse(text), "goal")


@pytest.mark.parametrize(
    ("text", "time_model"),
    [
        ("ich suche berufsbegleitende Kurse", "berufsbegleitend"),
        ("was Berufsbegleitendes wäre gut", "berufsbegleitend"),
        ("am liebsten in Volzeit", "vollzeit"),
        ("neben meinem Minijob", "berufsbegleitend"),
    ],
)
def test_time_model_forms(parse, text, time_model):
    assert values(parse(text), "time_model") == [time_model]


def test_time_model_of_the_current_job_is_not_the_course_time_model(parse):
    msg = parse("Ich arbeite Vollzeit im Schichtdienst, Kurse müssten am Abend sein")
    assert values(msg, "time_model") == ["berufsbegleitend"]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("lieber vor Ort, nicht online", "praesenz"),
        ("vor Ort, ned online", "praesenz"),
        ("lieber in Präsenz als online", "praesenz"),
        ("online oder vor Ort ist mir egal", "egal"),
        ("ob online oder Präsenz is ma wurscht", "egal"),
        ("Format egal", "egal"),
        ("gern was onlien", "online"),
    ],
)
def test_format_rules(parse, text, fmt):
    assert values(parse(text), "format") == [fmt]


@pytest.mark.parametrize(
    "text", ["egal", "Weiß nicht.", "keine Ahnung", "Ist mir egal!", "doesn't matter", "no idea"]
)
def test_indifferent_answers(text):
    entity = indifferent_entity(text)
    assert entity is not None and entity["entity"] == "indifferent"


def test_indifference_inside_a_longer_message_is_no_answer():
    assert indifferent_entity("egal ob online oder vor Ort, Hauptsache Teilzeit") is None
    assert add_profile_entities("Haar", []) == []


def test_facts_turn_small_talk_and_fallback_into_inform(parse, rasa_context):
    from rasa.engine.storage.resource import Resource

    storage, context = rasa_context
    override = ProfileFactsIntentOverride.create({}, storage, Resource("override"), context)
    with_facts = parse("Texter aus Haar, wiedereinstieg", intent={"name": "goodbye"})
    assert has_profile_facts(with_facts.get("entities"))
    small_talk = parse("tschüss, bis morgen", intent={"name": "goodbye"})
    override.process([with_facts, small_talk])
    assert with_facts.get("intent")["name"] == "inform"
    assert small_talk.get("intent")["name"] == "goodbye"
    assert "wiedereinstieg" in values(with_facts, "goal")  # kept although the intent was small talk
