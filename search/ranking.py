"""Filtering, scoring, diversity and reasons. Pure functions: no I/O, no globals changed.

Facts from the knowledge base (KldB titles, shortage entries) are passed in as callables
(``kldb_title``, ``shortages``); :mod:`search.facts` provides the real ones.

Score
-----
``score = WEIGHTS["similarity"] * cosine(query, passage) + sum(weight * fit_component)``
where every fit component lies in [0, 1]:

==================  =====  ==================================================================
component           weight meaning
==================  =====  ==================================================================
similarity          1.00   dense cosine similarity of query and offer passage (e5, normalised)
target_occupation   0.15   1 if an offer KldB target starts with the profile's target code,
                           0.3 if only the Berufshauptgruppe (first 2 digits) agrees
distance            0.05   place-bound: 1 - distance/reach (clipped); online: 0.5
time_model          0.05   1 if the offer's time model equals the profile's
format              0.04   1 if the offer's format equals the profile's (not "egal")
shortage            0.03   1 if one of the offer's target occupations is a shortage occupation
==================  =====  ==================================================================

e5 cosines of relevant vs. unrelated German course texts differ by about 0.05–0.15, so the
profile terms reorder close candidates but cannot lift an unrelated offer above a relevant one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from knowledge.geo import haversine_km
from knowledge.schema import FORMATS, TIME_MODELS, Offer
from knowledge.shortage import ShortageEntry

WEIGHTS: dict[str, float] = {
    "similarity": 1.00,
    "target_occupation": 0.15,
    "distance": 0.05,
    "time_model": 0.05,
    "format": 0.04,
    "shortage": 0.03,
}
ONLINE_DISTANCE_FIT = 0.5
SAME_MAJOR_GROUP_FIT = 0.3
NO_PREFERENCE = "egal"

KldbTitle = Callable[[str], "str | None"]
Shortages = Callable[[str], "list[ShortageEntry]"]


@dataclass(frozen=True)
class Profile:
    """What the user told the bot (all optional); vocabulary as in docs/architecture.md."""

    current_kldb: str | None = None
    target_kldb: str | None = None
    goal: str | None = None
    time_model: str | None = None
    format: str | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class Filters:
    """Hard filters; ``origin`` are the coordinates of ``municipality`` (resolved by the caller)."""

    today: dt.date
    municipality: str | None = None
    origin: tuple[float, float] | None = None
    max_distance_km: float | None = None
    municipalities: frozenset[str] | None = None
    formats: frozenset[str] | None = None
    time_models: frozenset[str] | None = None
    kldb_prefix: str | None = None
    fundable: bool | None = None
    exclude_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    score: float
    similarity: float
    distance_km: float | None
    components: dict[str, float] = field(default_factory=dict)


def offer_distance(offer: Offer, origin: tuple[float, float] | None) -> float | None:
    """Great-circle km from ``origin`` to a place-bound offer; ``None`` for online or unknown."""
    if origin is None or offer.format == "online" or offer.lat is None or offer.lon is None:
        return None
    return haversine_km(origin[0], origin[1], offer.lat, offer.lon)


def is_fundable(offer: Offer) -> bool:
    return offer.azav_certified or bool(offer.funding)


def passes_filters(offer: Offer, f: Filters, distance: float | None) -> bool:
    """All hard filters (see module docstring of the API for their meaning)."""
    if offer.id in f.exclude_ids:
        return False
    if offer.start_dates and not offer.upcoming_starts(f.today):
        return False  # every listed start lies in the past
    if f.formats is not None and offer.format not in f.formats:
        return False
    if f.time_models is not None and offer.time_model not in f.time_models:
        return False
    if f.kldb_prefix and not any(c.startswith(f.kldb_prefix) for c in offer.kldb_targets):
        return False
    if f.fundable is not None and is_fundable(offer) != f.fundable:
        return False
    if offer.format != "online":
        if f.municipalities is not None and offer.municipality not in f.municipalities:
            return False
        if f.origin is not None and f.max_distance_km is not None:
            if distance is None or distance > f.max_distance_km:
                return False
    return True


def target_fit(offer: Offer, target_kldb: str | None) -> float:
    if not target_kldb:
        return 0.0
    if any(c.startswith(target_kldb) for c in offer.kldb_targets):
        return 1.0
    if len(target_kldb) >= 2 and any(c[:2] == target_kldb[:2] for c in offer.kldb_targets):
        return SAME_MAJOR_GROUP_FIT
    return 0.0


def distance_fit(offer: Offer, distance: float | None, reach_km: float) -> float:
    if offer.format == "online":
        return ONLINE_DISTANCE_FIT
    if distance is None or reach_km <= 0:
        return 0.0
    return max(0.0, 1.0 - distance / reach_km)


def shortage_entry(offer: Offer, shortages: Shortages,
                   target_kldb: str | None = None) -> tuple[str, ShortageEntry] | None:
    """(code, entry) of the first offer target that is a shortage occupation ("Engpass").

    Targets matching the profile's target code are checked first.
    """
    codes = sorted(offer.kldb_targets,
                   key=lambda c: 0 if target_kldb and c.startswith(target_kldb) else 1)
    for code in codes:
        for entry in shortages(code):
            if entry.status == "Engpass":
                return code, entry
    return None


def fit_components(offer: Offer, profile: Profile, distance: float | None, reach_km: float,
                   shortages: Shortages) -> dict[str, float]:
    return {
        "target_occupation": target_fit(offer, profile.target_kldb),
        "distance": distance_fit(offer, distance, reach_km),
        "time_model": float(bool(profile.time_model) and offer.time_model == profile.time_model),
        "format": float(profile.format not in (None, NO_PREFERENCE)
                        and offer.format == profile.format),
        "shortage": float(shortage_entry(offer, shortages) is not None),
    }


def combine(similarity: float, components: dict[str, float]) -> float:
    return WEIGHTS["similarity"] * similarity + sum(WEIGHTS[k] * v for k, v in components.items())


def diversify(ranked: Iterable[Ranked]) -> list[Ranked]:
    """Keep only the best-scored offer per (title, provider), case-insensitive."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in ranked:
        key = (r.offer.title.strip().casefold(), r.offer.provider.strip().casefold())
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def rank(candidates: Sequence[tuple[Offer, float]], filters: Filters, profile: Profile,
         reach_km: float, shortages: Shortages) -> list[Ranked]:
    """Filter, score and diversify ``(offer, cosine)`` candidates; best first, all survivors."""
    ranked = []
    for offer, sim in candidates:
        dist = offer_distance(offer, filters.origin)
        if not passes_filters(offer, filters, dist):
            continue
        comps = fit_components(offer, profile, dist, reach_km, shortages)
        ranked.append(Ranked(offer, combine(sim, comps), sim, dist, comps))
    ranked.sort(key=lambda r: (-r.score, r.offer.id))
    return diversify(ranked)


