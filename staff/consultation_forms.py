"""Forms of the consultation pages: the profile (validated against the one vocabulary,
:mod:`knowledge.vocabulary`) and the search filters (every filter of the search API,
``search/app/schemas.py``), plus the labels the templates show.

Invalid input never reaches the database or the search service: the parsers return the
clean values and a list of field codes with problems (the templates say what is wrong).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.actions.utils import funding_answers as fa
from knowledge import geo, situation
from knowledge import vocabulary as v
from knowledge.kldb import load_kldb
from staff.consultations import search_profile

EMPLOYMENT_LABELS = {**v.EMPLOYMENT_STATUS_LABELS, fa.UNKNOWN: "unbekannt"}
YES_NO_UNKNOWN = {fa.YES: "ja", fa.NO: "nein", fa.UNKNOWN: "unbekannt"}
BOOL_LABELS = {"true": "ja", "false": "nein"}
GERMAN_LEVEL_LABELS = {
    **{level: level.upper() for level in situation.LEVELS},
    situation.LITTLE: "wenig Deutsch",
}
LANGUAGE_LABELS = {"de": "Deutsch", "en": "Englisch"}
FORMAT_LABELS = {**v.FORMATS, v.FORMAT_ANY: "egal"}
FUNDING_COURSE_LABELS = {
    key: v.COURSE_TYPES.get(key, {"studium": "Studium", "anerkennung": "Anerkennung"}.get(key, key))
    for key in v.FUNDING_COURSE_TYPES
}
QUALIFICATION_SINCE_LABELS = {
    "unter_2_jahre": "unter 2 Jahren",
    "ab_2_jahre": "2 Jahre oder länger",
}
COMPANY_SIZE_LABELS = {
    "klein": "bis 49 Beschäftigte",
    "mittel": "50 bis 499",
    "gross": "500 und mehr",
}
AGE_GROUP_LABELS = {
    "unter_25": "unter 25",
    "25_bis_44": "25 bis 44",
    "unter_45": "unter 45",
    "ab_45": "45 und älter",
}

#: select fields of the profile form: field -> allowed value -> label
PROFILE_CHOICES: dict[str, dict[str, str]] = {
    "goal": dict(v.GOALS),
    "time_model": dict(v.TIME_MODELS),
    "format": FORMAT_LABELS,
    "employment_status": EMPLOYMENT_LABELS,
    "vocational_qualification": YES_NO_UNKNOWN,
    "foreign_qualification": BOOL_LABELS,
    "german_level": GERMAN_LEVEL_LABELS,
    "language": LANGUAGE_LABELS,
    "course_type": FUNDING_COURSE_LABELS,
    "qualification_since": QUALIFICATION_SINCE_LABELS,
    "company_size": COMPANY_SIZE_LABELS,
    "age_group": AGE_GROUP_LABELS,
}
KLDB_FIELDS = ("current_kldb", "target_kldb")
TEXT_FIELDS = ("current_occupation", "target_occupation")
MAX_TEXT = 100
_KLDB_RE = re.compile(r"^\d{1,5}$")


def municipalities() -> list[str]:
    """The district's 29 towns and municipalities (official names)."""
    return sorted(geo.landkreis_municipalities())


def kldb_title(code: Any) -> str | None:
    """The KldB 2010 title of a code, or None."""
    if not isinstance(code, str) or not _KLDB_RE.match(code):
        return None
    found = load_kldb().get(code)
    return found.title if found is not None else None


def display(field_name: str, value: Any) -> str | None:
    """The label of a stored profile value (None: nothing stored)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    return PROFILE_CHOICES.get(field_name, {}).get(str(value), str(value))


def form_value(value: Any) -> str:
    """A stored value as the form's option value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _text(raw: Any) -> str:
    return " ".join(str(raw or "").split())


