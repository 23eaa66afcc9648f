"""Pure helpers: user profile from tracker slots, slot updates from entities, search requests.

No I/O here; callers pass settings values (reach, today) and optional title lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.actions import constants as c
from knowledge import vocabulary as v
from knowledge.profile import Profile, clean_kldb

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

TitleLookup = Callable[[str], "str | None"]


def profile_from_slots(slots: Mapping[str, Any]) -> Profile:
    """The :class:`knowledge.profile.Profile` of the tracker slots (garbage values become None)."""
    return Profile.from_mapping(
        {
            "current_occupation": slots.get(c.SLOT_CURRENT_OCCUPATION),
            "current_kldb": slots.get(c.SLOT_CURRENT_KLDB),
            "target_occupation": slots.get(c.SLOT_TARGET_OCCUPATION),
            "target_kldb": slots.get(c.SLOT_TARGET_KLDB),
            "municipality": slots.get(c.SLOT_MUNICIPALITY),
            "goal": slots.get(c.SLOT_GOAL),
            "time_model": slots.get(c.SLOT_TIME_MODEL),
            "format": slots.get(c.SLOT_FORMAT),
            # the bot states it either way: course types meant for qualifications from abroad
            # are shown only when the conversation showed one (search/ranking.py)
            "foreign_qualification": slots.get(c.SLOT_FOREIGN_QUALIFICATION) is True,
        }
    )


def compatible_time_models(time_model: str | None) -> list[str] | None:
    """Offer time models that fit the user's time model (None = no filter)."""
    return Profile(time_model=time_model).compatible_time_models()


def compatible_formats(fmt: str | None) -> list[str] | None:
    """Offer formats that fit the preferred format (None = no filter, e.g. for "egal")."""
    return Profile(format=fmt).compatible_formats()


def kldb_prefix_for(profile: Profile) -> str | None:
    """KldB prefix that offers must target.

    The target occupation's code if known; without a target, the 3-digit group of the current
    occupation for goals that stay in the field (Weiterbildung, Aufstieg, Wiedereinstieg);
    for an Umschulung without a target, or a target named without a known code, no prefix
    (the query text decides: the current field must never stand in for a stated target).
    """
    if profile.target_kldb:
        return profile.target_kldb
    if profile.target_occupation:
        return None
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
        "max_distance_km": min(reach_km, v.MAX_DISTANCE_KM) if profile.municipality else None,
        "municipalities": None,
        "formats": compatible_formats(profile.format),
        "time_models": compatible_time_models(profile.time_model),
        "kldb_prefix": kldb_prefix_for(profile),
        "fundable": None,
        "exclude_ids": list(exclude_ids),
        "limit": limit,
        "today": today.isoformat(),
        "profile": profile.search_profile(),
    }


def occupation_entities(entities: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Occupation entities of a parsed message, in message order."""
    return [e for e in entities if e.get("entity") == c.ENTITY_OCCUPATION and e.get("value")]


def pick_occupation(
    entities: Iterable[Mapping[str, Any]], role: str, value: str | None = None
) -> Mapping[str, Any] | None:
    """The occupation entity for ``role``; an entity without role counts for ``current``.

    With ``value`` the entity whose value equals it (case-insensitive) is preferred; otherwise
    the first entity with a 5-digit KldB code (a job title), else the first in message order.
    """
    occs = occupation_entities(entities)
    with_role = [e for e in occs if e.get("role") == role]
    if role == c.ROLE_CURRENT:
        with_role += [e for e in occs if not e.get("role")]
    # a job title (5-digit code) before a field word or an unknown word, else message order:
    # "Betonbauer ... besser als mancher Verkäufer" is a Betonbauer
    with_role.sort(key=lambda e: len(kldb_of(e) or "") != 5)
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
    return clean_kldb(entity.get("kldb"))


#: folded words of an upgrade wish -> kind (knowledge.kldb.UPGRADE_KINDS)
UPGRADE_WORDS = {
    "meister": "meister",
    "meisterin": "meister",
    "meisterbrief": "meister",
    "meisterprufung": "meister",
    "meisterpruefung": "meister",
    "meisterschule": "meister",
    "meistertitel": "meister",
    "mastercraftsman": "meister",
    "techniker": "techniker",
    "technikerin": "techniker",
    "fachwirt": "fachwirt",
    "fachwirtin": "fachwirt",
}
_UPGRADE_ENTITIES = ("qualification", c.ENTITY_OCCUPATION, c.ENTITY_GOAL)


def upgrade_kind(entities: Iterable[Mapping[str, Any]], text: str = "") -> str | None:
    """``meister``/``techniker``/``fachwirt`` if the message wishes for that upgrade in general
    ("den Meister machen", "meinen Techniker"), i.e. a qualification, goal or code-less occupation
    entity that is just the upgrade word; None otherwise ("Maurermeister" has its own code)."""
    for entity in entities:
        if entity.get("entity") not in _UPGRADE_ENTITIES:
            continue
        if entity.get("entity") == c.ENTITY_OCCUPATION and entity.get("kldb"):
            continue
        start, end = entity.get("start"), entity.get("end")
        surface = (
            text[start:end] if text and isinstance(start, int) and isinstance(end, int) else ""
        )
        for raw in (surface, entity.get("value")):
            key = v.key(raw)
            if key in UPGRADE_WORDS:
                return UPGRADE_WORDS[key]
    return None


def implied_goal(
    current_kldb: str | None, target_kldb: str | None, upgrade: str | None = None
) -> str | None:
    """The goal a message implies without naming it (issue 12: "do not ask for what the
    message implies").

    An upgrade wish (Meister, Techniker, Fachwirt) or a target above the current occupation in
    its own Berufsgruppe (higher Anforderungsniveau, or an Aufsichts-/Führungsposition of the
    field) is ``aufstieg``; a target in another field is a career change, ``umschulung``: another
    Berufshauptgruppe (first two digits), also for a field word as target ("Büroarbeit" = 714
    for a bricklayer), or another Berufsbereich (first digit) when one code has only one digit
    ("Handwerk" = 2). Anything else implies nothing.
    """
    if upgrade:
        return "aufstieg"
    current, target = clean_kldb(current_kldb), clean_kldb(target_kldb)
    if not current or not target:
        return None
    level = min(2, len(current), len(target))
    if current[:level] != target[:level]:
        return "umschulung"
    if len(current) != 5 or len(target) != 5:
        return None
    if current[:3] == target[:3] and (target[4] > current[4] or target[3] == "9"):
        return "aufstieg"
    return None
