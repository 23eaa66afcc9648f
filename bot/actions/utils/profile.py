"""Pure helpers: user profile from tracker slots, slot updates from entities, search requests.

No I/O here; callers pass settings values (reach, today) and optional title lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from bot.actions import constants as c

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
GOAL_QUERY_WORDS = {
    "weiterbildung": "Weiterbildung",
    "umschulung": "Umschulung",
    "wiedereinstieg": "Wiedereinstieg",
    "aufstieg": "Aufstiegsfortbildung",
}
TIME_MODEL_QUERY_WORDS = {
    "vollzeit": "Vollzeit",
    "teilzeit": "Teilzeit",
    "berufsbegleitend": "berufsbegleitend",
}
#: relaxation codes the search service reports in ``relaxed`` (``relax: true``; the order and
#: the factor are the service's, search/service.py); explained by utils.formatting.relaxation_note
RELAX_KLDB_GROUP = "kldb_group"
RELAX_WIDER_AREA = "wider_area"
WIDER_AREA_FACTOR = 2.0
#: upper bound of max_distance_km accepted by the search API
MAX_DISTANCE_KM = 200.0

TitleLookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Profile:
    """The learner profile as collected by ``profile_form`` (all optional)."""

    current_occupation: str | None = None
    current_kldb: str | None = None
    target_occupation: str | None = None
    target_kldb: str | None = None
    municipality: str | None = None
    goal: str | None = None
    time_model: str | None = None
    format: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def profile_from_slots(slots: Mapping[str, Any]) -> Profile:
    """Build a :class:`Profile` from tracker slots; non-canonical categorical values become None."""
    goal = _clean(slots.get(c.SLOT_GOAL))
    time_model = _clean(slots.get(c.SLOT_TIME_MODEL))
    fmt = _clean(slots.get(c.SLOT_FORMAT))
    return Profile(
        current_occupation=_clean(slots.get(c.SLOT_CURRENT_OCCUPATION)),
        current_kldb=_kldb(slots.get(c.SLOT_CURRENT_KLDB)),
        target_occupation=_clean(slots.get(c.SLOT_TARGET_OCCUPATION)),
        target_kldb=_kldb(slots.get(c.SLOT_TARGET_KLDB)),
        municipality=_clean(slots.get(c.SLOT_MUNICIPALITY)),
        goal=goal if goal in c.GOALS else None,
        time_model=time_model if time_model in c.TIME_MODELS else None,
        format=fmt if fmt in c.FORMATS else None,
    )


def _kldb(value: Any) -> str | None:
    text = _clean(value)
    return text if text and text.isdigit() and 1 <= len(text) <= 5 else None


def compatible_time_models(time_model: str | None) -> list[str] | None:
    """Offer time models that fit the user's time model (None = no filter)."""
    found = TIME_MODEL_COMPATIBILITY.get(time_model or "")
    return list(found) if found else None


def compatible_formats(fmt: str | None) -> list[str] | None:
    """Offer formats that fit the preferred format (None = no filter, e.g. for "egal")."""
    found = FORMAT_COMPATIBILITY.get(fmt or "")
    return list(found) if found else None


def kldb_prefix_for(profile: Profile) -> str | None:
    """KldB prefix that offers must target.

    The target occupation's code if known; without a target, the 3-digit group of the current
    occupation for goals that stay in the field (Weiterbildung, Aufstieg, Wiedereinstieg);
    for an Umschulung without a target no prefix (the query text decides).
    """
    if profile.target_kldb:
        return profile.target_kldb
    if profile.current_kldb and profile.goal != "umschulung":
        return profile.current_kldb[:3]
    return None


def _dedupe(parts: Iterable[str | None]) -> list[str]:
    seen: set[str] = set()
    result = []
    for part in parts:
        if not part:
            continue
        key = part.casefold()
        if key in seen or any(key in s for s in seen):
            continue
        seen.add(key)
        result.append(part)
    return result


def build_query(profile: Profile, title_for_code: TitleLookup | None = None) -> str:
    """Query text: goal word, occupation (target, else current), its KldB title, time model."""
    occupation = profile.target_occupation or (
        profile.current_occupation if not profile.target_kldb else None
    )
    code = kldb_prefix_for(profile)
    field_title = title_for_code(code) if (title_for_code and code) else None
    parts = [
        GOAL_QUERY_WORDS.get(profile.goal or ""),
        occupation,
        field_title,
        TIME_MODEL_QUERY_WORDS.get(profile.time_model or ""),
    ]
    query = " ".join(_dedupe(parts))
    return query or "Weiterbildung"


