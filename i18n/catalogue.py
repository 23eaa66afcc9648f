"""Loader of the message catalogues (one gettext .po file per reply style, read with Babel).

Reply styles (= catalogue ids, the file names under ``i18n/locales/``):

- ``de``: formal German ("Sie"), the default;
- ``de_plain``: German in einfache Sprache (plain language: short sentences, common words, no
  abbreviations); gettext has no locale for it, so it is a catalogue of its own whose header
  says ``Language: de``;
- ``en``: English.

Message ids are stable keys (``reason.distance_km``); placeholders are named
``str.format`` fields. A plural entry has the id ``key`` and ``key.plural``. Unknown styles
fall back to German; an unknown key is an error (``KeyError``), never the key itself.

The catalogues are read once per process (cached) with :mod:`babel.messages.pofile`; the
plural forms are chosen by the standard library's gettext from the catalogue header. The
module needs only Babel and the standard library, so the bot (Python 3.10) and the search
service / web page (Python 3.11) load the same files the same way.
"""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent / "locales"

STYLE_DE = "de"
STYLE_PLAIN = "de_plain"
STYLE_EN = "en"
STYLES = (STYLE_DE, STYLE_PLAIN, STYLE_EN)
DEFAULT_STYLE = STYLE_DE


@dataclass(frozen=True)
class Catalogue:
    """The messages of one reply style."""

    style: str
    singular: Mapping[str, str]
    plural: Mapping[str, tuple[str, ...]]
    translations: gettext.GNUTranslations

    def keys(self) -> set[str]:
        return set(self.singular) | set(self.plural)

    def templates(self, key: str) -> tuple[str, ...]:
        """Every form of ``key`` (one for a singular entry, all plural forms otherwise)."""
        if key in self.singular:
            return (self.singular[key],)
        return self.plural[key]


@cache
def _read(style: str) -> Catalogue:
    path = LOCALES_DIR / f"{style}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=True)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        # babel types id/string as str | tuple | list (| None); read_po builds a plural
        # message from tuples of str and a singular one from str, so the casts are exact
        if isinstance(message.id, tuple):
            plural[message.id[0]] = tuple(cast(tuple[str, ...], message.string))
        else:
            singular[cast(str, message.id)] = cast(str, message.string)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Catalogue(style, singular, plural, gettext.GNUTranslations(buffer))


def catalogue(style: str | None = DEFAULT_STYLE) -> Catalogue:
    """The catalogue of ``style`` (German for an unknown or missing style); each file is read
    once per process."""
    return _read(style if style in STYLES else DEFAULT_STYLE)


def text(key: str, style: str | None = DEFAULT_STYLE, **params: Any) -> str:
    """The message ``key`` in ``style``, its placeholders filled with ``params``."""
    template = catalogue(style).singular[key]
    return template.format(**params) if params else template


def plural(key: str, count: int, style: str | None = DEFAULT_STYLE, **params: Any) -> str:
    """The plural message ``key`` in the form for ``count`` (``count`` is also a parameter)."""
    cat = catalogue(style)
    if key not in cat.plural:
        raise KeyError(key)
    template = cat.translations.ngettext(key, f"{key}.plural", count)
    return template.format(count=count, **params)


def placeholders(template: str) -> set[str]:
    """The named fields of a ``str.format`` template (``{km:.0f}`` -> ``km``)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def page_labels(style: str | None = DEFAULT_STYLE) -> dict[str, Any]:
    """What the web page needs from the catalogue: its ``page.*`` texts (without the prefix) and
    the labels of formats and time models, as JSON-ready dicts."""
    cat = catalogue(style)
    page = {k.removeprefix("page."): v for k, v in cat.singular.items() if k.startswith("page.")}
    labels: dict[str, dict[str, str]] = {}
    for key, value in cat.singular.items():
        parts = key.split(".")
        if parts[0] == "label" and parts[1] in ("format", "time_model"):
            labels.setdefault(parts[1], {})[parts[2]] = value
    return {"style": cat.style, "text": page, "labels": labels}
