"""KldB lookups used by the actions (thin, lazy wrapper over ``knowledge.kldb``)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def title_for_code(code: str | None) -> str | None:
    """Short German title of a KldB code (any level), or None if unknown/unavailable."""
    if not code:
        return None
    try:
        from knowledge.kldb import load_kldb
    except ImportError:  # pragma: no cover - knowledge.kldb is part of the repository
        return None
    occupation = load_kldb().get(code)
    if occupation is None:
        return None
    return occupation.short_title or occupation.title


def code_for_title(text: str | None) -> str | None:
    """5-digit KldB code for a job title as typed ("Verkäuferin"), or None."""
    if not text or len(text) > 80:
        return None
    try:
        from knowledge.kldb import load_kldb
    except ImportError:  # pragma: no cover
        return None
    return load_kldb().best_code_for_title(text)


def field_title(code: str | None) -> str | None:
    """Title of the 3-digit KldB group of ``code`` without qualifiers ("Altenpflege")."""
    if not code or len(code) < 3:
        return None
    title = title_for_code(code[:3])
    if not title:
        return None
    return title.split("(")[0].strip() or None
