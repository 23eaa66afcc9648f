"""The held-out NLU test set (tests/nlu_heldout) is independent of the training data.

Rasa's reader loads both sets. A held-out example counts as a near-duplicate of a training example
(and fails the test) when, after normalising (lower case, ä->ae ö->oe ü->ue ß->ss, punctuation
removed, whitespace collapsed):

* the texts are equal;
* the texts with every annotated entity replaced by its type are equal ("ich wohne in Haar" vs
  "ich wohne in Aying": a template edit, not a paraphrase); texts that are nothing but entities
  (one-word form answers) are compared as written only;
* the Jaccard similarity of their character 3-gram sets is >= ``MAX_CHAR_JACCARD``; or
* the Jaccard similarity of their word sets is >= ``MAX_TOKEN_JACCARD`` (both with >= 3 words).

The set must also cover every intent of the contract with >= ``MIN_HELDOUT_PER_INTENT`` examples,
annotate only entity names the domain declares (never the InputGuard's ``input_issue``), use the
occupation roles ``current``/``target`` only, and contain some entities of every trained type.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from tests.prereq import require_module

rasa = require_module("rasa", "needs the bot environment (.venv-bot)")

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

pytestmark = pytest.mark.bot

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_DIR = ROOT / "tests" / "nlu_heldout"
TRAINING_DIR = ROOT / "bot" / "data" / "nlu"
DOMAIN_DIR = ROOT / "bot" / "domain"

MIN_HELDOUT_PER_INTENT = 10
MIN_HELDOUT_ENTITIES_PER_TYPE = 3
MAX_CHAR_JACCARD = 0.7
MAX_TOKEN_JACCARD = 0.75
MIN_TOKENS_FOR_TOKEN_JACCARD = 3

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[^\w<>]+")
_PLACEHOLDER = re.compile(r"^(<\w+>\s*)+$")


def normalise(text: str) -> str:
    """Lower case, umlauts folded, punctuation removed, whitespace collapsed."""
    return _NON_WORD.sub(" ", text.lower().translate(_FOLD)).strip()


def masked(text: str, entities: list[dict]) -> str:
    """``text`` with each annotated entity span replaced by ``<type>``, normalised."""
    for entity in sorted(entities, key=lambda e: e["start"], reverse=True):
        text = f"{text[: entity['start']]} <{entity['entity']}> {text[entity['end'] :]}"
    return normalise(text)


def char_ngrams(text: str, n: int = 3) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + n] for i in range(max(1, len(padded) - n + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


class Example:
    """One NLU example with its precomputed comparison forms."""

    def __init__(self, message: Message) -> None:
        self.text: str = message.get("text")
        self.intent: str = message.get("intent")
        self.entities: list[dict] = message.get("entities") or []
        self.norm = normalise(self.text)
        self.masked = masked(self.text, self.entities)
        self.only_entities = bool(self.entities) and bool(_PLACEHOLDER.match(self.masked))
        self.grams = char_ngrams(self.norm)
        self.words = set(self.norm.split())


def near_duplicate_reason(held: Example, train: Example) -> str | None:
    """Why ``held`` is a near-duplicate of ``train``, or None."""
    if held.norm == train.norm:
        return "same text"
    if not held.only_entities and held.masked == train.masked:
        return f"same text apart from entity values ({held.masked!r})"
    char_sim = jaccard(held.grams, train.grams)
    if char_sim >= MAX_CHAR_JACCARD:
        return f"character 3-gram Jaccard {char_sim:.2f}"
    if min(len(held.words), len(train.words)) >= MIN_TOKENS_FOR_TOKEN_JACCARD:
        token_sim = jaccard(held.words, train.words)
        if token_sim >= MAX_TOKEN_JACCARD:
            return f"word Jaccard {token_sim:.2f}"
    return None


@lru_cache(maxsize=1)
def heldout() -> list[Example]:
    return [Example(m) for m in load_data(str(HELDOUT_DIR), language="de").intent_examples]


@lru_cache(maxsize=1)
def training() -> list[Example]:
    return [Example(m) for m in load_data(str(TRAINING_DIR), language="de").intent_examples]


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(DOMAIN_DIR))


# --- the similarity helpers themselves ------------------------------------------------------


def _example(text: str, entities: list[dict] | None = None) -> Example:
    return Example(Message(data={"text": text, "intent": "x", "entities": entities or []}))


def test_normalise_folds_case_umlauts_and_punctuation() -> None:
    assert normalise("Grüß Gott!  Wie geht's?") == "gruess gott wie geht s"


def test_masked_replaces_entity_spans_by_their_type() -> None:
    text = "Ich wohne in Haar"
    assert masked(text, [{"start": 13, "end": 17, "entity": "municipality"}]) == (
        "ich wohne in <municipality>"
    )


def test_near_duplicates_are_detected() -> None:
    haar = _example("Ich wohne in Haar", [{"start": 13, "end": 17, "entity": "municipality"}])
    aying = _example("ich wohne in Aying", [{"start": 13, "end": 18, "entity": "municipality"}])
    assert near_duplicate_reason(_example("Hallo!"), _example("hallo")) == "same text"
    assert "entity values" in near_duplicate_reason(aying, haar)
    assert "3-gram" in near_duplicate_reason(
        _example("Wie funktioniert das hier bitte?"), _example("Wie funktioniert das hier?")
    )
    assert "word Jaccard" in near_duplicate_reason(
        _example("Ich will mich nebenberuflich weiterbilden"),
        _example("ich will mich weiterbilden"),
    )


def test_paraphrases_are_not_near_duplicates() -> None:
    assert near_duplicate_reason(_example("Das trifft zu"), _example("stimmt")) is None
    assert (
        near_duplicate_reason(
            _example("Welche Berufe sind hier besonders gefragt?"),
            _example("Welche Jobs haben Zukunft?"),
        )
        is None
    )


def test_one_word_entity_answers_are_compared_as_written() -> None:
    held = _example("Putzbrunn", [{"start": 0, "end": 9, "entity": "municipality"}])
    train = _example("Aying", [{"start": 0, "end": 5, "entity": "municipality"}])
    assert held.only_entities
    assert near_duplicate_reason(held, train) is None
    assert near_duplicate_reason(held, _example("putzbrunn")) == "same text"


# --- the held-out set ----------------------------------------------------------------------


def test_heldout_set_is_not_under_the_training_data() -> None:
    assert not HELDOUT_DIR.resolve().is_relative_to((ROOT / "bot").resolve())
    assert len(heldout()) >= 300


def test_no_heldout_example_is_a_near_duplicate_of_a_training_example() -> None:
    found = []
    for held in heldout():
        for train in training():
            reason = near_duplicate_reason(held, train)
            if reason:
                found.append(f"{held.text!r} ~ {train.text!r}: {reason}")
                break
    assert not found, "\n".join(found)


def test_no_duplicates_within_the_heldout_set() -> None:
    counts = Counter(e.norm for e in heldout())
    assert [text for text, n in counts.items() if n > 1] == []


def test_every_intent_has_enough_heldout_examples() -> None:
    counts = Counter(e.intent for e in heldout())
    trained = {e.intent for e in training()}
    assert set(counts) == trained
    short = {intent: n for intent, n in counts.items() if n < MIN_HELDOUT_PER_INTENT}
    assert not short, short


def test_heldout_entities_use_known_names_and_roles() -> None:
    declared = set(domain().entities) - {"input_issue"}
    for example in heldout():
        for entity in example.entities:
            assert entity["entity"] in declared, (example.text, entity)
            assert entity.get("role") in (None, "current", "target"), (example.text, entity)
            assert example.text[entity["start"] : entity["end"]].strip(), (example.text, entity)


def test_every_trained_entity_type_occurs_in_the_heldout_set() -> None:
    trained = Counter(e["entity"] for ex in training() for e in ex.entities)
    held = Counter(e["entity"] for ex in heldout() for e in ex.entities)
    missing = {t: held[t] for t in trained if held[t] < MIN_HELDOUT_ENTITIES_PER_TYPE}
    assert not missing, missing
