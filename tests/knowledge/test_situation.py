"""What a chat message shows about the person (knowledge.situation, data situation_cues.csv)."""

from __future__ import annotations

import pytest

from i18n import country_names
from knowledge import situation

MIGRANT_MESSAGES = [
    # (message, the NLU found an occupation in it, qualification from abroad, German level)
    (
        "Ich bin Krankenschwester. Ich habe auf den Philippinen gelernt. "
        "Ich wohne in Unterhaching. Mein Deutsch ist B1.",
        True,
        True,
        "b1",
    ),
    ("Pflegefachfrau aus der Türkei, wohne in Haar", True, True, None),
    ("Ich habe in Polen als Elektriker gearbeitet", True, True, None),
    ("Meine Ausbildung habe ich im Ausland gemacht, Deutsch A2", False, True, "a2"),
    ("ich habe einen ausländischen Abschluss als Erzieherin", True, True, None),
    ("I am a nurse from the Philippines, my German is B1", True, True, "b1"),
    ("I studied IT in my home country", False, True, None),
    # no qualification named: an origin alone says nothing about one
    ("Ich komme aus Syrien und suche einen Deutschkurs", False, False, None),
    # no foreign country
    ("Ich bin Verkäuferin aus Deutschland und wohne in Ottobrunn", True, False, None),
    ("Ich bin Koch aus Haar", True, False, None),
    # a driving licence class is no language level
    ("Busfahrer mit Führerschein C1 aus Haar", True, False, None),
    ("Ich spreche nur wenig Deutsch", False, False, "wenig"),
    ("mein Deutsch ist nicht so gut", False, False, "wenig"),
    ("Sprachniveau C1, Ingenieurin", True, False, "c1"),
]


@pytest.mark.parametrize(("text", "occupation", "foreign", "level"), MIGRANT_MESSAGES)
def test_read(text, occupation, foreign, level):
    found = situation.read(text, occupation, country_names())
    assert (found.foreign_qualification, found.german_level) == (foreign, level)


def test_limited_german_is_b1_or_lower_or_little():
    assert [lvl for lvl in situation.LEVELS if situation.Situation(False, lvl).limited_german] == [
        "a1",
        "a2",
        "b1",
    ]
    assert situation.Situation(False, situation.LITTLE).limited_german
    assert not situation.Situation().limited_german


def test_countries_come_from_cldr_without_germany():
    names = situation.countries(country_names())
    assert {"philippinen", "tuerkei", "syrien", "ukraine", "nigeria", "usa"} <= names
    assert "deutschland" not in names and "germany" not in names
    # without names only the aliases of the cue file count
    assert situation.read("Pflegerin aus Kenia", True).foreign_qualification is False
    assert situation.read("Pflegerin aus den USA", True).foreign_qualification is True


def test_cue_file_is_consistent():
    assert situation.problems() == []
