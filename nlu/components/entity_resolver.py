"""EntityResolver: merges EntityRuler spans and CRF entities into the final entities.

Place it after the CRFEntityExtractor and before EntitySynonymMapper. It reads the spaCy doc that
``SpacyNLP`` stores on the message (property ``text_spacy_doc``; its ``ents`` come from the
EntityRuler built by ``nlu.build_pipeline``) and the entities the CRF extracted, and emits
(extractor ``EntityResolver``):

- ``occupation``: ``value`` = text as written, ``kldb`` (5-digit code for a job title, 1-4 digits
  for a field word), ``kldb_title``; ``role`` ``current``/``target`` from German/English context
  cues (see ``occupation_role``), else the CRF's role, else the intent's default (the occupation
  asked about in a shortage question or a course search is the target);
- ``municipality``: ``value`` = official name, ``in_landkreis`` (bool); "Landkreis München"
  (the district) is dropped;
- keyword entities ``goal``, ``time_model``, ``format``, ``employment_status``,
  ``qualification``, ``language``, ``topic``: ``value`` = canonical value of
  ``nlu/patterns/profile_terms.csv``;
- ``age``: two-digit numbers 15-99 stated with a cue ("ich bin 45", "mit 55 Jahren") plus the
  CRF's ages, both only when the number is no count, amount or duration ("seit 15 Jahren",
  "20 Leute", "17 mal 23").

CRF entities of these types that overlap a ruler span are replaced by the resolved span (no
duplicates). A ruler span inside a CRF entity of another type that owns its words
(``CRF_SPAN_OWNERS``: "[15 Angestellte]" is a company size, "zum [Meister]" a qualification) is
dropped. CRF spans the ruler missed are resolved with ``Kldb.resolve_code`` /
``gazetteer.resolve_place`` (fuzzy): an unresolvable occupation is kept with its text and no
code unless it is a word of ``nlu/patterns/not_occupations.csv`` ("Frau"), an unresolvable
municipality is dropped, an unknown keyword value is passed on unchanged (so
EntitySynonymMapper can still map it). When no municipality was found at all, words of six or
more letters are tried against the gazetteer with one-edit tolerance ("Unterhachnig"). Small
talk (greet, goodbye, out_of_scope, ...) carries no goal, time model, format or topic ("Schönes
Wochenende!"). Other entity types (company_size, input_issue, ...) pass through untouched. For
messages the InputGuard marked as blocking (empty, emoji only, foreign, ...) all resolved
entities are dropped.

Role cues, age rules and the profile-term lookup live in :mod:`.occupation_role`,
:mod:`.age_rules` and :mod:`.profile_terms`; the cue word lists are data files under
``nlu/resolver_words/`` (:mod:`.resolver_words`).
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge import gazetteer
from knowledge.kldb import load_kldb, match_keys
from nlu.components.age_rules import AGE, resolve_ages
from nlu.components.input_guard import INPUT_ISSUE_BLOCKING
from nlu.components.occupation_role import CURRENT, TARGET, complete_roles, occupation_role
from nlu.components.occupation_terms import lookup, recover_occupations
from nlu.components.place_rules import (
    fuzzy_municipalities,
    municipality_entity,
    places_for_codeless_occupations,
)
from nlu.components.profile_intent import has_profile_facts
from nlu.components.profile_rules import add_profile_entities, fuzzy_value
from nlu.components.profile_terms import canonical_profile_value, not_occupations
from nlu.components.resolver_words import word_set, words

SPACY_DOC = "text_spacy_doc"  # rasa.nlu.constants.SPACY_DOCS[TEXT] in Rasa 3.6
OCCUPATION = "occupation"
MUNICIPALITY = "municipality"
# Keyword entities from the ruler (value = canonical value of nlu/patterns/profile_terms.csv).
PROFILE_ENTITIES = (
    "goal",
    "time_model",
    "format",
    "employment_status",
    "qualification",
    "language",
    "topic",
)
RESOLVED = frozenset({OCCUPATION, MUNICIPALITY, AGE, *PROFILE_ENTITIES})
# Entities the CRF found whose span may contain a ruler phrase of another type that means
# something else there: "[15 Angestellte]" is a company size, not a status; "zum [Meister]" a
# qualification, not a goal; "Kurs für [Buchhaltung]" a topic, not a field of work. A ruler span
# of another type overlapping one of them is dropped.
CRF_SPAN_OWNERS = frozenset({"company_size", "qualification", "topic", AGE})
# Intents whose occupation, without a role cue, is the one asked about (the target).
TARGET_INTENTS = frozenset({"ask_shortage_occupations", "search_courses"})
# Small talk carries no profile facts: "Schönes Wochenende!" is no time model.
SMALL_TALK_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "restart", "delete_my_data", "bot_challenge", "out_of_scope"}
)
SMALL_TALK_DROPPED = frozenset({"goal", "time_model", "format", "topic"})
INTENT = "intent"
REPLY_LANGUAGE = "reply_language"
RULER_LABELS = RESOLVED | {"region"}

# Lower-case words that are also ruler phrases in another language ("it" = IT): only accepted
# when typed in upper case or when the message has no English words.
_ENGLISH_HOMOGRAPHS = word_set("english_homographs")
_ENGLISH_CUES = word_set("english_cues")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def ruler_spans(message: Message) -> list[dict[str, Any]]:
    """EntityRuler spans of the message's spaCy doc: start, end, label, id."""
    doc = message.get(SPACY_DOC)
    if doc is None:
        return []
    text = message.get(TEXT) or ""
    spans = []
    for ent in doc.ents:
        if ent.label_ not in RULER_LABELS:
            continue
        start = _align(text, ent.text, ent.start_char)
        if start is not None:
            spans.append(
                {
                    "start": start,
                    "end": start + len(ent.text),
                    "label": ent.label_,
                    "id": ent.ent_id_,
                }
            )
    return spans


