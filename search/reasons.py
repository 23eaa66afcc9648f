"""Reasons why an offer is recommended: codes with parameters, from the factors that ranked it.

Split from :mod:`search.ranking` (which scores): every reason is derived from a checkable fact
of the offer and the profile, and the factor reasons carry the score points (``contribution``)
their component added. The bot renders them in the user's language (:mod:`i18n.reasons`);
codes and parameters are listed in docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from knowledge.profile import Profile
from knowledge.schema import Offer
from search.ranking import KldbTitle, Ranked, Shortages, shortage_entry


def next_start(offer: Offer, today: dt.date) -> dt.date | None:
    upcoming = offer.upcoming_starts(today)
    return min(upcoming) if upcoming else None


def _reason(code: str, params: dict[str, Any], contribution: float | None) -> dict[str, Any]:
    return {
        "code": code,
        "params": params,
        "contribution": round(contribution, 4) if contribution is not None else None,
    }


def reasons(
    r: Ranked,
    profile: Profile,
    today: dt.date,
    kldb_title: KldbTitle,
    shortages: Shortages,
    matched_words: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Reasons for recommending ``r.offer``, derived from the components that ranked it.

    Each reason is a ``code`` with the ``params`` a sentence needs (the bot renders it in the
    user's language with :mod:`i18n.reasons`; codes and params in docs/architecture.md).
    ``matched_words`` are the query words found in the offer text (from the BM25 analyzer);
    ``r.distance_km`` is measured from ``profile.municipality``. Funding reasons state a fact
    and the deciding office, never a promise.
    """
    offer = r.offer
    contrib = r.contributions()
    factor: list[dict[str, Any]] = []

    if "target_occupation" in contrib:
        target = profile.target_kldb or ""
        if r.components["target_occupation"] >= 1.0:
            factor.append(
                _reason(
                    "target_occupation",
                    {"kldb": target, "title": kldb_title(target)},
                    contrib["target_occupation"],
                )
            )
        else:
            group = target[:2]
            factor.append(
                _reason(
                    "field",
                    {"kldb": group, "title": kldb_title(group)},
                    contrib["target_occupation"],
                )
            )
    if "distance" in contrib:
        if offer.format == "online":
            factor.append(_reason("online", {}, contrib["distance"]))
        elif r.distance_km is not None and profile.municipality:
            factor.append(
                _reason(
                    "distance_km",
                    {"km": round(r.distance_km, 2), "place": profile.municipality},
                    contrib["distance"],
                )
            )
    if "time_model" in contrib:
        factor.append(
            _reason("time_model", {"time_model": offer.time_model}, contrib["time_model"])
        )
    if "format" in contrib:
        factor.append(_reason("format", {"format": offer.format}, contrib["format"]))
    if "dqr" in contrib:
        factor.append(
            _reason(
                "dqr",
                {"level": profile.qualification_level(), "offer_level": offer.dqr_level},
                contrib["dqr"],
            )
        )
    if "goal" in contrib:
        factor.append(
            _reason(
                "course_type",
                {"course_type": offer.course_type, "goal": profile.goal},
                contrib["goal"],
            )
        )
    if "shortage" in contrib:
        found = shortage_entry(offer, shortages, profile.target_kldb)
        if found:
            _code, e = found
            factor.append(
                _reason(
                    "shortage",
                    {
                        "title": e.title,
                        "kldb": e.code,
                        "statement": e.statement,
                        "level": e.level,
                        "year": e.year,
                        "url": e.source_url,
                    },
                    contrib["shortage"],
                )
            )
    factor.sort(key=lambda x: -x["contribution"])

    out = factor
    relevance = r.weights.get("relevance", 1.0) * r.similarity
    if relevance > 0:
        # no words: a purely semantic match ("inhaltlich ähnlich")
        out.append(_reason("query_match", {"words": list(matched_words[:4])}, relevance))

    funding = contrib.get("funding")
    if offer.azav_certified:
        out.append(_reason("azav_certified", {}, funding))
        funding = None  # count the contribution once
    if "aufstiegs_bafoeg" in offer.funding:
        out.append(_reason("aufstiegs_bafoeg", {}, funding))
    start = next_start(offer, today)
    if start:
        out.append(_reason("next_start", {"date": start.isoformat()}, None))
    return out
