"""Pure formatting helpers for bot messages (no I/O, no tracker access).

Fixed dialogue texts live in the domain responses; this module only renders dynamic content
(offer lists, reasons, relaxation notes). Every text helper takes a ``style``:

- ``STYLE_DE`` (default): formal German ("Sie");
- ``STYLE_PLAIN``: einfache Sprache - short sentences, common words, no abbreviations, one
  piece of information per sentence;
- ``STYLE_EN``: English.

:func:`reply_style` derives the style from the slots ``reply_language`` and ``plain_language``.
Reasons are shown as the search service wrote them (German).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.actions import constants as c
from bot.actions.utils.profile import RELAX_KLDB_GROUP, RELAX_WIDER_AREA, WIDER_AREA_FACTOR, Profile
from knowledge.schema import FORMATS, GOALS, ONLINE_MUNICIPALITY, TIME_MODELS

MAX_REASONS_IN_TEXT = 2

STYLE_DE = "de"
STYLE_PLAIN = "de_plain"
STYLE_EN = "en"
STYLES = (STYLE_DE, STYLE_PLAIN, STYLE_EN)


def reply_style(language: Any, plain: Any) -> str:
    """Style for the slot values ``reply_language`` ("de"/"en") and ``plain_language`` (bool)."""
    if language == "en":
        return STYLE_EN
    return STYLE_PLAIN if plain is True else STYLE_DE


def style_of_slots(slots: Mapping[str, Any]) -> str:
    """Reply style from a mapping of slot values (e.g. ``tracker.current_slot_values()``)."""
    return reply_style(slots.get(c.SLOT_REPLY_LANGUAGE), slots.get(c.SLOT_PLAIN_LANGUAGE))


LABELS: dict[str, dict[str, Mapping[str, str]]] = {
    STYLE_DE: {"goal": GOALS, "time_model": TIME_MODELS, "format": FORMATS},
    STYLE_PLAIN: {
        "goal": {
            "weiterbildung": "mehr lernen für den Beruf",
            "umschulung": "einen neuen Beruf lernen",
            "wiedereinstieg": "wieder arbeiten nach einer Pause",
            "aufstieg": "im Beruf aufsteigen",
        },
        "time_model": {
            "vollzeit": "Vollzeit",
            "teilzeit": "Teilzeit",
            "berufsbegleitend": "neben der Arbeit",
        },
        "format": {"praesenz": "vor Ort", "online": "online", "hybrid": "vor Ort und online"},
    },
    STYLE_EN: {
        "goal": {
            "weiterbildung": "further training in your job",
            "umschulung": "retraining / career change",
            "wiedereinstieg": "returning to work",
            "aufstieg": "promotion",
        },
        "time_model": {
            "vollzeit": "full-time",
            "teilzeit": "part-time",
            "berufsbegleitend": "alongside your job (evenings/weekends)",
        },
        "format": {
            "praesenz": "on site",
            "online": "online",
            "hybrid": "hybrid (on site and online)",
        },
    },
}

TEXTS: dict[str, dict[str, str]] = {
    STYLE_DE: {
        "lead_one": "Hier ist ein passendes Angebot",
        "lead_one_more": "Hier ist ein weiteres Angebot",
        "lead_many": "Hier sind {count} passende Angebote",
        "lead_many_more": "Hier sind {count} weitere Angebote",
        "target": "Ziel: {target}",
        "area": "bis {km:.0f} km um {place} oder online",
        "next_start": "Nächster Start: {date}.",
        "no_start": "Start: laufender Einstieg oder auf Anfrage.",
        "why": " Warum: {reasons}.",
        "few": "Mehr passende Angebote habe ich für Ihre Angaben leider nicht gefunden.",
        "relax_group": "auch verwandte Berufe derselben Berufsgruppe einbezogen",
        "relax_area": "den Umkreis auf {km:.0f} km erweitert",
        "relax_note": (
            "Hinweis: Es gab nur wenige genau passende Angebote, deshalb habe ich {notes}."
        ),
        "relax_join": " und ",
        "example_data": (
            "Bitte beachten Sie: Einzelne Angaben (z. B. Termine) sind Beispieldaten "
            "des Demonstrationskatalogs."
        ),
        "follow_up": (
            "Fragen Sie „Warum passt das?“ für die Begründung oder „Weitere Angebote“ für mehr."
        ),
        "explain_lead": (
            "So bin ich zu den Vorschlägen gekommen (nur anhand überprüfbarer Angaben "
            "der Angebote und Ihres Profils):"
        ),
        "explain_none": "keine besonderen Gründe über die Suchanfrage hinaus",
        "explain_funding": (
            "Ob eine Förderung für Sie möglich ist, entscheidet die zuständige Stelle – "
            "fragen Sie mich gern nach Förderung."
        ),
        "no_offers_shown": (
            "Ich habe Ihnen in diesem Gespräch noch keine Angebote gezeigt. "
            "Sagen Sie mir gern, was Sie suchen, dann begründe ich meine Vorschläge."
        ),
        "no_more_results": "Weitere passende Angebote habe ich für Ihre Angaben nicht gefunden.",
        "under_1_km": "unter 1 km",
        "delete_confirmation": (
            "Ich lösche jetzt dieses Gespräch: Ihre Nachrichten und alle Angaben, die Sie mir "
            "gemacht haben (Beruf, Wohnort, Ziel, Zeitmodell, Lernform, die gezeigten "
            "Angebote und einen Rückrufwunsch). Das Gespräch wird auch aus dem "
            "Gesprächsspeicher des Servers entfernt. "
            "Sie können jederzeit neu beginnen."
        ),
    },
    STYLE_PLAIN: {
        "lead_one": "Ich habe einen Kurs für Sie gefunden",
        "lead_one_more": "Ich habe noch einen Kurs für Sie gefunden",
        "lead_many": "Ich habe {count} Kurse für Sie gefunden",
        "lead_many_more": "Ich habe noch {count} Kurse für Sie gefunden",
        "target": "Ziel: {target}",
        "area": "bis {km:.0f} Kilometer um {place} oder online",
        "next_start": "Der Kurs beginnt am {date}.",
        "no_start": "Sie können jederzeit anfangen. Oder Sie fragen beim Anbieter.",
        "why": " Der Kurs passt: {reasons}.",
        "few": "Mehr Kurse habe ich nicht gefunden.",
        "relax_group": "auch ähnliche Berufe gesucht",
        "relax_area": "auch weiter weg gesucht. Bis {km:.0f} Kilometer",
        "relax_note": "Es gab nur wenige passende Kurse. Deshalb habe ich {notes}.",
        "relax_join": ". Und ich habe ",
        "example_data": "Achtung: Manche Angaben sind nur Beispiele. Zum Beispiel die Termine.",
        "follow_up": (
            "Sie möchten wissen, warum ein Kurs passt? Dann schreiben Sie: Warum passt das? "
            "Sie möchten mehr Kurse sehen? Dann schreiben Sie: Weitere Angebote."
        ),
        "explain_lead": "Darum passen die Kurse zu Ihnen:",
        "explain_none": "Der Kurs passt zu Ihrer Suche",
        "explain_funding": (
            "Vielleicht bekommen Sie Geld für den Kurs. Das entscheidet ein Amt. "
            "Fragen Sie mich nach Förderung."
        ),
        "no_offers_shown": (
            "Ich habe Ihnen noch keine Kurse gezeigt. Sagen Sie mir: Was suchen Sie?"
        ),
        "no_more_results": "Ich habe keine weiteren Kurse gefunden.",
        "under_1_km": "unter 1 Kilometer",
        "delete_confirmation": (
            "Ich lösche jetzt dieses Gespräch. Ich lösche Ihre Nachrichten. "
            "Ich lösche auch alle Ihre Angaben. Ich lösche auch Ihren Wunsch nach einem Anruf. "
            "Sie können jederzeit neu anfangen."
        ),
    },
    STYLE_EN: {
        "lead_one": "Here is a suitable offer",
        "lead_one_more": "Here is another offer",
        "lead_many": "Here are {count} suitable offers",
        "lead_many_more": "Here are {count} more offers",
        "target": "goal: {target}",
        "area": "up to {km:.0f} km around {place} or online",
        "next_start": "Next start: {date}.",
        "no_start": "Start: ongoing entry or on request.",
        "why": " Why (in German): {reasons}.",
        "few": "I could not find more suitable offers for your details.",
        "relax_group": "also included related occupations of the same occupational group",
        "relax_area": "widened the search area to {km:.0f} km",
        "relax_note": "Note: there were only a few exact matches, so I {notes}.",
        "relax_join": " and ",
        "example_data": (
            "Please note: some details (for example dates) are sample data of the "
            "demonstration catalogue."
        ),
        "follow_up": (
            "Ask \"Why does this fit?\" for the reasons or \"More offers\" for more. "
            "Course descriptions are in German."
        ),
        "explain_lead": (
            "This is how I chose the suggestions (only from verifiable details of the offers "
            "and your profile; reasons in German):"
        ),
        "explain_none": "no particular reasons beyond your search",
        "explain_funding": (
            "Whether you can get funding is decided by the responsible office – "
            "feel free to ask me about funding."
        ),
        "no_offers_shown": (
            "I have not shown you any offers in this conversation yet. "
            "Tell me what you are looking for and I will explain my suggestions."
        ),
        "no_more_results": "I could not find any more suitable offers for your details.",
        "under_1_km": "under 1 km",
        "delete_confirmation": (
            "I am now deleting this conversation: your messages and everything you told me "
            "(occupation, place of residence, goal, time model, learning format, the offers "
            "shown and any callback request). The conversation is also removed from the "
            "server's conversation store. "
            "You can start again at any time."
        ),
    },
}


def quoted(title: Any, style: str = STYLE_DE) -> str:
    """A title in the style's quotation marks („…“ in German, "…" in English)."""
    return f'"{title}"' if style == STYLE_EN else f"„{title}“"


