"""Data model of the funding rules: status labels, facts, instruments, checklist items.

Stdlib only and Python 3.10 syntax: imported by both environments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LIKELY = "wahrscheinlich passend"
POSSIBLE = "möglich – bitte prüfen"
UNLIKELY = "passt eher nicht"
NOTE = "Hinweis"
STATUS_ORDER = {LIKELY: 0, POSSIBLE: 1, NOTE: 2, UNLIKELY: 3}

KIND_FUNDING = "foerderung"
KIND_NOTE = "hinweis"
KINDS = (KIND_FUNDING, KIND_NOTE)
FACT_TYPES = ("enum", "bool", "number")
COMPARISONS = (">=", ">", "<=", "<")
VERIFY_SUFFIX = " (Betrag bitte vor dem Antrag prüfen.)"
#: status of an amount or note: backed by the instrument's sources (default) or only *reported*
#: (no primary text available: shown as "nach Berichten, Stand …" and to be confirmed by staff)
CONFIRMED = "belegt"
REPORTED = "berichtet"
DETAIL_STATUSES = (CONFIRMED, REPORTED)
GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_STAND_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Predicate = Mapping[str, Any]
TriState = bool | None


class FundingDataError(ValueError):
    """The funding data file is invalid; ``errors`` lists every problem (German, for staff)."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("Förderdaten ungültig:\n" + "\n".join(f"- {e}" for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Range:
    """A number known only within bounds (inclusive; ``None`` = open end)."""

    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"Range: low {self.low} > high {self.high}")


@dataclass(frozen=True)
class FactSpec:
    """A profile fact that predicates may test."""

    name: str
    type: str
    label: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One eligibility condition: German wording plus an optional predicate."""

    id: str
    text: str
    when: Predicate | None = None
    applies_if: Predicate | None = None

    @property
    def checked_by_office(self) -> bool:
        """True if no profile fact decides it (the office checks it)."""
        return self.when is None


@dataclass(frozen=True)
class Detail:
    """An amount or note, shown unless its ``when`` predicate is false.

    ``status`` :data:`REPORTED` marks a fact known only from reports: it carries its own
    ``source`` (https) and ``stand`` (the report's date), and every renderer must show it as
    reported ("nach Berichten, Stand …"), never as an established fact.
    """

    text: str
    when: Predicate | None = None
    verify: bool = False
    status: str = CONFIRMED
    source: str | None = None
    stand: str | None = None

    @property
    def display(self) -> str:
        return self.text + (VERIFY_SUFFIX if self.verify else "")

    @property
    def reported(self) -> bool:
        return self.status == REPORTED


@dataclass(frozen=True)
class Instrument:
    """A funding instrument (or, kind ``hinweis``, a statement such as Bildungsurlaub)."""

    id: str
    kind: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    discretionary: bool
    conditions: tuple[Condition, ...]
    amounts: tuple[Detail, ...]
    notes: tuple[Detail, ...]
    office: str
    sources: tuple[str, ...]
    stand: str
    decision: str | None = None
    legal_version: str | None = None
    #: paragraphs the rule covers (its own basis and the funding it presupposes); every
    #: paragraph its texts name must be one of them (checked by :mod:`.validate`)
    legal_basis: tuple[str, ...] = ()

    @property
    def stand_label(self) -> str:
        """The Stand date in German ("November 2026")."""
        return format_stand(self.stand)


@dataclass(frozen=True)
class ChecklistItem:
    """Result of evaluating one instrument against a profile: a checklist, not a verdict."""

    instrument: Instrument
    status: str
    conditions_met: tuple[str, ...]
    conditions_to_confirm: tuple[str, ...]
    conditions_failed: tuple[str, ...]
    open_facts: tuple[str, ...]
    amounts: tuple[str, ...]
    notes: tuple[str, ...]
    office: str
    sources: tuple[str, ...]
    stand: str
    discretionary: bool
    #: amounts and notes that apply but are only *reported* (render with their source and
    #: Stand as "nach Berichten"); they are not in ``amounts``/``notes``
    reported: tuple[Detail, ...] = ()

    @property
    def id(self) -> str:
        return self.instrument.id

    @property
    def title(self) -> str:
        return self.instrument.title


@dataclass(frozen=True)
class FundingCatalogue:
    """Fact declarations and instruments as loaded from the data file."""

    facts: Mapping[str, FactSpec]
    instruments: tuple[Instrument, ...]
    #: terms of facts known only from reports ("Neue Grundsicherung"): anywhere in the
    #: knowledge base they may appear only in a detail marked as reported
    reported_terms: tuple[str, ...] = ()

    def get(self, instrument_id: str) -> Instrument:
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)


# ---------------------------------------------------------------- dates


def format_stand(stand: str) -> str:
    """``2026-11`` -> ``November 2026``; ``2026-11-03`` -> ``3. November 2026``."""
    if not _STAND_RE.match(stand):
        raise ValueError(f"Stand '{stand}': erwartet JJJJ-MM oder JJJJ-MM-TT")
    year, month = int(stand[:4]), int(stand[5:7])
    if not 1 <= month <= 12:
        raise ValueError(f"Stand '{stand}': Monat {month} gibt es nicht")
    if len(stand) == 7:
        return f"{GERMAN_MONTHS[month - 1]} {year}"
    day = dt.date.fromisoformat(stand).day
    return f"{day}. {GERMAN_MONTHS[month - 1]} {year}"


def is_number(value: Any) -> bool:
    """True for int/float but not bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
