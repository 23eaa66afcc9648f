"""Thin, cached access to the knowledge facts the search service cites (KldB titles, shortages).

Kept separate so that :mod:`search.ranking` stays pure: it receives these callables as
arguments and tests can pass their own.
"""

from __future__ import annotations

from functools import lru_cache

from knowledge import shortage
from knowledge.shortage import ShortageEntry


@lru_cache(maxsize=4096)
def kldb_title(code: str) -> str | None:
    """Official KldB 2010 title for a code, or ``None`` if unknown / module unavailable."""
    try:
        from knowledge.kldb import load_kldb
    except ImportError:  # pragma: no cover - module is optional
        return None
    occ = load_kldb().get(code)
    return occ.title if occ else None


@lru_cache(maxsize=4096)
def shortage_entries(code: str) -> tuple[ShortageEntry, ...]:
    """Shortage entries covering ``code``, most specific first (see ``knowledge.shortage``).

    Cached: the ranking asks for every target code of every candidate offer on each request, and
    the shortage table is loaded once per process (``knowledge.shortage._default_entries``)."""
    return tuple(shortage.lookup(code))