def next_start(offer: Offer, today: dt.date) -> dt.date | None:
    upcoming = offer.upcoming_starts(today)
    return min(upcoming) if upcoming else None


def format_km(distance: float) -> str:
    return "unter 1 km" if distance < 1 else f"ca. {round(distance):d} km"


def reasons(offer: Offer, profile: Profile, distance: float | None, today: dt.date,
            kldb_title: KldbTitle, shortages: Shortages) -> list[dict[str, str]]:
    """Reasons for recommending ``offer``, each derived only from checkable facts.

    ``distance`` is the km from ``profile.municipality`` (``None`` if unknown or online).
    Funding reasons state a fact and the deciding office, never a promise.
    """
    out: list[dict[str, str]] = []

    def add(code: str, text: str) -> None:
        out.append({"code": code, "text": text})

    target = profile.target_kldb
    if target and any(c.startswith(target) for c in offer.kldb_targets):
        title = kldb_title(target)
        name = f"{title} (KldB {target})" if title else f"KldB {target}"
        add("target_occupation", f"führt zu Ihrem Zielberuf: {name}")
    if offer.format == "online":
        add("online", "online – ortsunabhängig")
    elif distance is not None and profile.municipality:
        add("distance_km", f"{format_km(distance)} von {profile.municipality} (Luftlinie)")
    if profile.time_model and offer.time_model == profile.time_model:
        add("time_model", f"Zeitmodell wie gewünscht: {TIME_MODELS[offer.time_model]}")
    if profile.format not in (None, NO_PREFERENCE) and offer.format == profile.format:
        add("format", f"Lernform wie gewünscht: {FORMATS[offer.format]}")
    found = shortage_entry(offer, shortages, target)
    if found:
        _code, e = found
        add("shortage", f"Engpassberuf ({e.title}, KldB {e.code}): {e.statement} – "
                        f"Ebene {e.level}, {e.year}; Quelle: {e.source_url}")
    if offer.azav_certified:
        add("azav_certified",
            "AZAV-zertifiziert – über einen Bildungsgutschein entscheidet die Agentur für Arbeit")
    if "aufstiegs_bafoeg" in offer.funding:
        add("aufstiegs_bafoeg", "förderfähig nach Aufstiegs-BAföG – darüber entscheidet das "
                                "zuständige Amt für Ausbildungsförderung")
    start = next_start(offer, today)
    if start:
        add("next_start", f"nächster Start: {start.strftime('%d.%m.%Y')}")
    return out
