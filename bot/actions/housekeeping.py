"""Housekeeping actions: delete the conversation, answer out-of-scope input."""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.clients import callback_store
from bot.actions.settings import load_settings

logger = logging.getLogger(__name__)

#: the confirmation (domain response with English and einfache-Sprache variants)
UTTER_DELETE_CONFIRMATION = "utter_delete_confirmation"


class ActionDeleteMyData(Action):
    """Resets the profile, deletes the conversation's callback requests and asks the channel
    to delete the stored conversation.

    All deleting is done by :mod:`appdb.deletion`: the reply's ``delete_conversation`` payload
    makes the page call ``DELETE /api/conversations/{id}`` (events in Rasa's tracker database,
    application rows, second pass), and the application rows are deleted here at once through
    it (``callback_store.delete_for_sender``), so channels without the page lose them too.

    The confirmation follows the reply style (German, einfache Sprache or English).
    """

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response=UTTER_DELETE_CONFIRMATION,
            json_message={"type": c.PAYLOAD_DELETE_CONVERSATION},
        )
        try:
            deleted = await asyncio.to_thread(
                callback_store.delete_for_sender, load_settings().app_db_url, tracker.sender_id
            )
        except sa.exc.SQLAlchemyError as exc:  # the purge removes it once the conversation is gone
            logger.warning("callback requests not deleted: %s", type(exc).__name__)
            deleted = 0
        logger.info("conversation deletion requested (callback requests deleted: %d)", deleted)
        return [AllSlotsReset(), Restarted()]


def input_issue(tracker: Tracker) -> str | None:
    """The input-guard flag of the latest message (entity ``input_issue`` or metadata)."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == c.ENTITY_INPUT_ISSUE and entity.get("value"):
            return str(entity["value"])
    metadata = tracker.latest_message.get("metadata") or {}
    value = metadata.get(c.ENTITY_INPUT_ISSUE) if isinstance(metadata, dict) else None
    return str(value) if value else None


class ActionHandleOutOfScope(Action):
    """Answers out-of-scope input by kind; never touches profile slots."""

    def name(self) -> str:
        return "action_handle_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        issue = input_issue(tracker)
        response = c.INPUT_ISSUE_RESPONSES.get(issue or "", c.UTTER_OUT_OF_SCOPE)
        logger.info("out of scope: issue=%s", issue or "none")
        dispatcher.utter_message(response=response)
        return []
