"""Country and region names from Babel's CLDR data (German and English), for recognising a
country a person names in a chat message (``knowledge.situation``)."""

from __future__ import annotations

from functools import cache

from babel import Locale

#: the languages people write to the bot in (reply languages)
LOCALES = ("de", "en")


@cache
def country_names(locales: tuple[str, ...] = LOCALES) -> frozenset[str]:
    """CLDR territory names in ``locales`` ("Philippinen", "Türkei", "United States", …),
    also without a bracketed qualifier ("Hongkong (SAR China)" -> "Hongkong")."""
    names: set[str] = set()
    for locale in locales:
        for name in Locale.parse(locale).territories.values():
            names.update({name, name.split(" (")[0]})
    return frozenset(n for n in names if n.strip())
