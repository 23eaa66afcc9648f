"""Stated targets in the recommendation turn: upgrade wishes and the honest "nothing found" (pure).

The rule (issue 12): a stated target is never replaced by unrelated offers. Unrelated means no
KldB target in the target's 3-digit Berufsgruppe and no learning path to the target. The
recommendation request already filters by the target's code (the search service widens at most
to its Berufsgruppe, ``search/service.py``); when that finds nothing within reach, the bot says
so and offers, clearly labelled, what the search service finds with one thing widened
(:data:`SCOPES`): a wider radius, online offers, or the nearest alternatives (the
Berufshauptgruppe, i.e. other occupations, labelled as not leading to the target).

Upgrade wishes ("als Elektriker den Meister machen") name a qualification of
:data:`knowledge.vocabulary.UPGRADES`; they map to the Aufstiegsfortbildungen of the person's
own field: course type ``aufstiegsfortbildung``, a KldB target in the Berufshauptgruppe (first
two digits) of the current occupation and a title that names the qualification. The search
service ranks them; nothing here holds or orders offers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import i18n
from bot.actions.utils.profile import Profile
from knowledge import vocabulary as v

#: what one widening step changes (entity ``search_scope`` of the buttons)
SCOPE_WIDER = "wider_area"
SCOPE_ONLINE = "online"
SCOPE_ALTERNATIVES = "alternatives"
SCOPES = (SCOPE_WIDER, SCOPE_ONLINE, SCOPE_ALTERNATIVES)
ENTITY_SEARCH_SCOPE = "search_scope"
#: a phrase of up to this many words can name an upgrade ("staatlich geprüfter Techniker")
MAX_PHRASE_WORDS = 3
_WORD = re.compile(r"[\wÄÖÜäöüß-]+")


def _phrases(text: str) -> Iterable[str]:
    words = _WORD.findall(text or "")
    for size in range(MAX_PHRASE_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start : start + size])


def upgrade_in_text(text: str | None) -> str | None:
    """The upgrade qualification a message names ("den Meister machen" -> "meister")."""
    for phrase in _phrases(text or ""):
        kind = v.canonical("upgrade", phrase)
        if kind:
            return kind
    return None


def upgrade_wish(
    events: Sequence[Mapping[str, Any]], goal: str | None, target_text: str | None = None
) -> str | None:
    """The upgrade the person asked for in this conversation (latest mention wins).

    A target occupation that is an upgrade ("Meister") counts first. Otherwise only with the
    goal "aufstieg" (the wish is an Aufstieg; a later other goal overrides it) and only since
    the last restart. Reads the user messages of the tracker; nothing is logged.
    """
    named = upgrade_in_text(target_text)
    if named or goal != "aufstieg":
        return named
    for event in reversed(events):
        if event.get("event") == "restart":
            return None
        if event.get("event") == "user":
            kind = upgrade_in_text(event.get("text"))
            if kind:
                return kind
    return None


def upgrade_field(profile: Profile) -> str | None:
    """The person's field for an upgrade: the Berufshauptgruppe of the current occupation."""
    code = profile.current_kldb or ""
    return code[:2] if len(code) >= 2 else None


def upgrade_request(
    request: Mapping[str, Any], profile: Profile, kind: str, field_title: str | None
) -> dict[str, Any]:
    """The recommendation request for an upgrade wish (see the module docstring)."""
    field = upgrade_field(profile)
    words = ["Aufstiegsfortbildung", kind.capitalize(), profile.current_occupation, field_title]
    return {
        **request,
        "query": " ".join(dict.fromkeys(w for w in words if w)),
        "kldb_prefix": None,
        "kldb_prefixes": [field] if field else None,
        "course_types": [v.UPGRADE_COURSE_TYPE],
        "title_keywords": list(v.UPGRADE_TITLE_WORDS[kind]),
    }


def stated_target(profile: Profile, upgrade: str | None) -> bool:
    """Whether the person stated a target the offers must lead to."""
    return bool(profile.target_kldb or profile.target_occupation or upgrade)


def alternatives_prefixes(profile: Profile, upgrade: str | None) -> list[str] | None:
    """KldB prefixes of the nearest alternatives: one level up from what the request required
    (target code -> its Berufshauptgruppe; upgrade -> the Berufsbereich of the field); None
    when there is no code to widen (a target named without a known occupation)."""
    if upgrade:
        field = upgrade_field(profile)
        return [field[:1]] if field else None
    code = profile.target_kldb or ""
    if len(code) > 2:
        return [code[:2]]
    return [code[:1]] if code else None