def build_search_request(
    profile: Profile,
    *,
    reach_km: float,
    today: dt.date,
    exclude_ids: Iterable[str] = (),
    limit: int = c.MAX_RESULTS,
    title_for_code: TitleLookup | None = None,
) -> dict[str, Any]:
    """The ``POST /search`` body for a profile (docs/architecture.md "Search API")."""
    return {
        "query": build_query(profile, title_for_code),
        "municipality": profile.municipality,
        "max_distance_km": min(reach_km, MAX_DISTANCE_KM) if profile.municipality else None,
        "municipalities": None,
        "formats": compatible_formats(profile.format),
        "time_models": compatible_time_models(profile.time_model),
        "kldb_prefix": kldb_prefix_for(profile),
        "fundable": None,
        "exclude_ids": list(exclude_ids),
        "limit": limit,
        "today": today.isoformat(),
        "profile": {
            "current_kldb": profile.current_kldb,
            "target_kldb": profile.target_kldb,
            "goal": profile.goal,
            "time_model": profile.time_model,
            "format": profile.format,
            "municipality": profile.municipality,
        },
    }


def occupation_entities(entities: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Occupation entities of a parsed message, in message order."""
    return [e for e in entities if e.get("entity") == c.ENTITY_OCCUPATION and e.get("value")]


def pick_occupation(
    entities: Iterable[Mapping[str, Any]], role: str, value: str | None = None
) -> Mapping[str, Any] | None:
    """The occupation entity for ``role``; an entity without role counts for ``current``.

    With ``value`` the entity whose value equals it (case-insensitive) is preferred.
    """
    occs = occupation_entities(entities)
    with_role = [e for e in occs if e.get("role") == role]
    if role == c.ROLE_CURRENT:
        with_role += [e for e in occs if not e.get("role")]
    if value:
        same = [e for e in with_role if str(e.get("value")).casefold() == value.casefold()]
        if same:
            return same[0]
        same_any = [e for e in occs if str(e.get("value")).casefold() == value.casefold()]
        if same_any:
            return same_any[0]
    return with_role[0] if with_role else None


def kldb_of(entity: Mapping[str, Any] | None) -> str | None:
    """The KldB code an occupation entity carries (EntityResolver extra key), if valid."""
    if not entity:
        return None
    return _kldb(entity.get("kldb"))


def canonical(value: Any, allowed: Iterable[str], synonyms: Mapping[str, str]) -> str | None:
    """Canonical form of a categorical value, or None for garbage."""
    text = _clean(value)
    if not text:
        return None
    key = text.casefold()
    allowed_set = set(allowed)
    if key in allowed_set:
        return key
    mapped = synonyms.get(key)
    return mapped if mapped in allowed_set else None


GOAL_SYNONYMS = {
    "fortbildung": "weiterbildung",
    "weiterqualifizierung": "weiterbildung",
    "qualifizierung": "weiterbildung",
    "berufswechsel": "umschulung",
    "quereinstieg": "umschulung",
    "neuorientierung": "umschulung",
    "umschulen": "umschulung",
    "wiedereinsteigen": "wiedereinstieg",
    "rückkehr in den beruf": "wiedereinstieg",
    "aufstiegsfortbildung": "aufstieg",
    "meister": "aufstieg",
    "karriere": "aufstieg",
}
TIME_MODEL_SYNONYMS = {
    "voll": "vollzeit",
    "ganztags": "vollzeit",
    "teil": "teilzeit",
    "halbtags": "teilzeit",
    "nebenberuflich": "berufsbegleitend",
    "abends": "berufsbegleitend",
    "am wochenende": "berufsbegleitend",
    "wochenende": "berufsbegleitend",
}
FORMAT_SYNONYMS = {
    "präsenz": "praesenz",
    "vor ort": "praesenz",
    "vor-ort": "praesenz",
    "digital": "online",
    "fernunterricht": "online",
    "gemischt": "hybrid",
    "blended learning": "hybrid",
    "egal": "egal",
    "beliebig": "egal",
    "keine präferenz": "egal",
}
