"""Signals of a person's situation in a chat message: a qualification from abroad, German level.

Used by the action server (``bot/actions/situation.py``) to see what a first message like
"Ich bin Krankenschwester aus den Philippinen, wohne in Unterhaching, Deutsch B1" implies:
recognition (Anerkennung) and a job-related language course come first, and einfache Sprache is
offered. The cues are data (``knowledge/data/situation_cues.csv``); the caller passes the
country names (the action server: Babel's CLDR territory names in German and English,
``i18n.country_names``), so this module stays stdlib only.

Rules (documented contract, tested in ``tests/knowledge/test_situation.py``):

- qualification from abroad: an ``abroad`` cue ("im Ausland", "ausländischen Abschluss",
  "in my country"), or a place word followed by a foreign country ("aus den Philippinen",
  "in Polen", "from Nigeria"; articles in between are skipped) - and in both cases the message
  names a qualification (an occupation, or a ``qualification`` word such as "Ausbildung",
  "gelernt", "Anerkennung"). "Ich komme aus Syrien und suche einen Deutschkurs" alone is no
  statement about a qualification.
- German level: a CEFR level (A1 … C2) within three words of a ``german`` word ("Deutsch B1",
  "mein Deutsch ist B1", "Sprachniveau A2"); a level alone is not enough (a driving licence
  class C1 is no language level). ``limited_german`` phrases ("wenig Deutsch") give
  :data:`LITTLE`. Limited German = :data:`LITTLE` or a level up to B1.

Pure functions, stdlib only; no message text is stored or logged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.vocabulary import key

CUES_FILE = Path(__file__).resolve().parent / "data" / "situation_cues.csv"
SIGNALS = (
    "abroad",
    "place_word",
    "qualification",
    "country_alias",
    "not_foreign",
    "german",
    "limited_german",
)
#: CEFR levels in order; "wenig" = little German without a level
LEVELS = ("a1", "a2", "b1", "b2", "c1", "c2")
LITTLE = "wenig"
LIMITED_LEVELS = frozenset({"a1", "a2", "b1", LITTLE})
#: words allowed between a place word and a country ("aus den Philippinen", "from the USA")
ARTICLES = frozenset({"dem", "den", "der", "the"})
LEVEL_WINDOW = 3
MAX_PHRASE_WORDS = 6
_WORD = re.compile(r"[0-9A-Za-zÄÖÜäöüß]+")


@dataclass(frozen=True)
class Situation:
    """What one message shows (``None`` = says nothing about it)."""

    foreign_qualification: bool = False
    german_level: str | None = None

    @property
    def limited_german(self) -> bool:
        return self.german_level in LIMITED_LEVELS


@cache
def cues() -> dict[str, frozenset[str]]:
    """Signal -> comparison keys of its terms (phrases as space-joined word keys)."""
    found: dict[str, set[str]] = {signal: set() for signal in SIGNALS}
    with CUES_FILE.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader((line for line in fh if not line.startswith("#")), delimiter=";")
        if next(rows) != ["signal", "term"]:
            raise ValueError(f"{CUES_FILE.name}: header must be signal;term")
        for row in rows:
            if len(row) != 2 or row[0] not in found:
                raise ValueError(f"{CUES_FILE.name}: bad row {row!r}")
            found[row[0]].add(_phrase_key(row[1]))
    return {signal: frozenset(terms) for signal, terms in found.items()}


def _words(text: str) -> list[str]:
    return [key(w) for w in _WORD.findall(text or "")]


def _phrase_key(text: str) -> str:
    return " ".join(_words(text))


@cache
def countries(names: frozenset[str] = frozenset()) -> frozenset[str]:
    """Phrase keys of foreign country and region names: ``names`` plus the aliases of the cue
    file, without the ``not_foreign`` ones (Deutschland, Welt, …)."""
    keys = {_phrase_key(name) for name in names} | cues()["country_alias"]
    return frozenset(k for k in keys if k) - cues()["not_foreign"]


def _windows(words: list[str], size: int) -> Iterator[tuple[int, str]]:
    for start in range(len(words) - size + 1):
        yield start, " ".join(words[start : start + size])


def _has_phrase(words: list[str], phrases: Iterable[str]) -> bool:
    wanted = frozenset(phrases)
    return any(
        phrase in wanted
        for size in range(1, MAX_PHRASE_WORDS + 1)
        for _, phrase in _windows(words, size)
    )


def _foreign_country_after_place_word(words: list[str], names: frozenset[str]) -> bool:
    places = cues()["place_word"]
    for i, word in enumerate(words):
        if word not in places:
            continue
        j = i + 1
        while j < len(words) and words[j] in ARTICLES:
            j += 1
        rest = words[j:]
        if any(" ".join(rest[:size]) in names for size in range(1, 5) if len(rest) >= size):
            return True
    return False


def german_level(text: str | None) -> str | None:
    """The German level a message states (``a1`` … ``c2``, :data:`LITTLE`), else None."""
    words = _words(text or "")
    german = cues()["german"]
    positions = [i for i, w in enumerate(words) if w in german]
    for i, word in enumerate(words):
        if word in LEVELS and any(abs(i - p) <= LEVEL_WINDOW for p in positions):
            return word
    if _has_phrase(words, cues()["limited_german"]):
        return LITTLE
    return None


def read(
    text: str | None, names_occupation: bool = False, country_names: Iterable[str] = ()
) -> Situation:
    """The situation one message shows; ``names_occupation``: the NLU found an occupation
    (or qualification) entity in it; ``country_names``: names of countries and regions (e.g.
    ``i18n.country_names()``; without them only the aliases of the cue file count)."""
    words = _words(text or "")
    cue = cues()
    qualified = names_occupation or _has_phrase(words, cue["qualification"])
    names = countries(frozenset(country_names))
    abroad = _has_phrase(words, cue["abroad"]) or _foreign_country_after_place_word(words, names)
    return Situation(foreign_qualification=qualified and abroad, german_level=german_level(text))


def problems() -> list[str]:
    """Consistency problems of the cue file (for ``knowledge.validate``)."""
    try:
        found = cues()
    except (OSError, ValueError) as exc:
        return [str(exc)]
    return [f"{CUES_FILE.name}: keine Einträge für '{s}'" for s in SIGNALS if not found[s]]
