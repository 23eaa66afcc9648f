"""Place helpers on top of ``knowledge.gazetteer`` / ``knowledge.geo`` (stdlib-only modules).

``resolve_municipality`` answers "official name and inside the Landkreis?" for a typed or
NLU-resolved place; ``local_vhs`` reads the responsible VHS from
``knowledge/data/gemeinden_lkr_muenchen.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge import geo

MUNICIPALITIES_CSV = Path(geo.MUNICIPALITIES_CSV)


@dataclass(frozen=True)
class ResolvedPlace:
    """Official (or canonical) place name and whether it belongs to Landkreis München."""

    name: str
    in_landkreis: bool


def resolve_municipality(text: str | None) -> ResolvedPlace | None:
    """Resolve a place name; None if unknown (or the district as a whole)."""
    if not text or not str(text).strip():
        return None
    try:
        from knowledge.gazetteer import resolve_place
    except ImportError:  # gazetteer not deployed: exact names and aliases only
        official = geo.official_name(text)
        if official is None:
            return None
        return ResolvedPlace(official, geo.is_in_landkreis(official))
    found = resolve_place(str(text))
    if found is None:
        return None
    return ResolvedPlace(found.name, bool(found.in_landkreis))


def outside_landkreis(value: str | None) -> ResolvedPlace | None:
    """The resolved place when ``value`` names a known place outside the Landkreis, else None
    (a municipality of the Landkreis, an unknown place, nothing)."""
    resolved = resolve_municipality(value)
    return resolved if resolved is not None and not resolved.in_landkreis else None


@dataclass(frozen=True)
class VhsInfo:
    """Responsible adult-education centre of a municipality (as researched)."""

    municipality: str
    name: str | None
    status: str


@lru_cache(maxsize=1)
def _vhs_rows() -> dict[str, VhsInfo]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = [h.strip() for h in rows[0]]
    i_name, i_vhs, i_status = (header.index(k) for k in ("name", "vhs_zustaendig", "vhs_status"))
    result = {}
    for row in rows[1:]:
        if len(row) <= i_status or not row[i_name].strip():
            continue
        name = row[i_name].strip()
        vhs = row[i_vhs].strip() or None
        result[name] = VhsInfo(name, vhs, row[i_status].strip())
    return result


def local_vhs(municipality: str | None) -> VhsInfo | None:
    """The VHS row for an official municipality name (None if not in the Landkreis)."""
    if not municipality:
        return None
    return _vhs_rows().get(municipality)
