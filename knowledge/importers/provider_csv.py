"""Import offers from a provider's CSV file.

Template: ``knowledge/data/import_samples/anbieter_vorlage.csv``.

Accepts what German office software saves: delimiter ``;`` or ``,`` (``csv.Sniffer`` on the
header line, fallback: the delimiter that yields the ``kurs_id`` column), UTF-8 with or
without BOM, Windows-1252 (tried when UTF-8 fails; Latin-1 as last resort so that any byte
sequence decodes). Values may use German labels ("Präsenz", "Vollzeit", "Umschulung"),
German yes/no, dates ``TT.MM.JJJJ`` or ``JJJJ-MM-TT`` and amounts like ``1.234,50``.
Columns and rules: ``docs/importers.md``. Stdlib only.

The value helpers (:func:`parse_date`, :func:`parse_amount`, :func:`map_label` ...) live in
:mod:`knowledge.importers.values` (shared with the other importers); this module re-exports
them for callers of the CSV importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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
    parse_bool,
    parse_date,
    parse_dates,
    parse_int,
    resolve_place,
    slugify,
    split_list,
)
from knowledge.schema import ONLINE_MUNICIPALITY, Address, Offer, SchemaError

T = TypeVar("T")
D = TypeVar("D")

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "detect_delimiter",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_provider_csv",
    "read_provider_csv",
    "resolve_place",
    "slugify",
]

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

    def parse(self, column: str, parser: Callable[[str], T], default: D) -> T | D:
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