def _align(text: str, ent_text: str, start: int) -> int | None:
    """Start of ``ent_text`` in ``text`` (case-insensitive) at or nearest to ``start``.

    SpacyNLP lower-cases the text; a few characters ("İ") change length when lower-cased, which
    shifts the doc's offsets against the message text.
    """
    if text[start : start + len(ent_text)].lower() == ent_text.lower():
        return start
    found = [m.start() for m in re.finditer(re.escape(ent_text), text, re.IGNORECASE)]
    return min(found, key=lambda pos: abs(pos - start)) if found else None


def occupation_entity(text: str, start: int, end: int, code: str | None) -> dict[str, Any]:
    """Occupation entity with KldB code and title (no code if unresolvable)."""
    entity: dict[str, Any] = {
        "entity": OCCUPATION,
        "start": start,
        "end": end,
        "value": text[start:end],
    }
    occupation = load_kldb().get(code) if code else None
    if occupation is not None:
        entity["kldb"] = occupation.code
        entity["kldb_title"] = occupation.title
    return entity


def is_english_homograph(text: str, start: int, end: int, english: bool = False) -> bool:
    """True for a lower-case "it" in a message that reads as English ("is it free?"); ``english``:
    the InputGuard detected English as the reply language ("will it rain tomorrow?")."""
    surface = text[start:end]
    if surface.lower() not in _ENGLISH_HOMOGRAPHS or not surface.islower():
        return False
    others = words(text[:start]) + words(text[end:])
    return english or any(w in _ENGLISH_CUES for w in others)


