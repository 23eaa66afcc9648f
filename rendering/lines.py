"""The text lines of structured payloads: offers, learning-path steps, funding (stdlib + i18n).

The one place where an offer or a learning-path step becomes a line of text. The actions send
the structured payload (``bot/actions/recommend.py``); :mod:`rendering.compose` builds the
complete text from the payload's ``lead``, these lines and its ``footer``. Catalogue records
(titles, providers, notes) may contain HTML: :func:`record_text` turns them into plain text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from i18n import (
    STYLE_DE,
    STYLE_EN,
    STYLE_PLAIN,
    catalogue,
    format_date,
    format_date_de,
    label,
    quoted,
    text,
)

MAX_REASONS_IN_TEXT = 2
ONLINE = "online"
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")  # a tag, not "1 < 2"
_SPACE = re.compile(r"\s+")


def record_text(value: Any) -> str:
    """A catalogue field as plain text: tags removed, entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", str(value)))).strip()


def has_label(kind: str, value: Any, style: str) -> bool:
    return f"label.{kind}.{value}" in catalogue(style).singular


def format_km(value: Any, style: str = STYLE_DE) -> str | None:
    """12.34 -> "12 km" (German decimal comma below 10 km: "3,5 km"; English "3.5 km")."""
    try:
        km = float(value)
    except (TypeError, ValueError):
        return None
    if km < 1:
        return text("offers.under_1_km", style)
    if km < 10:
        number = f"{km:.1f}"
        return (number if style == STYLE_EN else number.replace(".", ",")) + " km"
    return f"{km:.0f} km"


# ---------------------------------------------------------------- recommendations


def is_online(item: Mapping[str, Any]) -> bool:
    place = str(item.get("municipality") or "")
    return not place or place == ONLINE or item.get("format") == ONLINE


