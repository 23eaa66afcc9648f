"""Import course dates from the BA Weiterbildungssuche API (``/pc/v2/bildungsangebot``).

The published OpenAPI file (``/work/shared/reference/ba-weiterbildungssuche-openapi.yaml``)
defines the code lists used here: ``uf`` Unterrichtsform (101-105 Präsenz, 201-206 digital,
301-304 kombiniert, 401-403 Fernunterricht) and ``uz`` Unterrichtszeit (1 Vollzeit,
2 Teilzeit), ``bg`` Bildungsgutschein. A response lists course dates ("Termine") under
``_embedded.termine``; each has ``id``, ``unterrichtsform {id, bezeichnung}``,
``unterrichtszeit {id, bezeichnung}``, ``angebot {id, titel, inhalt, link, bildungsart,
bildungsanbieter {name, homepage}}``, ``adresse {strasse, ortStrasse {plz, name},
koordinaten {lat, lon}}``, ``beginn``, ``ende``, ``individuellerEinstieg``,
``berufsbegleitend``, ``kostenWert``, ``kostenWaehrung``, ``foerderung`` (Bildungsgutschein
zugelassen) and ``aktualisierungsdatum`` (epoch milliseconds). One Termin becomes one Offer
(``id = "ba-<Termin-id>"``, ``source_id`` = Termin-id). Unknown codes reject the record
with its JSON path. Venues: :mod:`knowledge.importers.venue` (the record's coordinates, the
district's reach; a distant venue is refused with its distance). Contact persons
(``ansprechpartner``: names, phone numbers, e-mail addresses) and the provider's phone and
e-mail are never read, so they are never imported, stored or reported. Mapping table:
``docs/importers.md``. Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from pathlib import Path
from typing import Any

from knowledge import geo
from knowledge.geo import DEFAULT_REACH_KM
from knowledge.importers.report import ImportIssue, ImportReport, unreadable_file
from knowledge.importers.values import parse_amount
from knowledge.importers.venue import VenueError, resolve_venue, valid_coordinates
from knowledge.schema import ONLINE_MUNICIPALITY, Address, Offer, SchemaError

SOURCE = "BA Weiterbildungssuche"
FALLBACK_URL = "https://web.arbeitsagentur.de/weiterbildungssuche/"
MAX_DESCRIPTION = 2000

#: Unterrichtsform codes (OpenAPI parameter ``uf``) -> Offer.format
UNTERRICHTSFORM: dict[int, str] = {
    **dict.fromkeys((101, 102, 103, 104, 105), "praesenz"),
    **dict.fromkeys((201, 202, 203, 204, 206), "online"),
    **dict.fromkeys((301, 302, 303, 304), "hybrid"),
    **dict.fromkeys((401, 402, 403), "online"),
}
#: Unterrichtszeit codes (OpenAPI parameter ``uz``) -> Offer.time_model
UNTERRICHTSZEIT: dict[int, str] = {1: "vollzeit", 2: "teilzeit"}


def _berlin() -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Berlin")
    except (ImportError, KeyError):  # no tz database: CET is close enough for dates
        return dt.timezone(dt.timedelta(hours=1))


#: the API's epoch-millisecond dates are local midnights (German time)
BERLIN = _berlin()


def html_to_text(value: str, limit: int = MAX_DESCRIPTION) -> str:
    """Plain text of an HTML snippet, whitespace collapsed, cut at a word boundary."""
    text = re.sub(r"<[^>]*>", " ", value)
    text = " ".join(html.unescape(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


class _Record:
    """One Termin with its JSON path; collects issues while values are read."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data = data
        self.path = path
        self.issues: list[ImportIssue] = []
        raw_id = data.get("id")
        valid_id = isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool)
        self.source_id = str(raw_id).strip() if valid_id else ""

    def issue(self, key_path: str, reason: str) -> None:
        self.issues.append(
            ImportIssue(f"{self.path}.{key_path}", key_path, reason, self.source_id or None)
        )

    def get(self, key_path: str, kind: type | tuple[type, ...] = object) -> Any:
        """Value at a dotted path below the record; ``None`` if absent; wrong type -> issue."""
        node: Any = self.data
        walked: list[str] = []
        for key in key_path.split("."):
            if node is None:
                return None
            if not isinstance(node, dict):
                self.issue(".".join(walked), "ist kein Objekt")
                return None
            node = node.get(key)
            walked.append(key)
        if node is not None and not isinstance(node, kind):
            self.issue(key_path, f"hat den falschen Typ ({type(node).__name__})")
            return None
        return node

    def text(self, key_path: str) -> str:
        value = self.get(key_path, (str, int, float))
        return "" if value is None or isinstance(value, bool) else str(value).strip()

    def code(self, key_path: str, table: dict[int, str], what: str) -> str:
        """Canonical value of a code (int or numeric string); unknown/missing -> issue."""
        raw = self.get(key_path, (int, str, float))
        number: int | None = None
        if isinstance(raw, bool) or raw is None:
            number = None
        elif isinstance(raw, float):
            number = int(raw) if math.isfinite(raw) and raw == int(raw) else None
        elif isinstance(raw, int):
            number = raw
        elif raw.strip().isdigit():
            number = int(raw.strip())
        if raw is None:
            self.issue(key_path, f"Pflichtangabe {what} fehlt")
        elif number not in table:
            allowed = ", ".join(str(c) for c in sorted(table))
            self.issue(key_path, f"unbekannter Code '{raw}' für {what} (bekannt: {allowed})")
        return table.get(number, "") if number is not None else ""

    def flag(self, key_path: str) -> bool:
        value = self.get(key_path, bool)
        return bool(value)


def api_date(value: Any) -> dt.date | None:
    """Date from ISO text (``2027-01-11``, ``2027-01-11T00:00:00``) or epoch milliseconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 0 <= value < 4e12:
            return None
        return dt.datetime.fromtimestamp(value / 1000, tz=BERLIN).date()
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _date_at(rec: _Record, key: str) -> dt.date | None:
    raw = rec.data.get(key)
    if raw is None:
        return None
    parsed = api_date(raw)
    if parsed is None:
        rec.issue(key, f"'{raw}' ist kein Datum (JJJJ-MM-TT oder Millisekunden)")
    return parsed


def _course_type(rec: _Record, title: str) -> str:
    art = rec.text("angebot.bildungsart.bezeichnung").casefold()
    if "umschulung" in title.casefold() or "umschulung" in art:
        return "umschulung"
    if "aufstieg" in art:
        return "aufstiegsfortbildung"
    return "weiterbildung"


def _cost(rec: _Record) -> float | None:
    raw = rec.get("kostenWert", (int, float, str))
    if raw is None or isinstance(raw, bool) or raw == "":
        return None
    try:
        value = parse_amount(raw) if isinstance(raw, str) else float(raw)
    except (ValueError, OverflowError):
        value = math.nan
    currency = rec.text("kostenWaehrung") or "EUR"
    if currency.upper() != "EUR":
        rec.issue("kostenWaehrung", f"Währung '{currency}' wird nicht unterstützt (nur EUR)")
    if not math.isfinite(value) or value < 0:
        rec.issue("kostenWert", f"'{raw}' ist kein gültiger Betrag")
        return None
    return value


def _place(
    rec: _Record, fmt: str, reach_km: float | None
) -> tuple[str, Address | None, float | None, float | None, str]:
    """(municipality, address, lat, lon, coordinate note) of the Termin's venue."""
    town = rec.text("adresse.ortStrasse.name")
    coords = rec.get("adresse.koordinaten", dict) or {}
    street = rec.text("adresse.strasse") or None
    postcode = rec.text("adresse.ortStrasse.plz") or None
    lat, lon = coords.get("lat"), coords.get("lon")
    if fmt == "online":  # the address is the provider's office, not a venue
        try:
            venue = resolve_venue(
                town, lat, lon, street=street, postcode=postcode, reach_km=None, use_geonames=False
            )
        except VenueError:
            return ONLINE_MUNICIPALITY, None, None, None, ""
        if geo.coordinates(venue.municipality) is None:  # an office far away: just "online"
            return ONLINE_MUNICIPALITY, None, None, None, ""
        return venue.municipality, venue.address, venue.lat, venue.lon, venue.coords_note
    try:
        venue = resolve_venue(town, lat, lon, street=street, postcode=postcode, reach_km=reach_km)
    except VenueError as exc:
        given = valid_coordinates(lat, lon) is not None
        rec.issue("adresse.koordinaten" if given else "adresse.ortStrasse.name", exc.reason)
        return ONLINE_MUNICIPALITY, None, None, None, ""
    return venue.municipality, venue.address, venue.lat, venue.lon, venue.coords_note


def termin_to_offer(
    rec: _Record, today: dt.date, reach_km: float | None = DEFAULT_REACH_KM
) -> Offer | None:
    """Offer of one Termin; ``None`` if ``rec.issues`` is not empty afterwards."""
    if not rec.source_id:
        rec.issue("id", "Pflichtangabe fehlt (Termin-ID)")
    title = rec.text("angebot.titel")
    if not title:
        rec.issue("angebot.titel", "Pflichtangabe fehlt (Titel)")
    provider = rec.text("angebot.bildungsanbieter.name")
    if not provider:
        rec.issue("angebot.bildungsanbieter.name", "Pflichtangabe fehlt (Bildungsanbieter)")
    description = html_to_text(rec.text("angebot.inhalt") or rec.text("angebot.zielgruppe"))
    fmt = rec.code("unterrichtsform.id", UNTERRICHTSFORM, "Unterrichtsform")
    time_model = rec.code("unterrichtszeit.id", UNTERRICHTSZEIT, "Unterrichtszeit")
    if rec.flag("berufsbegleitend"):
        time_model = "berufsbegleitend"
    municipality, address, lat, lon, coords_note = _place(rec, fmt, reach_km)
    begin, end = _date_at(rec, "beginn"), _date_at(rec, "ende")
    rolling = rec.flag("individuellerEinstieg")
    months = None
    if begin and end and end >= begin:
        months = round((end - begin).days / 30.44, 1)
    cost = _cost(rec)
    funded = rec.flag("foerderung")
    updated = _date_at(rec, "aktualisierungsdatum") or today
    url = (
        rec.text("angebot.link")
        or rec.text("link")
        or rec.text("angebot.bildungsanbieter.homepage")
    )
    if not re.match(r"https?://[^\s/]+\.[^\s/]+", url):
        url = FALLBACK_URL
    if rec.issues:
        return None
    extra = {
        "ba_angebot_id": rec.text("angebot.id"),
        "ba_unterrichtsform": rec.text("unterrichtsform.bezeichnung"),
        "ba_dauer": rec.text("dauer.bezeichnung"),
        "coords": coords_note,
    }
    try:
        return Offer(
            id=f"ba-{rec.source_id}",
            title=title,
            description=description or title,
            provider=provider,
            course_type=_course_type(rec, title),
            format=fmt,
            time_model=time_model,
            municipality=municipality,
            address=address,
            lat=lat,
            lon=lon,
            duration_hours=None,
            duration_months=months,
            start_dates=() if rolling or begin is None else (begin,),
            cost_eur=cost,
            funding=("bildungsgutschein",) if funded else (),
            azav_certified=funded,
            dqr_level=None,
            kldb_targets=(),
            fields=(),
            url=url,
            source=SOURCE,
            source_id=rec.source_id,
            last_updated=updated,
            extra={k: v for k, v in extra.items() if v},
        )
    except SchemaError as exc:
        rec.issue(exc.field, exc.reason)
        return None


def _termine(data: Any, report: ImportReport) -> tuple[list[Any], str]:
    """The list of Termine and its JSON path (accepts the API response or a bare list)."""
    if isinstance(data, list):
        return data, "$"
    if isinstance(data, dict):
        embedded = data.get("_embedded")
        if isinstance(embedded, dict) and isinstance(embedded.get("termine"), list):
            return embedded["termine"], "$._embedded.termine"
        if isinstance(data.get("termine"), list):
            return data["termine"], "$.termine"
    report.file_error(ImportIssue("$", "_embedded.termine", "Liste der Termine fehlt"))
    return [], "$"


def parse_ba_data(
    data: Any, today: dt.date | None = None, reach_km: float | None = DEFAULT_REACH_KM
) -> ImportReport:
    """Import already parsed JSON (response object or list of Termine). Never raises.

    Place-bound Termine are accepted within ``reach_km`` of the Landkreis (module
    :mod:`knowledge.importers.venue`); ``None`` switches the reach rule off."""
    today = today or dt.date.today()
    report = ImportReport(source=SOURCE)
    termine, base = _termine(data, report)
    seen: dict[str, str] = {}
    for index, item in enumerate(termine):
        path = f"{base}[{index}]"
        if not isinstance(item, dict):
            report.reject([ImportIssue(path, "termin", "Eintrag ist kein Objekt")])
            continue
        rec = _Record(item, path)
        offer = termin_to_offer(rec, today, reach_km)
        if offer is not None and rec.source_id in seen:
            rec.issue("id", f"doppelte Termin-ID (schon in {seen[rec.source_id]})")
            offer = None
        if offer is None:
            report.reject(rec.issues, rec.source_id or None)
        else:
            seen[rec.source_id] = path
            report.accept(offer)
    return report


def parse_ba_json(
    data: bytes | str, today: dt.date | None = None, reach_km: float | None = DEFAULT_REACH_KM
) -> ImportReport:
    """Import a JSON document (bytes or text). Never raises for bad input."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError) as exc:
        report = ImportReport(source=SOURCE)
        report.file_error(ImportIssue("$", "json", f"kein gültiges JSON ({exc})"))
        return report
    return parse_ba_data(parsed, today, reach_km)


def read_ba_json(
    path: Path | str, today: dt.date | None = None, reach_km: float | None = DEFAULT_REACH_KM
) -> ImportReport:
    """Import a saved API response from disk."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return unreadable_file(SOURCE, "$", exc)
    return parse_ba_json(data, today, reach_km)
