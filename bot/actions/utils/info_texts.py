"""Phrase templates of the information answers in the three reply styles (catalogue ``info.*``).

The answers (funding checklist, recognition, language courses, shortage occupations, human
counselling) are templates around knowledge-base data: the facts themselves (office names,
conditions, amounts, sources, "Stand" dates) come from ``knowledge/`` and stay as they are, in
German. Only the framing changes with the style; the templates live in the message catalogue
(:mod:`i18n`, keys ``info.*``):

- ``STYLE_DE``: formal German ("Sie");
- ``STYLE_PLAIN``: einfache Sprache - short sentences, one statement each, no abbreviations;
- ``STYLE_EN``: English; proper names are not translated and German details are marked
  "(in German)", so English users know what follows is quoted from the German sources.
"""

from __future__ import annotations

from typing import Any

import i18n
from bot.actions.utils.style import STYLE_DE
from knowledge import funding

#: checklist status (German value of knowledge.funding) -> catalogue key
_STATUS_KEYS = {
    funding.LIKELY: "status.likely",
    funding.POSSIBLE: "status.possible",
    funding.UNLIKELY: "status.unlikely",
    funding.NOTE: "status.note",
}


def text(key: str, style: str = STYLE_DE, **values: Any) -> str:
    """The template ``info.<key>`` in ``style`` (German if the style is unknown), filled in."""
    return i18n.text(f"info.{key}", style, **values)


def plural(key: str, count: int, style: str = STYLE_DE, **values: Any) -> str:
    """The plural template ``info.<key>`` for ``count``, filled in."""
    return i18n.plural(f"info.{key}", count, style, **values)


def status_label(status: str, style: str = STYLE_DE) -> str:
    """A checklist status ("wahrscheinlich passend", ...) in ``style``."""
    key = _STATUS_KEYS.get(status)
    return i18n.text(key, style) if key else status
