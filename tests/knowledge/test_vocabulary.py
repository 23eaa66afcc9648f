"""One vocabulary: the synonyms file, canonical lookups, and the other modules that must agree.

The pydantic schema of the search API is checked in tests/search/test_vocabulary_api.py (app
env) and the Rasa domain's categorical slots in tests/bot/test_vocabulary_domain.py (bot env).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from knowledge import schema
from knowledge import vocabulary as v
from knowledge.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
NLU_TERMS = ROOT / "nlu" / "patterns" / "profile_terms.csv"


def test_synonyms_file_is_consistent() -> None:
    assert v.problems() == []


def test_schema_uses_the_vocabulary() -> None:
    for name in ("FORMATS", "TIME_MODELS", "GOALS", "COURSE_TYPES", "FUNDING", "FIELDS"):
        assert getattr(schema, name) is getattr(v, name), name


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("format", "Vor-Ort", "praesenz"),
        ("format", "PRÄSENZ", "praesenz"),
        ("format", "keine Präferenz", "egal"),
        ("format", "Blended Learning", "hybrid"),
        ("time_model", "Teilzeit", "teilzeit"),
        ("time_model", "nebenberuflich", "berufsbegleitend"),
        ("goal", "Rückkehr in den Beruf", "wiedereinstieg"),
        ("course_type", "Anpassungsfortbildung", "anpassungsqualifizierung"),
        ("funding", "Meister-BAföG", "aufstiegs_bafoeg"),
        ("field", "Informatik", "it"),
        ("field", "Handwerk (SHK, Elektro, Kfz)", "handwerk"),
        ("goal", "Weltreise", None),
        ("goal", "", None),
    ],
)
def test_canonical(kind: str, text: str, expected: str | None) -> None:
    assert v.canonical(kind, text) == expected


def test_allowed_narrows_the_values() -> None:
    assert v.canonical("format", "egal") == "egal"
    assert v.canonical("format", "egal", v.FORMATS) is None  # never an offer's format


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(KeyError):
        v.canonical("colour", "rot")


def test_nlu_entity_patterns_map_to_vocabulary_values() -> None:
    kinds = {"goal": v.GOALS, "time_model": v.TIME_MODELS, "format": v.PROFILE_FORMATS}
    with NLU_TERMS.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["entity"] in kinds]
    assert rows
    wrong = [(r["entity"], r["value"]) for r in rows if r["value"] not in kinds[r["entity"]]]
    assert wrong == []


def test_compatibility_rules_use_known_values() -> None:
    for user, offers in v.TIME_MODEL_COMPATIBILITY.items():
        assert user in v.TIME_MODELS and set(offers) <= set(v.TIME_MODELS)
    for user, offers in v.FORMAT_COMPATIBILITY.items():
        assert user in v.FORMATS and set(offers) <= set(v.FORMATS)
    assert set(v.TIME_MODEL_COMPATIBILITY) == set(v.TIME_MODELS)


def test_profile_from_mapping_drops_garbage_and_round_trips() -> None:
    raw = {
        "goal": "umschulung",
        "time_model": "nachts",
        "format": "egal",
        "current_kldb": "8x",
        "target_kldb": "82102",
        "municipality": " Haar ",
        "dqr_level": 9,
        "needs_funding": "ja",
    }
    p = Profile.from_mapping(raw)
    assert (p.goal, p.time_model, p.format) == ("umschulung", None, "egal")
    assert (p.current_kldb, p.target_kldb, p.municipality) == (None, "82102", "Haar")
    assert p.dqr_level is None and p.needs_funding is None
    assert Profile.from_mapping(p.as_dict()) == p


def test_search_profile_and_derived_values() -> None:
    p = Profile(
        current_kldb="62102",
        target_occupation="Pflegefachfrau",
        time_model="teilzeit",
        format="praesenz",
        dqr_level=None,
    )
    body = p.search_profile()
    assert "target_occupation" not in body and "dqr_level" not in body
    assert body["current_kldb"] == "62102"
    assert p.qualification_level() == 4  # Anforderungsniveau 2 (fachlich ausgerichtet)
    assert p.compatible_time_models() == ["teilzeit", "berufsbegleitend"]
    assert p.compatible_formats() == ["praesenz", "hybrid"]
    assert Profile(format="egal").compatible_formats() is None