def resolve_ruler_span(
    text: str, span: dict[str, Any], english: bool = False
) -> dict[str, Any] | None:
    """Final entity for one ruler span; None for the district and English homographs."""
    start, end, label, ent_id = span["start"], span["end"], span["label"], span["id"]
    if is_english_homograph(text, start, end, english):
        return None
    if label == OCCUPATION:
        return occupation_entity(text, start, end, ent_id)
    if label == MUNICIPALITY:
        return municipality_entity(
            start,
            end,
            gazetteer.Place(ent_id, ent_id in gazetteer.landkreis_names(), text[start:end]),
        )
    if label in PROFILE_ENTITIES:
        return {"entity": label, "start": start, "end": end, "value": ent_id}
    return None


def resolve_diet_entity(text: str, entity: dict[str, Any]) -> dict[str, Any] | None:
    """Resolve a DIET entity of a managed type that no ruler span covers."""
    start, end = entity.get("start", 0), entity.get("end", 0)
    surface = text[start:end] if 0 <= start < end <= len(text) else str(entity.get("value", ""))
    label = entity["entity"]
    if label == OCCUPATION:
        if match_keys(surface) & not_occupations():
            return None
        resolved = occupation_entity(text, start, end, lookup(surface))
        resolved["value"] = surface
        return resolved
    if label == MUNICIPALITY:
        place = gazetteer.resolve_place(surface)
        return municipality_entity(start, end, place) if place else None
    if label == AGE:
        return dict(entity)
    value = canonical_profile_value(label, surface) or canonical_profile_value(
        label, str(entity.get("value", ""))
    )
    if not value and (typo := fuzzy_value(surface, label)):  # "Volzeit"
        value = typo[1]
    resolved = dict(entity)
    if value:
        resolved["value"] = value
    return resolved


def _has_letters(text: str, entity: dict[str, Any]) -> bool:
    start, end = entity.get("start", 0), entity.get("end", 0)
    return bool(re.search(r"[^\W\d_]", text[start:end] or str(entity.get("value", ""))))


