"""Import schema.org ``Course`` JSON-LD as publishers write it (and this project's export).

One offer per Course and distinct (venue, format, time model) of its ``hasCourseInstance``
(an object or a list; a Course without instances is one offer of its own properties), with the
start dates of those instances. Facts come only from the data; a fact the data lack gets a
default that is recorded in ``extra["defaults"]`` (field -> German reason), never invented
silently: time model ``teilzeit``, course type ``weiterbildung``, provider ``unbekannt``, the
BA Weiterbildungssuche as link, the title as description, the import date as "Stand", the
format derived from the location (Place -> Präsenz, VirtualLocation -> online). A record is
refused only for what is really missing or wrong: no ``name``; a place-bound course without
any location; a venue that cannot be placed or lies out of the district's reach
(:mod:`knowledge.importers.venue`). Values the mapping does not know (``courseMode``
"synchronous", ``about`` "C++ Coding", prices in GBP) are reported as notes and ignored.
The ``additionalProperty`` values of this project's export (course_type, time_model, …) are
honoured, so an export imports back into equal offers. Document shapes:
:mod:`knowledge.importers.jsonld_nodes`; value formats: :mod:`knowledge.importers.jsonld_values`.
Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.geo import DEFAULT_REACH_KM
from knowledge.importers import jsonld_values as jv
from knowledge.importers.ba_api import FALLBACK_URL
from knowledge.importers.jsonld_nodes import (
    Document,
    Location,
    normalise,
    parse_text,
    read_document,
    read_location,
)
from knowledge.importers.jsonld_props import ExportProps, read_props
from knowledge.importers.report import ImportIssue, ImportReport, unreadable_file
from knowledge.importers.schema_org import ID_PREFIX
from knowledge.importers.values import FIELD_LABELS, FUNDING_LABELS, label_key, slugify
from knowledge.importers.venue import VenueError, resolve_venue
from knowledge.schema import ONLINE_MUNICIPALITY, Offer, SchemaError

DEFAULT_TIME_MODEL = "teilzeit"
DEFAULT_COURSE_TYPE = "weiterbildung"
UNKNOWN_PROVIDER = "unbekannt"


@dataclass
class _Instance:
    """What one CourseInstance (or the Course itself) says."""

    path: str
    formats: set[str] = field(default_factory=set)
    times: set[str] = field(default_factory=set)
    start: dt.date | None = None
    end: dt.date | None = None
    hours: float | None = None
    location: Any = None
    offers: Any = None


class _Course:
    """One Course node: collects issues (refusals) and notes (ignored values)."""

    def __init__(self, node: dict[str, Any], path: str, doc: Document, report: ImportReport):
        self.node, self.path, self.doc, self.report = node, path, doc, report
        self.issues: list[ImportIssue] = []

    def issue(self, key: str, reason: str, record: str | None = None) -> None:
        self.issues.append(ImportIssue(f"{self.path}.{key}", key, reason, record))

    def note(self, key: str, text: str) -> None:
        self.report.notes.append(f"{self.path}.{key}: {text}")

    def instances(self) -> list[_Instance]:
        items = self.doc.resolved_list(self.node.get("hasCourseInstance"))
        if not items:
            return [self._instance(self.node, self.path)]
        out = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                out.append(self._instance(item, f"{self.path}.hasCourseInstance[{i}]"))
            else:
                self.note(f"hasCourseInstance[{i}]", "ist kein Objekt (ignoriert)")
        return out or [self._instance(self.node, self.path)]

    def _instance(self, node: dict[str, Any], path: str) -> _Instance:
        inst = _Instance(path, location=self.doc.resolve(node.get("location")))
        for key in ("courseMode", "eventAttendanceMode"):
            formats, times, ignored = jv.mode_terms(node.get(key))
            inst.formats |= formats
            inst.times |= times
            for term in ignored:
                self.report.notes.append(f"{path}.{key}: '{term}' nicht zugeordnet (ignoriert)")
        hours, s_start, s_end = jv.schedule(self.doc.resolve(node.get("courseSchedule")))
        workload = jv.workload_hours(node.get("courseWorkload"))
        if workload is None and jv.text_of(node.get("courseWorkload")):
            text = jv.text_of(node.get("courseWorkload"))
            self.report.notes.append(f"{path}.courseWorkload: '{text}' ist keine Gesamtdauer")
        inst.hours = workload if workload is not None else hours
        if inst.hours is None:
            inst.hours = jv.hours_between(node.get("startDate"), node.get("endDate"))
        inst.start = jv.date_of(node.get("startDate")) or s_start
        inst.end = jv.date_of(node.get("endDate")) or s_end
        inst.offers = self.doc.resolved_list(node.get("offers")) or None
        return inst


def _terms(course: _Course, key: str, table: dict[str, str]) -> tuple[str, ...]:
    codes: list[str] = []
    for term in jv.texts_of(course.node.get(key)):
        code = table.get(label_key(term))
        if code is None:
            course.note(key, f"'{term}' nicht zugeordnet (ignoriert)")
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _source_id(course: _Course, props: ExportProps) -> tuple[str, str | None]:
    """(source id, own id of this project's export or None)."""
    node = course.node
    raw = node.get("@id")
    ref: str = raw if isinstance(raw, str) else ""
    ref = ref if "://" in ref or ref.startswith("urn:") else ""  # "./", "_:b0": no identity
    own = ref[len(ID_PREFIX) :] if ref.startswith(ID_PREFIX) else None
    for candidate in (props.source_id, node.get("identifier"), node.get("courseCode"), ref):
        text = jv.text_of(candidate, ("value", "@value", "name"))
        if text and not text.startswith("_:"):
            return text, own
    return "", own


class _Builder:
    """Offers of one Course node."""

    def __init__(self, course: _Course, filename: str, today: dt.date, reach_km: float | None):
        self.c, self.filename, self.today, self.reach_km = course, filename, today, reach_km
        self.props = read_props(course.node, course.issue)
        self.defaults: dict[str, str] = {}

    def common(self) -> dict[str, Any] | None:
        node, c, props = self.c.node, self.c, self.props
        title = jv.text_of(node.get("name"))
        if not title:
            c.issue("name", "Pflichtangabe fehlt: der Kurs hat keinen Namen (name)")
            return None
        provider = jv.text_of(self.c.doc.resolve(jv.value_of(node.get("provider"))))
        if not provider:
            provider = UNKNOWN_PROVIDER
            self.defaults["provider"] = "nicht angegeben (provider fehlt)"
        description = jv.description_of(node.get("description"))
        if not description:
            description = title
            self.defaults["description"] = "nicht angegeben: Kurstitel übernommen"
        url = next(
            (
                u
                for u in map(jv.url_of, (node.get("url"), node.get("@id"), node.get("sameAs")))
                if u
            ),
            "",
        )
        if not url:
            url = FALLBACK_URL
            self.defaults["url"] = "nicht angegeben: Verweis auf die BA-Weiterbildungssuche"
        modified = jv.date_of(node.get("dateModified")) or jv.date_of(node.get("datePublished"))
        if modified is None:
            modified = self.today
            self.defaults["last_updated"] = "nicht angegeben: Importdatum"
        course_type = props.course_type or jv.course_type_from_title(title)
        if course_type is None:
            course_type = DEFAULT_COURSE_TYPE
            self.defaults["course_type"] = f"nicht angegeben, angenommen: {DEFAULT_COURSE_TYPE}"
        elif props.course_type is None:
            self.defaults["course_type"] = f"aus dem Kurstitel abgeleitet: {course_type}"
        level = jv.dqr_level(node.get("educationalLevel"))
        if level is None and jv.text_of(node.get("educationalLevel"), ("name", "termCode")):
            c.note("educationalLevel", "kein DQR-Niveau (ignoriert)")
        return {
            "title": title, "description": description, "provider": provider, "url": url,
            "last_updated": modified, "course_type": course_type, "dqr_level": level,
            "funding": _terms(c, "financialAidEligible", FUNDING_LABELS),
            "fields": _terms(c, "about", FIELD_LABELS),
            "kldb_targets": props.kldb_targets, "example_fields": props.example_fields,
            "azav_certified": props.azav_certified,
        }  # fmt: skip

    def offer(
        self, common: dict[str, Any], group: list[_Instance], venue: Location, suffix: str
    ) -> Offer | None:
        c, props = self.c, self.props
        defaults = dict(self.defaults)
        where = group[0].path
        formats = set().union(*(i.formats for i in group))
        fmt = jv.combined_format(formats) or {"place": "praesenz", "online": "online"}.get(
            venue.kind, "hybrid" if venue.kind == "both" else ""
        )
        if not fmt:
            c.issue("location", "Lernform und Kursort fehlen (weder courseMode noch location)")
            return None
        if not formats:
            defaults["format"] = "aus dem Kursort abgeleitet (location)"
        times = set().union(*(i.times for i in group))
        time_model = props.time_model or (sorted(times)[0] if len(times) == 1 else None)
        if time_model is None:
            time_model = DEFAULT_TIME_MODEL
            said = f"mehrdeutig ({', '.join(sorted(times))})" if times else "nicht angegeben"
            defaults["time_model"] = f"{said}, angenommen: {DEFAULT_TIME_MODEL}"
        place = self._place(venue, fmt, where)
        if place is None:
            return None
        municipality, address, lat, lon, coords = place
        source_id, own_id = _source_id(c, props)
        if not source_id:
            key = "|".join([common["title"], common["provider"], "|".join(venue.key())])
            source_id = "sha1:" + hashlib.sha1(key.encode()).hexdigest()[:12]
            defaults["source_id"] = "keine ID in der Quelle: aus Titel, Anbieter und Ort gebildet"
        source_id += suffix
        source = props.source or f"schema.org JSON-LD {self.filename}"
        offer_id = own_id if own_id and not suffix else _offer_id(common["provider"], source_id)
        own_offers = next((i for i in group if i.offers), None)
        cost, cost_note, assumed = jv.price(
            own_offers.offers if own_offers else c.node.get("offers")
        )
        if cost_note:
            where_offers = f"{own_offers.path}.offers" if own_offers else f"{c.path}.offers"
            c.report.notes.append(f"{where_offers}: {cost_note}")
        if assumed and cost:
            defaults["cost_eur"] = "Währung nicht angegeben, angenommen: EUR"
        starts = sorted({i.start for i in group if i.start})
        extra: dict[str, Any] = {"coords": coords} if coords else {}
        if defaults:
            extra["defaults"] = defaults
        hours = next((i.hours for i in group if i.hours), None)
        months = props.duration_months
        if months is None:
            months = next((m for i in group if (m := jv.months_between(i.start, i.end))), None)
        try:
            return Offer(
                id=offer_id, format=fmt, time_model=time_model, municipality=municipality,
                address=address, lat=lat, lon=lon,
                duration_hours=int(hours + 0.5) if hours and hours >= 0.5 else None,
                duration_months=months, start_dates=tuple(starts), cost_eur=cost,
                source=source, source_id=source_id, extra=extra, **common,
            )  # fmt: skip
        except SchemaError as exc:
            c.issue(exc.field, exc.reason, offer_id)
            return None

    def _place(
        self, venue: Location, fmt: str, where: str
    ) -> tuple[str, Any, float | None, float | None, str] | None:
        if fmt == "online" or venue.kind == "online":
            if fmt != "online":
                self.c.issue("location", "Präsenz-/Hybridkurs mit nur virtuellem Kursort")
                return None
            return ONLINE_MUNICIPALITY, None, None, None, ""
        if venue.kind == "none":
            self.c.issue("location", "Kursort fehlt bei Präsenz-/Hybridkurs (location)")
            return None
        try:
            found = resolve_venue(
                venue.town, venue.lat, venue.lon, street=venue.street,
                postcode=venue.postcode, aliases=(venue.name,), address_town=venue.locality,
                with_address=venue.has_address, reach_km=self.reach_km,
            )  # fmt: skip
        except VenueError as exc:
            key = where.removeprefix(self.c.path).lstrip(".")
            self.c.issue(f"{key}.location" if key else "location", exc.reason)
            return None
        return found.municipality, found.address, found.lat, found.lon, found.coords_note


def _offer_id(provider: str, source_id: str) -> str:
    digest = hashlib.sha1(source_id.encode()).hexdigest()[:10]
    return f"ld-{slugify(provider, 20)}-{digest}"


def _groups(course: _Course) -> list[tuple[Location, list[_Instance]]]:
    groups: dict[tuple[Any, ...], tuple[Location, list[_Instance]]] = {}
    for inst in course.instances():
        venue = read_location(inst.location, course.doc)
        key = (*venue.key(), tuple(sorted(inst.formats)), tuple(sorted(inst.times)))
        groups.setdefault(key, (venue, []))[1].append(inst)
    return list(groups.values())


def _group_suffix(venue: Location, group: list[_Instance]) -> str:
    """``#<hash>`` of a group's venue, formats and time models (stable across re-imports)."""
    key = repr((venue.key(), sorted(group[0].formats), sorted(group[0].times)))
    return "#" + hashlib.sha1(key.encode()).hexdigest()[:6]


def _import_course(
    course: _Course, filename: str, today: dt.date, reach_km: float | None, seen: set[str]
) -> None:
    builder = _Builder(course, filename, today, reach_km)
    base_id = _source_id(course, builder.props)[0]
    common = builder.common()
    if common is None or course.issues:
        course.report.reject(course.issues, base_id or None)
        return
    groups = _groups(course)
    for venue, group in groups:
        suffix = "" if len(groups) == 1 else _group_suffix(venue, group)
        course.issues = []
        offer = builder.offer(common, group, venue, suffix)
        if offer is not None and offer.id in seen:
            course.issue("@id", f"doppelte ID '{offer.id}'", offer.id)
            offer = None
        if offer is None:
            # a known source id keeps an earlier version of the offer in the catalogue (merge)
            issues = course.issues or [ImportIssue(course.path, "@type", "nicht verwertbar")]
            course.report.reject(issues, base_id + suffix if base_id else None)
        else:
            seen.add(offer.id)
            course.report.accept(offer)


def parse_jsonld_data(
    data: Any,
    filename: str = "kurse.jsonld",
    today: dt.date | None = None,
    reach_km: float | None = DEFAULT_REACH_KM,
) -> ImportReport:
    """Import parsed JSON-LD (any shape of :mod:`jsonld_nodes`). Never raises."""
    report = ImportReport(source=f"schema.org JSON-LD {filename}")
    doc = read_document(normalise(data))
    if not doc.courses:
        report.file_error(ImportIssue("$", "@type", "keine schema.org-Course-Knoten gefunden"))
    if doc.other_types:
        skipped = ", ".join(f"{k} ({n})" for k, n in sorted(doc.other_types.items()))
        report.notes.append(f"Knoten anderer Typen übersprungen: {skipped}")
    seen: set[str] = set()
    for path, node in doc.courses:
        _import_course(_Course(node, path, doc, report), filename, today or dt.date.today(),
                       reach_km, seen)  # fmt: skip
    return report


def parse_jsonld(
    data: bytes | str,
    filename: str = "kurse.jsonld",
    today: dt.date | None = None,
    reach_km: float | None = DEFAULT_REACH_KM,
) -> ImportReport:
    """Import a JSON-LD document or an HTML page with JSON-LD blocks. Never raises."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    parsed, errors = parse_text(text)
    if errors and not parsed:
        report = ImportReport(source=f"schema.org JSON-LD {filename}")
        for error in errors:
            report.file_error(ImportIssue("$", "json", error))
        return report
    report = parse_jsonld_data(parsed, filename, today, reach_km)
    report.errors[:0] = [ImportIssue("$", "json", e) for e in errors]
    return report


def read_jsonld(
    path: Path | str, today: dt.date | None = None, reach_km: float | None = DEFAULT_REACH_KM
) -> ImportReport:
    """Import a JSON-LD (or HTML) file from disk."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        return unreadable_file(f"schema.org JSON-LD {file.name}", "$", exc)
    return parse_jsonld(data, file.name, today, reach_km)
