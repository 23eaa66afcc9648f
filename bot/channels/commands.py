"""Slash commands in user messages: only well-formed button payloads reach Rasa as commands.

Rasa reads a message that starts with ``/`` as ``/intent@confidence{"entity": "value"}`` and
bypasses the NLU. When such a line is malformed, names an unknown intent or unknown entities, Rasa
logs a warning that quotes the whole line, i.e. the user's text with whatever values it carries
("Failed to parse arguments in line '…'"). The buttons of this bot only send
``/intent`` or ``/intent{"entity": "value", …}`` with intents and entities of the domain, string
values and no confidence. :func:`neutralise` passes exactly those through unchanged; any other
text starting with ``/`` loses its leading slashes and goes to the NLU like any message (so the
input guard and the fallback answer it), and nothing quotes it in a log.

The vocabulary (intents and entities) is read from the domain files ``bot/domain/*.yml`` once per
process. Stdlib + PyYAML (bot env).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"
PREFIX = "/"
_COMMAND = re.compile(r"/(?P<intent>[A-Za-z_][A-Za-z0-9_]*)(?P<entities>\{.*\})?", re.DOTALL)
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class CommandVocabulary:
    """Intents and entities a command may name."""

    intents: frozenset[str]
    entities: frozenset[str]


def _names(items: Any) -> set[str]:
    """Names of a domain list whose entries are strings or one-key mappings."""
    names: set[str] = set()
    for item in items or ():
        if isinstance(item, str):
            names.add(item)
        elif isinstance(item, dict):
            names.update(str(key) for key in item)
    return names


def load_vocabulary(domain_dir: Path = DOMAIN_DIR) -> CommandVocabulary:
    """The intents and entities of the domain files in ``domain_dir``."""
    intents: set[str] = set()
    entities: set[str] = set()
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intents |= _names(data.get("intents"))
        entities |= _names(data.get("entities"))
    return CommandVocabulary(frozenset(intents), frozenset(entities))


@lru_cache(maxsize=1)
def domain_vocabulary() -> CommandVocabulary:
    """The vocabulary of ``bot/domain`` (read once)."""
    return load_vocabulary()


def _entities_ok(raw: str | None, vocabulary: CommandVocabulary) -> bool:
    if raw is None:
        return True
    try:
        entities = json.loads(raw)
    except ValueError:
        return False
    return (
        isinstance(entities, dict)
        and all(key in vocabulary.entities for key in entities)
        and all(isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for v in entities.values())
    )


def is_command(text: str, vocabulary: CommandVocabulary) -> bool:
    """Whether ``text`` (stripped) is a command this bot's buttons could have sent."""
    match = _COMMAND.fullmatch(text.strip())
    return bool(
        match
        and match["intent"] in vocabulary.intents
        and _entities_ok(match["entities"], vocabulary)
    )


def neutralise(text: str, vocabulary: CommandVocabulary | None = None) -> str:
    """``text`` unchanged unless it starts with ``/`` and is no valid command; then the text
    without its leading slashes and spaces (repeated, so "/ /x{…}" cannot smuggle a line in)."""
    vocabulary = vocabulary or domain_vocabulary()
    stripped = text.strip()
    if not stripped.startswith(PREFIX) or is_command(stripped, vocabulary):
        return text
    while stripped.startswith(PREFIX) and not is_command(stripped, vocabulary):
        stripped = stripped.lstrip(PREFIX).lstrip()
    return stripped
