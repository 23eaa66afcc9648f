"""Catalogue schema shared by the bot (Python 3.10) and the search service (3.11).

Plain dataclasses only: this module must not import pydantic, torch or faiss,
because the Rasa action server imports it too. The field list is documented for
data staff in ``docs/catalogue-schema.md``; keep both in sync.

Design notes
- Importers (BA Weiterbildungssuche, provider CSV, schema.org JSON-LD) fill the
  same record; ``source`` and ``source_id`` identify the origin so that a
  re-import updates instead of duplicating.
- ``example_fields`` lists every field whose value was invented for the
  demonstration catalogue (dates, prices, street addresses ...). The UI and the
  README say so; a real import leaves it empty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Controlled vocabularies: defined once in knowledge.vocabulary (re-exported for the importers)
from knowledge.vocabulary import (  # noqa: F401
    COURSE_TYPES,
    FIELDS,
    FORMATS,
    FUNDING,
    GOALS,
    TIME_MODELS,
)

ONLINE_MUNICIPALITY = "online"


class SchemaError(ValueError):
    """A catalogue record violates the schema; ``field`` names the culprit."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Address:
    street: str | None
    postcode: str | None
    town: str


@dataclass(frozen=True)
class Offer:
    """One further-training or retraining offer."""

    id: str
    title: str
    description: str
    provider: str
    course_type: str
    format: str
    time_model: str
    municipality: str  # official name, "München" for the city, "online" if no place
    address: Address | None
    lat: float | None
    lon: float | None
    duration_hours: int | None
    duration_months: float | None
    start_dates: tuple[dt.date, ...]
    cost_eur: float | None
    funding: tuple[str, ...]
    azav_certified: bool
    dqr_level: int | None
    kldb_targets: tuple[str, ...]
    fields: tuple[str, ...]
    url: str
    source: str
    source_id: str
    last_updated: dt.date
    example_fields: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        _check_in("format", self.format, FORMATS)
        _check_in("time_model", self.time_model, TIME_MODELS)
        _check_in("course_type", self.course_type, COURSE_TYPES)
        for f in self.funding:
            _check_in("funding", f, FUNDING)
        for f in self.fields:
            _check_in("fields", f, FIELDS)
        for code in self.kldb_targets:
            if not (len(code) == 5 and code.isdigit()):
                raise SchemaError("kldb_targets", f"'{code}' ist kein 5-stelliger KldB-Code")
        if not self.id or not self.title.strip() or not self.description.strip():
            raise SchemaError("id/title/description", "darf nicht leer sein")
        if self.format != "online" and (self.lat is None or self.lon is None):
            raise SchemaError("lat/lon", "Präsenz- und Hybridangebote brauchen Koordinaten")
        if self.dqr_level is not None and not 1 <= self.dqr_level <= 8:
            raise SchemaError("dqr_level", "muss zwischen 1 und 8 liegen")

    def upcoming_starts(self, today: dt.date) -> tuple[dt.date, ...]:
        """Start dates on or after ``today``."""
        return tuple(d for d in self.start_dates if d >= today)

    def is_current(self, today: dt.date) -> bool:
        """True if at least one start date lies ahead (or none are listed: rolling start)."""
        return not self.start_dates or bool(self.upcoming_starts(today))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings)."""
        d = dataclasses.asdict(self)
        d["start_dates"] = [x.isoformat() for x in self.start_dates]
        d["last_updated"] = self.last_updated.isoformat()
        for key in ("funding", "kldb_targets", "fields", "example_fields"):
            d[key] = list(d[key])
        if not d["extra"]:
            d.pop("extra")
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Offer:
        """Build an offer from its JSON form; raises SchemaError naming the field."""
        try:
            addr = data.get("address")
            return cls(
                id=str(data["id"]),
                title=str(data["title"]),
                description=str(data["description"]),
                provider=str(data["provider"]),
                course_type=str(data["course_type"]),
                format=str(data["format"]),
                time_model=str(data["time_model"]),
                municipality=str(data["municipality"]),
                address=Address(**addr) if addr else None,
                lat=_opt_float(data.get("lat"), "lat"),
                lon=_opt_float(data.get("lon"), "lon"),
                duration_hours=_opt_int(data.get("duration_hours"), "duration_hours"),
                duration_months=_opt_float(data.get("duration_months"), "duration_months"),
                start_dates=tuple(_date(x, "start_dates") for x in data.get("start_dates", [])),
                cost_eur=_opt_float(data.get("cost_eur"), "cost_eur"),
                funding=tuple(data.get("funding", [])),
                azav_certified=bool(data.get("azav_certified", False)),
                dqr_level=_opt_int(data.get("dqr_level"), "dqr_level"),
                kldb_targets=tuple(str(c) for c in data.get("kldb_targets", [])),
                fields=tuple(data.get("fields", [])),
                url=str(data["url"]),
                source=str(data["source"]),
                source_id=str(data.get("source_id") or data["id"]),
                last_updated=_date(data["last_updated"], "last_updated"),
                example_fields=tuple(data.get("example_fields", [])),
                extra=dict(data.get("extra", {})),
            )
        except KeyError as exc:
            raise SchemaError(str(exc.args[0]), "Pflichtfeld fehlt") from exc
        except TypeError as exc:
            raise SchemaError("address", f"ungültige Struktur ({exc})") from exc


def _check_in(name: str, value: str, allowed: dict[str, str]) -> None:
    if value not in allowed:
        raise SchemaError(name, f"'{value}' ist nicht erlaubt (erlaubt: {', '.join(allowed)})")


def _opt_float(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise SchemaError(name, f"'{value}' ist keine Zahl") from exc


def _opt_int(value: Any, name: str) -> int | None:
    f = _opt_float(value, name)
    if f is None:
        return None
    if f != int(f):
        raise SchemaError(name, f"'{value}' ist keine ganze Zahl")
    return int(f)


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SchemaError(name, f"'{value}' ist kein Datum (JJJJ-MM-TT)") from exc