def _drop_repeated_profile_values(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one goal/time_model/format entity per value (first occurrence)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for entity in sorted(entities, key=lambda e: (e["start"], e["end"])):
        key = (entity["entity"], str(entity["value"]))
        if entity["entity"] in PROFILE_ENTITIES and key in seen:
            continue
        seen.add(key)
        kept.append(entity)
    return kept


def _owned(span: dict[str, Any], owner: tuple[int, int], kind: str) -> bool:
    """A ruler span the CRF entity ``owner`` of another type owns: overlapping it, except an
    occupation that reaches beyond it ("Kauffrau für [Büromanagement]" is one job title)."""
    start, end = span["start"], span["end"]
    if span["label"] == kind or not _overlaps((start, end), owner):
        return False
    inside = owner[0] <= start and end <= owner[1]
    return inside or span["label"] != OCCUPATION


def _span(entity: dict[str, Any]) -> tuple[int, int]:
    return (entity.get("start", -1), entity.get("end", -1))


def default_role(intent: str | None) -> str | None:
    """Role of an occupation without a context cue: the asked-about (target) one in a shortage
    question or a course search ("Werden Busfahrer gesucht?", "Kurse für Pflegehelfer")."""
    return TARGET if intent in TARGET_INTENTS else None


def _occupation_role(
    text: str,
    start: int,
    end: int,
    crf_role: str | None,
    intent: str | None,
    code: str | None = None,
) -> str | None:
    """Context cue first, then the CRF's role, then the intent's default."""
    crf_role = crf_role if crf_role in (CURRENT, TARGET) else None
    return occupation_role(text, start, end, code) or crf_role or default_role(intent)


def resolve_entities(
    text: str,
    spans: list[dict[str, Any]],
    diet_entities: list[dict[str, Any]],
    intent: str | None = None,
    english: bool = False,
) -> list[dict[str, Any]]:
    """Pure merge of ruler spans and CRF entities into the final entity list (sorted by start).

    ``intent`` (the classified intent name, if known) sets the default occupation role and
    drops profile keywords from small talk; ``english``: the InputGuard detected English.
    """
    crf_ages = [e for e in diet_entities if e.get("entity") == AGE]
    managed = [
        e
        for e in diet_entities
        if e.get("entity") in RESOLVED and e.get("entity") != AGE and _has_letters(text, e)
    ]
    others = [e for e in diet_entities if e.get("entity") not in RESOLVED]
    owners = [
        (_span(e), e["entity"])
        for e in [*crf_ages, *managed, *others]
        if e.get("entity") in CRF_SPAN_OWNERS
    ]
    spans = [s for s in spans if not any(_owned(s, o, kind) for o, kind in owners)]
    result: list[dict[str, Any]] = []
    for span in spans:
        entity = resolve_ruler_span(text, span, english)
        if entity is None:
            continue
        if entity["entity"] == OCCUPATION:
            crf_role = next(
                (
                    e.get("role")
                    for e in managed
                    if _overlaps(_span(e), (span["start"], span["end"]))
                    and e.get("role") in (CURRENT, TARGET)
                ),
                None,
            )
            entity["role"] = _occupation_role(
                text, entity["start"], entity["end"], crf_role, intent, entity.get("kldb")
            )
        result.append(entity)
    covered = [(s["start"], s["end"]) for s in spans]
    for entity in managed:
        if any(_overlaps(_span(entity), c) for c in covered):
            continue
        resolved = resolve_diet_entity(text, entity)
        if resolved is None:
            continue
        if resolved["entity"] == OCCUPATION:
            resolved["role"] = _occupation_role(
                text,
                resolved["start"],
                resolved["end"],
                entity.get("role"),
                intent,
                resolved.get("kldb"),
            )
        result.append(resolved)
    result = recover_occupations(text, result, occupation_entity)
    result = places_for_codeless_occupations(text, result)
    for entity in result:
        if entity["entity"] == OCCUPATION and "role" not in entity:
            entity["role"] = _occupation_role(
                text, entity["start"], entity["end"], None, intent, entity.get("kldb")
            )
    complete_roles(result)
    taken = covered + [_span(e) for e in result]
    result.extend(
        age
        for age in resolve_ages(text, crf_ages)
        if not any(_overlaps(_span(age), t) for t in taken)
    )
    if not any(e["entity"] == MUNICIPALITY for e in result):
        taken = covered + [_span(e) for e in result]
        result.extend(fuzzy_municipalities(text, taken))
    result = add_profile_entities(text, result)
    if intent in SMALL_TALK_INTENTS and not has_profile_facts(result):
        result = [e for e in result if e["entity"] not in SMALL_TALK_DROPPED]
    result = _drop_repeated_profile_values(result)
    for entity in result:
        if entity.get("role") is None:
            entity.pop("role", None)
        entity.setdefault("confidence_entity", 1.0)
    return sorted(result, key=lambda e: (e["start"], e["end"])) + others


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityResolver(GraphComponent, EntityExtractorMixin):
    """Resolves occupations, municipalities and profile terms (see module docstring)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityResolver:
        """Creates the component and warms the KldB and gazetteer caches."""
        load_kldb()
        gazetteer.surface_forms()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the message's entities by the resolved ones."""
        for message in messages:
            text = message.get(TEXT) or ""
            diet_entities = message.get(ENTITIES, []) or []
            if message.get(INPUT_ISSUE_BLOCKING):  # unusable input: keep only the issue marker
                diet_entities = [e for e in diet_entities if e.get("entity") not in RESOLVED]
                message.set(ENTITIES, diet_entities, add_to_output=True)
                continue
            intent = (message.get(INTENT) or {}).get("name")
            english = message.get(REPLY_LANGUAGE) == "en"
            resolved = resolve_entities(text, ruler_spans(message), diet_entities, intent, english)
            for entity in resolved:
                if entity.get("entity") in RESOLVED:
                    entity["extractor"] = self.name
            message.set(ENTITIES, resolved, add_to_output=True)
        return messages
