"""Values of schema.org Course data as publishers write them: texts, modes, durations, prices.

- ``courseMode``: a text, a list or a URL (its last path segment or fragment counts). Formats
  and time models come from the one vocabulary (``onsite``, ``blended``, ``online``,
  ``distance learning``, ``MOOC``, ``full-time``, ``part-time`` …, see
  ``knowledge/data/vocabulary_synonyms.csv``); Event's ``eventAttendanceMode`` members
  (``OnlineEventAttendanceMode`` …) count as formats. Other values (``synchronous``,
  ``Posted``) are ignored with a note.
- ``courseWorkload``: an ISO 8601 duration (``PT22H``, ``P2D``: Google's course-info format) or
  a German/English text with a total number of hours ("40 Unterrichtsstunden"); a figure per
  week or day is no total and is ignored.
- ``courseSchedule`` (``Schedule``): ``duration`` × ``repeatCount`` gives the total hours;
  ``startDate``/``endDate`` the dates.
- ``offers``: ``Offer`` or ``AggregateOffer`` (``price``, ``lowPrice`` = ``highPrice``), a
  number or German/English text; ``category: "Free"`` without a price means 0 €. Only EUR.
Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from knowledge.importers.ba_api import api_date, html_to_text
from knowledge.importers.values import (
    COURSE_TYPE_LABELS,
    FORMAT_LABELS,
    TIME_MODEL_LABELS,
    label_key,
    parse_amount,
)

#: Event.eventAttendanceMode members (schema.org enumeration) -> Offer.format
ATTENDANCE_MODES: dict[str, str] = {
    "onlineeventattendancemode": "online",
    "offlineeventattendancemode": "praesenz",
    "mixedeventattendancemode": "hybrid",
}
_ISO_DURATION = re.compile(
    r"P(?:(?P<w>\d+(?:[.,]\d+)?)W)?(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<m>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?"
)
_HOURS_TEXT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:unterrichts)?(?:stunden|std\.?|h\b|hours?|ue\b|unterrichtseinheiten)",
    re.IGNORECASE,
)
_PER_PERIOD = re.compile(
    r"\b(pro|per|je|a|jede[nr]?|each)\s+(woche|week|tag|day|monat|month|termin|abend)|"
    r"wöchentlich|weekly|täglich|daily|/\s*(woche|week|tag|day)",
    re.IGNORECASE,
)


def value_of(value: Any) -> Any:
    """First item of a list; the value of an ``{"@value": …}`` object."""
    if isinstance(value, list):
        value = next((v for v in value if v is not None), None)
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    return value


def text_of(value: Any, keys: tuple[str, ...] = ("name",)) -> str:
    """Stripped text of a value (a string, a number, or a node's ``name``)."""
    value = value_of(value)
    if isinstance(value, dict):
        value = next((value_of(value.get(k)) for k in keys if value_of(value.get(k))), None)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def texts_of(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (text_of(v, ("termCode", "name")) for v in items) if t]


def url_of(value: Any) -> str:
    """An absolute http(s) URL (a text or ``{"@id": …}``), else ``""``."""
    value = value_of(value)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    text = text_of(value)
    return text if re.match(r"https?://[^\s/]+\.[^\s/]+", text) else ""


def description_of(value: Any) -> str:
    return html_to_text(text_of(value)) if text_of(value) else ""


def mode_terms(value: Any) -> tuple[set[str], set[str], list[str]]:
    """(formats, time models, ignored terms) of ``courseMode``/``eventAttendanceMode``."""
    formats: set[str] = set()
    times: set[str] = set()
    ignored: list[str] = []
    for raw in value if isinstance(value, list) else [value]:
        term = text_of(raw, ("@id", "name"))
        if not term:
            continue
        word = re.split(r"[/#]", term.rstrip("/#"))[-1] if "://" in term else term
        key = label_key(word)
        if key in ATTENDANCE_MODES:
            formats.add(ATTENDANCE_MODES[key])
        elif key in FORMAT_LABELS:
            formats.add(FORMAT_LABELS[key])
        elif key in TIME_MODEL_LABELS:
            times.add(TIME_MODEL_LABELS[key])
        else:
            ignored.append(term)
    return formats, times, ignored


def combined_format(formats: set[str]) -> str | None:
    """One format of several mode terms: online and on-site together mean hybrid."""
    if not formats:
        return None
    if len(formats) == 1:
        return next(iter(formats))
    return "hybrid"


def _number(text: str | None) -> float:
    return float(text.replace(",", ".")) if text else 0.0


def iso_hours(text: str) -> float | None:
    """Hours of an ISO 8601 duration without years/months (``PT22H``, ``P2D``, ``P1W``)."""
    match = _ISO_DURATION.fullmatch(text.strip().upper())
    if not match or not any(match.groupdict().values()):
        return None
    g = match.groupdict()
    days = _number(g["w"]) * 7 + _number(g["d"])
    return days * 24 + _number(g["h"]) + _number(g["m"]) / 60 + _number(g["s"]) / 3600


def workload_hours(value: Any) -> float | None:
    """Total hours of ``courseWorkload`` (ISO duration or text with a total), else None."""
    text = text_of(value)
    if not text:
        return None
    hours = iso_hours(text)
    if hours is not None:
        return hours
    if _PER_PERIOD.search(text):
        return None
    match = _HOURS_TEXT.search(text)
    return _number(match.group(1)) if match else None


def schedule(value: Any) -> tuple[float | None, dt.date | None, dt.date | None]:
    """(total hours, start, end) of a ``courseSchedule`` node."""
    node = value_of(value)
    if not isinstance(node, dict):
        return None, None, None
    hours = None
    each = iso_hours(text_of(node.get("duration")))
    count = value_of(node.get("repeatCount"))
    if each is not None and isinstance(count, (int, float)) and not isinstance(count, bool):
        hours = each * count if math.isfinite(count) and count > 0 else None
    return hours, date_of(node.get("startDate")), date_of(node.get("endDate"))


def date_of(value: Any) -> dt.date | None:
    value = value_of(value)
    return api_date(value) if isinstance(value, str) else None


def hours_between(start: Any, end: Any) -> float | None:
    """Hours of a one-day event given as two date-times ("…T09:00+01:00" to "…T16:00+01:00")."""
    try:
        begin, finish = (
            dt.datetime.fromisoformat(str(value_of(v)).strip().replace("Z", "+00:00"))
            for v in (start, end)
        )
        hours = (finish - begin).total_seconds() / 3600
    except (TypeError, ValueError):
        return None
    same_day = begin.date() == finish.date() and "T" in str(value_of(start))
    return hours if same_day and 0 < hours <= 24 else None


def months_between(start: dt.date | None, end: dt.date | None) -> float | None:
    """Duration in months (1 decimal) of a course that runs at least a week."""
    if start is None or end is None or (end - start).days < 7:
        return None
    return round((end - start).days / 30.44, 1)


def price(value: Any) -> tuple[float | None, str | None, bool]:
    """(cost in EUR, note, currency assumed) of ``offers``; the note explains a dropped price."""
    for raw in value if isinstance(value, list) else [value]:
        offer = value_of(raw)
        if not isinstance(offer, dict):
            continue
        amount = value_of(offer.get("price"))
        if amount is None and value_of(offer.get("lowPrice")) == value_of(offer.get("highPrice")):
            amount = value_of(offer.get("lowPrice"))
        if amount is None and label_key(text_of(offer.get("category"))) == "free":
            amount = 0
        if amount is None or isinstance(amount, bool):
            continue
        try:
            number = parse_amount(amount) if isinstance(amount, str) else float(amount)
        except (TypeError, ValueError, OverflowError):
            return None, f"Preis '{amount}' ist keine Zahl (nicht übernommen)", False
        if not math.isfinite(number) or number < 0:
            return None, f"Preis '{amount}' ist kein gültiger Betrag (nicht übernommen)", False
        currency = text_of(offer.get("priceCurrency")).upper()
        if currency and currency != "EUR":
            return None, f"Preis in {currency} nicht übernommen (nur EUR)", False
        return number, None, not currency
    return None, None, False


def dqr_level(value: Any) -> int | None:
    """DQR level of ``educationalLevel`` (DefinedTerm of the set "DQR", or text "DQR 4")."""
    node = value_of(value)
    if isinstance(node, dict):
        term_set = text_of(node.get("inDefinedTermSet"), ("name", "@id"))
        code = text_of(node.get("termCode"))
        if "dqr" in term_set.casefold() and re.fullmatch(r"[1-8]", code):
            return int(code)
        node = text_of(node)
    match = re.search(r"\bDQR\b\D{0,12}([1-8])\b", str(node or ""), re.IGNORECASE)
    return int(match.group(1)) if match else None


def course_type_from_title(title: str) -> str | None:
    """A course type named in the title ("Umschulung …", "Berufssprachkurs …"), longest term."""
    key = label_key(title)
    found = [(len(t), v) for t, v in COURSE_TYPE_LABELS.items() if len(t) >= 8 and t in key]
    return max(found)[1] if found else None
