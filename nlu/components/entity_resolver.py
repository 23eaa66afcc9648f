"""EntityResolver: merges EntityRuler spans and DIET entities into the final entities.

Place it after DIETClassifier and before EntitySynonymMapper. It reads the spaCy doc that
``SpacyNLP`` stores on the message (property ``text_spacy_doc``; its ``ents`` come from the
EntityRuler built by ``nlu.build_pipeline``) and the entities DIET extracted, and emits
(extractor ``EntityResolver``):

- ``occupation``: ``value`` = text as written, ``kldb`` (5-digit code for a job title, 2-4 digits
  for a field word), ``kldb_title``; ``role`` ``current``/``target`` from DIET if DIET gave one,
  else from German context cues (see ``occupation_role``);
- ``municipality``: ``value`` = official name, ``in_landkreis`` (bool); "Landkreis München"
  (the district) is dropped;
- ``goal``, ``time_model``, ``format``: ``value`` = canonical value.

DIET entities of these types that overlap a ruler span are replaced by the resolved span (no
duplicates). DIET spans the ruler missed are resolved with ``Kldb.find_by_title`` /
``gazetteer.resolve_place`` (fuzzy): an unresolvable occupation is kept with its text and no
code, an unresolvable municipality is dropped, an unknown profile value is passed on unchanged
(so EntitySynonymMapper can still map it). When no municipality was found at all, words of six
or more letters are tried against the gazetteer with one-edit tolerance ("Unterhachnig").
Other entity types (topic, qualification, input_issue, ...) pass through untouched. For messages
the InputGuard marked as blocking (empty, emoji only, foreign, ...) all occupation, municipality
and profile entities are dropped.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
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
from nlu.components.input_guard import INPUT_ISSUE_BLOCKING

SPACY_DOC = "text_spacy_doc"  # rasa.nlu.constants.SPACY_DOCS[TEXT] in Rasa 3.6
OCCUPATION = "occupation"
MUNICIPALITY = "municipality"
PROFILE_ENTITIES = ("goal", "time_model", "format")
RESOLVED = frozenset({OCCUPATION, MUNICIPALITY, *PROFILE_ENTITIES})
RULER_LABELS = RESOLVED | {"region"}
CURRENT, TARGET = "current", "target"

PROFILE_TERMS = Path(__file__).resolve().parent.parent / "patterns" / "profile_terms.csv"

_TOKEN_RE = re.compile(r"\w+(?:[-/]\w+)*|[^\w\s]", re.UNICODE)
_CLAUSE_BREAKS = frozenset(
    {
        ",",
        ".",
        ";",
        "!",
        "?",
        ":",
        "und",
        "aber",
        "oder",
        "sondern",
        "jetzt",
        "doch",
        "weil",
        "denn",
    }
)
# Cues right before the occupation (last one or two words of the clause part to its left).
_TARGET_LEFT = (
    ("in", "die"),
    ("in", "den"),
    ("in", "das"),
    ("ins",),
    ("zur",),
    ("zum",),
    ("richtung",),
    ("als",),
)
_TARGET_WORDS = frozenset(
    {
        "werden",
        "wechseln",
        "umschulen",
        "umsteigen",
        "möchte",
        "möchten",
        "moechte",
        "will",
        "würde",
        "wuerde",
        "gerne",
        "gern",
        "wünsche",
        "umschulung",
        "ausbildung",
        "ziel",
        "plane",
        "träume",
    }
)
_TARGET_RIGHT = frozenset({"werden", "lernen", "wechseln", "umschulen", "umsteigen"})
_WISH_RIGHT = frozenset({"arbeiten", "anfangen", "einsteigen", "machen", "starten"})
# Lower-case words that are also ruler phrases in another language ("it" = IT): only accepted
# when typed in upper case or when the message has no English words.
_ENGLISH_HOMOGRAPHS = frozenset({"it"})
_ENGLISH_CUES = frozenset(
    "is the a i for looking do does can what how about want need like of to and find get".split()
)
_CURRENT_LEFT = frozenset(
    {
        "bin",
        "war",
        "arbeite",
        "arbeitete",
        "gelernte",
        "gelernter",
        "gelernt",
        "ausgebildete",
        "ausgebildeter",
        "derzeit",
        "zurzeit",
        "aktuell",
        "momentan",
        "bisher",
        "früher",
        "frueher",
        "seit",
        "als",
    }
)
_CURRENT_RIGHT = frozenset(
    {"gelernt", "gearbeitet", "tätig", "taetig", "beschäftigt", "gewesen", "arbeite", "bin"}
)


@lru_cache(maxsize=1)
def profile_term_index() -> dict[tuple[str, str], str]:
    """(entity, folded key) -> canonical value, from ``nlu/patterns/profile_terms.csv``."""
    index: dict[tuple[str, str], str] = {}
    with PROFILE_TERMS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for key in match_keys(row["term"]):
                index.setdefault((row["entity"], key), row["value"])
            for key in match_keys(row["value"]):
                index.setdefault((row["entity"], key), row["value"])
    return index


def canonical_profile_value(entity: str, text: str) -> str | None:
    """Canonical goal/time_model/format value for a surface text, or None."""
    index = profile_term_index()
    for key in sorted(match_keys(text)):
        if (entity, key) in index:
            return index[(entity, key)]
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _TOKEN_RE.findall(text)]


def occupation_role(text: str, start: int, end: int) -> str | None:
    """``target``/``current`` for the occupation at ``text[start:end]`` from German context cues.

    Target: "in die/den ...", "zur/zum ...", "Umschulung zur ...", "... werden", "wechseln in ...",
    "als ... arbeiten möchte". Current: "bin ...", "arbeite als/im ...", "gelernte ...", "war ...",
    "habe ... gelernt". Only the clause around the occupation counts (split at commas, "und", ...).
    """
    left = _words(text[:start])
    right = _words(text[end:])
    cut = max((i for i, w in enumerate(left) if w in _CLAUSE_BREAKS), default=-1)
    left = left[cut + 1 :]
    stop = next((i for i, w in enumerate(right) if w in _CLAUSE_BREAKS), len(right))
    right = right[:stop]
    tail = left[-4:]
    wants = any(w in _TARGET_WORDS for w in left + right)
    if any(w in _TARGET_RIGHT for w in right):
        return TARGET
    if wants and any(w in _WISH_RIGHT for w in right):  # "möchte in der Pflege arbeiten"
        return TARGET
    for cue in _TARGET_LEFT:
        n = len(cue)
        for offset in range(
            0, 3
        ):  # allow up to two words between cue and occupation ("zur staatlich anerkannten")
            window = (
                tail[len(tail) - n - offset : len(tail) - offset] if len(tail) >= n + offset else []
            )
            if tuple(window) == cue and (cue != ("als",) or wants):
                return TARGET
    if any(w in _CURRENT_RIGHT for w in right):
        return CURRENT
    if any(w in _CURRENT_LEFT for w in left):
        return CURRENT
    if any(w in ("im", "in", "bei") for w in tail) and any(
        w in ("arbeite", "arbeitete", "bin", "war", "tätig") for w in left
    ):
        return CURRENT
    return None


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


def municipality_entity(start: int, end: int, place: gazetteer.Place) -> dict[str, Any]:
    """Municipality entity with the official name as value."""
    return {
        "entity": MUNICIPALITY,
        "start": start,
        "end": end,
        "value": place.name,
        "in_landkreis": place.in_landkreis,
    }


def is_english_homograph(text: str, start: int, end: int) -> bool:
    """True for a lower-case "it" in a message that reads as English ("is it free?")."""
    surface = text[start:end]
    if surface.lower() not in _ENGLISH_HOMOGRAPHS or not surface.islower():
        return False
    others = _words(text[:start]) + _words(text[end:])
    return any(w in _ENGLISH_CUES for w in others)


def resolve_ruler_span(text: str, span: dict[str, Any]) -> dict[str, Any] | None:
    """Final entity for one ruler span; None for the district and English homographs."""
    start, end, label, ent_id = span["start"], span["end"], span["label"], span["id"]
    if is_english_homograph(text, start, end):
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
        resolved = occupation_entity(text, start, end, load_kldb().resolve_code(surface))
        resolved["value"] = surface
        return resolved
    if label == MUNICIPALITY:
        place = gazetteer.resolve_place(surface)
        return municipality_entity(start, end, place) if place else None
    value = canonical_profile_value(label, surface) or canonical_profile_value(
        label, str(entity.get("value", ""))
    )
    resolved = dict(entity)
    if value:
        resolved["value"] = value
    return resolved


def fuzzy_municipalities(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Municipalities typed with one typo, for words (>= 6 letters) outside existing entities."""
    found = []
    for match in re.finditer(rf"[^\W\d_]{{{gazetteer.FUZZY_MIN_LENGTH},}}", text):
        span = (match.start(), match.end())
        if any(_overlaps(span, t) for t in taken):
            continue
        place = gazetteer.resolve_place(match.group(0))
        if place is not None:
            found.append(municipality_entity(span[0], span[1], place))
    return found


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


