"""CSV and XLSX exports of the monitoring tables (the same protected tables the pages show).

Text cells that a spreadsheet would read as a formula (leading ``=``, ``+``, ``-``, ``@``, tab
or carriage return) get a leading apostrophe (OWASP "CSV injection"); counts are written as
numbers, a suppressed count as "•". CSV: semicolon-separated UTF-8 with BOM and decimal commas
(opens in German Excel as it is).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from staff.monitoring.tables import Table, Value

SUPPRESSED = "•"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape(value: str) -> str:
    """A text cell that no spreadsheet evaluates."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def cell(value: Value) -> int | float | str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, str):
        return escape(value)
    return value


def rows(table: Table, notes: Sequence[str]) -> list[list[int | float | str]]:
    """Header, body, footer and notes of ``table`` as spreadsheet rows."""
    out: list[list[int | float | str]] = [
        [escape(table.row_header), *(escape(c) for c in table.columns)]
    ]
    for row in (*table.rows, *([table.footer] if table.footer else [])):
        out.append([escape(row.label), *(cell(v) for v in row.values)])
    out.append([])
    out += [[escape(note)] for note in notes]
    return out


def _german(value: int | float | str) -> int | str:
    """Ratios with a decimal comma (the CSV is made for German spreadsheets)."""
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else value


def to_csv(table: Table, notes: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([[_german(v) for v in row] for row in rows(table, notes)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table, notes: Sequence[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.id[:31]
    for n, values in enumerate(rows(table, notes), start=1):
        sheet.append(values)
        if n == 1:
            for item in sheet[1]:
                item.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
