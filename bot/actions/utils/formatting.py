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
from knowledge.vocabulary import RELAX_KLDB_GROUP, RELAX_WIDER_AREA, WIDER_AREA_FACTOR
from rendering import lines as text_lines
from rendering import render

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
    "recommendations_payload",
    "recommendations_text",
    "relaxation_note",
    "reply_style",
    "stored_item",
    "style_of_slots",
]

MAX_REASONS_IN_TEXT = text_lines.MAX_REASONS_IN_TEXT


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
        "distance_km": raw.get("distance_km"),
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


def offer_line(number: int, raw: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """One numbered list entry of a search hit (the line itself is :func:`rendering.lines.offer_line`)."""
    return text_lines.offer_line(number, recommendation_item(raw, style), style)


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


def recommendations_payload(
    hits: Sequence[Mapping[str, Any]],
    profile: Profile,
    reach_km: float,
    relaxed: Sequence[str] = (),
    more: bool = False,
    start_number: int = 1,
    style: str = STYLE_DE,
    notes: Sequence[str] = (),
    lead_text: str | None = None,
) -> dict[str, Any]:
    """The channel-neutral recommendations payload: the items with everything their text line
    needs, the ``lead`` (first line and ``notes``) and the ``footer`` (few results, what was
    relaxed, example data, follow-up). :mod:`rendering` composes lead + numbered offers + footer
    for text channels; the own page shows lead + footer and cards.

    ``notes`` (e.g. what an upgrade wish was mapped to) follow the first line; ``lead_text``
    replaces the first line (a list that is not "passend", such as alternatives to the target,
    must not be introduced as such).
    """
    count = len(hits)
    lead = plural("offers.lead_more" if more else "offers.lead", count, style)
    summary = profile_summary(profile, reach_km, style)
    if lead_text:
        head = [lead_text]
    elif style == STYLE_PLAIN:  # the summary would make the first sentence long
        head = [f"{lead}."]
    else:
        head = [f"{lead}{f' ({summary})' if summary else ''}:"]
    head += list(notes)
    footer = []
    if count < c.MIN_RESULTS:
        footer.append(text("offers.few", style))
    note = relaxation_note(relaxed, reach_km, style)
    if note:
        footer.append(note)
    if any("title" in (hit.get("example_fields") or ()) for hit in hits):
        footer.append(text("offers.example_course", style))  # the course itself is invented
    elif any(hit.get("example_fields") for hit in hits):
        footer.append(text("offers.example_data", style))
    footer.append(text("offers.follow_up", style))
    return {
        "type": c.PAYLOAD_RECOMMENDATIONS,
        "items": [recommendation_item(h, style) for h in hits],
        "start_number": start_number,
        "style": style,
        "lead": "\n".join(head),
        "footer": "\n".join(footer),
    }


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
    """The complete text of the recommendations as a text client gets it (``with_list=False``:
    the lead and footer only, the message text the action sends with the payload)."""
    payload = recommendations_payload(
        hits, profile, reach_km, relaxed, more, start_number, style, notes, lead_text
    )
    if not with_list:
        return f"{payload['lead']}\n{payload['footer']}"
    return "\n".join(part.text for part in render({"custom": payload}, "text", style))


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