def scope_request(
    request: Mapping[str, Any], scope: str, alternatives: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """``request`` with one thing widened, or None when that cannot add anything.

    - wider area: the search API's largest reach (``vocabulary.MAX_DISTANCE_KM``);
    - online: online offers only (they pass every reach), when the request left them out;
    - alternatives: the next-wider KldB prefixes (``alternatives``), never the target itself.
    Time model and everything else stay as the person said.
    """
    body = dict(request)
    if scope == SCOPE_WIDER:
        reach = body.get("max_distance_km")
        if not body.get("municipality") or reach is None or reach >= v.MAX_DISTANCE_KM:
            return None
        return {**body, "max_distance_km": v.MAX_DISTANCE_KM}
    if scope == SCOPE_ONLINE:
        formats = body.get("formats")
        if formats is None or "online" in formats:
            return None
        return {**body, "formats": ["online"]}
    if scope == SCOPE_ALTERNATIVES and alternatives:
        return {**body, "kldb_prefix": None, "kldb_prefixes": list(alternatives)}
    return None


def scope_requests(
    request: Mapping[str, Any], alternatives: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Every widening that can add offers, by scope (in the order of :data:`SCOPES`)."""
    out = {}
    for scope in SCOPES:
        wider = scope_request(request, scope, alternatives)
        if wider is not None:
            out[scope] = wider
    return out


def scope_of(entities: Iterable[Mapping[str, Any]]) -> str | None:
    """The widening a button asked for (entity ``search_scope``), if any."""
    for entity in entities:
        if entity.get("entity") == ENTITY_SEARCH_SCOPE and entity.get("value") in SCOPES:
            return str(entity["value"])
    return None


# --- texts (message catalogue keys ``offers.target_*``, ``offers.scope_*``, ``offers.upgrade*``)


def target_label(profile: Profile, upgrade: str | None, style: str, title: str | None) -> str:
    """The target as the person stated it: "„Busfahrer“" or "Meister/in in Ihrem Berufsfeld"."""
    if upgrade and not profile.target_kldb:
        return i18n.text(
            "offers.upgrade_target", style, upgrade=i18n.label("upgrade", upgrade, style)
        )
    return i18n.quoted(profile.target_occupation or title or profile.target_kldb, style)


def unresolved_note(target: str, style: str) -> str:
    """A target named without a known occupation: the list matches its words, unverified."""
    return i18n.text("offers.target_unresolved", style, target=target)


def upgrade_note(kind: str, field_title: str | None, style: str) -> str:
    """What an upgrade wish was searched as."""
    upgrade = i18n.label("upgrade", kind, style)
    if field_title:
        return i18n.text("offers.upgrade_field", style, upgrade=upgrade, field=field_title)
    return i18n.text("offers.upgrade_any", style, upgrade=upgrade)


def nothing_text(
    target: str,
    request: Mapping[str, Any],
    totals: Mapping[str, int],
    style: str,
) -> str:
    """No offer leads to the target within reach: say so, then what each widening would find."""
    place, reach = request.get("municipality"), request.get("max_distance_km")
    if place and reach:
        lines = [i18n.text("offers.target_none_area", style, target=target, km=reach, place=place)]
    else:
        lines = [i18n.text("offers.target_none", style, target=target)]
    found = {scope: n for scope, n in totals.items() if n > 0}
    if not found:
        lines.append(i18n.text("offers.target_none_nothing", style))
        return "\n".join(lines)
    lines.append(i18n.text("offers.target_options", style))
    keys = {
        SCOPE_WIDER: "offers.option_wider",
        SCOPE_ONLINE: "offers.option_online",
        SCOPE_ALTERNATIVES: "offers.option_alternatives",
    }
    for scope, count in found.items():
        lines.append(i18n.plural(keys[scope], count, style, km=v.MAX_DISTANCE_KM))
    lines.append(i18n.text("offers.target_advice", style))
    return "\n".join(lines)


def option_buttons(totals: Mapping[str, int], style: str) -> list[dict[str, str]]:
    """One button per widening that finds something, then personal advice."""
    buttons = [
        {
            "title": i18n.text(f"offers.button_{scope}", style),
            "payload": f'/more_results{{"{ENTITY_SEARCH_SCOPE}":"{scope}"}}',
        }
        for scope, count in totals.items()
        if count > 0
    ]
    buttons.append({"title": i18n.text("offers.button_advice", style), "payload": "/request_human"})
    return buttons


def scope_lead(scope: str, request: Mapping[str, Any], target: str | None, style: str) -> str:
    """First line of a widened list: what was widened (alternatives: not the target)."""
    if scope == SCOPE_WIDER:
        place = request.get("municipality") or ""
        return i18n.text("offers.scope_wider", style, km=v.MAX_DISTANCE_KM, place=place)
    if scope == SCOPE_ONLINE:
        return i18n.text("offers.scope_online", style)
    if target:
        return i18n.text("offers.scope_alternatives", style, target=target)
    return i18n.text("offers.scope_alternatives_any", style)
