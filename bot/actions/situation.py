"""What a message shows about the person: a qualification from abroad, the German level.

``action_read_situation`` is a slot-mapping action (``bot/domain/dialogue_fit.yml``): Rasa runs
it during slot extraction on messages of a few intents (inform, guidance, course search,
recognition and language-course questions). It reads the latest message with
:func:`knowledge.situation.read` and sets

- ``foreign_qualification`` (true once seen; a recognition question counts as well): the
  search profile then allows the course types meant for foreign qualifications, the human
  hand-over names the recognition counselling first;
- ``german_level`` (``a1`` … ``c2`` or ``wenig``) when the message states one;
- ``situation_news``: what this message newly showed - ``foreign_qualification`` (the rules
  answer with recognition and a Berufssprachkurs at once instead of asking the form's next
  question) or ``limited_german`` (the rules offer einfache Sprache); reset on the next
  message it reads.

``action_accept_plain_language`` is the "ja" to that einfache-Sprache offer. No message text is
stored or logged.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.utils.style import STYLE_EN, style_of_slots
from i18n import country_names
from knowledge import situation

logger = logging.getLogger(__name__)

NEWS_FOREIGN = "foreign_qualification"
NEWS_LIMITED_GERMAN = "limited_german"
INTENT_ASK_RECOGNITION = "ask_recognition"
#: entities that show the message is about a vocational qualification
QUALIFICATION_ENTITIES = frozenset({c.ENTITY_OCCUPATION, "qualification"})


def situation_events(
    text: str | None, intent: str | None, entities: list[dict[str, Any]], slots: dict[str, Any]
) -> list[EventType]:
    """Slot events for one message (pure; see the module docstring)."""
    names = any(e.get("entity") in QUALIFICATION_ENTITIES for e in entities)
    found = situation.read(text, names, country_names())
    before = slots.get(c.SLOT_FOREIGN_QUALIFICATION) is True
    level_before = slots.get(c.SLOT_GERMAN_LEVEL)
    events: list[EventType] = []
    if (found.foreign_qualification or intent == INTENT_ASK_RECOGNITION) and not before:
        events.append(SlotSet(c.SLOT_FOREIGN_QUALIFICATION, True))
    if found.german_level and found.german_level != level_before:
        events.append(SlotSet(c.SLOT_GERMAN_LEVEL, found.german_level))
    news = None
    if found.foreign_qualification and not before and intent != INTENT_ASK_RECOGNITION:
        news = NEWS_FOREIGN
    elif (
        found.limited_german
        and level_before not in situation.LIMITED_LEVELS
        and slots.get(c.SLOT_PLAIN_LANGUAGE) is not True
        and style_of_slots(slots) != STYLE_EN
    ):
        news = NEWS_LIMITED_GERMAN
    if news != slots.get(c.SLOT_SITUATION_NEWS):
        events.append(SlotSet(c.SLOT_SITUATION_NEWS, news))
    return events


class ActionReadSituation(Action):
    """Slot-mapping action: foreign qualification, German level, what is new."""

    def name(self) -> str:
        return "action_read_situation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        events = situation_events(
            latest.get("text"),
            (latest.get("intent") or {}).get("name"),
            list(latest.get("entities") or []),
            tracker.current_slot_values(),
        )
        if events:
            logger.info("situation: slots set %s", [e["name"] for e in events])
        return events


class ActionAcceptPlainLanguage(Action):
    """ "ja" to the offer of einfache Sprache: switch the reply style (the rule then sends
    ``utter_plain_language_on``, rendered in the new style)."""

    def name(self) -> str:
        return "action_accept_plain_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [SlotSet(c.SLOT_PLAIN_LANGUAGE, True), SlotSet(c.SLOT_SITUATION_NEWS, None)]
