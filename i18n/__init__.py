"""User-facing text fragments in German, einfache Sprache and English (one .po catalogue each).

Fixed texts are Rasa domain responses (``bot/domain``); everything with dynamic parts (lists,
reasons, numbers, names) is rendered from these catalogues. See docs/architecture.md, "Texts".
"""

from i18n.catalogue import (
    DEFAULT_STYLE,
    STYLE_DE,
    STYLE_EN,
    STYLE_PLAIN,
    STYLES,
    catalogue,
    page_labels,
    placeholders,
    plural,
    text,
)
from i18n.render import format_date, format_date_de, label, quoted
from i18n.territories import country_names

__all__ = [
    "DEFAULT_STYLE",
    "STYLE_DE",
    "STYLE_EN",
    "STYLE_PLAIN",
    "STYLES",
    "catalogue",
    "country_names",
    "format_date",
    "format_date_de",
    "label",
    "page_labels",
    "placeholders",
    "plural",
    "quoted",
    "text",
]
