"""Recommendation messages: offer lists, reasons, relaxation notes, explanations (pure).

Fixed dialogue texts are domain responses; the fragments of these dynamic messages come from
the message catalogue (:mod:`i18n`, keys ``offers.*``), in the reply style of the conversation
(:mod:`bot.actions.utils.style`). Reasons arrive from the search service as codes with
parameters and are rendered here in that style (:mod:`i18n.reasons`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.actions import constants as c
from bot.actions.utils.offer_refs import offer_index, parse_offer_number
from bot.actions.utils.profile import Profile
from bot.actions.utils.style import (
    STYLE_DE,
    STYLE_EN,
    STYLE_PLAIN,
    STYLES,
    format_date,
    format_date_de,
    format_km,
    label,
    quoted,
    reply_style,
    style_of_slots,
)
from i18n import plural, text
from i18n.reasons import rendered_reasons
from knowledge.schema import FORMATS, ONLINE_MUNICIPALITY, TIME_MODELS
from knowledge.vocabulary import RELAX_KLDB_GROUP, RELAX_WIDER_AREA, WIDER_AREA_FACTOR

# re-exported for the modules that still import them from here (utils.paths, utils.nearby)
__all__ = [
    "STYLE_DE",
    "STYLE_EN",
    "STYLE_PLAIN",
    "STYLES",
    "explanation_text",
    "format_date",
    "format_date_de",
    "format_km",
    "label",
    "offer_index",
    "offer_line",
    "parse_offer_number",
    "profile_summary",
    "quoted",
    "recommendation_item",
    "recommendations_text",
    "relaxation_note",
    "reply_style",
    "stored_item",
    "style_of_slots",
]

MAX_REASONS_IN_TEXT = 2


def _raw_reasons(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The search hit's reasons as code + params (what follow-ups store and render again)."""
    return [
        {"code": str(r.get("code", "")), "params": dict(r.get("params") or {})}
        for r in raw.get("reasons") or []
        if isinstance(r, Mapping) and r.get("code")
    ]


def recommendation_item(raw: Mapping[str, Any], style: str = STYLE_DE) -> dict[str, Any]:
    """Project a search hit onto the recommendation payload item (docs/architecture.md); the
    reasons are rendered in ``style`` (``[{"code", "text"}]``)."""
    return {
        "offer_id": str(raw.get("offer_id") or raw.get("id") or ""),
        "title": str(raw.get("title") or ""),
        "provider": str(raw.get("provider") or ""),
        "municipality": str(raw.get("municipality") or ""),
        "format": raw.get("format"),
        "time_model": raw.get("time_model"),
        "kldb_targets": [str(x) for x in raw.get("kldb_targets") or []],
        "shortage_occupation": bool(raw.get("shortage_occupation", False)),
        "url": raw.get("url"),
        "next_start": raw.get("next_start"),
        "reasons": rendered_reasons(_raw_reasons(raw), style),
    }


def stored_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    """What the ``last_search`` slot keeps of a shown offer: id, title and the reason codes
    with parameters, so that an explanation is rendered in the style of the moment."""
    return {
        "offer_id": str(raw.get("offer_id") or raw.get("id") or ""),
        "title": str(raw.get("title") or ""),
        "reasons": _raw_reasons(raw),
    }


def profile_summary(profile: Profile, reach_km: float, style: str = STYLE_DE) -> str:
    """One line describing the search, e.g. "Umschulung / Berufswechsel, Teilzeit, ..."."""
    parts = []
    if profile.goal:
        parts.append(label("goal", profile.goal, style))
    if profile.target_occupation:
        parts.append(text("offers.target", style, target=profile.target_occupation))
    if profile.time_model:
        parts.append(label("time_model", profile.time_model, style))
    if profile.format and profile.format != c.FORMAT_ANY:
        parts.append(label("format", profile.format, style))
    if profile.municipality:
        parts.append(text("offers.area", style, km=reach_km, place=profile.municipality))
    return ", ".join(parts)


def _is_online(raw: Mapping[str, Any]) -> bool:
    place = str(raw.get("municipality") or "")
    return not place or place == ONLINE_MUNICIPALITY or raw.get("format") == "online"


def _place_text(raw: Mapping[str, Any], style: str = STYLE_DE) -> str:
    if _is_online(raw):
        return text("offers.online", style)
    place = str(raw.get("municipality") or "")
    km = format_km(raw.get("distance_km"), style)
    return text("offers.place_km", style, place=place, km=km) if km else place


def _start_text(item: Mapping[str, Any], style: str) -> str:
    start = format_date(item["next_start"], style)
    return text("offers.next_start", style, date=start) if start else text("offers.no_start", style)


def _reason_texts(item: Mapping[str, Any], style: str) -> str:
    reasons = [r["text"] for r in item["reasons"][:MAX_REASONS_IN_TEXT]]
    return text("offers.reason_join", style).join(reasons)


