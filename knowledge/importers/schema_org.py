"""Export offers as schema.org ``Course``/``CourseInstance`` JSON-LD and import them back.

Mapping (see ``docs/importers.md``): ``identifier``/``@id`` = id, ``name`` = title,
``description``, ``url``, ``provider.name``, ``dateModified`` = last_updated,
``educationalLevel`` (DefinedTerm set "DQR"), ``financialAidEligible`` (DefinedTerms with the
funding ids), ``about`` (DefinedTerms with the field ids), ``offers.price`` (EUR) = cost,
one ``hasCourseInstance`` per start date (``courseMode`` onsite/online/blended,
``courseWorkload`` ``PT<n>H`` = duration_hours, ``location`` Place with PostalAddress and
GeoCoordinates, or VirtualLocation). Fields without a schema.org term travel as
``additionalProperty`` PropertyValues: course_type, time_model, duration_months,
azav_certified, kldb_targets, source, source_id, example_fields. ``extra`` is not exported.
An export imported again yields equal offers. Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

from knowledge.importers.ba_api import api_date
from knowledge.importers.report import ImportIssue, ImportReport, unreadable_file
from knowledge.importers.values import (
    COURSE_TYPE_LABELS,
    FIELD_LABELS,
    FORMAT_LABELS,
    FUNDING_LABELS,
    TIME_MODEL_LABELS,
    label_key,
    map_label,
    parse_amount,
    resolve_place,
)
from knowledge.schema import FIELDS, FUNDING, ONLINE_MUNICIPALITY, Address, Offer, SchemaError

COURSE_MODE: dict[str, str] = {"praesenz": "onsite", "online": "online", "hybrid": "blended"}
MODE_LABELS = {**FORMAT_LABELS, **{label_key(v): k for k, v in COURSE_MODE.items()}}
MODE_LABELS.update({"mixed": "hybrid", "distancelearning": "online"})
ID_PREFIX = "urn:bildungslotse:offer:"
EXTENSION_PROPERTIES = (
    "course_type", "time_model", "duration_months", "azav_certified", "kldb_targets",
    "source", "source_id", "example_fields",
)  # fmt: skip


def _term(code: str, name: str, term_set: str | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {"@type": "DefinedTerm", "termCode": code, "name": name}
    if term_set:
        term["inDefinedTermSet"] = term_set
    return term


def _location(offer: Offer) -> dict[str, Any]:
    if offer.municipality == ONLINE_MUNICIPALITY:
        return {"@type": "VirtualLocation", "url": offer.url}
    place: dict[str, Any] = {"@type": "Place", "name": offer.municipality}
    if offer.address is not None:
        address = {
            "@type": "PostalAddress",
            "addressLocality": offer.address.town,
            "addressCountry": "DE",
        }
        if offer.address.street is not None:
            address["streetAddress"] = offer.address.street
        if offer.address.postcode is not None:
            address["postalCode"] = offer.address.postcode
        place["address"] = address
    if offer.lat is not None and offer.lon is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": offer.lat, "longitude": offer.lon}
    return place


def offer_to_jsonld(offer: Offer) -> dict[str, Any]:
    """schema.org Course node of one offer."""
    instance: dict[str, Any] = {"@type": "CourseInstance", "courseMode": COURSE_MODE[offer.format]}
    if offer.duration_hours is not None:
        instance["courseWorkload"] = f"PT{offer.duration_hours}H"
    instance["location"] = _location(offer)
    instances = [{**instance, "startDate": d.isoformat()} for d in offer.start_dates] or [instance]
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": ID_PREFIX + offer.id,
        "identifier": offer.id,
        "name": offer.title,
        "description": offer.description,
        "url": offer.url,
        "provider": {"@type": "Organization", "name": offer.provider},
        "dateModified": offer.last_updated.isoformat(),
        "hasCourseInstance": instances,
    }
    if offer.dqr_level is not None:
        node["educationalLevel"] = _term(
            str(offer.dqr_level), f"DQR-Niveau {offer.dqr_level}", "DQR"
        )
    if offer.funding:
        node["financialAidEligible"] = [_term(f, FUNDING[f]) for f in offer.funding]
    if offer.fields:
        node["about"] = [_term(f, FIELDS[f]) for f in offer.fields]
    if offer.cost_eur is not None:
        node["offers"] = {"@type": "Offer", "price": offer.cost_eur, "priceCurrency": "EUR"}
    values = {
        "course_type": offer.course_type,
        "time_model": offer.time_model,
        "duration_months": offer.duration_months,
        "azav_certified": offer.azav_certified,
        "kldb_targets": list(offer.kldb_targets),
        "source": offer.source,
        "source_id": offer.source_id,
        "example_fields": list(offer.example_fields),
    }
    node["additionalProperty"] = [
        {"@type": "PropertyValue", "name": k, "value": v}
        for k, v in values.items()
        if v is not None
    ]
    return node


def export_offers(offers: list[Offer]) -> list[dict[str, Any]]:
    """JSON-LD list (one Course per offer)."""
    return [offer_to_jsonld(o) for o in offers]


class _Node:
    """One Course node with its JSON path; collects issues."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data = data
        self.path = path
        self.issues: list[ImportIssue] = []
        self.props: dict[str, Any] = {}
        for index, prop in enumerate(_as_list(data.get("additionalProperty"))):
            if isinstance(prop, dict) and isinstance(prop.get("name"), str):
                self.props[prop["name"]] = prop.get("value")
            else:
                self.issue(f"additionalProperty[{index}]", "ist kein PropertyValue mit 'name'")
        raw_id = data.get("identifier")
        if not isinstance(raw_id, str) and isinstance(data.get("@id"), str):
            raw_id = data["@id"].removeprefix(ID_PREFIX)
        self.offer_id = raw_id.strip() if isinstance(raw_id, str) else ""

    def issue(self, key: str, reason: str) -> None:
        self.issues.append(ImportIssue(f"{self.path}.{key}", key, reason, self.offer_id or None))

    def text(self, key: str, value: Any = None) -> str:
        value = self.data.get(key) if value is None else value
        if isinstance(value, dict):
            value = value.get("name")
        if value is None:
            return ""
        if not isinstance(value, str):
            self.issue(key, "ist kein Text")
            return ""
        return value.strip()

    def label(self, key: str, value: Any, table: dict[str, str], what: str) -> str:
        if not isinstance(value, str):
            self.issue(key, f"Angabe {what} fehlt oder ist kein Text")
            return ""
        try:
            return map_label(value, table, what)
        except ValueError as exc:
            self.issue(key, str(exc))
            return ""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _number(node: _Node, key: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = parse_amount(value) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        node.issue(key, f"'{value}' ist keine Zahl")
        return None
    return number


def _terms(node: _Node, key: str, table: dict[str, str], what: str) -> tuple[str, ...]:
    codes: list[str] = []
    for index, item in enumerate(_as_list(node.data.get(key))):
        value = item.get("termCode") or item.get("name") if isinstance(item, dict) else item
        code = node.label(f"{key}[{index}]", value, table, what)
        if code and code not in codes:
            codes.append(code)
    return tuple(codes)


def _instances(node: _Node) -> tuple[str, tuple[dt.date, ...], int | None, Any]:
    """(format, start dates, workload hours, first location) of the CourseInstances."""
    formats: list[str] = []
    dates: list[dt.date] = []
    hours: int | None = None
    location: Any = None
    items = _as_list(node.data.get("hasCourseInstance"))
    if not items:
        node.issue("hasCourseInstance", "mindestens eine CourseInstance ist nötig")
    for index, inst in enumerate(items):
        key = f"hasCourseInstance[{index}]"
        if not isinstance(inst, dict):
            node.issue(key, "ist kein Objekt")
            continue
        fmt = node.label(f"{key}.courseMode", inst.get("courseMode"), MODE_LABELS, "courseMode")
        if fmt and fmt not in formats:
            formats.append(fmt)
        if inst.get("startDate") is not None:
            start = api_date(inst.get("startDate"))
            if start is None:
                node.issue(f"{key}.startDate", f"'{inst.get('startDate')}' ist kein Datum")
            elif start not in dates:
                dates.append(start)
        workload = inst.get("courseWorkload")
        if isinstance(workload, str) and re.fullmatch(r"PT\d{1,6}H", workload):
            hours = int(workload[2:-1])
        elif workload is not None:
            node.issue(f"{key}.courseWorkload", f"'{workload}' ist keine Dauer wie PT120H")
        if location is None:
            location = inst.get("location")
    if len(formats) > 1:
        node.issue(
            "hasCourseInstance", f"widersprüchliche courseMode-Angaben ({', '.join(formats)})"
        )
    return (formats[0] if formats else ""), tuple(dates), hours, location


def _place(
    node: _Node, location: Any, fmt: str
) -> tuple[str, Address | None, float | None, float | None]:
    key = "hasCourseInstance[0].location"
    if not isinstance(location, dict) or location.get("@type") != "Place":
        if fmt != "online":
            node.issue(key, "Präsenz-/Hybridangebote brauchen einen Ort (Place)")
        return ONLINE_MUNICIPALITY, None, None, None
    lat: float | None
    lon: float | None
    try:
        municipality, lat, lon = resolve_place(node.text(f"{key}.name", location.get("name") or ""))
    except ValueError as exc:
        node.issue(f"{key}.name", str(exc))
        return ONLINE_MUNICIPALITY, None, None, None
    geo_node = location.get("geo")
    if isinstance(geo_node, dict):
        glat = _number(node, f"{key}.geo.latitude", geo_node.get("latitude"))
        glon = _number(node, f"{key}.geo.longitude", geo_node.get("longitude"))
        if glat is not None and glon is not None:
            lat, lon = glat, glon
    elif fmt == "online":
        lat = lon = None
    address = None
    addr = location.get("address")
    if isinstance(addr, dict):
        address = Address(
            node.text("streetAddress", addr.get("streetAddress") or "") or None,
            node.text("postalCode", addr.get("postalCode") or "") or None,
            node.text("addressLocality", addr.get("addressLocality") or "") or municipality,
        )
    return municipality, address, lat, lon


def _string_list(node: _Node, key: str) -> tuple[str, ...]:
    value = node.props.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        node.issue(f"additionalProperty.{key}", "ist keine Liste von Texten")
        return ()
    return tuple(value)


def node_to_offer(node: _Node, default_source: str, today: dt.date) -> Offer | None:
    """Offer of one Course node; ``None`` if ``node.issues`` is not empty afterwards."""
    if not node.offer_id:
        node.issue("identifier", "Pflichtangabe fehlt")
    title, description = node.text("name"), node.text("description")
    provider = node.text("provider")
    url = node.text("url")
    fmt, dates, hours, location = _instances(node)
    municipality, address, lat, lon = _place(node, location, fmt)
    props = node.props
    course_type = "weiterbildung"
    if "course_type" in props:
        course_type = node.label(
            "additionalProperty.course_type",
            props["course_type"],
            COURSE_TYPE_LABELS,
            "course_type",
        )
    time_model = node.label(
        "additionalProperty.time_model", props.get("time_model"), TIME_MODEL_LABELS, "time_model"
    )
    offers_node = _as_list(node.data.get("offers"))
    price = (
        offers_node[0].get("price") if offers_node and isinstance(offers_node[0], dict) else None
    )
    level = node.data.get("educationalLevel")
    level_code = level.get("termCode") if isinstance(level, dict) else level
    dqr = None
    if level_code is not None:
        match = re.search(r"\d+", str(level_code))
        dqr = int(match.group()) if match and len(match.group()) < 3 else None
        if dqr is None:
            node.issue("educationalLevel", f"'{level_code}' ist kein DQR-Niveau")
    modified = node.data.get("dateModified")
    updated = api_date(modified) if modified is not None else today
    if updated is None:
        node.issue("dateModified", f"'{modified}' ist kein Datum")
    months = _number(node, "additionalProperty.duration_months", props.get("duration_months"))
    azav = props.get("azav_certified", False)
    if not isinstance(azav, bool):
        node.issue("additionalProperty.azav_certified", "ist nicht true/false")
    values: dict[str, Any] = {
        "cost_eur": _number(node, "offers.price", price),
        "funding": _terms(node, "financialAidEligible", FUNDING_LABELS, "Förderung"),
        "fields": _terms(node, "about", FIELD_LABELS, "Themenfeld"),
        "kldb_targets": _string_list(node, "kldb_targets"),
        "example_fields": _string_list(node, "example_fields"),
    }
    raw_source, raw_source_id = props.get("source"), props.get("source_id")
    source = raw_source if isinstance(raw_source, str) else default_source
    source_id = raw_source_id if isinstance(raw_source_id, str) else node.offer_id
    if node.issues or updated is None:
        return None
    try:
        return Offer(
            id=node.offer_id, title=title, description=description or title, provider=provider,
            course_type=course_type, format=fmt, time_model=time_model, municipality=municipality,
            address=address, lat=lat, lon=lon, duration_hours=hours, duration_months=months,
            start_dates=dates, azav_certified=bool(azav), dqr_level=dqr, url=url, source=source,
            source_id=source_id, last_updated=updated, **values,
        )  # fmt: skip
    except SchemaError as exc:
        node.issue(exc.field, exc.reason)
        return None


def _is_course(node: dict[str, Any]) -> bool:
    kinds = _as_list(node.get("@type"))
    return any(isinstance(k, str) and k.removeprefix("schema:") == "Course" for k in kinds)


def parse_jsonld_data(
    data: Any, filename: str = "kurse.jsonld", today: dt.date | None = None
) -> ImportReport:
    """Import parsed JSON-LD (list, single Course or ``{"@graph": [...]}``). Never raises."""
    today = today or dt.date.today()
    report = ImportReport(source=f"schema.org JSON-LD {filename}")
    base = "$"
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data, base = data["@graph"], "$.@graph"
    items = data if isinstance(data, list) else [data]
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = f"{base}[{index}]" if isinstance(data, list) else base
        if not isinstance(item, dict) or not _is_course(item):
            report.reject([ImportIssue(path, "@type", "Eintrag ist kein schema.org-Course")])
            continue
        node = _Node(item, path)
        offer = node_to_offer(node, report.source, today)
        if offer is not None and offer.id in seen:
            node.issue("identifier", f"doppelte ID '{offer.id}'")
            offer = None
        if offer is None:
            report.reject(node.issues, node.offer_id or None)
        else:
            seen.add(offer.id)
            report.accept(offer)
    return report


def parse_jsonld(
    data: bytes | str, filename: str = "kurse.jsonld", today: dt.date | None = None
) -> ImportReport:
    """Import a JSON-LD document (bytes or text). Never raises for bad input."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError) as exc:
        report = ImportReport(source=f"schema.org JSON-LD {filename}")
        report.file_error(ImportIssue("$", "json", f"kein gültiges JSON ({exc})"))
        return report
    return parse_jsonld_data(parsed, filename, today)


def read_jsonld(path: Path | str, today: dt.date | None = None) -> ImportReport:
    """Import a JSON-LD file from disk."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        return unreadable_file(f"schema.org JSON-LD {file.name}", "$", exc)
    return parse_jsonld(data, file.name, today)