def text(key: str, style: str = STYLE_DE, **values: Any) -> str:
    """The text ``key`` in ``style`` (German if the style is unknown), filled with ``values``."""
    template = TEXTS.get(style, TEXTS[STYLE_DE])[key]
    return template.format(**values) if values else template


def label(kind: str, value: str, style: str = STYLE_DE) -> str:
    """Readable label of a canonical goal/time_model/format value in ``style``."""
    return LABELS.get(style, LABELS[STYLE_DE])[kind].get(value, value)


_ORDINALS = {
    "erste": 1,
    "ersten": 1,
    "erstes": 1,
    "zweite": 2,
    "zweiten": 2,
    "zweites": 2,
    "dritte": 3,
    "dritten": 3,
    "drittes": 3,
    "vierte": 4,
    "vierten": 4,
    "viertes": 4,
    "fünfte": 5,
    "fünften": 5,
    "fünftes": 5,
    "letzte": -1,
    "letzten": -1,
    "letztes": -1,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "last": -1,
}


def format_date_de(value: str | dt.date | None) -> str | None:
    """ISO date -> "01.03.2027"; None or malformed -> None."""
    if value is None:
        return None
    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return date.strftime("%d.%m.%Y")


def format_date(value: str | dt.date | None, style: str = STYLE_DE) -> str | None:
    """ISO date in the style's notation: "01.03.2027" (German) or "2027-03-01" (English)."""
    german = format_date_de(value)
    if german is None or style != STYLE_EN:
        return german
    day, month, year = german.split(".")
    return f"{year}-{month}-{day}"


