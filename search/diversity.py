"""Diversity of a result list: one offer per course family and provider, then MMR re-ranking.

Several dates of the same course (same title family: without bracketed parts, years and
"Durchgang/Kurs/Termin" suffixes) and the same provider count once; among the first
``DIVERSITY_WINDOW`` results, an offer whose title shares most words with an offer already
placed loses up to ``DIVERSITY_PENALTY`` of its score (maximal marginal relevance).
Used by :func:`search.ranking.rank`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol, TypeVar

from knowledge.schema import Offer

DIVERSITY_PENALTY = 0.02
DIVERSITY_WINDOW = 50


class Scored(Protocol):
    """A ranked offer (``search.ranking.Ranked``)."""

    @property
    def offer(self) -> Offer: ...

    @property
    def score(self) -> float: ...


R = TypeVar("R", bound=Scored)

_BRACKETS = re.compile(r"\([^)]*\)")
_SUFFIX = re.compile(r"\s[–-]\s*(durchgang|kurs|termin|start|beginn)\b.*$")
_YEARS = re.compile(r"\b(19|20)\d\d\b")
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8192)
def title_family(title: str) -> str:
    """Title without bracketed parts, "– Durchgang/Kurs/Termin …" suffixes and years."""
    t = _BRACKETS.sub(" ", title.casefold())
    t = _SUFFIX.sub(" ", t)
    t = _YEARS.sub(" ", t)
    return " ".join(_WORD.findall(t))


@lru_cache(maxsize=8192)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(title.casefold()) if len(w) > 2)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def diversify(
    ranked: Iterable[R], penalty: float = DIVERSITY_PENALTY, window: int = DIVERSITY_WINDOW
) -> list[R]:
    """Best offer per (title family, provider); then MMR re-ranking of the first ``window``."""
    seen: set[tuple[str, str]] = set()
    unique: list[R] = []
    for r in ranked:
        key = (title_family(r.offer.title), r.offer.provider.strip().casefold())
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    if penalty <= 0 or len(unique) < 3:
        return unique
    head, tail = unique[:window], unique[window:]
    words = [_title_words(r.offer.title) for r in head]
    sim = [0.0] * len(head)  # highest title overlap with an already placed offer (incremental)
    remaining = list(range(len(head)))
    placed: list[R] = []
    while remaining:
        best = max(remaining, key=lambda i: (head[i].score - penalty * sim[i], -i))
        remaining.remove(best)
        placed.append(head[best])
        for i in remaining:
            o = _overlap(words[i], words[best])
            if o > sim[i]:
                sim[i] = o
    return placed + tail
