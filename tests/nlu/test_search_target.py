"""An occupation or field after a search verb is the target (issue 12: "a bricklayer who looks
for office work got 'Büro' as current occupation"), on the real built pipeline.

The sentences are written for these tests; none is taken from eval/first_message.
"""

from __future__ import annotations

import pytest

from nlu.components.occupation_role import occupation_role, searched_for
from nlu.components.resolver_words import words

pytestmark = [pytest.mark.bot, pytest.mark.models]


def occupations(message):
    return [e for e in message.get("entities", []) if e["entity"] == "occupation"]


def role_of(text: str, occupation: str, code: str | None = None) -> str | None:
    start = text.index(occupation)
    return occupation_role(text, start, start + len(occupation), code)


@pytest.mark.parametrize(
    "text",
    [
        "Ich suche Büroarbeit",
        "suche was im Büro",
        "Hallo, ich suche einen Bürojob in Teilzeit",
        "such a Büroarbeit, wenns geht",
        "I am looking for office work",
    ],
)
def test_office_work_looked_for_is_a_target_field(parse, text):
    (office,) = occupations(parse(text))
    assert (office["kldb"], office["role"]) == ("714", "target")


def test_bricklayer_looking_for_office_work_keeps_his_occupation(parse):
    found = occupations(parse("Ich bin Maurer und suche Büroarbeit in Haar"))
    roles = {e["value"]: (e["role"], e["kldb"][:3]) for e in found}
    assert roles["Maurer"][0] == "current" and roles["Maurer"][1] != "714"
    assert roles["Büroarbeit"] == ("target", "714")


@pytest.mark.parametrize(
    ("text", "occupation", "role"),
    [
        ("Ich suche eine Stelle als Busfahrer", "Busfahrer", "target"),
        ("suche Arbeit als Lagerist hier in Garching", "Lagerist", "target"),
        ("Ich suche eine Teilzeitstelle als Verkäuferin", "Verkäuferin", "target"),
        # "als" right after the verb: the searcher's own occupation
        ("Ich suche als Koch eine Weiterbildung", "Koch", "current"),
        # a demonstrative points at the job held now, wish words after it notwithstanding
        ("dass ich diesen Bürojob nicht mehr machen möchte", "Bürojob", "current"),
        # a search in another clause says nothing about this occupation
        ("Ich bin Koch und suche eine Weiterbildung", "Koch", "current"),
        ("Ich suche wieder eine Stelle als Erzieherin", "Erzieherin", "current"),
        # a job title opening the message before a comma is the writer's own
        ("Kfz-Mechatroniker, suche Kurs in Teilzeit", "Kfz-Mechatroniker", "current"),
        # a service looked for, not work: no role from the search verb
        ("Ich suche einen Elektriker", "Elektriker", None),
    ],
)
def test_search_cue_roles(text, occupation, role):
    assert role_of(text, occupation) == role


def test_searched_for_needs_fillers_between_and_work_looked_for():
    assert searched_for(words("ich suche eine neue Stelle als"), "Lagerist", "51312")
    assert searched_for(words("suche was im"), "Büro", "714")  # a field
    assert searched_for(words("suche"), "Büroarbeit", "714")
    assert searched_for(words("suche"), "Bürojob")  # a job compound, code unknown
    assert not searched_for(words("ich suche einen"), "Elektriker", "26212")
    assert not searched_for(words("ich suche als"), "Koch", "29302")
    assert not searched_for(words("ich suche eine Weiterbildung für"), "Altenpfleger", "82102")
    assert not searched_for(words("ich bin"), "Büro", "714")


def test_work_looked_for_is_a_profile_fact_but_a_service_is_not(parse, rasa_context):
    """ "suche was im Büro" classified as small talk becomes inform (the profile form starts
    with the target); "Ich suche einen Zahnarzt" stays what it was."""
    from rasa.engine.storage.resource import Resource

    from nlu.components.profile_intent import ProfileFactsIntentOverride

    storage, context = rasa_context
    override = ProfileFactsIntentOverride.create({}, storage, Resource("override"), context)
    office = parse("suche was im Büro", intent={"name": "out_of_scope", "confidence": 0.6})
    dentist = parse("Ich suche einen Zahnarzt", intent={"name": "out_of_scope", "confidence": 0.6})
    override.process([office, dentist])
    assert office.get("intent")["name"] == "inform"
    assert dentist.get("intent")["name"] == "out_of_scope"
