"""Renderers for the curated facts in ``knowledge/`` (funding checklists, topics, contacts).

The data lives only in the knowledge base: funding instruments in
``knowledge/data/funding/instruments.json`` (:mod:`knowledge.funding`), information topics and
contacts in ``knowledge/data/facts/`` (:mod:`knowledge.facts`). Every answer is a checklist, not
a verdict, and names who decides, the source URL(s) and the "Stand" date. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge import facts as kfacts
from knowledge import funding

DISCLAIMER = (
    "Das ist eine Orientierung, keine Zusage – die Entscheidung trifft die genannte Stelle."
)
DECISION_DISCRETIONARY = "Ermessens- oder Auswahlentscheidung – keine Zusage."
DECISION_ENTITLEMENT = (
    "Rechtsanspruch, wenn alle Voraussetzungen erfüllt sind – die Stelle prüft sie."
)


def load_topic(key: str) -> kfacts.Topic:
    """An information topic (``recognition`` or ``language``) from the knowledge base."""
    return kfacts.load_topic(key)


def load_contacts() -> tuple[kfacts.Contact, ...]:
    """Counselling contacts from the knowledge base."""
    return kfacts.load_contacts()


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def source_line(sources: Sequence[str], stand: str) -> str:
    """ "Quelle: <url> (Stand: November 2026)" (several URLs joined by " ; ")."""
    urls = _unique(sources)
    label = "Quelle" if len(urls) == 1 else "Quellen"
    return f"{label}: {' ; '.join(urls)} (Stand: {funding.format_stand(stand)})"


def decision_line(instrument: funding.Instrument) -> str:
    """How the office decides: the data's wording, else by ``discretionary``."""
    if instrument.decision:
        return instrument.decision
    return DECISION_DISCRETIONARY if instrument.discretionary else DECISION_ENTITLEMENT


def render_item(item: funding.ChecklistItem, extra: Sequence[str] = ()) -> str:
    """One instrument as a checklist: status, conditions, amounts, office, source and Stand."""
    instrument = item.instrument
    if item.status == funding.NOTE:
        lines = [instrument.title, instrument.summary]
    else:
        lines = [f"{instrument.title}: {item.status}", instrument.summary]
    if item.conditions_met:
        lines.append("Nach Ihren Angaben erfüllt:")
        lines += [f"✓ {text}" for text in item.conditions_met]
    if item.conditions_failed:
        lines.append("Spricht nach Ihren Angaben dagegen:")
        lines += [f"✗ {text}" for text in item.conditions_failed]
    if item.conditions_to_confirm:
        lines.append("Noch zu prüfen:")
        lines += [f"☐ {text}" for text in item.conditions_to_confirm]
    if item.amounts:
        lines.append("Leistungen und Beträge:")
        lines += [f"• {text}" for text in item.amounts]
    lines += [f"Hinweis: {text}" for text in item.notes]
    lines += list(extra)
    lines.append(f"Wer entscheidet: {item.office}")
    lines.append(decision_line(instrument))
    lines.append(source_line(item.sources, item.stand))
    return "\n".join(lines)


def render_note_short(item: funding.ChecklistItem) -> str:
    """A statement entry (Bildungsurlaub) in one short paragraph with source and Stand."""
    return f"{item.title}: {item.instrument.summary}\n{source_line(item.sources, item.stand)}"


def render_overview(items: Sequence[funding.ChecklistItem], unlikely: int) -> str:
    """First message of a checklist: which instruments, with their status."""
    lines = ["Ihre Förder-Checkliste nach Ihren bisherigen Angaben (keine Zusage):"]
    lines += [f"• {item.title}: {item.status}" for item in items]
    if unlikely:
        word = "Programm passt" if unlikely == 1 else "Programme passen"
        lines.append(f"{unlikely} weitere {word} nach Ihren Angaben eher nicht.")
    return "\n".join(lines)


def render_unlikely_overview(items: Sequence[funding.ChecklistItem]) -> str:
    """First message when all programmes are requested: those that rather do not fit."""
    if not items:
        return "Nach Ihren Angaben ist kein Programm ausgeschlossen."
    lines = [
        "Diese Programme passen nach Ihren bisherigen Angaben eher nicht (keine Entscheidung):"
    ]
    lines += [f"• {item.title}" for item in items]
    return "\n".join(lines)


def render_funding_line(instrument: funding.Instrument) -> str:
    """A funding instrument inside a topic answer: amounts and the office checks."""
    amounts = " ".join(detail.display for detail in instrument.amounts)
    checks = " ".join(c.text for c in instrument.conditions if c.checked_by_office)
    line = f"{instrument.title}: {amounts}"
    return f"{line} Voraussetzungen: {checks}" if checks else line


def render_topic(topic: kfacts.Topic, extra: Sequence[str] = ()) -> str:
    """Full checklist answer for a topic, its funding lines and the combined sources."""
    instruments = [funding.load_catalogue().get(i) for i in topic.funding_instruments]
    lines = [topic.title, "Checkliste:"]
    lines += [f"☐ {item}" for item in topic.checklist]
    lines += [f"☐ {render_funding_line(i)}" for i in instruments]
    lines += list(extra)
    lines.append(f"Wer entscheidet: {topic.office}")
    sources = [*topic.sources, *(url for i in instruments for url in i.sources)]
    oldest_stand = min([topic.stand, *(i.stand for i in instruments)])
    lines.append(source_line(sources, oldest_stand))
    return "\n".join(lines)
