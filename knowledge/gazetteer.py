"""Municipality names of Landkreis München and the ways people type them.

The 29 official names come from ``knowledge/data/gemeinden_lkr_muenchen.csv``. Each name gets
short forms ("Garching" -> "Garching b.München"), well-known Ortsteile ("Heimstetten" ->
"Kirchheim b.München"), spelling folds (ß/ss, ä/ae/a, lower case; see
``knowledge.kldb.match_keys``) and, for names of six or more letters, a tolerance of one edit
(insert, delete, substitute or swap two neighbours), except for the words in ``FUZZY_BLOCKLIST``.

Places outside the Landkreis that users name (the city of München, neighbouring towns) resolve
with ``in_landkreis=False``. "Landkreis München" is the district, not a municipality: it
resolves to None.

Stdlib only: imported by both environments.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.kldb import match_keys

DATA_FILE = Path(__file__).resolve().parent / "data" / "gemeinden_lkr_muenchen.csv"

CITY = "München"
FUZZY_MIN_LENGTH = 6
# German words one edit away from a place name (found by checking the 416k word forms of the
# spacy-lookups-data German lemma table against all surface forms); never fuzzy-matched.
FUZZY_BLOCKLIST = frozenset(
    {
        "manchen",
        "mönchen",
        "moenchen",
        "tünchen",
        "tuenchen",
        "erdung",
        "säuerlich",
        "saeuerlich",
        "sauerlich",
        "heimstätten",
        "heimstaetten",
        "hochdruck",  # Hochbrück
    }
)

# Extra forms for official names (beyond the automatic "X" for "X b.München" / "X i.Isartal"),
# and the Ortsteile (Gemeindeteile) people name instead of their municipality. The Ortsteile were
# added for issue 12 from local knowledge (the same list as the first-message evaluation set's
# eval/first_message/ortsteile.json), not from an official Gemeindeteile list.
_LANDKREIS_ALIASES: dict[str, tuple[str, ...]] = {
    "Garching b.München": (
        "Garching",
        "Garching bei München",
        "Garching b. München",
        "Hochbrück",
        "Dirnismaning",
    ),
    "Kirchheim b.München": (
        "Kirchheim",
        "Kirchheim bei München",
        "Kirchheim b. München",
        "Heimstetten",
    ),
    "Pullach i.Isartal": (
        "Pullach",
        "Pullach im Isartal",
        "Pullach i. Isartal",
        "Großhesselohe",
        "Höllriegelskreuth",
    ),
    "Höhenkirchen-Siegertsbrunn": ("Höhenkirchen", "Siegertsbrunn", "Höhenkirchen Siegertsbrunn"),
    "Straßlach-Dingharting": ("Straßlach", "Dingharting", "Straßlach Dingharting", "Beigarten"),
    "Haar": ("Gronsdorf", "Salmdorf", "Ottendichl", "Eglfing"),
    "Hohenbrunn": ("Riemerling", "Luitpoldsiedlung"),
    "Planegg": ("Martinsried", "Steinkirchen"),
    "Gräfelfing": ("Lochham",),
    "Oberhaching": ("Deisenhofen", "Furth", "Kreuzpullach"),
    "Oberschleißheim": ("Lustheim", "Hochmutting", "Mittenheim"),
    "Unterschleißheim": ("Lohhof", "Riedmoos"),
    "Grasbrunn": ("Neukeferloh", "Harthausen", "Möschenfeld"),
    "Aschheim": ("Dornach",),
    "Schäftlarn": ("Ebenhausen", "Hohenschäftlarn"),
    "Brunnthal": ("Hofolding", "Faistenhaar", "Otterloh"),
    "Neubiberg": ("Unterbiberg",),
    "Grünwald": ("Geiselgasteig",),
    "Aying": ("Großhelfendorf", "Dürrnhaar", "Peiß", "Kleinhelfendorf"),
    "Baierbrunn": ("Buchenhain",),
    "Ismaning": ("Fischerhäuser",),
    "Putzbrunn": ("Waldkolonie", "Solalinden"),
    "Sauerlach": ("Arget", "Altkirchen", "Lochhofen"),
    "Taufkirchen": ("Potzham", "Westerham"),
    "Unterhaching": ("Fasanenpark",),
}

# Places outside the Landkreis: canonical name -> other spellings.
OUTSIDE_PLACES: dict[str, tuple[str, ...]] = {
    CITY: (
        "Munich",
        "Stadt München",
        "Landeshauptstadt München",
        "LH München",
        "Schwabing",
        "Pasing",
        "Giesing",
        "Sendling",
        "Bogenhausen",
        "Neuperlach",
        "Perlach",
        "Trudering",
        "Moosach",
        "Milbertshofen",
        "Haidhausen",
        "Laim",
        "Neuhausen",
        "Maxvorstadt",
        "Obergiesing",
        "Untergiesing",
        "Freimann",
        "Solln",
    ),
    "Dachau": (),
    "Freising": (),
    "Erding": (),
    "Ebersberg": (),
    "Starnberg": (),
    "Fürstenfeldbruck": ("FFB",),
    "Germering": (),
    "Gauting": (),
    "Augsburg": (),
    "Rosenheim": (),
    "Wolfratshausen": (),
    "Geretsried": (),
    "Bad Tölz": (),
    "Holzkirchen": (),
    "Miesbach": (),
    "Markt Schwaben": (),
    "Poing": (),
    "Vaterstetten": ("Baldham",),
    "Grafing": ("Grafing b. München", "Grafing bei München"),
    "Olching": (),
    "Puchheim": (),
    "Gilching": (),
    "Karlsfeld": (),
    "Eching": (),
    "Neufahrn": ("Neufahrn bei Freising",),
    "Hallbergmoos": (),
    "Moosburg": (),
    "Landshut": (),
    "Ingolstadt": (),
    "Nürnberg": ("Nuremberg",),
}

# District names: never a municipality, never the city.
REGION_FORMS: tuple[str, ...] = (
    "Landkreis München",
    "Lkr. München",
    "Lkr München",
    "LK München",
    "Kreis München",
    "Landkreis",
    "Münchner Umland",
    "Umland",
)


@dataclass(frozen=True)
class Place:
    """A resolved place: official (or canonical) name, whether it lies in the Landkreis, typed
    text."""

    name: str
    in_landkreis: bool
    matched: str


@lru_cache(maxsize=1)
def landkreis_names() -> list[str]:
    """The 29 official municipality names, in file order."""
    with DATA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row["name"].strip()
            for row in csv.DictReader(handle, delimiter=";")
            if row["name"].strip()
        ]


def _automatic_short_forms(name: str) -> set[str]:
    """ "X b.München" -> "X b. München", "X"; "A-B" -> "A B"."""
    forms = {name}
    short = re.split(r"\s+(?:b\.|i\.|bei|im)\s*", name)[0]
    forms.add(short)
    forms.add(name.replace(".", ". ").replace("  ", " "))
    if "-" in name:
        forms.add(name.replace("-", " "))
    forms.add(f"{short} bei München")
    return forms


@lru_cache(maxsize=1)
def surface_forms() -> dict[str, str]:
    """Every (unfolded) way to write a place -> official/canonical name. For entity patterns."""
    forms: dict[str, str] = {}
    for name, aliases in OUTSIDE_PLACES.items():
        for form in (name, *aliases):
            forms[form] = name
    for name in landkreis_names():  # Landkreis forms win over outside ones on collisions
        for form in _automatic_short_forms(name) | set(_LANDKREIS_ALIASES.get(name, ())):
            forms[form] = name
    return forms


@lru_cache(maxsize=1)
def _key_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for form, name in surface_forms().items():
        for key in match_keys(form):
            index.setdefault(key, name)
    return index


@lru_cache(maxsize=1)
def _region_keys() -> frozenset[str]:
    return frozenset(k for form in REGION_FORMS for k in match_keys(form))


def is_region(text: str) -> bool:
    """True for names of the whole district ("Landkreis München")."""
    return bool(match_keys(text) & _region_keys())


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1 (one insert, delete, substitution or adjacent
    swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _place(name: str, matched: str) -> Place:
    return Place(name=name, in_landkreis=name in landkreis_names(), matched=matched)


def _clean(text: str) -> str:
    text = re.sub(r"^\s*(?:in|aus|bei|nach)\s+", "", text or "", flags=re.IGNORECASE)
    return text.strip(" \t\n.,;:!?\"'()")


def resolve_place(text: str, fuzzy: bool = True) -> Place | None:
    """Resolve a typed place name; None for unknown text and for the district itself."""
    cleaned = _clean(text)
    if not cleaned or is_region(cleaned):
        return None
    index = _key_index()
    keys = match_keys(cleaned)
    for key in sorted(keys):
        if key in index:
            return _place(index[key], cleaned)
    if not fuzzy or cleaned.lower() in FUZZY_BLOCKLIST:
        return None
    candidates = {
        index[known]
        for key in keys
        if len(key) >= FUZZY_MIN_LENGTH
        for known in index
        if len(known) >= FUZZY_MIN_LENGTH and within_one_edit(key, known)
    }
    if len(candidates) == 1:
        return _place(candidates.pop(), cleaned)
    return None
