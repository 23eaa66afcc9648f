"""Quality bar for the Rasa training data and domain (bot environment).

Loads bot/data/nlu with Rasa's own reader and bot/domain with Rasa's Domain loader and
checks the bar set in the bot contract (docs/architecture.md):

* every contract intent has >= 30 distinct examples (distinct after lower-casing and removing
  punctuation, see ``variant_key``), every trainable entity >= 15 annotations;
* >= 20 % of the German examples (English ones, see ``is_english``, are left out), overall and
  of every intent, are written the way citizens type: umlauts/ß replaced by ae/oe/ue/ss, or a
  typo from a small, explicit list (see ``is_nonstandard_spelling``);
* some examples are English; occupation roles ``current`` and ``target`` both occur;
* all 29 municipalities appear as canonical entity values;
* annotations cover whole tokens (spaCy keeps hyphenated compounds as one token and
  Rasa drops annotations that split a token);
* the domain declares the contract's intents, entities, slots, form, actions and responses.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from tests.prereq import require_module

rasa = require_module("rasa", "needs the bot environment (.venv-bot)")

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

pytestmark = pytest.mark.bot

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "bot" / "data" / "nlu"
DOMAIN_DIR = ROOT / "bot" / "domain"
MUNICIPALITIES_CSV = ROOT / "knowledge" / "data" / "gemeinden_lkr_muenchen.csv"

CONTRACT_INTENTS = (
    "greet goodbye affirm deny thank bot_challenge help request_guidance search_courses inform "
    "ask_funding ask_recognition ask_language_course request_human ask_shortage_occupations "
    "explain_recommendation more_results restart delete_my_data out_of_scope request_plain_language "
    "request_callback ask_more_detail mood_distress mood_positive request_consultation "
    "ask_plan"
).split()
TRAINED_ENTITIES = (
    "occupation municipality goal time_model format topic qualification language "
    "employment_status company_size age"
).split()
# set by nlu.components.input_guard, never trained
UNTRAINED_ENTITIES = [
    "input_issue",
    "reply_language",
    "search_scope",
    "indifferent",
    "handover_scope",  # only from the handover button "Ja, mit Gesprächstext"
]
CONTRACT_ENTITIES = [*TRAINED_ENTITIES, *UNTRAINED_ENTITIES]
CONTRACT_RESPONSES = (
    "utter_greet utter_goodbye utter_iamabot utter_help utter_thank utter_ask_current_occupation "
    "utter_ask_municipality utter_ask_goal utter_ask_time_model utter_ask_format "
    "utter_outside_landkreis utter_search_unavailable utter_no_results utter_out_of_scope "
    "utter_input_empty utter_input_too_long utter_input_emoji_only utter_input_markup "
    "utter_input_foreign_language utter_restart utter_default utter_ask_rephrase"
).split()
CONTRACT_ACTIONS = (
    "validate_profile_form action_recommend_offers action_more_results "
    "action_explain_recommendation action_shortage_occupations action_funding_info "
    "action_recognition_info action_language_courses action_request_human "
    "action_delete_my_data action_handle_out_of_scope"
).split()
CONTRACT_SLOTS = (
    "current_occupation current_kldb target_occupation target_kldb municipality goal "
    "time_model format shown_offer_ids last_search outside_area"
).split()
FORM_REQUIRED_SLOTS = ["current_occupation", "municipality", "goal", "time_model", "format"]
CANONICAL_VALUES = {
    "goal": {"weiterbildung", "umschulung", "wiedereinstieg", "aufstieg"},
    "time_model": {"vollzeit", "teilzeit", "berufsbegleitend"},
    "format": {"praesenz", "online", "hybrid", "egal"},
}

MIN_EXAMPLES_PER_INTENT = 30
MIN_ANNOTATIONS_PER_ENTITY = 15
MIN_NONSTANDARD_SHARE = 0.20
MIN_ENGLISH_EXAMPLES = 15

# Umlaut-free spellings of words that do not occur with their umlaut anywhere in the data
# (words that do occur, e.g. "möchte", are transliterated automatically).
EXTRA_UMLAUT_FREE = {
    "veraendern",
    "weiss",
    "gross",
    "groesserer",
    "schlaegst",
    "wuerde",
    "waere",
    "kuenstliche",
    "auslaendischer",
    "pruefen",
    "foerdermittel",
    "erklaerung",
    "vorschlaege",
    "gespraechsverlauf",
    "naechste",
    "naehe",
    "faehrt",
    "erzaehl",
    "zuruecksetzen",
    "zurueck",
    "fachkraeftemangel",
    "waehrend",
    "empfaenger",
    "koennen",
    "moechte",
    "fuer",
    "ueber",
    "buergergeld",
    "loesch",
    "begruendung",
    "zuschuesse",
    "berufsabschluesse",
    "auslaendische",
    "moeglichkeiten",
    "weiterbildungsmoeglichkeiten",
    "persoenlich",
    "schoenes",
    "naechsten",
    "erklaeren",
    "dankeschoen",
    "loeschen",
    "muenchen",
    "fachkraefte",
    "gruess",
    "praesenz",
    "tagsueber",
    "uebernimmt",
    "foerdergeld",
    "laeuft",
    "spaet",
    "muell",
    "kuechenhilfe",
    "baecker",
    "fuehrungskraft",
    "buerokaufmann",
    "muehe",
    "unterstuetzung",
}
# Typos as citizens make them; each is a misspelling of a real word used by the bot.
TYPOS = {
    "halo",
    "hilfeee",
    "dankee",
    "bisst",
    "exel",
    "unterhachng",
    "wohn",
    "gibts",
    "wiedersehn",
    "griaß",
    "noe",
    "tschuss",
    "jaa",
    "richtg",
    "funktionirt",
    "neustrat",
    "ergebnise",
    "angebte",
    "anerkenung",
    "deutsh",
    "unterschleisheim",
    "grasbrun",
    "ottobrun",
    "putzbrun",
    "unterfohring",
    "weis",
    "neee",
    "brauch",
    "bekomm",
    "komm",
    "gutn",
    "zusamen",
    "serwus",
    "stimt",
    "naturlich",
    "neinn",
    "dnake",
    "chatbott",
    "maschiene",
    "mensh",
    "nich",
    "bite",
    "loeschn",
    "wiso",
    "englich",
}
ENGLISH_MARKERS = {
    "i",
    "you",
    "my",
    "me",
    "the",
    "please",
    "what",
    "who",
    "why",
    "where",
    "is",
    "are",
    "am",
    "for",
    "show",
    "help",
    "more",
    "time",
    "and",
    "live",
    "work",
    "course",
    "courses",
    "hello",
    "hi",
    "bye",
    "goodbye",
    "yes",
    "yeah",
    "thanks",
    "thank",
    "want",
    "can",
    "need",
    "that",
    "this",
    "it",
    "to",
    "of",
    "a",
    "an",
    "do",
    "don't",
    "not",
    "no",
    "good",
}
TOKEN_RE = re.compile(r"[\wäöüÄÖÜß']+")
UMLAUT_MAP = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


_PUNCTUATION_RE = re.compile(r"[^\w\s]+")


def variant_key(text: str) -> str:
    """``text`` lower-cased without punctuation: "Hallo!" and "hallo" are one variant.

    Umlaut-free spellings ("möchte"/"moechte") stay distinct: they are deliberate variants.
    """
    return " ".join(_PUNCTUATION_RE.sub(" ", text.lower()).split())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``."""
    return TOKEN_RE.findall(text.lower())


