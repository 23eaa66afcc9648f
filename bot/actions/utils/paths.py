"""Pure German rendering of a resolved learning path (``knowledge.paths.ResolvedPath``).

Two outputs for one bot message: a readable text (formal "Sie") and the custom payload
``{"type": "learning_path", ...}`` that the chat page renders as an ordered list of steps.
Every funding statement names the office that decides and the source with its "Stand" date.
No I/O and no tracker access here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.actions.constants import PAYLOAD_LEARNING_PATH
from knowledge.paths import LinkedOffer, ResolvedPath, ResolvedStep
from knowledge.schema import COURSE_TYPES, FORMATS

DISCLAIMER = (
    "Das ist eine Orientierung, keine Zusage: Zulassung und Förderung prüft im Einzelfall "
    "die jeweils genannte Stelle."
)
EXAMPLE_DATA_NOTE = (
    "Einzelne Angaben der Katalogangebote (z. B. Termine) sind Beispieldaten des "
    "Demonstrationskatalogs."
)
NO_OFFER_TEXT = "Für diesen Schritt gibt es im Katalog kein Kursangebot."
PROCEDURE_TEXT = "Dieser Schritt ist kein Kurs, sondern ein Antrag oder eine Beratung."


def format_number_de(value: float) -> str:
    """12.0 -> "12", 1.5 -> "1,5"."""
    return f"{value:g}".replace(".", ",")


def format_months(months: float) -> str:
    """German duration: "1 Monat", "12 Monate (1 Jahr)", "36 Monate (3 Jahre)", "18 Monate"."""
    unit = "Monat" if months == 1 else "Monate"
    text = f"{format_number_de(months)} {unit}"
    if months >= 12 and months % 12 == 0:
        years = int(months // 12)
        text += f" ({years} {'Jahr' if years == 1 else 'Jahre'})"
    return text


def format_date_de(value: dt.date | None) -> str | None:
    return value.strftime("%d.%m.%Y") if value else None


def dqr_text(level: int | None) -> str:
    return f"DQR-Niveau {level}" if level else "kein eigener Berufsabschluss (kein DQR-Niveau)"


def step_duration_text(step: ResolvedStep) -> str:
    """Stated duration, with its explanation when the file gives one."""
    s = step.step
    if s.duration_months is not None and s.duration_text:
        return f"{format_months(s.duration_months)} – {s.duration_text}"
    if s.duration_months is not None:
        return format_months(s.duration_months)
    return s.duration_text or "Dauer je nach Angebot"


def total_text(resolved: ResolvedPath) -> str:
    """Total duration of the non-optional steps ("insgesamt etwa 36 Monate (3 Jahre)")."""
    if resolved.total_months <= 0:
        return "Dauer je nach Lehrgang"
    months = format_months(resolved.total_months)
    return f"mindestens {months}" if resolved.total_is_minimum else f"etwa {months}"


def _course_types(step: ResolvedStep) -> str:
    labels = [COURSE_TYPES.get(t, t) for t in step.step.course_types]
    return " oder ".join(labels) if labels else "Antrag oder Beratung"


def _funding_labels(step: ResolvedStep, resolved: ResolvedPath) -> list[str]:
    labels = {note.code: note.label for note in resolved.funding}
    return [labels.get(code, code) for code in step.step.funding]


def offer_place(offer: LinkedOffer) -> str:
    """ "Haar (8,2 km)", "online" or "München"."""
    if offer.format == "online" or offer.municipality == "online":
        return "online"
    if offer.distance_km is None:
        return offer.municipality
    km = offer.distance_km
    distance = "unter 1 km" if km < 1 else f"{format_number_de(round(km, 1))} km"
    return f"{offer.municipality} ({distance})"


def offer_line(offer: LinkedOffer) -> str:
    start = format_date_de(offer.next_start)
    start_text = f", nächster Start {start}" if start else ""
    return f"„{offer.title}“ ({offer.provider}, {offer_place(offer)}{start_text})"


def step_line(step: ResolvedStep, resolved: ResolvedPath) -> str:
    """One numbered step with duration, DQR level, funding, note and linked offers."""
    s = step.step
    optional = " (optional, später)" if s.optional else ""
    parts = [
        f"{step.number}. {s.title}{optional} – {_course_types(step)}; "
        f"Dauer: {step_duration_text(step)}; {dqr_text(s.dqr_level)}."
    ]
    funding = _funding_labels(step, resolved)
    if funding:
        parts.append(f"Förderung möglich: {', '.join(funding)}.")
    if s.note:
        parts.append(s.note)
    if step.offers:
        more = step.offer_total - len(step.offers)
        more_text = f" und {more} weitere" if more > 0 else ""
        listed = "; ".join(offer_line(o) for o in step.offers)
        parts.append(f"Angebote im Katalog: {listed}{more_text}.")
    elif s.links_offers:
        parts.append(NO_OFFER_TEXT)
    return " ".join(parts)


def funding_lines(resolved: ResolvedPath) -> list[str]:
    """ "Wer entscheidet" per funding instrument, each with its source URLs and Stand."""
    by_id = {src.id: src for src in resolved.sources}
    lines = []
    for note in resolved.funding:
        sources = [by_id[s] for s in note.source_ids if s in by_id]
        cited = "; ".join(
            f"{src.url} (Stand: {format_date_de(src.stand)})" for src in sources
        )
        lines.append(f"• {note.label}: {note.office} Quelle: {cited}")
    return lines


def sources_line(resolved: ResolvedPath) -> str:
    """URLs cited by the path and its steps (funding sources are cited with each office)."""
    cited = set(resolved.path.source_ids)
    for step in resolved.path.steps:
        cited.update(step.source_ids)
    stand = format_date_de(resolved.stand)
    urls = "; ".join(src.url for src in resolved.sources if src.id in cited)
    return f"Quellen zu Dauer, DQR-Niveau und Förderung (Stand: {stand}): {urls}"


def learning_path_text(resolved: ResolvedPath, *, with_steps: bool = True) -> str:
    """The message text; ``with_steps=False`` for channels that render the payload as a list."""
    path = resolved.path
    steps = len(resolved.steps)
    lines = [
        f"Ein möglicher Lernweg für Sie: „{path.title}“ – {steps} "
        f"{'Schritt' if steps == 1 else 'Schritte'}, insgesamt {total_text(resolved)}.",
        path.summary,
        f"Ausgangspunkt: {path.origin.label}. Ziel: {path.target.label}.",
    ]
    if with_steps:
        lines += [step_line(step, resolved) for step in resolved.steps]
        if resolved.funding:
            lines.append("Wer über die Förderung entscheidet:")
            lines += funding_lines(resolved)
        lines.append(sources_line(resolved))
    else:
        lines.append(
            "Die Schritte mit Dauer, DQR-Niveau, Förderung, passenden Angeboten und Quellen "
            "sehen Sie in der Übersicht."
        )
    if any(o.example_data for step in resolved.steps for o in step.offers):
        lines.append(EXAMPLE_DATA_NOTE)
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _offer_item(offer: LinkedOffer) -> dict[str, Any]:
    return {
        "offer_id": offer.offer_id,
        "title": offer.title,
        "provider": offer.provider,
        "municipality": offer.municipality,
        "place": offer_place(offer),
        "format": offer.format,
        "format_label": FORMATS.get(offer.format, offer.format),
        "next_start": offer.next_start.isoformat() if offer.next_start else None,
        "distance_km": offer.distance_km,
        "url": offer.url,
        "example_data": offer.example_data,
    }


def _step_item(step: ResolvedStep, resolved: ResolvedPath) -> dict[str, Any]:
    s = step.step
    labels = {note.code: note.label for note in resolved.funding}
    return {
        "number": step.number,
        "title": s.title,
        "optional": s.optional,
        "kind": "course" if s.links_offers else "procedure",
        "course_types": [COURSE_TYPES.get(t, t) for t in s.course_types],
        "duration_months": s.duration_months,
        "duration": step_duration_text(step),
        "dqr_level": s.dqr_level,
        "dqr": dqr_text(s.dqr_level),
        "funding": [{"code": c, "label": labels.get(c, c)} for c in s.funding],
        "note": s.note,
        "offers": [_offer_item(o) for o in step.offers],
        "more_offers": max(0, step.offer_total - len(step.offers)),
        "no_offer_note": (NO_OFFER_TEXT if s.links_offers else PROCEDURE_TEXT)
        if not step.offers
        else None,
    }


def learning_path_payload(resolved: ResolvedPath) -> dict[str, Any]:
    """The custom payload (JSON-ready). It has no ``text``/``buttons`` keys on purpose: on
    socket.io Rasa emits the payload itself as the message object."""
    by_id = {src.id: src for src in resolved.sources}
    path = resolved.path
    return {
        "type": PAYLOAD_LEARNING_PATH,
        "path_id": path.id,
        "title": path.title,
        "summary": path.summary,
        "start": path.origin.label,
        "target": path.target.label,
        "total_months": resolved.total_months or None,
        "total": total_text(resolved),
        "municipality": resolved.municipality,
        "steps": [_step_item(step, resolved) for step in resolved.steps],
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
            {"title": src.title, "url": src.url, "stand": _iso(src.stand)}
            for src in resolved.sources
        ],
        "stand": _iso(resolved.stand),
        "disclaimer": DISCLAIMER,
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
