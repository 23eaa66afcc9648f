"""The one vocabulary of Bildungslotse: canonical values, German labels, synonyms, compatibility.

Every categorical value that travels between the NLU, the Rasa domain, the action server, the
search API, the catalogue and the importers is defined here once. The others convert from it:
``knowledge.schema`` (offer records), ``knowledge.profile`` (the learner profile),
``search/app/schemas.py`` (pydantic ``Literal`` types, checked against this module by
``tests/knowledge/test_vocabulary.py``), the Rasa domain's categorical slots (checked by the
same test) and the importers' label tables. Synonyms are data:
``knowledge/data/vocabulary_synonyms.csv`` (kind;value;term), read once.

Identifiers are ASCII (``praesenz``), labels German. Stdlib only, Python 3.10 compatible: the
action server imports it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "vocabulary_synonyms.csv"

# --- offer and profile values -----------------------------------------------------------------
FORMATS: dict[str, str] = {
    "praesenz": "vor Ort (Präsenz)",
    "online": "online",
    "hybrid": "hybrid (vor Ort und online)",
}
#: the profile's "no preference" format (never an offer's format)
FORMAT_ANY = "egal"
PROFILE_FORMATS: tuple[str, ...] = (*FORMATS, FORMAT_ANY)
TIME_MODELS: dict[str, str] = {
    "vollzeit": "Vollzeit",
    "teilzeit": "Teilzeit",
    "berufsbegleitend": "berufsbegleitend (abends/Wochenende)",
}
GOALS: dict[str, str] = {
    "weiterbildung": "Weiterbildung im Beruf",
    "umschulung": "Umschulung / Berufswechsel",
    "wiedereinstieg": "Wiedereinstieg",
    "aufstieg": "Aufstieg",
}
COURSE_TYPES: dict[str, str] = {
    "umschulung": "Umschulung",
    "ausbildung": "Ausbildung (schulisch)",
    "aufstiegsfortbildung": "Aufstiegsfortbildung",
    "anpassungsqualifizierung": "Anpassungsqualifizierung",
    "weiterbildung": "Weiterbildung",
    "integrationskurs": "Integrationskurs",
    "berufssprachkurs": "Berufssprachkurs",
    "sprachkurs": "Sprachkurs",
    "grundbildung": "Grundbildung / digitale Grundkompetenzen",
}
#: course types meant for people with a vocational qualification from abroad (recognition);
#: offered only to them (search profile ``foreign_qualification``)
FOREIGN_QUALIFICATION_COURSE_TYPES: tuple[str, ...] = ("anpassungsqualifizierung",)
FUNDING: dict[str, str] = {
    "bildungsgutschein": "Bildungsgutschein (AZAV, §§ 81 ff. SGB III)",
    "aufstiegs_bafoeg": "Aufstiegs-BAföG (AFBG)",
    "meisterbonus": "Meisterbonus Bayern",
    "schueler_bafoeg": "Schüler-BAföG",
    "bamf": "BAMF-Förderung (Integrations-/Berufssprachkurs)",
    "qualifizierungschancen": "Beschäftigtenförderung (§ 82 SGB III)",
}
FIELDS: dict[str, str] = {
    "pflege": "Pflege",
    "kita": "Kinderbetreuung und Erziehung",
    "it": "IT",
    "handwerk": "Handwerk (SHK, Elektro, Kfz)",
    "kraftfahrer": "Berufskraftfahrer",
    "mfa": "Medizinische Fachangestellte",
    "sprache": "Sprachen",
    "digital": "Digitale Grundkompetenzen",
    "kaufmaennisch": "Kaufmännisch",
}
#: upgrade qualifications a person names as a wish ("als Elektriker den Meister machen"): the
#: Aufstiegsfortbildung of the person's own field whose title names the qualification
UPGRADES: dict[str, str] = {
    "meister": "Meister/in",
    "techniker": "staatlich geprüfte/r Techniker/in",
    "fachwirt": "Fachwirt/in",
}
#: words of an offer title that name the upgrade qualification (casefolded substrings)
UPGRADE_TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "meister": ("meister",),
    "techniker": ("techniker",),
    "fachwirt": ("fachwirt", "fachkaufmann", "fachkauffrau", "fachkaufleute"),
}
#: the course type of every upgrade qualification
UPGRADE_COURSE_TYPE = "aufstiegsfortbildung"
#: reply languages of the bot (slot ``reply_language``)
REPLY_LANGUAGES: tuple[str, ...] = ("de", "en")

# --- funding-form values (the facts the funding rules in knowledge/data/funding decide on) -----
EMPLOYMENT_STATUSES: tuple[str, ...] = (
    "beschaeftigt",
    "kurzarbeit",
    "minijob",
    "selbststaendig",
    "elternzeit",
    "arbeitslos",
    "arbeitsuchend",
    "buergergeld",
    "student",
    "sonstiges",
)
#: German labels of :data:`EMPLOYMENT_STATUSES` (staff pages, monitoring)
EMPLOYMENT_STATUS_LABELS: dict[str, str] = {
    "beschaeftigt": "beschäftigt",
    "kurzarbeit": "in Kurzarbeit",
    "minijob": "Minijob",
    "selbststaendig": "selbstständig",
    "elternzeit": "in Elternzeit",
    "arbeitslos": "arbeitslos",
    "arbeitsuchend": "arbeitsuchend",
    "buergergeld": "Bürgergeld",
    "student": "Studium",
    "sonstiges": "sonstiges",
}
#: age bands of the funding form (slot ``age_group``; the bands of the funding rules): a person
#: gives a band, never an age is stored. "unter_45" is an answer without the finer band.
AGE_BANDS: dict[str, str] = {
    "unter_25": "unter 25",
    "25_bis_44": "25 bis 44",
    "unter_45": "unter 45 (ohne genauere Angabe)",
    "ab_45": "45 und älter",
}
#: course types the funding form asks about (broader than the catalogue's course types)
FUNDING_COURSE_TYPES: tuple[str, ...] = (
    "umschulung",
    "weiterbildung",
    "aufstiegsfortbildung",
    "studium",
    "sprachkurs",
    "anerkennung",
)

# --- rules between values -------------------------------------------------------------------
#: time model of the user -> time models of offers the user can attend
TIME_MODEL_COMPATIBILITY: dict[str, tuple[str, ...]] = {
    "vollzeit": ("vollzeit", "teilzeit"),
    "teilzeit": ("teilzeit", "berufsbegleitend"),
    "berufsbegleitend": ("berufsbegleitend",),
}
#: preferred format -> offer formats that satisfy it ("egal" = no filter)
FORMAT_COMPATIBILITY: dict[str, tuple[str, ...]] = {
    "praesenz": ("praesenz", "hybrid"),
    "online": ("online", "hybrid"),
    "hybrid": ("hybrid",),
}

# --- search relaxation (the search service widens in this order; the bot explains the codes) ---
RELAX_KLDB_GROUP = "kldb_group"
RELAX_WIDER_AREA = "wider_area"
RELAX_CODES: tuple[str, ...] = (RELAX_KLDB_GROUP, RELAX_WIDER_AREA)
#: the wider area is this many times the user's reach ...
WIDER_AREA_FACTOR = 2.0
#: ... and never more than the search API's distance bound (km)
MAX_DISTANCE_KM = 200.0

#: kind (column ``kind`` of the synonyms file) -> allowed canonical values
KINDS: dict[str, tuple[str, ...]] = {
    "goal": tuple(GOALS),
    "time_model": tuple(TIME_MODELS),
    "format": PROFILE_FORMATS,
    "course_type": tuple(COURSE_TYPES),
    "funding": tuple(FUNDING),
    "field": tuple(FIELDS),
    "upgrade": tuple(UPGRADES),
}


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
#: kind -> German labels of its values
LABELS: dict[str, dict[str, str]] = {
    "goal": GOALS,
    "time_model": TIME_MODELS,
    "format": FORMATS,
    "course_type": COURSE_TYPES,
    "funding": FUNDING,
    "field": FIELDS,
    "upgrade": UPGRADES,
}


def key(text: object) -> str:
    """Comparison key of a term: lower case, umlauts folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", str(text or "").casefold().translate(_UMLAUTS))