def umlaut_free_vocabulary(texts: list[str]) -> set[str]:
    """ASCII transliterations (ä->ae, ö->oe, ü->ue, ß->ss) of all umlaut words in ``texts``."""
    words = {t for text in texts for t in tokens(text) if re.search("[äöüß]", t)}
    return {w.translate(UMLAUT_MAP) for w in words} | EXTRA_UMLAUT_FREE


def is_nonstandard_spelling(text: str, umlaut_free: set[str]) -> bool:
    """True if ``text`` writes an umlaut word as ae/oe/ue/ss or contains a listed typo."""
    return any(t in umlaut_free or t in TYPOS for t in tokens(text))


def is_english(text: str) -> bool:
    """True if at least half of the (>= 1) tokens are English marker words."""
    toks = tokens(text)
    hits = sum(t in ENGLISH_MARKERS for t in toks)
    return hits >= 1 and (hits / len(toks) >= 0.5 or hits >= 2)


@lru_cache(maxsize=1)
def nlu_data() -> TrainingData:
    return load_data(str(NLU_DIR), language="de")


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(DOMAIN_DIR))


def official_municipalities() -> list[str]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as fh:
        return [row["name"] for row in csv.DictReader(fh, delimiter=";")]


def entity_annotations() -> list[tuple[str, dict]]:
    return [(m.get("text"), e) for m in nlu_data().intent_examples for e in m.get("entities") or []]