def _plain_offer_line(number: int, item: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    """Einfache Sprache: one piece of information per sentence."""
    style = STYLE_PLAIN
    sentences = [
        text("offers.plain_title", style, number=number, title=quoted(item["title"], style))
    ]
    if item["provider"]:
        sentences.append(text("offers.plain_provider", style, provider=item["provider"]))
    if _is_online(raw):
        sentences.append(text("offers.plain_online", style))
    else:
        sentences.append(text("offers.plain_place", style, place=_place_text(raw, style)))
    if item["format"] == "hybrid":
        sentences.append(text("offers.plain_hybrid", style))
    if item["time_model"] in TIME_MODELS:
        sentences.append(
            text(
                "offers.plain_time",
                style,
                time_model=label("time_model", item["time_model"], style),
            )
        )
    sentences.append(_start_text(item, style))
    reasons = _reason_texts(item, style)
    if reasons:
        sentences.append(text("offers.why", style, reasons=reasons).strip())
    return " ".join(sentences)


def offer_line(number: int, raw: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """One numbered list entry: title, provider, place, format/time model, next start, reasons."""
    item = recommendation_item(raw, style)
    if style == STYLE_PLAIN:
        return _plain_offer_line(number, item, raw)
    details = [item["provider"], _place_text(raw, style)]
    if item["format"] in FORMATS and item["format"] != "online":
        details.append(label("format", item["format"], style))
    if item["time_model"] in TIME_MODELS:
        details.append(label("time_model", item["time_model"], style))
    reasons = _reason_texts(item, style)
    return text(
        "offers.line",
        style,
        number=number,
        title=quoted(item["title"], style),
        details=", ".join(d for d in details if d),
        start=_start_text(item, style),
        why=text("offers.why", style, reasons=reasons) if reasons else "",
    )


def relaxation_note(codes: Sequence[str], reach_km: float, style: str = STYLE_DE) -> str | None:
    """Honest note on what was relaxed to find enough offers."""
    notes = []
    if RELAX_KLDB_GROUP in codes:
        notes.append(text("offers.relax_group", style))
    if RELAX_WIDER_AREA in codes:
        notes.append(text("offers.relax_area", style, km=reach_km * WIDER_AREA_FACTOR))
    if not notes:
        return None
    return text("offers.relax_note", style, notes=text("offers.relax_join", style).join(notes))


def recommendations_text(
    hits: Sequence[Mapping[str, Any]],
    profile: Profile,
    reach_km: float,
    relaxed: Sequence[str] = (),
    more: bool = False,
    start_number: int = 1,
    with_list: bool = True,
    style: str = STYLE_DE,
    notes: Sequence[str] = (),
    lead_text: str | None = None,
) -> str:
    """The readable message that accompanies the recommendation payload.

    ``with_list=False`` leaves out the numbered offer list, for channels that render the payload as cards.
    ``notes`` (e.g. what an upgrade wish was mapped to, or that a list holds alternatives) follow
    the first line; ``lead_text`` replaces the first line (a list that is not "passend", such
    as alternatives to the target, must not be introduced as such).
    """
    count = len(hits)
    lead = plural("offers.lead_more" if more else "offers.lead", count, style)
    summary = profile_summary(profile, reach_km, style)
    if lead_text:
        lines = [lead_text]
    elif style == STYLE_PLAIN:  # the summary would make the first sentence long
        lines = [f"{lead}."]
    else:
        lines = [f"{lead}{f' ({summary})' if summary else ''}:"]
    lines += list(notes)
    if with_list:
        lines += [offer_line(start_number + i, hit, style) for i, hit in enumerate(hits)]
    if count < c.MIN_RESULTS:
        lines.append(text("offers.few", style))
    note = relaxation_note(relaxed, reach_km, style)
    if note:
        lines.append(note)
    if any("title" in (hit.get("example_fields") or ()) for hit in hits):
        lines.append(text("offers.example_course", style))  # the course itself is invented
    elif any(hit.get("example_fields") for hit in hits):
        lines.append(text("offers.example_data", style))
    lines.append(text("offers.follow_up", style))
    return "\n".join(lines)


def explanation_text(
    items: Sequence[Mapping[str, Any]],
    index: int | None = None,
    start_number: int = 1,
    style: str = STYLE_DE,
) -> str:
    """Explain recommendations only from the reasons the search service gave (``items`` as
    :func:`stored_item` keeps them), rendered in ``style``."""
    chosen: Iterable[tuple[int, Mapping[str, Any]]] = (
        [(index, items[index])] if index is not None else enumerate(items)
    )
    lines = [text("offers.explain_lead", style)]
    for i, item in chosen:
        reasons = [r["text"] for r in rendered_reasons(item.get("reasons") or [], style)]
        reason_text = (
            text("offers.reason_join", style).join(reasons)
            if reasons
            else text("offers.explain_none", style)
        )
        lines.append(
            text(
                "offers.explain_line",
                style,
                number=start_number + i,
                title=quoted(item.get("title"), style),
                reasons=reason_text,
            )
        )
    lines.append(text("offers.explain_funding", style))
    return "\n".join(lines)