def place_text(item: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """ "Haar (8,2 km)", "online" or "München" for a recommendation item."""
    if is_online(item):
        return text("offers.online", style)
    place = record_text(item.get("municipality"))
    km = format_km(item.get("distance_km"), style)
    return text("offers.place_km", style, place=place, km=km) if km else place


def start_text(item: Mapping[str, Any], style: str = STYLE_DE) -> str:
    start = format_date(item.get("next_start"), style)
    return text("offers.next_start", style, date=start) if start else text("offers.no_start", style)


def why_text(item: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """The first reasons in one line ("Warum: …"), or "" without reasons."""
    reasons = [
        record_text(r.get("text"))
        for r in (item.get("reasons") or [])[:MAX_REASONS_IN_TEXT]
        if isinstance(r, Mapping) and r.get("text")
    ]
    if not reasons:
        return ""
    return text("offers.why", style, reasons=text("offers.reason_join", style).join(reasons))


def link_text(item: Mapping[str, Any], style: str = STYLE_DE) -> str:
    url = str(item.get("url") or "").strip()
    return text("offers.link", style, url=url) if url else ""


def _plain_offer_line(number: int, item: Mapping[str, Any]) -> str:
    """Einfache Sprache: one piece of information per sentence."""
    style = STYLE_PLAIN
    title = quoted(record_text(item.get("title")), style)
    sentences = [text("offers.plain_title", style, number=number, title=title)]
    provider = record_text(item.get("provider"))
    if provider:
        sentences.append(text("offers.plain_provider", style, provider=provider))
    if is_online(item):
        sentences.append(text("offers.plain_online", style))
    else:
        sentences.append(text("offers.plain_place", style, place=place_text(item, style)))
    if item.get("format") == "hybrid":
        sentences.append(text("offers.plain_hybrid", style))
    if has_label("time_model", item.get("time_model"), style):
        time_model = label("time_model", str(item.get("time_model")), style)
        sentences.append(text("offers.plain_time", style, time_model=time_model))
    sentences.append(start_text(item, style))
    why = why_text(item, style).strip()
    if why:
        sentences.append(why)
    link = link_text(item, style).strip()
    if link:
        sentences.append(link)
    return " ".join(sentences)


def offer_line(number: int, item: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """One numbered offer (recommendation payload item): title, provider, place, format and
    time model, next start, one-line why, link."""
    if style == STYLE_PLAIN:
        return _plain_offer_line(number, item)
    details = [record_text(item.get("provider")), place_text(item, style)]
    fmt = item.get("format")
    if has_label("format", fmt, style) and fmt != ONLINE:
        details.append(label("format", str(fmt), style))
    if has_label("time_model", item.get("time_model"), style):
        details.append(label("time_model", str(item.get("time_model")), style))
    line = text(
        "offers.line",
        style,
        number=number,
        title=quoted(record_text(item.get("title")), style),
        details=", ".join(d for d in details if d),
        start=start_text(item, style),
        why=why_text(item, style),
    )
    return line + link_text(item, style)


def offer_lines(payload: Mapping[str, Any], style: str = STYLE_DE) -> list[str]:
    start = int(payload.get("start_number") or 1)
    items = [i for i in payload.get("items") or [] if isinstance(i, Mapping)]
    return [offer_line(start + n, item, style) for n, item in enumerate(items)]


# ---------------------------------------------------------------- learning path


def _t(key: str, style: str, **values: Any) -> str:
    return text(f"path.{key}", style, **values)


def path_offer_line(offer: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """A catalogue offer linked to a step: „Title“ (Provider, Place, nächster Start …)."""
    start = format_date(offer.get("next_start"), style)
    start_text = _t("next_start", style, date=start) if start else ""
    title = quoted(record_text(offer.get("title")), style)
    place = record_text(offer.get("place") or offer.get("municipality"))
    return f"{title} ({record_text(offer.get('provider'))}, {place}{start_text})"


def step_line(step: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """One numbered step (learning-path payload) with duration, DQR level, funding, note and
    linked offers."""
    types = [record_text(t) for t in step.get("course_types") or []]
    parts = [
        _t(
            "step",
            style,
            number=step.get("number"),
            title=record_text(step.get("title")),
            optional=_t("optional", style) if step.get("optional") else "",
            types=_t("or", style).join(types) if types else _t("procedure_types", style),
            duration=record_text(step.get("duration")),
            dqr=record_text(step.get("dqr")),
        )
    ]
    funding = [record_text(f.get("label")) for f in step.get("funding") or []]
    if funding:
        parts.append(_t("funding", style, labels=", ".join(funding)))
    if step.get("note"):
        parts.append(record_text(step.get("note")))
    offers = [o for o in step.get("offers") or [] if isinstance(o, Mapping)]
    if offers:
        more = int(step.get("more_offers") or 0)
        more_text = _t("more_offers", style, count=more) if more > 0 else ""
        listed = "; ".join(path_offer_line(o, style) for o in offers)
        parts.append(_t("offers", style, listed=listed, more=more_text))
    elif step.get("kind") == "course":
        parts.append(_t("no_offer", style))
    return " ".join(parts)


def funding_lines(funding: Sequence[Mapping[str, Any]], style: str = STYLE_DE) -> list[str]:
    """ "Wer entscheidet" per funding instrument, each with its source URLs and Stand."""
    lines = []
    for note in funding:
        cited = "; ".join(
            f"{src.get('url')} {_t('stand', style, date=format_date_de(src.get('stand')))}"
            for src in note.get("sources") or []
        )
        office = record_text(note.get("office"))
        lines.append(
            _t(
                "funding_line",
                style,
                label=record_text(note.get("label")),
                office=office,
                cited=cited,
            )
        )
    return lines


def path_lines(payload: Mapping[str, Any], style: str = STYLE_DE) -> list[str]:
    """The steps, "who decides" with office and Stand per funding instrument, and the sources
    (one entry per unit that a split keeps together)."""
    lines = [step_line(s, style) for s in payload.get("steps") or [] if isinstance(s, Mapping)]
    funding = [f for f in payload.get("funding") or [] if isinstance(f, Mapping)]
    if funding:  # the heading stays with the first instrument (a part never ends with it)
        notes = funding_lines(funding, style)
        lines += [f"{_t('who_decides', style)}\n{notes[0]}", *notes[1:]]
    sources = [s for s in payload.get("sources") or [] if isinstance(s, Mapping)]
    urls = "; ".join(str(s.get("url")) for s in sources if s.get("cited", True))
    lines.append(_t("sources", style, stand=format_date_de(payload.get("stand")), urls=urls))
    return lines