# --- helper unit tests ------------------------------------------------------------------


def test_is_nonstandard_spelling_detects_umlaut_free_words_and_typos() -> None:
    vocab = umlaut_free_vocabulary(["Ich möchte nach Gräfelfing"])
    assert is_nonstandard_spelling("ich moechte das", vocab)
    assert is_nonstandard_spelling("Graefelfing", vocab)
    assert is_nonstandard_spelling("halo", vocab)
    assert not is_nonstandard_spelling("Ich möchte das", vocab)
    assert not is_nonstandard_spelling("Hallo", vocab)


def test_variant_key_ignores_case_and_punctuation_only() -> None:
    assert variant_key("Hallo!") == variant_key("hallo")
    assert variant_key("Ja, genau") == variant_key("ja genau")
    assert variant_key("möchte") != variant_key("moechte")


def test_is_english() -> None:
    assert is_english("show me more")
    assert is_english("I live in Ismaning")
    assert not is_english("Ich wohne in Ismaning")


# --- NLU data -----------------------------------------------------------------------------


@pytest.mark.parametrize("intent", CONTRACT_INTENTS)
def test_every_contract_intent_has_enough_distinct_examples(intent: str) -> None:
    examples = nlu_data().intent_examples
    variants = {variant_key(m.get("text")) for m in examples if m.get("intent") == intent}
    assert len(variants) >= MIN_EXAMPLES_PER_INTENT, f"{intent}: {len(variants)}"


def test_no_intents_outside_the_contract() -> None:
    assert set(nlu_data().intents) == set(CONTRACT_INTENTS)


@pytest.mark.parametrize("entity", TRAINED_ENTITIES)
def test_every_entity_has_enough_annotations(entity: str) -> None:
    count = sum(e["entity"] == entity for _, e in entity_annotations())
    assert count >= MIN_ANNOTATIONS_PER_ENTITY, f"{entity}: {count}"


def test_untrained_entities_are_not_annotated() -> None:
    assert all(e["entity"] not in UNTRAINED_ENTITIES for _, e in entity_annotations())


def test_occupation_roles_current_and_target_both_present() -> None:
    roles = Counter(e.get("role") for _, e in entity_annotations() if e["entity"] == "occupation")
    assert roles["current"] >= MIN_ANNOTATIONS_PER_ENTITY
    assert roles["target"] >= MIN_ANNOTATIONS_PER_ENTITY
    assert set(roles) <= {"current", "target"}


def german_texts(intent: str | None = None) -> list[str]:
    """Texts of the (intent's) examples that are not English."""
    return [
        m.get("text")
        for m in nlu_data().intent_examples
        if (intent is None or m.get("intent") == intent) and not is_english(m.get("text"))
    ]


def test_share_of_umlaut_free_or_misspelled_examples() -> None:
    texts = german_texts()
    vocab = umlaut_free_vocabulary(texts)
    share = sum(is_nonstandard_spelling(t, vocab) for t in texts) / len(texts)
    assert share >= MIN_NONSTANDARD_SHARE, f"share {share:.2%}"


@pytest.mark.parametrize("intent", CONTRACT_INTENTS)
def test_a_fifth_of_each_intent_is_umlaut_free_or_misspelled(intent: str) -> None:
    vocab = umlaut_free_vocabulary(german_texts())
    own = german_texts(intent)
    share = sum(is_nonstandard_spelling(t, vocab) for t in own) / len(own)
    assert share >= MIN_NONSTANDARD_SHARE, f"{intent}: {share:.0%}"


def test_english_examples_exist_in_several_intents() -> None:
    english = [m for m in nlu_data().intent_examples if is_english(m.get("text"))]
    assert len(english) >= MIN_ENGLISH_EXAMPLES
    assert len({m.get("intent") for m in english}) >= 10


def test_one_word_answers_exist() -> None:
    one_word = [m for m in nlu_data().intent_examples if len(tokens(m.get("text"))) == 1]
    assert len(one_word) >= 40
    assert sum(m.get("intent") == "inform" for m in one_word) >= 15


