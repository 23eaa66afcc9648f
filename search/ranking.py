"""Filtering, scoring, diversity and reasons. Pure functions: no I/O, no globals changed.

Facts from the knowledge base (KldB titles, shortage entries) are passed in as callables
(``kldb_title``, ``shortages``); :mod:`search.facts` provides the real ones.

Score
-----
``score = WEIGHTS["relevance"] * relevance + sum(g_k * WEIGHTS[k] * component_k)`` with
``g_k = gate(relevance)``, except ``g = 1`` for ``target_occupation``.
``relevance`` is the hybrid retrieval score in [0, 1] (:mod:`search.hybrid`). The profile and
regional-need components lie in [0, 1] (``dqr`` in [-1, 1]: a penalty for levels out of
reach). ``gate`` is 0 up to relevance ``GATE_FLOOR`` (0.6) and rises linearly to 1 at
relevance 1, so profile fit reorders offers that match the query but cannot lift an offer that
does not (e.g. a Teilzeit course on another subject for a Teilzeit seeker). The target
occupation the bot resolved is itself a statement about the topic, so it is not gated.

==================  =====  ==================================================================
component           weight meaning
==================  =====  ==================================================================
relevance           1.00   fused dense + BM25 relevance of the offer for the query (0..1)
target_occupation   0.50   1 if an offer KldB target starts with the profile's target code,
                           0.3 if only the Berufshauptgruppe (first 2 digits) agrees; not gated
distance            0.15   place-bound: 1 - distance/reach (clipped); online: 0.5; 0 without
                           a municipality in the profile
time_model          0.30   1 if the offer's time model equals the profile's
format              0.05   1 if the offer's format equals the profile's (not "egal")
dqr                 0.05   DQR fit to the user's qualification: 1 if the offer's level is the
                           user's or up to two levels above, -1 if more than two levels above
                           (entry requirements out of reach), 0 otherwise or if unknown
goal                0.20   course type fits the goal (Umschulung -> Umschulung/Ausbildung,
                           Aufstieg -> Aufstiegsfortbildung ...), see ``GOAL_COURSE_TYPES``
funding             0.20   the user needs funding and the offer is AZAV-certified
                           (Bildungsgutschein) or eligible for Aufstiegs-BAföG
shortage            0.20   a target occupation is a shortage occupation ("Engpass"): the
                           weight of the strongest evidence (``knowledge.shortage``: BA
                           analysis > report > press, regional fit, halved every 3 years behind
                           the newest BA analysis; e.g. BA 2024 national 0.5, a 2018 district
                           press report 0.05)
==================  =====  ==================================================================

Tuning: ``python -m eval.tune`` on ``eval/queries_dev.jsonl`` only, never on the test set
(coordinate search on nDCG@10). Three values are set by policy, not by that search, because
the dev set cannot measure them: ``target_occupation`` (the query profiles carry no KldB code;
0.5 so that the occupation the user named outweighs time model and shortage bonuses), ``dqr``
at 0.05 (the search was indifferent, 0.7220 vs 0.7224) so that courses whose entry level is
out of reach are demoted, and ``DIVERSITY_PENALTY`` 0.02 instead of 0 (dev nDCG@10 -0.003)
so that the list is not five variants of one course.

Reasons
-------
:func:`reasons` turns the components that actually added to the score (gate x weight x value
> 0) into reason codes with parameters (rendered in the user's language by :mod:`i18n.reasons`),
largest contribution first, each with its ``contribution``; then
the retrieval match (``query_match``: the query words found in the offer, or "inhaltlich
ähnlich" for a purely semantic match); then the offer facts that are always useful (funding
with the deciding office, next start date) with ``contribution`` ``None`` unless the funding
component ranked the offer.

Diversity
---------
:func:`search.diversity.diversify` keeps only the best offer per provider and title family (the title without
bracketed parts, years and "Durchgang/Kurs/Termin" suffixes), so the list never shows several
dates of the same course, and then re-ranks greedily (maximal marginal relevance): an offer
whose title shares most words with an offer already placed loses up to
``DIVERSITY_PENALTY`` of its score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from knowledge.geo import haversine_km
from knowledge.profile import Profile  # the one profile model (search.ranking.Profile)
from knowledge.schema import Offer
from knowledge.shortage import ShortageEntry
from knowledge.vocabulary import FOREIGN_QUALIFICATION_COURSE_TYPES
from search.diversity import DIVERSITY_PENALTY, diversify

WEIGHTS: dict[str, float] = {
    "relevance": 1.00,
    "target_occupation": 0.50,
    "distance": 0.15,
    "time_model": 0.30,
    "format": 0.05,
    "dqr": 0.05,
    "goal": 0.20,
    "funding": 0.20,
    "shortage": 0.20,
}
#: retrieval only (evaluation variants without profile ranking)
RELEVANCE_ONLY: dict[str, float] = {"relevance": 1.0}
ONLINE_DISTANCE_FIT = 0.5
SAME_MAJOR_GROUP_FIT = 0.3
NO_PREFERENCE = "egal"
#: relevance below which profile terms do not count (see :func:`gate`)
GATE_FLOOR = 0.6
#: components that are themselves about the topic and therefore count without the gate
UNGATED = frozenset({"target_occupation"})
#: KldB Anforderungsniveau (5th digit) -> typical DQR level of that qualification
DQR_MAX_STEP = 2
#: goal -> course type -> fit
GOAL_COURSE_TYPES: dict[str, dict[str, float]] = {
    "umschulung": {"umschulung": 1.0, "ausbildung": 1.0},
    "aufstieg": {"aufstiegsfortbildung": 1.0, "weiterbildung": 0.3},
    "weiterbildung": {
        "weiterbildung": 1.0,
        "aufstiegsfortbildung": 0.5,
        "anpassungsqualifizierung": 0.5,
    },
    "wiedereinstieg": {"weiterbildung": 1.0, "anpassungsqualifizierung": 0.5, "grundbildung": 0.5},
}

KldbTitle = Callable[[str], "str | None"]
Shortages = Callable[[str], "Sequence[ShortageEntry]"]


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
    #: offer course type must be one of these
    course_types: frozenset[str] | None = None
    #: at least one offer KldB target must start with one of these (in addition to kldb_prefix)
    kldb_prefixes: tuple[str, ...] | None = None
    #: casefolded words: the offer title must contain one of them / none of them
    title_keywords: tuple[str, ...] = ()
    title_exclude_keywords: tuple[str, ...] = ()
    #: keep place-bound offers beyond ``max_distance_km`` (``max_distance_km`` then only
    #: decides what counts as "within reach")
    include_outside_reach: bool = False
    #: the person's foreign qualification (search profile): ``False`` leaves out the course
    #: types meant for foreign qualifications, ``None`` (unknown) and ``True`` keep them
    foreign_qualification: bool | None = None


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    score: float
    #: retrieval relevance in [0, 1] (hybrid, or one retriever alone)
    similarity: float
    distance_km: float | None
    components: dict[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=lambda: WEIGHTS)
    #: share of the profile terms that counts for this offer (:func:`gate` of its relevance)
    gate: float = 1.0

    def contributions(self) -> dict[str, float]:
        """Score points each profile/regional component added (> 0 only)."""
        out = {
            k: (1.0 if k in UNGATED else self.gate) * self.weights.get(k, 0.0) * v
            for k, v in self.components.items()
        }
        return {k: v for k, v in out.items() if v > 0}


def offer_distance(offer: Offer, origin: tuple[float, float] | None) -> float | None:
    """Great-circle km from ``origin`` to a place-bound offer; ``None`` for online or unknown."""
    if origin is None or offer.format == "online" or offer.lat is None or offer.lon is None:
        return None
    return haversine_km(origin[0], origin[1], offer.lat, offer.lon)


def is_fundable(offer: Offer) -> bool:
    return offer.azav_certified or bool(offer.funding)


def has_stated_funding_route(offer: Offer) -> bool:
    """AZAV (Bildungsgutschein) or Aufstiegs-BAföG: the routes the reasons can explain."""
    return offer.azav_certified or "aufstiegs_bafoeg" in offer.funding


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
    if f.course_types is not None and offer.course_type not in f.course_types:
        return False
    if f.foreign_qualification is False and offer.course_type in FOREIGN_QUALIFICATION_COURSE_TYPES:
        return False  # meant for qualifications from abroad
    if f.kldb_prefixes is not None and not any(
        c.startswith(p) for c in offer.kldb_targets for p in f.kldb_prefixes
    ):
        return False
    if f.title_keywords or f.title_exclude_keywords:
        title = offer.title.casefold()
        if f.title_keywords and not any(k in title for k in f.title_keywords):
            return False
        if any(k in title for k in f.title_exclude_keywords):
            return False
    if offer.format != "online":
        if f.municipalities is not None and offer.municipality not in f.municipalities:
            return False
        if f.origin is not None and f.max_distance_km is not None and not f.include_outside_reach:
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


def dqr_fit(offer: Offer, level: int | None) -> float:
    """+1 offer level = user level .. +2, -1 beyond that, 0 below or if either is unknown."""
    if level is None or offer.dqr_level is None:
        return 0.0
    step = offer.dqr_level - level
    if step < 0:
        return 0.0
    return 1.0 if step <= DQR_MAX_STEP else -1.0


def goal_fit(offer: Offer, goal: str | None) -> float:
    return GOAL_COURSE_TYPES.get(goal or "", {}).get(offer.course_type, 0.0)


def shortage_match(
    offer: Offer, shortages: Shortages, target_kldb: str | None = None
) -> tuple[float, str, ShortageEntry] | None:
    """(fit, code, entry) of the strongest "Engpass" evidence covering an offer target.

    Targets matching the profile's target code are preferred; then the entry with the highest
    evidence weight (:attr:`knowledge.shortage.ShortageEntry.weight`), then the first found.
    """
    best: tuple[float, int, str, ShortageEntry] | None = None
    for code in offer.kldb_targets:
        preferred = 1 if target_kldb and code.startswith(target_kldb) else 0
        for entry in shortages(code):
            if entry.status != "Engpass":
                continue
            fit = entry.weight
            if best is None or (preferred, fit) > (best[1], best[0]):
                best = (fit, preferred, code, entry)
    return (best[0], best[2], best[3]) if best else None


def shortage_entry(
    offer: Offer, shortages: Shortages, target_kldb: str | None = None
) -> tuple[str, ShortageEntry] | None:
    """(code, entry) cited for the offer's shortage status (see :func:`shortage_match`)."""
    found = shortage_match(offer, shortages, target_kldb)
    return (found[1], found[2]) if found else None


