"""Information actions: funding, recognition, language courses, shortage occupations, contacts.

Answers are short German checklists built from curated facts (``data/facts.json``) and the
``knowledge`` modules; each names who decides, the source and its "Stand". No verdicts, no
invented contact data. Message texts are never logged.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.utils import facts, formatting, occupations
from bot.actions.utils.places import local_vhs
from bot.actions.utils.profile import kldb_of, occupation_entities, profile_from_slots
from knowledge import shortage

logger = logging.getLogger(__name__)

PFLEGE_GROUPS = ("813", "821")
MAX_CHECKLISTS = 2


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == entity and e.get("value")
    ]


def _occupation_code(tracker: Tracker) -> str | None:
    """KldB code the question is about: an occupation in the message, else target, else current."""
    for entity in occupation_entities(tracker.latest_message.get("entities", [])):
        code = kldb_of(entity) or occupations.code_for_title(str(entity.get("value")))
        if code:
            return code
    profile = profile_from_slots(tracker.current_slot_values())
    return profile.target_kldb or profile.current_kldb


def shortage_line(entry: shortage.ShortageEntry) -> str:
    """One shortage statement naming level, year, source and Stand."""
    stand = formatting.format_date_de(entry.stand)
    return (
        f"• {entry.title}: {entry.statement} (Ebene: {entry.level}, Jahr {entry.year}; "
        f"Quelle: {entry.source_url}, Stand: {stand})"
    )


def vhs_line(municipality: str | None) -> str | None:
    """Which VHS is responsible for the user's municipality, as far as researched."""
    info = local_vhs(municipality)
    if info is None:
        return None
    if not info.name:
        return (
            f"Für {info.municipality} ist mir keine zuständige Volkshochschule bekannt – "
            "die Nachbar-VHS oder das Bildungsportal Bayern helfen weiter."
        )
    caveat = "" if info.status.startswith("verifiziert") else " (Zuordnung nicht sicher bestätigt)"
    return f"Volkshochschule für {info.municipality}: {info.name}{caveat}."


class ActionFundingInfo(Action):
    """Funding checklists (Bildungsgutschein, § 82, AFBG, Meisterbonus, Bildungsurlaub)."""

    def name(self) -> str:
        return "action_funding_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        data = facts.load_facts()
        profile = profile_from_slots(tracker.current_slot_values())
        text = tracker.latest_message.get("text") or ""
        topic_values = _entity_values(tracker, c.ENTITY_TOPIC)
        keys = facts.funding_topics_for(text, topic_values, profile.goal)
        asked = any(
            any(
                k in " ".join([text, *topic_values]).casefold()
                for k in data["funding"][key]["keywords"]
            )
            for key in keys
        )
        topics = [data["funding"][k] for k in keys]
        if asked:
            parts = [
                facts.render_checklist(topic, self._extra(key, profile.target_kldb))
                for key, topic in zip(keys[:MAX_CHECKLISTS], topics[:MAX_CHECKLISTS], strict=True)
            ]
            answer = "\n\n".join(parts)
        else:
            extra = [line for key in keys for line in self._extra(key, profile.target_kldb)]
            answer = "\n".join([facts.render_overview(topics), *extra])
        logger.info("funding info: topics=%s", keys)
        dispatcher.utter_message(text=f"{answer}\n{facts.DISCLAIMER}")
        return []

    @staticmethod
    def _extra(key: str, target_kldb: str | None) -> list[str]:
        if key != "bildungsgutschein" or not target_kldb:
            return []
        entries = [e for e in shortage.lookup(target_kldb) if e.status == "Engpass"]
        if not entries:
            return []
        e = entries[0]
        return [
            f"Hinweis: Ihr Zielberuf gehört zu einer Engpass-Berufsgruppe ({e.title}; Ebene "
            f"{e.level}, Jahr {e.year}; Quelle: {e.source_url}) – das kann für § 81 Abs. 2 SGB III "
            "eine Rolle spielen."
        ]


class ActionRecognitionInfo(Action):
    """Recognition of foreign qualifications: laws, deciding offices, subsidy, free advice."""

    def name(self) -> str:
        return "action_recognition_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = facts.load_facts()["recognition"]
        code = _occupation_code(tracker) or ""
        extra = [topic["pflege_note"]] if code[:3] in PFLEGE_GROUPS else []
        dispatcher.utter_message(text=f"{facts.render_checklist(topic, extra)}\n{facts.DISCLAIMER}")
        return []


class ActionLanguageCourses(Action):
    """Integrationskurs and Berufssprachkurs facts plus the local VHS."""

    def name(self) -> str:
        return "action_language_courses"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = facts.load_facts()["language"]
        line = vhs_line(profile_from_slots(tracker.current_slot_values()).municipality)
        dispatcher.utter_message(text=facts.render_checklist(topic, [line] if line else []))
        return []


class ActionShortageOccupations(Action):
    """Shortage occupations from ``knowledge.shortage`` (level and year named)."""

    def name(self) -> str:
        return "action_shortage_occupations"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = _occupation_code(tracker)
        lines: list[str] = []
        if code:
            entries = shortage.lookup(code)
            title = (occupations.title_for_code(code) or code).split(" (")[0]
            if entries:
                lines.append(f"Das weiß ich zur Fachkräftelage bei „{title}“:")
                lines += [shortage_line(e) for e in entries]
            else:
                lines.append(f"Zu „{title}“ habe ich keinen Eintrag in meiner Engpassliste.")
        if not lines or not code:
            entries = [e for e in shortage.load_shortages() if e.status == "Engpass"]
            lines.append("Engpassberufe laut meinen Quellen (Berufsgruppen):")
            lines += [shortage_line(e) for e in entries]
        lines.append(
            "„Engpass“ beschreibt den Arbeitsmarkt, nicht Ihre persönliche Chance auf eine Stelle "
            "oder Förderung."
        )
        logger.info("shortage info: code given=%s", bool(code))
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionRequestHuman(Action):
    """Hand-off to human counselling (only contact data from the research brief)."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        contacts: list[dict[str, Any]] = facts.load_facts()["contacts"]
        lines = ["Gern – hier bekommen Sie persönliche, kostenlose Beratung:"]
        for contact in contacts:
            url = f" – {contact['url']}" if contact.get("url") else ""
            lines.append(f"• {contact['name']}: {contact['what']}{url}")
        line = vhs_line(profile_from_slots(tracker.current_slot_values()).municipality)
        if line:
            lines.append(f"• {line}")
        dispatcher.utter_message(text="\n".join(lines))
        return []
