"""Pure rendering of a resolved learning path (``knowledge.paths.ResolvedPath``).

One channel-neutral bot message: the custom payload ``{"type": "learning_path", ...}`` (with
``lead`` and ``footer`` lines) that the chat page renders as an ordered list of steps and from which
:mod:`rendering` composes the complete text for text channels (the step lines live there).
Every funding statement names the office that decides and the source with its "Stand" date.
No I/O and no tracker access here.

The text follows the reply style (formal German, einfache Sprache, English): the ``path.*``
fragments of the message catalogue (``i18n/locales``) frame the path data, which stays as the
knowledge base has it (German titles, notes, offices; English answers mark it "in German").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.actions.constants import PAYLOAD_LEARNING_PATH
from bot.actions.utils.style import STYLE_DE, STYLE_EN
from i18n import quoted, text
from knowledge.paths import LinkedOffer, ResolvedPath, ResolvedStep
from knowledge.schema import COURSE_TYPES, FORMATS
from rendering import lines, render

DISCLAIMER = text("path.disclaimer")
EXAMPLE_DATA_NOTE = text("path.example_data")
NO_OFFER_TEXT = text("path.no_offer")
PROCEDURE_TEXT = text("path.procedure")


def _t(key: str, style: str, **values: Any) -> str:
    """The learning-path fragment ``path.<key>`` of the message catalogue in ``style``."""
    return text(f"path.{key}", style, **values)


def format_number_de(value: float) -> str:
    """12.0 -> "12", 1.5 -> "1,5"."""
    return f"{value:g}".replace(".", ",")


def format_number(value: float, style: str = STYLE_DE) -> str:
    """12.0 -> "12"; 1.5 -> "1,5" (German) or "1.5" (English)."""
    return f"{value:g}" if style == STYLE_EN else format_number_de(value)


def format_months(months: float, style: str = STYLE_DE) -> str:
    """Duration: "1 Monat", "12 Monate (1 Jahr)", "36 Monate (3 Jahre)"; English "12 months (1
    year)"."""
    unit = _t("month", style) if months == 1 else _t("months", style)
    text = f"{format_number(months, style)} {unit}"
    if months >= 12 and months % 12 == 0:
        years = int(months // 12)
        text += f" ({years} {_t('year', style) if years == 1 else _t('years', style)})"
    return text


def dqr_text(level: int | None, style: str = STYLE_DE) -> str:
    return _t("dqr", style, level=level) if level else _t("no_dqr", style)


def step_duration_text(step: ResolvedStep, style: str = STYLE_DE) -> str:
    """Stated duration, with its explanation when the file gives one."""
    s = step.step
    if s.duration_months is not None and s.duration_text:
        return f"{format_months(s.duration_months, style)} – {s.duration_text}"
    if s.duration_months is not None:
        return format_months(s.duration_months, style)
    return s.duration_text or _t("duration_open", style)


def total_text(resolved: ResolvedPath, style: str = STYLE_DE) -> str:
    """Total duration of the non-optional steps ("insgesamt etwa 36 Monate (3 Jahre)")."""
    if resolved.total_months <= 0:
        return _t("total_open", style)
    months = format_months(resolved.total_months, style)
    return _t("total_min" if resolved.total_is_minimum else "total_about", style, months=months)


def offer_place(offer: LinkedOffer, style: str = STYLE_DE) -> str:
    """ "Haar (8,2 km)", "online" or "München"."""
    if offer.format == "online" or offer.municipality == "online":
        return "online"
    if offer.distance_km is None:
        return offer.municipality
    km = offer.distance_km
    distance = _t("under_1_km", style) if km < 1 else f"{format_number(round(km, 1), style)} km"
    return f"{offer.municipality} ({distance})"


def offer_line(offer: LinkedOffer, style: str = STYLE_DE) -> str:
    """„Title“ (Provider, Place, nächster Start …) – :func:`rendering.lines.path_offer_line`."""
    return lines.path_offer_line(_offer_item(offer, style), style)


def _head_and_footer(resolved: ResolvedPath, style: str) -> tuple[list[str], list[str]]:
    """The lines before the steps (lead, summary, start and target) and after them (example
    data, disclaimer)."""
    path = resolved.path
    steps = len(resolved.steps)
    head = [
        _t(
            "lead",
            style,
            title=quoted(path.title, style),
            count=steps,
            steps=_t("step_one" if steps == 1 else "step_many", style),
            total=total_text(resolved, style),
        ),
        _t("summary", style, summary=path.summary),
        _t("origin_target", style, origin=path.origin.label, target=path.target.label),
    ]
    footer = []
    if any(o.example_data for step in resolved.steps for o in step.offers):
        footer.append(_t("example_data", style))
    footer.append(_t("disclaimer", style))
    return head, footer


def learning_path_text(
    resolved: ResolvedPath, *, with_steps: bool = True, style: str = STYLE_DE
) -> str:
    """The complete text as a text client gets it (steps, who decides, sources – composed by
    :mod:`rendering`); ``with_steps=False``: what the own page shows above the list."""
    message = {"custom": learning_path_payload(resolved, style)}
    channel = "text" if with_steps else "page"
    return "\n".join(part.text for part in render(message, channel, style))


def _offer_item(offer: LinkedOffer, style: str = STYLE_DE) -> dict[str, Any]:
    return {
        "offer_id": offer.offer_id,
        "title": offer.title,
        "provider": offer.provider,
        "municipality": offer.municipality,
        "place": offer_place(offer, style),
        "format": offer.format,
        "format_label": FORMATS.get(offer.format, offer.format),
        "next_start": offer.next_start.isoformat() if offer.next_start else None,
        "distance_km": offer.distance_km,
        "url": offer.url,
        "example_data": offer.example_data,
    }


def _step_item(step: ResolvedStep, resolved: ResolvedPath, style: str = STYLE_DE) -> dict[str, Any]:
    s = step.step
    labels = {note.code: note.label for note in resolved.funding}
    return {
        "number": step.number,
        "title": s.title,
        "optional": s.optional,
        "kind": "course" if s.links_offers else "procedure",
        "course_types": [COURSE_TYPES.get(t, t) for t in s.course_types],
        "duration_months": s.duration_months,
        "duration": step_duration_text(step, style),
        "dqr_level": s.dqr_level,
        "dqr": dqr_text(s.dqr_level, style),
        "funding": [{"code": c, "label": labels.get(c, c)} for c in s.funding],
        "note": s.note,
        "offers": [_offer_item(o, style) for o in step.offers],
        "more_offers": max(0, step.offer_total - len(step.offers)),
        "no_offer_note": _t("no_offer" if s.links_offers else "procedure", style)
        if not step.offers
        else None,
    }


def learning_path_payload(resolved: ResolvedPath, style: str = STYLE_DE) -> dict[str, Any]:
    """The custom payload (JSON-ready). It has no ``text``/``buttons`` keys on purpose: on
    socket.io Rasa emits the payload itself as the message object. Generated texts (total,
    durations, DQR, notes, disclaimer) follow ``style``; the path data stays as it is."""
    by_id = {src.id: src for src in resolved.sources}
    path = resolved.path
    cited = set(path.source_ids)
    for step in path.steps:
        cited.update(step.source_ids)
    head, footer = _head_and_footer(resolved, style)
    return {
        "type": PAYLOAD_LEARNING_PATH,
        "style": style,
        "lead": "\n".join(head),
        "footer": "\n".join(footer),
        "path_id": path.id,
        "title": path.title,
        "summary": path.summary,
        "start": path.origin.label,
        "target": path.target.label,
        "total_months": resolved.total_months or None,
        "total": total_text(resolved, style),
        "municipality": resolved.municipality,
        "steps": [_step_item(step, resolved, style) for step in resolved.steps],
        "funding": [
            {
                "code": note.code,
                "label": note.label,
                "office": note.office,
                "sources": [
                    {"url": by_id[s].url, "stand": _iso(by_id[s].stand)}
                    for s in note.source_ids
                    if s in by_id
                ],
            }
            for note in resolved.funding
        ],
        "sources": [
            {"title": src.title, "url": src.url, "stand": _iso(src.stand), "cited": src.id in cited}
            for src in resolved.sources
        ],
        "stand": _iso(resolved.stand),
        "disclaimer": _t("disclaimer", style),
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
