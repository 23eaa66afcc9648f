"""Filters of the monitoring pages: period (whole weeks or whole months), municipality, field
(KldB Berufshauptgruppe, 2 digits), goal, time model, format wish, employment status, age band
and whether signed demo conversations count (``demo=ohne`` leaves them out); the periods of a
filter; labels.

Query parameters are parsed leniently: an unknown value falls back to "alle" and is reported
in :attr:`Filters.problems` (codes, the template says what they mean).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import lru_cache

from knowledge import geo, vocabulary
from knowledge.kldb import load_kldb

MONTH = "month"
WEEK = "week"
UNITS = (MONTH, WEEK)
#: at most this many periods in one view (24 months or 24 weeks)
MAX_PERIODS = 24
DEFAULT_PERIODS = {MONTH: 6, WEEK: 12}
#: row keys for demand rows outside the 29 municipalities and without a municipality
OUTSIDE = "_outside"
UNKNOWN = "_unknown"
BREAKDOWNS = (
    "field",
    "municipality",
    "goal",
    "time_model",
    "format",
    "employment_status",
    "age_band",
)
BREAKDOWN_LABELS = {
    "field": "Berufsbereich (Zielberuf)",
    "municipality": "Gemeinde",
    "goal": "Ziel",
    "time_model": "Zeitmodell",
    "format": "Lernform (Wunsch)",
    "employment_status": "Erwerbsstatus",
    "age_band": "Altersgruppe",
}
#: the values of the new dimensions (revision 0005) -> German labels
FORMAT_LABELS = {**vocabulary.FORMATS, vocabulary.FORMAT_ANY: "egal (keine Vorliebe)"}
EMPLOYMENT_LABELS = vocabulary.EMPLOYMENT_STATUS_LABELS
#: value choices of the filters and breakdowns keyed like :data:`BREAKDOWNS`
CHOICES: dict[str, dict[str, str]] = {
    "goal": vocabulary.GOALS,
    "time_model": vocabulary.TIME_MODELS,
    "format": FORMAT_LABELS,
    "employment_status": EMPLOYMENT_LABELS,
    "age_band": vocabulary.AGE_BANDS,
}
#: ``demo`` parameter: leave the rows of signed demo conversations out
WITHOUT_DEMO = "ohne"
MONTH_NAMES = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11" or the Monday "2026-11-30"
    start: dt.date
    end: dt.date  # inclusive
    label: str


@dataclass(frozen=True)
class Filters:
    unit: str
    start: dt.date  # first day of the first period
    end: dt.date  # last day of the last period (inclusive)
    municipality: str | None = None
    field: str | None = None
    goal: str | None = None
    time_model: str | None = None
    format: str | None = None
    employment_status: str | None = None
    age_band: str | None = None
    without_demo: bool = False
    breakdown: str = "field"
    problems: tuple[str, ...] = ()

    def periods(self) -> list[Period]:
        out: list[Period] = []
        day = self.start
        while day <= self.end and len(out) < MAX_PERIODS:
            nxt = _next_start(self.unit, day)
            out.append(
                Period(
                    period_key(self.unit, day),
                    day,
                    nxt - dt.timedelta(days=1),
                    _label(self.unit, day),
                )
            )
            day = nxt
        return out

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for links to the exports)."""
        values = {
            "einheit": self.unit,
            "von": self.start.isoformat(),
            "bis": start_of(self.unit, self.end).isoformat(),
            "gemeinde": self.municipality or "",
            "bereich": self.field or "",
            "ziel": self.goal or "",
            "zeitmodell": self.time_model or "",
            "lernform": self.format or "",
            "erwerb": self.employment_status or "",
            "alter": self.age_band or "",
            "demo": WITHOUT_DEMO if self.without_demo else "",
            "nach": self.breakdown,
        }
        return {k: v for k, v in values.items() if v}


