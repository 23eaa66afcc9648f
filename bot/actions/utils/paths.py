"""Pure rendering of a resolved learning path (``knowledge.paths.ResolvedPath``).

Two outputs for one bot message: a readable text and the custom payload
``{"type": "learning_path", ...}`` that the chat page renders as an ordered list of steps.
Every funding statement names the office that decides and the source with its "Stand" date.
No I/O and no tracker access here.

The text follows the reply style (formal German, einfache Sprache, English; see
:mod:`bot.actions.utils.formatting`): the templates below frame the path data, which stays as
the knowledge base has it (German titles, notes, offices; English answers mark it "in German").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.actions.constants import PAYLOAD_LEARNING_PATH
from bot.actions.utils.formatting import STYLE_DE, STYLE_EN, STYLE_PLAIN, quoted
from knowledge.paths import LinkedOffer, ResolvedPath, ResolvedStep
from knowledge.schema import COURSE_TYPES, FORMATS

TEXTS: dict[str, dict[str, str]] = {
    STYLE_DE: {
        "disclaimer": (
            "Das ist eine Orientierung, keine Zusage: Zulassung und Förderung prüft im "
            "Einzelfall die jeweils genannte Stelle."
        ),
        "example_data": (
            "Einzelne Angaben der Katalogangebote (z. B. Termine) sind Beispieldaten des "
            "Demonstrationskatalogs."
        ),
        "no_offer": "Für diesen Schritt gibt es im Katalog kein Kursangebot.",
        "procedure": "Dieser Schritt ist kein Kurs, sondern ein Antrag oder eine Beratung.",
        "month": "Monat", "months": "Monate", "year": "Jahr", "years": "Jahre",
        "duration_open": "Dauer je nach Angebot",
        "total_open": "Dauer je nach Lehrgang",
        "total_min": "mindestens {months}",
        "total_about": "etwa {months}",
        "dqr": "DQR-Niveau {level}",
        "no_dqr": "kein eigener Berufsabschluss (kein DQR-Niveau)",
        "or": " oder ",
        "procedure_types": "Antrag oder Beratung",
        "optional": " (optional, später)",
        "step": "{number}. {title}{optional} – {types}; Dauer: {duration}; {dqr}.",
        "funding": "Förderung möglich: {labels}.",
        "offers": "Angebote im Katalog: {listed}{more}.",
        "more_offers": " und {count} weitere",
        "under_1_km": "unter 1 km",
        "next_start": ", nächster Start {date}",
        "funding_line": "• {label}: {office} Quelle: {cited}",
        "stand": "(Stand: {date})",
        "sources": "Quellen zu Dauer, DQR-Niveau und Förderung (Stand: {stand}): {urls}",
        "lead": "Ein möglicher Lernweg für Sie: {title} – {count} {steps}, insgesamt {total}.",
        "step_one": "Schritt", "step_many": "Schritte",
        "summary": "{summary}",
        "origin_target": "Ausgangspunkt: {origin}. Ziel: {target}.",
        "who_decides": "Wer über die Förderung entscheidet:",
        "see_overview": (
            "Die Schritte mit Dauer, DQR-Niveau, Förderung, passenden Angeboten und Quellen "
            "sehen Sie in der Übersicht."
        ),
    },
    STYLE_PLAIN: {
        "disclaimer": (
            "Das ist nur ein Vorschlag. Ob Sie den Kurs machen dürfen, prüft die genannte "
            "Stelle. Sie prüft auch das Geld."
        ),
        "example_data": "Achtung: Manche Angaben sind nur Beispiele. Zum Beispiel die Termine.",
        "no_offer": "Für diesen Schritt habe ich keinen Kurs gefunden.",
        "procedure": (
            "Dieser Schritt ist kein Kurs. Sie stellen einen Antrag oder gehen zur Beratung."
        ),
        "month": "Monat", "months": "Monate", "year": "Jahr", "years": "Jahre",
        "duration_open": "Das hängt vom Kurs ab",
        "total_open": "Das hängt vom Kurs ab",
        "total_min": "mindestens {months}",
        "total_about": "ungefähr {months}",
        "dqr": "DQR-Niveau {level}",
        "no_dqr": "Das ist kein eigener Berufsabschluss",
        "or": " oder ",
        "procedure_types": "Antrag oder Beratung",
        "optional": ". Das ist freiwillig. Sie können es später machen",
        "step": "{number}. Schritt: {title}{optional}. Art: {types}. Dauer: {duration}. {dqr}.",
        "funding": "Dafür gibt es vielleicht Geld: {labels}.",
        "offers": "Kurse: {listed}{more}.",
        "more_offers": ". Und {count} weitere Kurse",
        "under_1_km": "unter 1 Kilometer",
        "next_start": ", Beginn am {date}",
        "funding_line": "• {label}: {office} Quelle: {cited}",
        "stand": "(Stand: {date})",
        "sources": "Hier stehen die Angaben. Stand: {stand}. Quellen: {urls}",
        "lead": "Ein möglicher Weg für Sie: {title}. Er hat {count} {steps}. Er dauert {total}.",
        "step_one": "Schritt", "step_many": "Schritte",
        "summary": "{summary}",
        "origin_target": "Start: {origin}. Ziel: {target}.",
        "who_decides": "Wer über das Geld entscheidet:",
        "see_overview": "Alle Schritte sehen Sie in der Übersicht.",
    },
    STYLE_EN: {
        "disclaimer": (
            "This is guidance, not a promise: admission and funding are checked case by case "
            "by the office named."
        ),
        "example_data": (
            "Some details of the catalogue offers (for example dates) are sample data of the "
            "demonstration catalogue."
        ),
        "no_offer": "There is no course offer for this step in the catalogue.",
        "procedure": "This step is not a course but an application or counselling.",
        "month": "month", "months": "months", "year": "year", "years": "years",
        "duration_open": "duration depends on the offer",
        "total_open": "duration depends on the course",
        "total_min": "at least {months}",
        "total_about": "about {months}",
        "dqr": "DQR level {level} (German Qualifications Framework)",
        "no_dqr": "no vocational qualification of its own (no DQR level)",
        "or": " or ",
        "procedure_types": "application or counselling",
        "optional": " (optional, later)",
        "step": "{number}. {title}{optional} – {types}; duration: {duration}; {dqr}.",
        "funding": "Funding possible (German names): {labels}.",
        "offers": "Offers in the catalogue: {listed}{more}.",
        "more_offers": " and {count} more",
        "under_1_km": "under 1 km",
        "next_start": ", next start {date}",
        "funding_line": "• {label}: {office} Source: {cited}",
        "stand": "(as of / Stand: {date})",
        "sources": (
            "Sources on duration, DQR level and funding (as of / Stand: {stand}): {urls}"
        ),
        "lead": (
            "A possible learning path for you: {title} – {count} {steps}, {total} in total "
            "(step names and details in German)."
        ),
        "step_one": "step", "step_many": "steps",
        "summary": "(in German) {summary}",
        "origin_target": "Starting point: {origin}. Goal: {target}.",
        "who_decides": "Who decides on the funding (German office names):",
        "see_overview": (
            "You can see the steps with duration, DQR level, funding, matching offers and "
            "sources in the overview (in German)."
        ),
    },
}

DISCLAIMER = TEXTS[STYLE_DE]["disclaimer"]
EXAMPLE_DATA_NOTE = TEXTS[STYLE_DE]["example_data"]
NO_OFFER_TEXT = TEXTS[STYLE_DE]["no_offer"]
PROCEDURE_TEXT = TEXTS[STYLE_DE]["procedure"]


def _t(key: str, style: str, **values: Any) -> str:
    template = TEXTS.get(style, TEXTS[STYLE_DE])[key]
    return template.format(**values) if values else template


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


def format_date_de(value: dt.date | None) -> str | None:
    return value.strftime("%d.%m.%Y") if value else None


def format_date(value: dt.date | None, style: str = STYLE_DE) -> str | None:
    """"01.03.2027" (German) or "2027-03-01" (English)."""
    if value is None:
        return None
    return value.isoformat() if style == STYLE_EN else format_date_de(value)


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


def _course_types(step: ResolvedStep, style: str = STYLE_DE) -> str:
    labels = [COURSE_TYPES.get(t, t) for t in step.step.course_types]
    return _t("or", style).join(labels) if labels else _t("procedure_types", style)


def _funding_labels(step: ResolvedStep, resolved: ResolvedPath) -> list[str]:
    labels = {note.code: note.label for note in resolved.funding}
    return [labels.get(code, code) for code in step.step.funding]


def offer_place(offer: LinkedOffer, style: str = STYLE_DE) -> str:
    """ "Haar (8,2 km)", "online" or "München"."""
    if offer.format == "online" or offer.municipality == "online":
        return "online"
    if offer.distance_km is None:
        return offer.municipality
    km = offer.distance_km
    distance = (
        _t("under_1_km", style) if km < 1 else f"{format_number(round(km, 1), style)} km"
    )
    return f"{offer.municipality} ({distance})"


def offer_line(offer: LinkedOffer, style: str = STYLE_DE) -> str:
    start = format_date(offer.next_start, style)
    start_text = _t("next_start", style, date=start) if start else ""
    place = offer_place(offer, style)
    return f"{quoted(offer.title, style)} ({offer.provider}, {place}{start_text})"


def step_line(step: ResolvedStep, resolved: ResolvedPath, style: str = STYLE_DE) -> str:
    """One numbered step with duration, DQR level, funding, note and linked offers."""
    s = step.step
    parts = [
        _t(
            "step", style, number=step.number, title=s.title,
            optional=_t("optional", style) if s.optional else "",
            types=_course_types(step, style), duration=step_duration_text(step, style),
            dqr=dqr_text(s.dqr_level, style),
        )
    ]
    funding = _funding_labels(step, resolved)
    if funding:
        parts.append(_t("funding", style, labels=", ".join(funding)))
    if s.note:
        parts.append(s.note)
    if step.offers:
        more = step.offer_total - len(step.offers)
        more_text = _t("more_offers", style, count=more) if more > 0 else ""
        listed = "; ".join(offer_line(o, style) for o in step.offers)
        parts.append(_t("offers", style, listed=listed, more=more_text))
    elif s.links_offers:
        parts.append(_t("no_offer", style))
    return " ".join(parts)


def funding_lines(resolved: ResolvedPath, style: str = STYLE_DE) -> list[str]:
    """ "Wer entscheidet" per funding instrument, each with its source URLs and Stand."""
    by_id = {src.id: src for src in resolved.sources}
    lines = []
    for note in resolved.funding:
        sources = [by_id[s] for s in note.source_ids if s in by_id]
        cited = "; ".join(
            f"{src.url} {_t('stand', style, date=format_date_de(src.stand))}" for src in sources
        )
        lines.append(_t("funding_line", style, label=note.label, office=note.office, cited=cited))
    return lines


def sources_line(resolved: ResolvedPath, style: str = STYLE_DE) -> str:
    """URLs cited by the path and its steps (funding sources are cited with each office)."""
    cited = set(resolved.path.source_ids)
    for step in resolved.path.steps:
        cited.update(step.source_ids)
    stand = format_date_de(resolved.stand)
    urls = "; ".join(src.url for src in resolved.sources if src.id in cited)
    return _t("sources", style, stand=stand, urls=urls)


def learning_path_text(
    resolved: ResolvedPath, *, with_steps: bool = True, style: str = STYLE_DE
) -> str:
    """The message text; ``with_steps=False`` for channels that render the payload as a list."""
    path = resolved.path
    steps = len(resolved.steps)
    lines = [
        _t(
            "lead", style, title=quoted(path.title, style), count=steps,
            steps=_t("step_one" if steps == 1 else "step_many", style),
            total=total_text(resolved, style),
        ),
        _t("summary", style, summary=path.summary),
        _t("origin_target", style, origin=path.origin.label, target=path.target.label),
    ]
    if with_steps:
        lines += [step_line(step, resolved, style) for step in resolved.steps]
        if resolved.funding:
            lines.append(_t("who_decides", style))
            lines += funding_lines(resolved, style)
        lines.append(sources_line(resolved, style))
    else:
        lines.append(_t("see_overview", style))
    if any(o.example_data for step in resolved.steps for o in step.offers):
        lines.append(_t("example_data", style))
    lines.append(_t("disclaimer", style))
    return "\n".join(lines)


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


def _step_item(
    step: ResolvedStep, resolved: ResolvedPath, style: str = STYLE_DE
) -> dict[str, Any]:
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
    return {
        "type": PAYLOAD_LEARNING_PATH,
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
            {"title": src.title, "url": src.url, "stand": _iso(src.stand)}
            for src in resolved.sources
        ],
        "stand": _iso(resolved.stand),
        "disclaimer": _t("disclaimer", style),
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