def parse_profile(form: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(profile, fields with problems) from a posted profile form."""
    profile: dict[str, Any] = {}
    problems: list[str] = []
    for name in TEXT_FIELDS:
        text = _text(form.get(name))
        if len(text) > MAX_TEXT:
            problems.append(name)
        profile[name] = text[:MAX_TEXT] or None
    for name in KLDB_FIELDS:
        code = _text(form.get(name))
        if code and (not _KLDB_RE.match(code) or kldb_title(code) is None):
            problems.append(name)
            code = ""
        profile[name] = code or None
    place = _text(form.get("municipality"))
    if place and place not in municipalities():
        problems.append("municipality")
        place = ""
    profile["municipality"] = place or None
    for name, choices in PROFILE_CHOICES.items():
        value = _text(form.get(name))
        if value and value not in choices:
            problems.append(name)
            value = ""
        if name == "foreign_qualification":
            profile[name] = {"true": True, "false": False}.get(value)
        else:
            profile[name] = value or None
    return profile, problems


# ------------------------------------------------------------------ search filters

#: the search API's course types, offer formats and time models (knowledge.vocabulary)
SEARCH_COURSE_TYPES = dict(v.COURSE_TYPES)
SEARCH_FORMATS = dict(v.FORMATS)
SEARCH_TIME_MODELS = dict(v.TIME_MODELS)
DEFAULT_REACH_KM = 25.0
MAX_REACH_KM = 200.0
MAX_LIMIT = 20


@dataclass
class SearchForm:
    """The filters as typed (for the form) and the request for the search service."""

    query: str = ""
    municipality: str = ""
    max_distance_km: str = ""
    include_outside_reach: bool = False
    municipalities: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    time_models: list[str] = field(default_factory=list)
    course_types: list[str] = field(default_factory=list)
    kldb_prefix: str = ""
    title_keywords: str = ""
    fundable: str = ""
    limit: str = "10"
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any]) -> SearchForm:
        """The first search of a consultation: the profile's place, time model, format and
        target field."""
        fmt = profile.get("format")
        target = profile.get("target_kldb") or ""
        return cls(
            municipality=profile.get("municipality") or "",
            max_distance_km=str(int(DEFAULT_REACH_KM)),
            formats=[fmt] if fmt in SEARCH_FORMATS else [],
            time_models=[t for t in [profile.get("time_model")] if t in SEARCH_TIME_MODELS],
            kldb_prefix=str(target)[:3],
            query=profile.get("target_occupation") or "",
        )


def _many(params: Any, name: str, allowed: Mapping[str, str] | list[str]) -> tuple[list[str], bool]:
    values = [str(x) for x in params.getlist(name)] if hasattr(params, "getlist") else []
    clean = [x for x in values if x in allowed]
    return clean, len(clean) != len(values)


def parse_search(params: Any) -> SearchForm:
    """The filters from the query string (GET form), with the fields that had problems."""
    form = SearchForm(
        query=_text(params.get("query"))[:200],
        municipality=_text(params.get("municipality")),
        max_distance_km=_text(params.get("max_distance_km")),
        include_outside_reach=params.get("include_outside_reach") == "1",
        kldb_prefix=_text(params.get("kldb_prefix")),
        title_keywords=_text(params.get("title_keywords"))[:200],
        fundable=_text(params.get("fundable")),
        limit=_text(params.get("limit")) or "10",
    )
    for name, allowed in (
        ("municipalities", municipalities()),
        ("formats", SEARCH_FORMATS),
        ("time_models", SEARCH_TIME_MODELS),
        ("course_types", SEARCH_COURSE_TYPES),
    ):
        values, bad = _many(params, name, allowed)
        setattr(form, name, values)
        if bad:
            form.problems.append(name)
    if form.municipality and form.municipality not in municipalities():
        form.problems.append("municipality")
    if form.kldb_prefix and not _KLDB_RE.match(form.kldb_prefix):
        form.problems.append("kldb_prefix")
    if form.fundable not in ("", "true", "false"):
        form.problems.append("fundable")
    try:
        km = float(form.max_distance_km.replace(",", ".")) if form.max_distance_km else None
        if km is not None and not 0 < km <= MAX_REACH_KM:
            raise ValueError
    except ValueError:
        form.problems.append("max_distance_km")
    if not form.limit.isdigit() or not 1 <= int(form.limit) <= MAX_LIMIT:
        form.problems.append("limit")
    return form


def search_request(
    form: SearchForm, profile: Mapping[str, Any], today: str | None = None
) -> dict[str, Any]:
    """The ``POST /search`` body of a valid form (the profile ranks; the filters filter)."""
    body: dict[str, Any] = {
        "query": form.query or None,
        "municipality": form.municipality or None,
        "max_distance_km": float(form.max_distance_km.replace(",", "."))
        if form.max_distance_km
        else None,
        "include_outside_reach": form.include_outside_reach,
        "municipalities": form.municipalities or None,
        "formats": form.formats or None,
        "time_models": form.time_models or None,
        "course_types": form.course_types or None,
        "kldb_prefix": form.kldb_prefix or None,
        "title_keywords": form.title_keywords.split() or None,
        "fundable": {"true": True, "false": False}.get(form.fundable),
        "limit": int(form.limit),
        "relax": False,
        "sort": "relevance" if form.query else "nearby",
        "profile": {
            k: val
            for k, val in search_profile(profile).as_dict().items()
            if k not in ("current_occupation", "target_occupation") and val is not None
        },
    }
    if not form.query and form.kldb_prefix:
        body["prefer_kldb"] = [form.kldb_prefix]
    if today:
        body["today"] = today
    return {k: val for k, val in body.items() if val is not None}