@cache
def synonyms(kind: str) -> Mapping[str, str]:
    """Term key -> canonical value for ``kind`` (from the synonyms file)."""
    if kind not in KINDS:
        raise KeyError(f"unknown vocabulary kind {kind!r} (known: {', '.join(KINDS)})")
    table: dict[str, str] = {}
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = (r for r in csv.reader(fh, delimiter=";") if r and not r[0].startswith("#"))
        header = next(rows)
        if header != ["kind", "value", "term"]:
            raise ValueError(f"{SYNONYMS_FILE.name}: header must be kind;value;term")
        for row in rows:
            if len(row) != 3:
                raise ValueError(f"{SYNONYMS_FILE.name}: bad row {row!r}")
            if row[0] == kind:
                table[key(row[2])] = row[1]
    return table


def canonical(kind: str, value: object, allowed: Iterable[str] | None = None) -> str | None:
    """Canonical value of ``value`` for ``kind`` (identifier, label or synonym), else None.

    ``allowed`` narrows the values (e.g. an offer's format excludes the profile's ``egal``).
    """
    text = key(value)
    if not text:
        return None
    values = tuple(allowed) if allowed is not None else KINDS[kind]
    if text in values:
        return text
    labels = _labels(kind)
    found = labels.get(text) or synonyms(kind).get(text)
    return found if found in values else None


def table(kind: str, allowed: Iterable[str] | None = None) -> dict[str, str]:
    """Term key -> canonical value: identifiers, German labels (and their part before "(" or
    "/") and synonyms of ``kind``, limited to ``allowed`` (the importers' label tables)."""
    values = tuple(allowed) if allowed is not None else KINDS[kind]
    out = {key(value): value for value in values}
    for term, value in (*_labels(kind).items(), *synonyms(kind).items()):
        if value in values:
            out.setdefault(term, value)
    return out


@cache
def _labels(kind: str) -> Mapping[str, str]:
    labelled = LABELS.get(kind, {})
    out: dict[str, str] = {}
    for value, label in labelled.items():
        for variant in (label, label.split("(")[0], label.split("/")[0]):
            if key(variant):
                out.setdefault(key(variant), value)
    return out


def problems() -> list[str]:
    """Consistency problems of the synonyms file (unknown kinds or values, ambiguous terms)."""
    found: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh, delimiter=";"), start=1):
            if not row or row[0].startswith("#") or n == 1:
                continue
            if len(row) != 3:
                found.append(f"Zeile {n}: drei Spalten erwartet")
                continue
            kind, value, term = row
            if kind not in KINDS:
                found.append(f"Zeile {n}: unbekannte Art {kind!r}")
            elif value not in KINDS[kind]:
                found.append(f"Zeile {n}: {value!r} ist kein Wert von {kind}")
            previous = seen.setdefault((kind, key(term)), value)
            if previous != value:
                found.append(f"Zeile {n}: {term!r} steht für {previous!r} und {value!r}")
    return found
