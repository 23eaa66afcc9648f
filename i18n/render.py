"""Rendering of values in a reply style: labels, quotation marks, dates (pure)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from i18n.catalogue import DEFAULT_STYLE, STYLE_EN, catalogue, text


def label(kind: str, value: str, style: str | None = DEFAULT_STYLE) -> str:
    """Readable label of a canonical value (``goal``, ``time_model``, ``format``,
    ``course_type``) in ``style``; the value itself if the catalogue has none."""
    return catalogue(style).singular.get(f"label.{kind}.{value}", value)


def quoted(title: Any, style: str | None = DEFAULT_STYLE) -> str:
    """A title in the style's quotation marks („…“ in German, "…" in English)."""
    return text("quote", style, text=title)


def format_date_de(value: str | dt.date | None) -> str | None:
    """ISO date -> "01.03.2027"; None or malformed -> None."""
    if value is None:
        return None
    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return date.strftime("%d.%m.%Y")


def format_date(value: str | dt.date | None, style: str | None = DEFAULT_STYLE) -> str | None:
    """ISO date in the style's notation: "01.03.2027" (German) or "2027-03-01" (English)."""
    german = format_date_de(value)
    if german is None or style != STYLE_EN:
        return german
    day, month, year = german.split(".")
    return f"{year}-{month}-{day}"
