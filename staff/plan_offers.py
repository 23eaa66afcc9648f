"""What the plan builder puts into a plan: offers, learning-path steps, the funding checklist.

- Offers by catalogue id come from the search service over HTTP (``POST {SEARCH_URL}/offers/
  lookup``, with the consultation's profile so that the reasons say why the offer fits); the
  staff app never loads the catalogue. Offers the bot showed in the chat come from the
  consultation's snapshot (already rendered reasons).
- Learning-path steps come from :mod:`knowledge.paths` (the paths that fit the profile).
- The funding checklist comes from the rule engine (:func:`knowledge.funding.evaluate`) for the
  profile's funding facts; each item keeps its sources, Stand and deciding office.

Each function returns plain JSON-able dicts: the plan stores a copy of what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from bot.actions.utils import handover
from i18n.reasons import render_reason
from i18n.render import label
from knowledge import funding
from knowledge.paths import LearningPath, load_paths, rank_paths
from knowledge.profile import Profile
from staff.settings import StaffSettings

MAX_PATHS = 3


class SearchUnavailable(RuntimeError):
    """The search service did not answer (or answered with an error)."""


def search_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``profile`` object of a search request for a consultation profile."""
    return Profile.from_mapping(profile).search_profile()


def lookup_offers(
    settings: StaffSettings, ids: Sequence[str], profile: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """(offers as search items, ids the catalogue does not hold) for the consultation profile."""
    body: dict[str, Any] = {"ids": list(ids), "profile": search_profile(profile)}
    url = f"{settings.search_url.rstrip('/')}/offers/lookup"
    try:
        answer = httpx.post(url, json=body, timeout=settings.search_timeout_seconds)
    except httpx.HTTPError as exc:
        raise SearchUnavailable(type(exc).__name__) from exc
    if answer.status_code == 422 and "municipality" in body["profile"]:
        # a place the search service does not know: look up without distances
        body["profile"].pop("municipality")
        answer = httpx.post(url, json=body, timeout=settings.search_timeout_seconds)
    if answer.status_code != 200:
        raise SearchUnavailable(f"HTTP {answer.status_code}")
    data = answer.json()
    return list(data.get("items", [])), list(data.get("missing", []))


def _step(offer: Mapping[str, Any], reasons: Sequence[str | None], example: bool) -> dict[str, Any]:
    """A plan step of kind "offer" with the fields the plan shows."""
    return {
        "kind": "offer",
        "title": str(offer.get("title", "")),
        "provider": str(offer.get("provider", "")),
        "municipality": str(offer.get("municipality", "")),
        "format": label("format", str(offer.get("format", ""))),
        "time_model": label("time_model", str(offer.get("time_model", ""))),
        "url": str(offer.get("url", "")),
        "next_start": offer.get("next_start"),
        "duration_months": offer.get("duration_months"),
        "reasons": [r for r in reasons if r],
        "example": example,
    }


def offer_step(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plan step from a search item (reasons rendered in German)."""
    reasons = [render_reason(r) for r in item.get("reasons", []) if isinstance(r, Mapping)]
    return _step(item, reasons, bool(item.get("example_fields")))


def snapshot_offer_step(offer: Mapping[str, Any]) -> dict[str, Any]:
    """A plan step from an offer the bot showed (snapshot; reasons are sentences already)."""
    reasons = offer.get("reasons") or []
    texts = [r if isinstance(r, str) else str(r.get("text", "")) for r in reasons]
    return _step(offer, texts, bool(offer.get("example_fields", True)))


def snapshot_offers(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    offers = snapshot.get("offers") or []
    return [dict(o) for o in offers if isinstance(o, Mapping) and o.get("offer_id")]


# ---------------------------------------------------------------- learning paths


def paths_for(profile: Mapping[str, Any]) -> list[LearningPath]:
    """The curated learning paths that fit the profile, best first."""
    matches = rank_paths(
        current_kldb=profile.get("current_kldb"),
        current_text=profile.get("current_occupation"),
        target_kldb=profile.get("target_kldb"),
        target_text=profile.get("target_occupation"),
    )
    return [m.path for m in matches[:MAX_PATHS]]


def path_step(path_id: str, index: int) -> dict[str, Any] | None:
    """A plan step from step ``index`` (0-based) of the learning path ``path_id``."""
    data = load_paths()
    path = data.by_id(path_id)
    if path is None or not 0 <= index < len(path.steps):
        return None
    step = path.steps[index]
    sources = [data.sources[s] for s in step.source_ids if s in data.sources]
    notes = [data.funding[c] for c in step.funding if c in data.funding]
    return {
        "kind": "path_step",
        "title": step.title,
        "path_title": path.title,
        "path_id": path.id,
        "step_number": index + 1,
        "duration": step.duration_text
        or (f"{step.duration_months:g} Monate" if step.duration_months else None),
        "note": step.note,
        "course_types": [label("course_type", c) for c in step.course_types],
        "funding": [{"label": n.label, "office": n.office} for n in notes],
        "sources": [
            {"title": s.title, "url": s.url, "stand": s.stand.isoformat() if s.stand else None}
            for s in sources
        ],
        "reasons": [],
    }


# ---------------------------------------------------------------- funding checklist


def checklist_item(item: funding.ChecklistItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "status": item.status,
        "office": item.office,
        "stand": item.stand,
        "stand_label": funding.format_stand(item.stand),
        "sources": list(item.sources),
        "conditions_met": list(item.conditions_met),
        "conditions_to_confirm": list(item.conditions_to_confirm),
        "amounts": list(item.amounts),
        "notes": list(item.notes),
        "reported": [
            {
                "text": d.display,
                "source": d.source,
                "stand_label": funding.format_stand(d.stand) if d.stand else None,
            }
            for d in item.reported
        ],
        "discretionary": item.discretionary,
    }


def checklist_for(profile: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The funding checklist for the profile (instruments that "passen eher nicht" left out)."""
    return [checklist_item(i) for i in funding.evaluate(handover.engine_facts(profile))]