def format_km(value: Any, style: str = STYLE_DE) -> str | None:
    """12.34 -> "12 km" (German decimal comma below 10 km: "3,5 km"; English "3.5 km")."""
    try:
        km = float(value)
    except (TypeError, ValueError):
        return None
    if km < 1:
        return text("under_1_km", style)
    if km < 10:
        number = f"{km:.1f}"
        return (number if style == STYLE_EN else number.replace(".", ",")) + " km"
    return f"{km:.0f} km"


def recommendation_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Project a search hit onto the recommendation payload item (docs/architecture.md)."""
    reasons = [
        {"code": str(r.get("code", "")), "text": str(r.get("text", ""))}
        for r in raw.get("reasons") or []
        if isinstance(r, Mapping) and r.get("text")
    ]
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
        "reasons": reasons,
    }


def profile_summary(profile: Profile, reach_km: float, style: str = STYLE_DE) -> str:
    """One line describing the search, e.g. "Umschulung / Berufswechsel, Teilzeit, ..."."""
    parts = []
    if profile.goal:
        parts.append(label("goal", profile.goal, style))
    if profile.target_occupation:
        parts.append(text("target", style, target=profile.target_occupation))
    if profile.time_model:
        parts.append(label("time_model", profile.time_model, style))
    if profile.format and profile.format != c.FORMAT_ANY:
        parts.append(label("format", profile.format, style))
    if profile.municipality:
        parts.append(text("area", style, km=reach_km, place=profile.municipality))
    return ", ".join(parts)


def _place_text(raw: Mapping[str, Any], style: str = STYLE_DE) -> str:
    place = str(raw.get("municipality") or "")
    if not place or place == ONLINE_MUNICIPALITY or raw.get("format") == "online":
        return "online"
    km = format_km(raw.get("distance_km"), style)
    return f"{place} ({km})" if km else place


def _plain_offer_line(number: int, item: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    """Einfache Sprache: one piece of information per sentence."""
    sentences = [f"{number}. Kurs: „{item['title']}“."]
    if item["provider"]:
        sentences.append(f"Anbieter: {item['provider']}.")
    place = _place_text(raw, STYLE_PLAIN)
    sentences.append("Der Kurs ist online." if place == "online" else f"Ort: {place}.")
    if item["format"] == "hybrid":
        sentences.append("Sie lernen vor Ort und online.")
    if item["time_model"] in TIME_MODELS:
        sentences.append(f"Zeit: {label('time_model', item['time_model'], STYLE_PLAIN)}.")
    start = format_date(item["next_start"], STYLE_PLAIN)
    sentences.append(
        text("next_start", STYLE_PLAIN, date=start) if start else text("no_start", STYLE_PLAIN)
    )
    reasons = [r["text"] for r in item["reasons"][:MAX_REASONS_IN_TEXT]]
    if reasons:
        sentences.append(text("why", STYLE_PLAIN, reasons="; ".join(reasons)).strip())
    return " ".join(sentences)


def offer_line(number: int, raw: Mapping[str, Any], style: str = STYLE_DE) -> str:
    """One numbered list entry: title, provider, place, format/time model, next start, reasons."""
    item = recommendation_item(raw)
    if style == STYLE_PLAIN:
        return _plain_offer_line(number, item, raw)
    details = [item["provider"], _place_text(raw, style)]
    if item["format"] in FORMATS and item["format"] != "online":
        details.append(label("format", item["format"], style))
    if item["time_model"] in TIME_MODELS:
        details.append(label("time_model", item["time_model"], style))
    start = format_date(item["next_start"], style)
    start_text = text("next_start", style, date=start) if start else text("no_start", style)
    reasons = [r["text"] for r in item["reasons"][:MAX_REASONS_IN_TEXT]]
    reason_text = text("why", style, reasons="; ".join(reasons)) if reasons else ""
    details_text = ", ".join(d for d in details if d)
    return f"{number}. {quoted(item['title'], style)} – {details_text}. {start_text}{reason_text}"


def relaxation_note(codes: Sequence[str], reach_km: float, style: str = STYLE_DE) -> str | None:
    """Honest note on what was relaxed to find enough offers."""
    notes = []
    if RELAX_KLDB_GROUP in codes:
        notes.append(text("relax_group", style))
    if RELAX_WIDER_AREA in codes:
        notes.append(text("relax_area", style, km=reach_km * WIDER_AREA_FACTOR))
    if not notes:
        return None
    return text("relax_note", style, notes=text("relax_join", style).join(notes))


def recommendations_text(
    hits: Sequence[Mapping[str, Any]],
    profile: Profile,
    reach_km: float,
    relaxed: Sequence[str] = (),
    more: bool = False,
    start_number: int = 1,
    with_list: bool = True,
    style: str = STYLE_DE,
) -> str:
    """The readable message that accompanies the recommendation payload.

    ``with_list=False`` leaves out the numbered offer list, for channels that render the payload as cards.
    """
    count = len(hits)
    key = ("lead_one" if count == 1 else "lead_many") + ("_more" if more else "")
    lead = text(key, style, count=count)
    summary = profile_summary(profile, reach_km, style)
    if style == STYLE_PLAIN:  # the summary would make the first sentence long
        lines = [f"{lead}."]
    else:
        lines = [f"{lead}{f' ({summary})' if summary else ''}:"]
    if with_list:
        lines += [offer_line(start_number + i, hit, style) for i, hit in enumerate(hits)]
    if count < c.MIN_RESULTS:
        lines.append(text("few", style))
    note = relaxation_note(relaxed, reach_km, style)
    if note:
        lines.append(note)
    if any(hit.get("example_fields") for hit in hits):
        lines.append(text("example_data", style))
    lines.append(text("follow_up", style))
    return "\n".join(lines)


def parse_offer_number(text: str | None) -> int | None:
    """The offer number a question refers to ("warum das zweite?", "Nr. 3"); -1 = the last one."""
    if not text:
        return None
    lowered = text.casefold()
    for word in re.findall(r"[a-zäöüß]+", lowered):
        if word in _ORDINALS:
            return _ORDINALS[word]
    match = re.search(
        r"(?:nr\.?|nummer|number|no\.|angebot|vorschlag|offer|#)\s*(\d{1,2})\b"
        r"|\b(\d{1,2})\.?\s*(?:angebot|kurs|vorschlag|offer|course)",
        lowered,
    )
    if match:
        return int(match.group(1) or match.group(2))
    return None


def offer_index(number: int | None, count: int, start_number: int = 1) -> int | None:
    """0-based index into the last shown list for an offer number (absolute, else relative)."""
    if number is None or count <= 0:
        return None
    if number == -1:
        return count - 1
    if start_number <= number < start_number + count:
        return number - start_number
    if 1 <= number <= count:
        return number - 1
    return None


def explanation_text(
    items: Sequence[Mapping[str, Any]],
    index: int | None = None,
    start_number: int = 1,
    style: str = STYLE_DE,
) -> str:
    """Explain recommendations only from the reasons the search service gave."""
    chosen: Iterable[tuple[int, Mapping[str, Any]]] = (
        [(index, items[index])] if index is not None else enumerate(items)
    )
    lines = [text("explain_lead", style)]
    for i, item in chosen:
        reasons = [str(r.get("text")) for r in item.get("reasons") or [] if r.get("text")]
        reason_text = "; ".join(reasons) if reasons else text("explain_none", style)
        lines.append(f"{start_number + i}. {quoted(item.get('title'), style)}: {reason_text}.")
    lines.append(text("explain_funding", style))
    return "\n".join(lines)


NO_OFFERS_SHOWN_TEXT = TEXTS[STYLE_DE]["no_offers_shown"]
NO_MORE_RESULTS_TEXT = TEXTS[STYLE_DE]["no_more_results"]
