"""Pure German formatting helpers for bot messages (no I/O, no tracker access).

Fixed dialogue texts live in the domain responses; this module only renders dynamic content
(offer lists, reasons, relaxation notes) in formal German ("Sie").
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


def format_km(value: Any) -> str | None:
    """12.34 -> "12 km" (German decimal comma below 10 km: "3,5 km")."""
    try:
        km = float(value)
    except (TypeError, ValueError):
        return None
    if km < 1:
        return "unter 1 km"
    if km < 10:
        return f"{km:.1f}".replace(".", ",") + " km"
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


def profile_summary(profile: Profile, reach_km: float) -> str:
    """One line describing the search, e.g. "Umschulung / Berufswechsel, Teilzeit, ..."."""
    parts = []
    if profile.goal:
        parts.append(GOALS.get(profile.goal, profile.goal))
    if profile.target_occupation:
        parts.append(f"Ziel: {profile.target_occupation}")
    if profile.time_model:
        parts.append(TIME_MODELS.get(profile.time_model, profile.time_model))
    if profile.format and profile.format != c.FORMAT_ANY:
        parts.append(FORMATS.get(profile.format, profile.format))
    if profile.municipality:
        parts.append(f"bis {reach_km:.0f} km um {profile.municipality} oder online")
    return ", ".join(parts)


def _place_text(raw: Mapping[str, Any]) -> str:
    place = str(raw.get("municipality") or "")
    if not place or place == ONLINE_MUNICIPALITY or raw.get("format") == "online":
        return "online"
    km = format_km(raw.get("distance_km"))
    return f"{place} ({km})" if km else place


def offer_line(number: int, raw: Mapping[str, Any]) -> str:
    """One numbered list entry: title, provider, place, format/time model, next start, reasons."""
    item = recommendation_item(raw)
    details = [item["provider"], _place_text(raw)]
    if item["format"] in FORMATS and item["format"] != "online":
        details.append(FORMATS[item["format"]])
    if item["time_model"] in TIME_MODELS:
        details.append(TIME_MODELS[item["time_model"]])
    start = format_date_de(item["next_start"])
    start_text = (
        f"Nächster Start: {start}." if start else "Start: laufender Einstieg oder auf Anfrage."
    )
    reasons = [r["text"] for r in item["reasons"][:MAX_REASONS_IN_TEXT]]
    reason_text = f" Warum: {'; '.join(reasons)}." if reasons else ""
    details_text = ", ".join(d for d in details if d)
    return f"{number}. „{item['title']}“ – {details_text}. {start_text}{reason_text}"


def relaxation_note(codes: Sequence[str], reach_km: float) -> str | None:
    """Honest note on what was relaxed to find enough offers."""
    notes = []
    if RELAX_KLDB_GROUP in codes:
        notes.append("auch verwandte Berufe derselben Berufsgruppe einbezogen")
    if RELAX_WIDER_AREA in codes:
        notes.append(f"den Umkreis auf {reach_km * WIDER_AREA_FACTOR:.0f} km erweitert")
    if not notes:
        return None
    return (
        "Hinweis: Es gab nur wenige genau passende Angebote, deshalb habe ich "
        + " und ".join(notes)
        + "."
    )


def recommendations_text(
    hits: Sequence[Mapping[str, Any]],
    profile: Profile,
    reach_km: float,
    relaxed: Sequence[str] = (),
    more: bool = False,
    start_number: int = 1,
    with_list: bool = True,
) -> str:
    """The readable message that accompanies the recommendation payload.

    ``with_list=False`` leaves out the numbered offer list, for channels that render the payload as cards.
    """
    count = len(hits)
    if count == 1:
        lead = "Hier ist ein weiteres Angebot" if more else "Hier ist ein passendes Angebot"
    else:
        lead = f"Hier sind {count} {'weitere' if more else 'passende'} Angebote"
    summary = profile_summary(profile, reach_km)
    lines = [f"{lead}{f' ({summary})' if summary else ''}:"]
    if with_list:
        lines += [offer_line(start_number + i, hit) for i, hit in enumerate(hits)]
    if count < c.MIN_RESULTS:
        lines.append("Mehr passende Angebote habe ich für Ihre Angaben leider nicht gefunden.")
    note = relaxation_note(relaxed, reach_km)
    if note:
        lines.append(note)
    if any(hit.get("example_fields") for hit in hits):
        lines.append(
            "Bitte beachten Sie: Einzelne Angaben (z. B. Termine) sind Beispieldaten "
            "des Demonstrationskatalogs."
        )
    lines.append(
        "Fragen Sie „Warum passt das?“ für die Begründung oder „Weitere Angebote“ für mehr."
    )
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
        r"(?:nr\.?|nummer|angebot|vorschlag|#)\s*(\d{1,2})\b|\b(\d{1,2})\.?\s*(?:angebot|kurs|vorschlag)",
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
    items: Sequence[Mapping[str, Any]], index: int | None = None, start_number: int = 1
) -> str:
    """Explain recommendations only from the reasons the search service gave."""
    chosen: Iterable[tuple[int, Mapping[str, Any]]] = (
        [(index, items[index])] if index is not None else enumerate(items)
    )
    lines = [
        "So bin ich zu den Vorschlägen gekommen (nur anhand überprüfbarer Angaben "
        "der Angebote und Ihres Profils):"
    ]
    for i, item in chosen:
        reasons = [str(r.get("text")) for r in item.get("reasons") or [] if r.get("text")]
        reason_text = (
            "; ".join(reasons) if reasons else "keine besonderen Gründe über die Suchanfrage hinaus"
        )
        lines.append(f"{start_number + i}. „{item.get('title')}“: {reason_text}.")
    lines.append(
        "Ob eine Förderung für Sie möglich ist, entscheidet die zuständige Stelle – "
        "fragen Sie mich gern nach Förderung."
    )
    return "\n".join(lines)


NO_OFFERS_SHOWN_TEXT = (
    "Ich habe Ihnen in diesem Gespräch noch keine Angebote gezeigt. "
    "Sagen Sie mir gern, was Sie suchen, dann begründe ich meine Vorschläge."
)
NO_MORE_RESULTS_TEXT = "Weitere passende Angebote habe ich für Ihre Angaben nicht gefunden."