def resolve_entities(
    text: str, spans: list[dict[str, Any]], diet_entities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Pure merge of ruler spans and DIET entities into the final entity list (sorted by start)."""
    managed = [e for e in diet_entities if e.get("entity") in RESOLVED and _has_letters(text, e)]
    others = [e for e in diet_entities if e.get("entity") not in RESOLVED]
    result: list[dict[str, Any]] = []
    for span in spans:
        entity = resolve_ruler_span(text, span)
        if entity is None:
            continue
        diet = [
            e
            for e in managed
            if _overlaps((e.get("start", -1), e.get("end", -1)), (span["start"], span["end"]))
        ]
        if entity["entity"] == OCCUPATION:
            role = next((e.get("role") for e in diet if e.get("role") in (CURRENT, TARGET)), None)
            entity["role"] = role or occupation_role(text, entity["start"], entity["end"])
        result.append(entity)
    covered = [(s["start"], s["end"]) for s in spans]
    for entity in managed:
        span = (entity.get("start", -1), entity.get("end", -1))
        if any(_overlaps(span, c) for c in covered):
            continue
        resolved = resolve_diet_entity(text, entity)
        if resolved is None:
            continue
        if resolved["entity"] == OCCUPATION:
            role = entity.get("role")
            resolved["role"] = (
                role
                if role in (CURRENT, TARGET)
                else occupation_role(text, resolved["start"], resolved["end"])
            )
        result.append(resolved)
    if not any(e["entity"] == MUNICIPALITY for e in result):
        taken = covered + [(e["start"], e["end"]) for e in result]
        result.extend(fuzzy_municipalities(text, taken))
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
            resolved = resolve_entities(text, ruler_spans(message), diet_entities)
            for entity in resolved:
                if entity.get("entity") in RESOLVED:
                    entity["extractor"] = self.name
            message.set(ENTITIES, resolved, add_to_output=True)
        return messages