def start_of(unit: str, day: dt.date) -> dt.date:
    """First day of the week (Monday) or month containing ``day``."""
    if unit == MONTH:
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def _next_start(unit: str, start: dt.date) -> dt.date:
    if unit == MONTH:
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7)


def period_key(unit: str, start: dt.date) -> str:
    """Key of the period starting on ``start`` (the SQL of :mod:`.queries` gives the same)."""
    return start.strftime("%Y-%m") if unit == MONTH else start.isoformat()


def _label(unit: str, start: dt.date) -> str:
    if unit == MONTH:
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    iso = start.isocalendar()
    return f"KW {iso.week}/{iso.year}"


def _parse_period(unit: str, text: str) -> dt.date | None:
    """A day ("2026-11-18") or a month ("2026-11"): the start of its period."""
    try:
        day = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        return None
    return start_of(unit, day)


@lru_cache(maxsize=1)
def municipalities() -> tuple[str, ...]:
    return tuple(geo.landkreis_municipalities())


@lru_cache(maxsize=1)
def fields() -> dict[str, str]:
    """KldB Berufshauptgruppen (2 digits) -> title."""
    return {o.code: o.title for o in load_kldb() if o.level == 2}


def municipality_bucket(name: str | None) -> str:
    if not name:
        return UNKNOWN
    return name if name in municipalities() else OUTSIDE


def label(kind: str, value: str | None) -> str:
    """German label of a row or column key."""
    if value in (None, UNKNOWN, ""):
        return "ohne Angabe"
    assert value is not None
    if kind == "municipality":
        return "außerhalb des Landkreises" if value == OUTSIDE else value
    if kind == "field":
        title = fields().get(value)
        return f"{value} {title}" if title else value
    if kind in CHOICES:
        return CHOICES[kind].get(value, value)
    return value


def parse(params: Mapping[str, str], today: dt.date) -> Filters:
    """Filters from the query parameters of a page; defaults: the last 6 whole months (or 12
    weeks) before the current one, everything else "alle"."""
    problems: list[str] = []
    unit = params.get("einheit") or MONTH
    if unit not in UNITS:
        unit, problems = MONTH, [*problems, "unit"]
    current = start_of(unit, today)
    last = start_of(unit, current - dt.timedelta(days=1))
    first = last
    for _ in range(DEFAULT_PERIODS[unit] - 1):
        first = start_of(unit, first - dt.timedelta(days=1))
    start = _parse_period(unit, params.get("von", "")) if params.get("von") else first
    end = _parse_period(unit, params.get("bis", "")) if params.get("bis") else last
    if start is None or end is None or end < start:
        problems.append("period")
        start, end = first, last
    count, day = 0, start
    while day <= end:
        count += 1
        day = _next_start(unit, day)
    if count > MAX_PERIODS:
        problems.append("too_long")
        for _ in range(count - MAX_PERIODS):
            start = _next_start(unit, start)

    def choice(name: str, allowed: Container[str], code: str) -> str | None:
        value = params.get(name) or None
        if value is not None and value not in allowed:
            problems.append(code)
            return None
        return value

    return Filters(
        unit=unit,
        start=start,
        end=_next_start(unit, end) - dt.timedelta(days=1),
        municipality=choice("gemeinde", municipalities(), "municipality"),
        field=choice("bereich", fields(), "field"),
        goal=choice("ziel", vocabulary.GOALS, "goal"),
        time_model=choice("zeitmodell", vocabulary.TIME_MODELS, "time_model"),
        format=choice("lernform", FORMAT_LABELS, "format"),
        employment_status=choice("erwerb", EMPLOYMENT_LABELS, "employment_status"),
        age_band=choice("alter", vocabulary.AGE_BANDS, "age_band"),
        without_demo=choice("demo", (WITHOUT_DEMO,), "demo") == WITHOUT_DEMO,
        breakdown=choice("nach", BREAKDOWNS, "breakdown") or "field",
        problems=tuple(problems),
    )