def fit_components(
    offer: Offer, profile: Profile, distance: float | None, reach_km: float, shortages: Shortages
) -> dict[str, float]:
    found = shortage_match(offer, shortages, profile.target_kldb)
    return {
        "target_occupation": target_fit(offer, profile.target_kldb),
        "distance": distance_fit(offer, distance, reach_km) if profile.municipality else 0.0,
        "time_model": float(bool(profile.time_model) and offer.time_model == profile.time_model),
        "format": float(
            profile.format not in (None, NO_PREFERENCE) and offer.format == profile.format
        ),
        "dqr": dqr_fit(offer, profile.qualification_level()),
        "goal": goal_fit(offer, profile.goal),
        "funding": float(bool(profile.needs_funding) and has_stated_funding_route(offer)),
        "shortage": found[0] if found else 0.0,
    }


def gate(relevance: float, floor: float = GATE_FLOOR) -> float:
    """How much the profile terms count: 0 up to relevance ``floor``, rising linearly to 1 at
    relevance 1. An offer that does not match the query cannot be lifted by profile fit."""
    if floor >= 1.0:
        return 0.0
    return min(1.0, max(0.0, (relevance - floor) / (1.0 - floor)))


def combine(
    similarity: float,
    components: Mapping[str, float],
    weights: Mapping[str, float] = WEIGHTS,
    floor: float = GATE_FLOOR,
) -> float:
    g = gate(similarity, floor)
    return weights.get("relevance", 1.0) * similarity + sum(
        (1.0 if k in UNGATED else g) * weights.get(k, 0.0) * v for k, v in components.items()
    )


