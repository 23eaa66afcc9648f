"""Consultation handover (issue 13): offer, explicit consent, snapshot and code (thin actions).

Flow (rules in ``bot/data/rules/handover.yml``):

1. ``request_consultation`` ("Ich möchte das mit einer Beraterin besprechen") ->
   ``action_offer_consultation``: what the counsellor will see (profile, offers and learning
   path shown, funding checklist; the chat text only with a second yes), the code and its
   expiry (``STAFF_HANDOVER_TTL_DAYS``), buttons Ja / Ja, mit Gesprächstext / Nein (and
   "Lieber Rückruf" where a callback recipient is configured);
2. ``affirm`` -> ``action_store_consultation``: stores the snapshot
   (:mod:`bot.actions.clients.consultation_store`) only after an explicit yes and shows the code;
   ``deny`` -> ``utter_consultation_not_stored``, nothing is stored.

The snapshot is built by :mod:`bot.actions.utils.handover` from this conversation's slots and
events at that moment. Nothing here logs the code, the sender id or any message text.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.clients import consultation_store
from bot.actions.settings import load_settings
from bot.actions.utils import formatting
from bot.actions.utils import handover as ho

logger = logging.getLogger(__name__)

UTTER_NOT_STORED = "utter_consultation_not_stored"
UTTER_STORE_FAILED = "utter_consultation_store_failed"


def _style(tracker: Tracker) -> str:
    return formatting.style_of_slots(tracker.current_slot_values())


class ActionOfferConsultation(Action):
    """Explains what a counsellor will see and asks for an explicit yes."""

    def name(self) -> str:
        return "action_offer_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        style = _style(tracker)
        dispatcher.utter_message(
            text=ho.explain_text(settings.handover_ttl_days, style),
            buttons=ho.consent_buttons(style, callback=settings.callback_configured),
        )
        return []


class ActionStoreConsultation(Action):
    """Stores the snapshot after an explicit yes and shows the code; otherwise nothing."""

    def name(self) -> str:
        return "action_store_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        style = _style(tracker)
        message = tracker.latest_message or {}
        agreed, with_chat = ho.consent(
            (message.get("intent") or {}).get("name"), message.get("entities") or []
        )
        if not agreed:
            dispatcher.utter_message(response=UTTER_NOT_STORED)
            logger.info("consultation: not stored (no consent)")
            return []
        now = settings.now()
        snapshot = ho.snapshot(tracker.current_slot_values(), tracker.events, with_chat, now)
        code = await asyncio.to_thread(
            consultation_store.write,
            settings.app_db_url,
            tracker.sender_id,
            snapshot,
            snapshot["profile"],
            with_chat,
            now,
            settings.handover_ttl_days,
        )
        if code is None:
            dispatcher.utter_message(response=UTTER_STORE_FAILED)
            return []
        dispatcher.utter_message(
            text=ho.stored_text(code, settings.handover_ttl_days, with_chat, style)
        )
        logger.info("consultation: stored (chat text included: %s)", with_chat)
        return []
