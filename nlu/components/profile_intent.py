"""A message that states profile facts is an ``inform``, whatever small-talk intent it got.

First messages such as "Texter, wiedereinstig", "Rohrisolierer aus Kreuzpullach hier. Was
gibt's?" or "Bin Versuchsfeldmechanikerin, welche Moeglichkeiten gibt es fuer mich?" were
classified ``goodbye``, ``out_of_scope`` or fell below the fallback threshold, so the profile
form never started and the facts were lost. ``ProfileFactsIntentOverride`` (after
``FallbackClassifier``, before ``InputIssueIntentOverride``) sets the intent to ``inform``
(confidence 1.0) when the classified intent is one of ``OVERRIDDEN_INTENTS`` and the resolved
entities state the user's profile (:func:`has_profile_facts`), or the whole message is a "no preference" answer (entity ``indifferent``: "egal",
"weiß nicht", "doesn't matter"), which the profile form takes as an answer to its question.
Mood messages (``mood_distress``) and questions keep their intent: their facts still fill the
slots through the slot mappings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

INFORM = "inform"
OVERRIDDEN_INTENTS = frozenset({"out_of_scope", "nlu_fallback", "goodbye", "greet", "thank"})


def has_profile_facts(entities: Iterable[dict[str, Any]]) -> bool:
    """True if the message states the user's own profile: an occupation with a KldB code and the
    role ``current`` or ``target`` (a role needs a cue: "bin ...", "... werden", "suche was im
    Büro"), or two kinds of profile facts (coded occupation, Landkreis municipality, goal, time
    model, format). A place or a job alone is no profile ("Wann hat das Freibad in Ismaning
    offen?", "Kennst du einen guten Zahnarzt?")."""
    kinds = set()
    for entity in entities:
        kind = entity.get("entity")
        if kind == "occupation" and entity.get("kldb"):
            if entity.get("role") in ("current", "target"):
                return True
            kinds.add(kind)
        elif kind == "municipality" and entity.get("in_landkreis"):
            kinds.add(kind)
        elif kind in ("goal", "time_model", "format"):
            kinds.add(kind)
    return len(kinds) >= 2


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ProfileFactsIntentOverride(GraphComponent):
    """Small talk, out of scope or fallback with profile facts -> ``inform`` (see module doc)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProfileFactsIntentOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent not in OVERRIDDEN_INTENTS:
                continue
            entities = message.get(ENTITIES) or []
            indifferent = any(e.get("entity") == "indifferent" for e in entities)
            if not indifferent and not has_profile_facts(entities):
                continue
            ranking = [
                r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != INFORM
            ]
            chosen = {"name": INFORM, "confidence": 1.0}
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages
