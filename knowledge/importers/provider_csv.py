"""Import offers from a provider's CSV file.

Template: ``knowledge/data/import_samples/anbieter_vorlage.csv``.

Accepts what German office software saves: delimiter ``;`` or ``,`` (``csv.Sniffer`` on the
header line, fallback: the delimiter that yields the ``kurs_id`` column), UTF-8 with or
without BOM, Windows-1252 (tried when UTF-8 fails; Latin-1 as last resort so that any byte
sequence decodes). Values may use German labels ("Präsenz", "Vollzeit", "Umschulung"),
German yes/no, dates ``TT.MM.JJJJ`` or ``JJJJ-MM-TT`` and amounts like ``1.234,50``.
Columns and rules: ``docs/importers.md``. Stdlib only.

The value helpers (:func:`parse_date`, :func:`parse_amount`, :func:`map_label` ...) are
also used by the other importers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from knowledge import geo, vocabulary
from knowledge.importers.report import ImportIssue, ImportReport, unreadable_file
from knowledge.schema import (
    FORMATS,
    ONLINE_MUNICIPALITY,
    Address,
    Offer,
    SchemaError,
)

T = TypeVar("T")

#: Template columns in order; see docs/importers.md.
COLUMNS: tuple[str, ...] = (
    "kurs_id", "titel", "beschreibung", "anbieter", "kursart", "format", "zeitmodell",
    "gemeinde", "strasse", "plz", "ort", "dauer_stunden", "dauer_monate", "starttermine",
    "kosten_eur", "foerderung", "azav", "dqr", "kldb_ziele", "felder", "url", "stand",
    "beispieldaten",
)  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = (
    "kurs_id", "titel", "beschreibung", "anbieter", "kursart", "format", "zeitmodell", "url",
)  # fmt: skip
#: CSV column -> Offer field (for schema errors and ``beispieldaten``).
COLUMN_TO_FIELD: dict[str, str] = {
    "kurs_id": "source_id", "titel": "title", "beschreibung": "description",
    "anbieter": "provider", "kursart": "course_type", "format": "format",
    "zeitmodell": "time_model", "gemeinde": "municipality", "strasse": "address",
    "plz": "address", "ort": "address", "dauer_stunden": "duration_hours",
    "dauer_monate": "duration_months", "starttermine": "start_dates", "kosten_eur": "cost_eur",
    "foerderung": "funding", "azav": "azav_certified", "dqr": "dqr_level",
    "kldb_ziele": "kldb_targets", "felder": "fields", "url": "url", "stand": "last_updated",
}  # fmt: skip
FIELD_TO_COLUMN: dict[str, str] = {}
for _col, _fld in COLUMN_TO_FIELD.items():
    FIELD_TO_COLUMN.setdefault(_fld, _col)
FIELD_TO_COLUMN.update({"lat/lon": "gemeinde", "id/title/description": "titel"})

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
YES = frozenset({"ja", "j", "yes", "y", "x", "1", "true", "wahr"})
NO = frozenset({"nein", "n", "no", "0", "false", "falsch", ""})


#: comparison key of a label (lower case, umlauts folded, letters/digits only)
label_key = vocabulary.key
#: label key -> canonical id, from the one vocabulary (ids, German labels, synonyms)
FORMAT_LABELS = vocabulary.table("format", FORMATS)  # an offer's format is never "egal"
TIME_MODEL_LABELS = vocabulary.table("time_model")
COURSE_TYPE_LABELS = vocabulary.table("course_type")
FUNDING_LABELS = vocabulary.table("funding")
FIELD_LABELS = vocabulary.table("field")


def map_label(value: str, table: dict[str, str], what: str) -> str:
    """Canonical id of a label (``"Präsenz"`` -> ``"praesenz"``); ValueError (German) if unknown."""
    key = label_key(value)
    if key in table:
        return table[key]
    allowed = ", ".join(sorted(set(table.values())))
    raise ValueError(f"'{value}' ist kein bekannter Wert für {what} (erlaubt: {allowed})")


def split_list(value: str) -> list[str]:
    """Items of a list cell separated by ',', ';' or '|' (empty items dropped)."""
    return [item.strip() for item in re.split(r"[,;|]", value) if item.strip()]


def parse_date(value: str) -> dt.date:
    """Date from ``TT.MM.JJJJ`` (also ``T.M.JJJJ``) or ``JJJJ-MM-TT``; ValueError (German)."""
    text = value.strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"'{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)")


def parse_dates(value: str) -> tuple[dt.date, ...]:
    """Sorted, de-duplicated dates of a list cell (separators ',', ';', '|' or blanks)."""
    items = [x for x in re.split(r"[,;|\s]+", value) if x]
    return tuple(sorted({parse_date(x) for x in items}))


def parse_amount(value: str) -> float:
    """Number in German or English notation: ``1.234,50``, ``1234,5``, ``1,234.50``, ``980 €``."""
    text = re.sub(r"\s|€|eur(o)?", "", value.strip(), flags=re.IGNORECASE)
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"'{value}' ist keine Zahl (Beispiel: 1.234,50)")
    number = float(text)
    if number < 0:
        raise ValueError(f"'{value}' darf nicht negativ sein")
    return number


def parse_int(value: str) -> int:
    """Whole number (``"120"``, ``"1.200"``); ValueError (German)."""
    number = parse_amount(value)
    if number != int(number):
        raise ValueError(f"'{value}' ist keine ganze Zahl")
    return int(number)


def parse_bool(value: str) -> bool:
    """German/English yes-no (``ja``/``nein``, ``x``, ``1``/``0``; empty = nein)."""
    key = value.strip().casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"'{value}' ist weder 'ja' noch 'nein'")


def slugify(text: str, max_len: int = 30) -> str:
    """ASCII slug: ``"vhs SüdOst GmbH"`` -> ``"vhs-suedost-gmbh"``."""
    folded = text.casefold().translate(_UMLAUTS)
    slug = re.sub(r"[^0-9a-z]+", "-", folded).strip("-")
    return slug[:max_len].rstrip("-") or "x"


def resolve_place(name: str) -> tuple[str, float, float]:
    """(official name, lat, lon) of a known place; ValueError (German) if unknown."""
    official = geo.official_name(name) if name.strip() else None
    coords = geo.coordinates(official) if official else None
    if official is None or coords is None:
        raise ValueError(
            f"'{name}' ist kein bekannter Ort "
            "(Gemeinde im Landkreis München oder Ort aus places.json)"
        )
    return official, coords[0], coords[1]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (with/without BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _header_key(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().strip("\ufeff").casefold())


def detect_delimiter(header_line: str) -> str:
    """Delimiter of the header line: csv.Sniffer, checked against the ``kurs_id`` column."""
    candidates = [";", ",", "\t"]
    try:
        sniffed = csv.Sniffer().sniff(header_line, delimiters="".join(candidates)).delimiter
        candidates.insert(0, sniffed)
    except csv.Error:
        pass
    for delimiter in candidates:
        if "kurs_id" in {_header_key(c) for c in header_line.split(delimiter)}:
            return delimiter
    return max((";", ","), key=header_line.count)


class _Row:
    """Collects the issues of one CSV row while its cells are parsed."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.issues: list[ImportIssue] = []
        self.record_id = cells.get("kurs_id") or None

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def issue(self, column: str, reason: str) -> None:
        self.issues.append(ImportIssue(self.line, column, reason, self.record_id))

    def parse(self, column: str, parser: Callable[[str], T], default: T) -> T:
        """Parse a cell; empty -> ``default``; a ValueError becomes an issue."""
        value = self.text(column)
        if not value:
            return default
        try:
            return parser(value)
        except ValueError as exc:
            self.issue(column, str(exc))
            return default

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.issue(column, "Pflichtfeld ist leer")
        return value


def _labels(table: dict[str, str], what: str) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(map_label(v, table, what) for v in split_list(value)))

    return parse


def _example_fields(value: str) -> tuple[str, ...]:
    names = []
    for item in split_list(value):
        column = _header_key(item)
        if column not in COLUMN_TO_FIELD:
            raise ValueError(f"'{item}' ist keine Spalte der Vorlage")
        names.append(COLUMN_TO_FIELD[column])
    return tuple(dict.fromkeys(names))


def _place(row: _Row, fmt: str) -> tuple[str, float | None, float | None]:
    name = row.text("gemeinde")
    if not name or label_key(name) == ONLINE_MUNICIPALITY:
        if fmt != "online":
            row.issue("gemeinde", "Pflichtfeld für Präsenz- und Hybridangebote ist leer")
        return ONLINE_MUNICIPALITY, None, None
    try:
        return resolve_place(name)
    except ValueError as exc:
        row.issue("gemeinde", str(exc))
        return ONLINE_MUNICIPALITY, None, None


def _address(row: _Row, municipality: str) -> Address | None:
    street, postcode, town = row.text("strasse"), row.text("plz"), row.text("ort")
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        row.issue("plz", f"'{postcode}' ist keine fünfstellige Postleitzahl")
    if not (street or postcode or town):
        return None
    fallback = municipality if municipality != ONLINE_MUNICIPALITY else ""
    return Address(street or None, postcode or None, town or fallback)


def row_to_offer(row: _Row, source: str, today: dt.date) -> Offer | None:
    """Build the offer of one row; ``None`` if ``row.issues`` is not empty afterwards."""
    kurs_id = row.required("kurs_id")
    title, description = row.required("titel"), row.required("beschreibung")
    provider = row.required("anbieter")
    course_type = row.parse("kursart", lambda v: map_label(v, COURSE_TYPE_LABELS, "kursart"), "")
    fmt = row.parse("format", lambda v: map_label(v, FORMAT_LABELS, "format"), "")
    time_model = row.parse(
        "zeitmodell", lambda v: map_label(v, TIME_MODEL_LABELS, "zeitmodell"), ""
    )
    for column, value in (("kursart", course_type), ("format", fmt), ("zeitmodell", time_model)):
        if not value and not row.text(column):
            row.issue(column, "Pflichtfeld ist leer")
    url = row.required("url")
    if url and not re.match(r"https?://[^\s/]+\.[^\s/]+", url):
        row.issue("url", f"'{url}' ist keine Webadresse (http:// oder https://)")
    municipality, lat, lon = _place(row, fmt)
    address = _address(row, municipality)
    values: dict[str, Any] = {
        "duration_hours": row.parse("dauer_stunden", parse_int, None),
        "duration_months": row.parse("dauer_monate", parse_amount, None),
        "start_dates": row.parse("starttermine", parse_dates, ()),
        "cost_eur": row.parse("kosten_eur", parse_amount, None),
        "funding": row.parse("foerderung", _labels(FUNDING_LABELS, "foerderung"), ()),
        "azav_certified": row.parse("azav", parse_bool, False),
        "dqr_level": row.parse("dqr", parse_int, None),
        "kldb_targets": row.parse("kldb_ziele", lambda v: tuple(split_list(v)), ()),
        "fields": row.parse("felder", _labels(FIELD_LABELS, "felder"), ()),
        "last_updated": row.parse("stand", parse_date, today),
        "example_fields": row.parse("beispieldaten", _example_fields, ()),
    }
    if row.issues:
        return None
    try:
        return Offer(
            id=f"csv-{slugify(provider)}-{slugify(kurs_id, 40)}",
            title=title,
            description=description,
            provider=provider,
            course_type=course_type,
            format=fmt,
            time_model=time_model,
            municipality=municipality,
            address=address,
            lat=lat,
            lon=lon,
            url=url,
            source=source,
            source_id=kurs_id,
            **values,
        )
    except SchemaError as exc:
        row.issue(FIELD_TO_COLUMN.get(exc.field, exc.field), exc.reason)
        return None


def parse_provider_csv(
    data: bytes | str, filename: str = "anbieter.csv", today: dt.date | None = None
) -> ImportReport:
    """Import the offers of a provider CSV given as bytes (or already decoded text).

    Never raises for bad input: every problem ends up in the report. ``today`` is used as
    ``last_updated`` when the ``stand`` column is empty (default: the current date).
    """
    today = today or dt.date.today()
    report = ImportReport(source=f"Anbieter-CSV {filename}")
    if isinstance(data, bytes):
        text, encoding = decode_bytes(data)
        report.notes.append(f"Zeichenkodierung: {encoding}")
    else:
        text = data
    text = text.lstrip("\ufeff").replace("\x00", "")
    lines = text.splitlines()
    header_line = next((ln for ln in lines if ln.strip()), "")
    if not header_line:
        report.file_error(ImportIssue(1, "datei", "Die Datei ist leer"))
        return report
    delimiter = detect_delimiter(header_line)
    report.notes.append(f"Trennzeichen: '{delimiter}'")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    _read_rows(reader, report, today)
    return report


def _read_rows(reader: Any, report: ImportReport, today: dt.date) -> None:
    header: list[str] | None = None
    first_line_of: dict[str, int] = {}
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous_end + 1
            report.reject([ImportIssue(line, "zeile", f"Zeile nicht lesbar ({exc})")])
            return
        start, previous_end = previous_end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [_header_key(c) for c in cells]
            missing = [c for c in REQUIRED_COLUMNS + ("gemeinde",) if c not in header]
            for column in missing:
                report.file_error(ImportIssue(start, column, "Spalte fehlt in der Kopfzeile"))
            if missing:
                return
            continue
        row = _Row(start, dict(zip(header, cells, strict=False)))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            row.issue("zeile", f"{len(cells)} Werte, aber nur {len(header)} Spalten")
        offer = row_to_offer(row, report.source, today)
        kurs_id = row.text("kurs_id")
        if offer is not None and kurs_id in first_line_of:
            row.issue(
                "kurs_id", f"doppelte kurs_id '{kurs_id}' (schon in Zeile {first_line_of[kurs_id]})"
            )
            offer = None
        if offer is None:
            report.reject(row.issues, kurs_id or None)
        else:
            first_line_of[kurs_id] = start
            report.accept(offer)


def read_provider_csv(path: Path | str, today: dt.date | None = None) -> ImportReport:
    """Import a provider CSV file from disk (unreadable file -> report with a file error)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        return unreadable_file(f"Anbieter-CSV {file.name}", 1, exc)
    return parse_provider_csv(data, file.name, today)
