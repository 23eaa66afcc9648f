"""Shortage occupations (Engpassberufe) with level, evidence, year, source and weight.

Data: ``knowledge/data/shortage_occupations.csv`` (semicolon-separated, UTF-8, editable by
office staff). Columns::

    kldb_code;title;status;level;evidence;year;indicators;source_url;stand;statement_de

``kldb_code`` has 3-5 digits and records the depth at which the source makes a statement
(the BA Engpassanalyse press results name occupational fields, so most national entries are
3-digit Berufsgruppen). ``evidence`` says who assessed the shortage: the BA Engpassanalyse, a
(regional or governmental) report or study, or only a press report. ``year`` is the year of
the analysis or survey the row comes from (a BA row names "BA-Engpassanalyse <year>" in
``indicators``). ``status`` is ``Engpass``, ``Beobachtung`` (only the BA's score band 1.5 to
< 2.0, never a projection) or ``Projektion`` (a forecast, no shortage rating).
``statement_de`` is what the bot says and names the level. ``stand`` is the date the entry was
recorded or last checked.

Weight of the evidence (:func:`evidence_weight`, documented in docs/catalogue-schema.md §4)::

    weight = EVIDENCE_WEIGHT[evidence] * LEVEL_FIT[level] * 0.5 ** (age / HALF_LIFE_YEARS)

with ``age`` = years the row's analysis lies behind the newest BA Engpassanalyse in the table.
So a current BA row outweighs older BA rows, and any BA row outweighs reports and press
reports, however local. The search ranking uses the weight as its shortage component.
Stdlib only: imported by both environments.
"""

from __future__ import annotations

import csv
import dataclasses
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
    "evidence",
    "year",
    "indicators",
    "source_url",
    "stand",
    "statement_de",
)
ENGPASS, BEOBACHTUNG, PROJEKTION = "Engpass", "Beobachtung", "Projektion"
STATUSES = (ENGPASS, BEOBACHTUNG, PROJEKTION)
LEVELS = ("Bund", "Bayern", "Agenturbezirk München", "Landkreis-Erhebung")
BA_ANALYSIS, REPORT, PRESS = "BA-Engpassanalyse", "Bericht", "Presse"
EVIDENCE = (BA_ANALYSIS, REPORT, PRESS)
#: evidence level: the BA's own analysis > a report or study > a press report
EVIDENCE_WEIGHT = {BA_ANALYSIS: 1.0, REPORT: 0.4, PRESS: 0.2}
#: regional fit: evidence for the district counts most, national evidence half
LEVEL_FIT = {"Landkreis-Erhebung": 1.0, "Agenturbezirk München": 1.0, "Bayern": 0.75, "Bund": 0.5}
#: evidence loses half its weight for every HALF_LIFE_YEARS it lies behind the newest BA analysis
HALF_LIFE_YEARS = 3.0
#: The BA Engpassanalyse does not rate Helfer-level occupations (5th digit 1), so national
#: entries (all from the Engpassanalyse) do not apply to a Helfer code such as 82101.
UNRATED_HELPER_LEVELS = frozenset({"Bund"})


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
    evidence: str = BA_ANALYSIS
    #: weight of the evidence (:func:`evidence_weight`), set when the table is loaded
    weight: float = 0.0


def evidence_weight(evidence: str, level: str, year: int, reference_year: int) -> float:
    """Weight of a shortage statement: evidence level x regional fit x age discount.

    ``reference_year`` is the year of the newest BA Engpassanalyse in the table; rows from that
    analysis have no age discount, older rows lose half their weight per
    :data:`HALF_LIFE_YEARS`.
    """
    age = max(0, reference_year - year)
    return round(EVIDENCE_WEIGHT[evidence] * LEVEL_FIT[level] * 0.5 ** (age / HALF_LIFE_YEARS), 4)


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
    evidence = values["evidence"]
    if evidence not in EVIDENCE:
        raise _fail(line, "evidence", f"'{evidence}' nicht erlaubt ({', '.join(EVIDENCE)})")
    if values["status"] == BEOBACHTUNG and evidence != BA_ANALYSIS:
        raise _fail(
            line,
            "status",
            "'Beobachtung' ist ein Punktband der BA-Engpassanalyse (1,5 bis unter 2,0); "
            "Prognosen und Berichte sind 'Projektion' oder 'Engpass'",
        )
    try:
        year = int(values["year"])
    except ValueError:
        raise _fail(line, "year", f"'{values['year']}' ist keine Jahreszahl") from None
    if not 1990 <= year <= 2100:
        raise _fail(line, "year", f"{year} liegt außerhalb 1990-2100")
    if evidence == BA_ANALYSIS and f"{BA_ANALYSIS} {year}" not in values["indicators"]:
        raise _fail(
            line, "indicators", f"eine BA-Zeile nennt ihre Analyse: '{BA_ANALYSIS} {year}' fehlt"
        )
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
        evidence=evidence,
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
    return with_weights(entries)


def with_weights(entries: list[ShortageEntry]) -> list[ShortageEntry]:
    """The entries with :attr:`ShortageEntry.weight` set, relative to the newest BA analysis
    among them (or the newest row of any kind if there is no BA row)."""
    ba_years = [e.year for e in entries if e.evidence == BA_ANALYSIS]
    reference = max(ba_years or [e.year for e in entries] or [0])
    return [
        dataclasses.replace(e, weight=evidence_weight(e.evidence, e.level, e.year, reference))
        for e in entries
    ]


@lru_cache(maxsize=1)
def _default_entries() -> tuple[ShortageEntry, ...]:
    return tuple(load_shortages())


def is_helper_code(code: str) -> bool:
    """True for a 5-digit KldB code at Anforderungsniveau 1 (Helfer-/Anlerntätigkeiten)."""
    return len(code) == 5 and code.isdigit() and code[4] == "1"


def lookup(code: str, entries: list[ShortageEntry] | None = None) -> list[ShortageEntry]:
    """Entries relevant for a KldB code, strongest evidence first.

    An entry matches if its code is a prefix of ``code`` (the entry covers the queried
    occupation) or, for a short query code, if it lies inside the queried group. Entries are
    ordered by :attr:`ShortageEntry.weight` (evidence level, region, age), ties by depth (most
    specific first) and year (newest first). National (BA) entries are left out for Helfer
    codes, which the Engpassanalyse does not rate.
    """
    code = (code or "").strip()
    if not code.isdigit():
        return []
    pool = _default_entries() if entries is None else entries
    found = [e for e in pool if code.startswith(e.code) or e.code.startswith(code)]
    if is_helper_code(code):
        found = [e for e in found if e.level not in UNRATED_HELPER_LEVELS]
    return sorted(found, key=lambda e: (-e.weight, -len(e.code), -e.year))


def is_shortage(code: str, entries: list[ShortageEntry] | None = None) -> bool:
    """True if any entry matching ``code`` has status ``Engpass``."""
    return any(e.status == ENGPASS for e in lookup(code, entries))