def test_all_29_municipalities_are_canonical_entity_values() -> None:
    values = {e["value"] for _, e in entity_annotations() if e["entity"] == "municipality"}
    official = official_municipalities()
    assert len(official) == 29
    assert set(official) <= values, sorted(set(official) - values)


@pytest.mark.parametrize("entity", sorted(CANONICAL_VALUES))
def test_canonical_entity_values(entity: str) -> None:
    values = {e["value"] for _, e in entity_annotations() if e["entity"] == entity}
    assert values == CANONICAL_VALUES[entity]


def test_many_different_occupations() -> None:
    values = {e["value"] for _, e in entity_annotations() if e["entity"] == "occupation"}
    assert len(values) >= 40


def test_annotations_cover_whole_tokens() -> None:
    """Characters next to an annotation must not continue the token (letters, digits, '-')."""
    for text, ent in entity_annotations():
        before = text[ent["start"] - 1] if ent["start"] > 0 else " "
        after = text[ent["end"]] if ent["end"] < len(text) else " "
        assert not (before.isalnum() or before == "-"), (text, ent)
        assert not (after.isalnum() or after == "-"), (text, ent)


# --- domain --------------------------------------------------------------------------------


def test_domain_intents_and_entities_match_the_contract() -> None:
    rasa_default_intents = {"back", "restart", "session_start", "nlu_fallback", "out_of_scope"}
    assert (
        set(domain().intents) - rasa_default_intents == set(CONTRACT_INTENTS) - rasa_default_intents
    )
    assert set(CONTRACT_INTENTS) <= set(domain().intents)
    assert set(domain().entities) == set(CONTRACT_ENTITIES)
    occupation = next(
        e for e in domain().as_dict()["entities"] if isinstance(e, dict) and "occupation" in e
    )
    assert set(occupation["occupation"]["roles"]) == {"current", "target"}


def test_domain_has_contract_responses_actions_slots_and_form() -> None:
    d = domain()
    assert set(CONTRACT_RESPONSES) <= set(d.responses)
    assert set(CONTRACT_ACTIONS) <= set(d.user_actions)
    assert set(CONTRACT_SLOTS) <= {s.name for s in d.slots}
    assert d.forms["profile_form"]["required_slots"] == FORM_REQUIRED_SLOTS


def test_profile_slots_fill_from_entities_without_conditions() -> None:
    """Unconditioned from_entity mappings let facts and corrections arrive at any time."""
    d = domain()
    for slot_name, entity, role in [
        ("current_occupation", "occupation", "current"),
        ("target_occupation", "occupation", "target"),
        ("municipality", "municipality", None),
        ("goal", "goal", None),
        ("time_model", "time_model", None),
        ("format", "format", None),
    ]:
        mappings = d.as_dict()["slots"][slot_name]["mappings"]
        assert any(
            m["type"] == "from_entity"
            and m["entity"] == entity
            and m.get("role") == role
            and not m.get("conditions")
            for m in mappings
        ), slot_name


def test_time_question_asks_time_model_and_format_together() -> None:
    text = domain().responses["utter_ask_time_model"][0]["text"]
    for word in ("Vollzeit", "Teilzeit", "berufsbegleitend", "vor Ort", "online", "hybrid"):
        assert word in text


def test_goal_question_offers_four_goal_buttons() -> None:
    buttons = domain().responses["utter_ask_goal"][0]["buttons"]
    payloads = {b["payload"] for b in buttons}
    assert payloads == {f'/inform{{"goal":"{g}"}}' for g in sorted(CANONICAL_VALUES["goal"])}


def test_iamabot_says_automated_assistant_of_the_landkreis() -> None:
    text = domain().responses["utter_iamabot"][0]["text"]
    assert "automatisierter Assistent des Landkreises München" in text
    assert "kein Mensch" in text


def test_responses_use_formal_address_and_never_promise_bildungsurlaub() -> None:
    informal = re.compile(r"\b(du|dich|dir|dein|deine|deinen)\b", re.IGNORECASE)
    for name, variants in domain().responses.items():
        for variant in variants:
            text = variant.get("text", "")
            assert not informal.search(text), (name, text)
            assert "Bildungsurlaub" not in text, name