def rank(
    candidates: Sequence[tuple[Offer, float]],
    filters: Filters,
    profile: Profile,
    reach_km: float,
    shortages: Shortages,
    weights: Mapping[str, float] = WEIGHTS,
    diverse: bool = True,
    floor: float = GATE_FLOOR,
) -> list[Ranked]:
    """Filter, score and diversify ``(offer, relevance)`` candidates; best first, all survivors.

    With ``weights=RELEVANCE_ONLY`` and ``diverse=False`` this is plain retrieval order.
    """
    ranked = []
    for offer, sim in candidates:
        dist = offer_distance(offer, filters.origin)
        if not passes_filters(offer, filters, dist):
            continue
        comps = fit_components(offer, profile, dist, reach_km, shortages)
        ranked.append(
            Ranked(
                offer,
                combine(sim, comps, weights, floor),
                sim,
                dist,
                comps,
                weights,
                gate(sim, floor),
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.offer.id))
    return diversify(ranked) if diverse else ranked


def with_weights(r: Ranked, weights: Mapping[str, float], floor: float = GATE_FLOOR) -> Ranked:
    """The same ranked offer scored with other weights (for evaluation and tests)."""
    return replace(
        r,
        score=combine(r.similarity, r.components, weights, floor),
        weights=weights,
        gate=gate(r.similarity, floor),
    )


def rerank(
    ranked: Iterable[Ranked],
    weights: Mapping[str, float],
    diverse: bool = True,
    penalty: float = DIVERSITY_PENALTY,
    floor: float = GATE_FLOOR,
) -> list[Ranked]:
    """Re-score already filtered offers with other weights (tuning without recomputing the
    components); the same order rules as :func:`rank`."""
    out = sorted(
        (with_weights(r, weights, floor) for r in ranked), key=lambda r: (-r.score, r.offer.id)
    )
    return diversify(out, penalty) if diverse else out
