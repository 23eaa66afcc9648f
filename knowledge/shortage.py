"""Shortage occupations (Engpassberufe) with level, year and source.

Data: ``knowledge/data/shortage_occupations.csv`` (semicolon-separated, UTF-8, editable by
office staff). Columns::

    kldb_code;title;status;level;year;indicators;source_url;stand;statement_de

``kldb_code`` has 3-5 digits and records the depth at which the source makes a statement
(the BA Engpassanalyse press results name occupational fields, so most national entries are
3-digit Berufsgruppen). ``statement_de`` is what the bot says and names the level.
``stand`` is the date the entry was recorded or last checked.
Stdlib only: imported by both environments.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "shortage_occupations.csv"
COLUMNS = (
    "kldb_code",
    "title",
    "status",
    "level",
    "year",
    "indicators",
    "source_url",
    "stand",
    "statement_de",
)
STATUSES = ("Engpass", "Beobachtung")
LEVELS = ("Bund", "Bayern", "Agenturbezirk München", "Landkreis-Erhebung")
#: The BA Engpassanalyse does not rate Helfer-level occupations (5th digit 1), so national
#: entries (all from the Engpassanalyse) do not apply to a Helfer code such as 82101.
UNRATED_HELPER_LEVELS = frozenset({"Bund"})
#: Sort order when two entries are equally specific: local evidence first.
_LEVEL_RANK = {"Landkreis-Erhebung": 0, "Agenturbezirk München": 1, "Bayern": 2, "Bund": 3}


@dataclass(frozen=True)
class ShortageEntry:
    """One shortage statement about a KldB code (group) at a given level."""

    code: str
    title: str
    status: str
    level: str
    year: int
    indicators: str
    source_url: str
    stand: dt.date
    statement: str


def _fail(line: int, field: str, reason: str) -> ValueError:
    return ValueError(f"Zeile {line}, Feld '{field}': {reason}")


def _parse_row(row: dict[str, str], line: int) -> ShortageEntry:
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    code = values["kldb_code"]
    if not (code.isdigit() and 3 <= len(code) <= 5):
        raise _fail(line, "kldb_code", f"'{code}' ist kein 3- bis 5-stelliger KldB-Code")
    for name in ("title", "indicators", "statement_de"):
        if not values[name]:
            raise _fail(line, name, "darf nicht leer sein")
    if values["status"] not in STATUSES:
        raise _fail(line, "status", f"'{values['status']}' nicht erlaubt ({', '.join(STATUSES)})")
    if values["level"] not in LEVELS:
        raise _fail(line, "level", f"'{values['level']}' nicht erlaubt ({', '.join(LEVELS)})")
    try:
        year = int(values["year"])
    except ValueError:
        raise _fail(line, "year", f"'{values['year']}' ist keine Jahreszahl") from None
    if not 1990 <= year <= 2100:
        raise _fail(line, "year", f"{year} liegt außerhalb 1990-2100")
    url = values["source_url"]
    if not (url.startswith(("http://", "https://")) and "." in url and " " not in url):
        raise _fail(line, "source_url", f"'{url}' ist keine gültige URL")
    try:
        stand = dt.date.fromisoformat(values["stand"])
    except ValueError:
        raise _fail(line, "stand", f"'{values['stand']}' ist kein Datum (JJJJ-MM-TT)") from None
    return ShortageEntry(
        code=code,
        title=values["title"],
        status=values["status"],
        level=values["level"],
        year=year,
        indicators=values["indicators"],
        source_url=url,
        stand=stand,
        statement=values["statement_de"],
    )


def load_shortages(path: Path | str | None = None) -> list[ShortageEntry]:
    """Read and validate the shortage CSV; a bad row raises ValueError naming line and field."""
    file = Path(path) if path is not None else DEFAULT_PATH
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"Zeile 1: Spalten fehlen: {', '.join(missing)}")
        entries = []
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # blank line
            if row.get(None):
                raise _fail(reader.line_num, "statement_de", "zu viele Spalten (';' im Text?)")
            entries.append(_parse_row(row, reader.line_num))
    return entries


@lru_cache(maxsize=1)
def _default_entries() -> tuple[ShortageEntry, ...]:
    return tuple(load_shortages())


def is_helper_code(code: str) -> bool:
    """True for a 5-digit KldB code at Anforderungsniveau 1 (Helfer-/Anlerntätigkeiten)."""
    return len(code) == 5 and code.isdigit() and code[4] == "1"


def lookup(code: str, entries: list[ShortageEntry] | None = None) -> list[ShortageEntry]:
    """Entries relevant for a KldB code, most specific first.

    An entry matches if its code is a prefix of ``code`` (the entry covers the queried
    occupation) or, for a short query code, if it lies inside the queried group. Ties are
    ordered by level (local first) and then by year (newest first). National (BA) entries
    are left out for Helfer codes, which the Engpassanalyse does not rate.
    """
    code = (code or "").strip()
    if not code.isdigit():
        return []
    pool = _default_entries() if entries is None else entries
    found = [e for e in pool if code.startswith(e.code) or e.code.startswith(code)]
    if is_helper_code(code):
        found = [e for e in found if e.level not in UNRATED_HELPER_LEVELS]
    return sorted(found, key=lambda e: (-len(e.code), _LEVEL_RANK[e.level], -e.year))


def is_shortage(code: str, entries: list[ShortageEntry] | None = None) -> bool:
    """True if any entry matching ``code`` has status ``Engpass``."""
    return any(e.status == "Engpass" for e in lookup(code, entries))
