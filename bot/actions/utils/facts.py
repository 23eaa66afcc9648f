"""Loader and renderers for the curated facts in ``bot/actions/data/facts.json``.

Every answer is a checklist (not a verdict) that names who decides, the source URL(s) and the
"Stand" date. The JSON is validated on first load; a missing field raises ``ValueError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

FACTS_FILE = Path(__file__).resolve().parent.parent / "data" / "facts.json"
REQUIRED_TOPIC_KEYS = ("title", "checklist", "office", "sources", "stand")
DISCLAIMER = (
    "Das ist eine Orientierung, keine Zusage – die Entscheidung trifft die genannte Stelle."
)


def _check_topic(where: str, topic: Mapping[str, Any]) -> None:
    missing = [k for k in REQUIRED_TOPIC_KEYS if not topic.get(k)]
    if missing:
        raise ValueError(f"facts.json {where}: fehlende Felder {', '.join(missing)}")
    if not all(str(u).startswith("https://") for u in topic["sources"]):
        raise ValueError(f"facts.json {where}: Quellen müssen https-URLs sein")


@lru_cache(maxsize=1)
def load_facts(path: Path = FACTS_FILE) -> dict[str, Any]:
    """Read and validate the facts file (cached)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key, topic in data["funding"].items():
        _check_topic(f"funding.{key}", topic)
    for key in ("recognition", "language"):
        _check_topic(key, data[key])
    for goal, keys in data["funding_by_goal"].items():
        unknown = [k for k in keys if k not in data["funding"]]
        if unknown:
            raise ValueError(f"facts.json funding_by_goal.{goal}: unbekannt {unknown}")
    return data


def funding_topics_for(text: str, topics: Iterable[str], goal: str | None) -> list[str]:
    """Funding topics a question is about: entity/keyword matches, else those fitting the goal."""
    funding = load_facts()["funding"]
    haystack = " ".join([text or "", *topics]).casefold()
    matched = [
        key
        for key, topic in funding.items()
        if any(k in haystack for k in topic.get("keywords", []))
    ]
    # "Meisterbonus" contains "meister": keep the more specific topic alone
    if "meisterbonus" in matched and "meisterbonus" in haystack and "bafög" not in haystack:
        matched = [k for k in matched if k != "aufstiegs_bafoeg"]
    if matched:
        return matched
    by_goal = load_facts()["funding_by_goal"]
    return list(by_goal.get(goal or "", by_goal[""]))


def source_line(topic: Mapping[str, Any]) -> str:
    """ "Quelle: <url> (Stand: ...)" for a topic."""
    sources = " ; ".join(topic["sources"])
    label = "Quelle" if len(topic["sources"]) == 1 else "Quellen"
    return f"{label}: {sources} (Stand: {topic['stand']})"


def render_checklist(topic: Mapping[str, Any], extra: Sequence[str] = ()) -> str:
    """Full checklist answer for one topic."""
    lines = [topic["title"]]
    if topic.get("summary"):
        lines.append(str(topic["summary"]))
    lines.append("Checkliste:")
    lines += [f"☐ {item}" for item in topic["checklist"]]
    lines += list(extra)
    lines.append(f"Wer entscheidet: {topic['office']}")
    lines.append(source_line(topic))
    return "\n".join(lines)


def render_overview(topics: Sequence[Mapping[str, Any]]) -> str:
    """Short overview of several topics, each with deciding office, source and Stand."""
    lines = ["Diese Förderungen kommen für Sie in Frage – bitte prüfen Sie die Voraussetzungen:"]
    for topic in topics:
        lines.append(f"• {topic['title']}: {topic['summary']}")
        lines.append(f"  Wer entscheidet: {topic['office']}")
        lines.append(f"  {source_line(topic)}")
    lines.append("Fragen Sie nach einem Programm, dann zeige ich Ihnen die Checkliste.")
    return "\n".join(lines)
