"""Every reason is re-verified against the offer's data and the factors that ranked it,
independently of the text generation in search.ranking.

Property-style: hypothesis generates profiles (target code, time model, format, municipality,
qualification, goal, funding need), a retrieval relevance and a date; for each profile all
catalogue offers plus the hand-made fixture offers are checked in both directions: a factor
reason appears exactly when that factor added points to the offer's score (weight x value x
relevance gate > 0), its stated contribution is those points, its text states only facts that
hold, and the fact reasons (funding with the deciding office, next start) appear exactly when
the fact holds.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_fixtures import fixture_offers

from i18n import STYLES
from i18n.reasons import render_reason
from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.schema import COURSE_TYPES, TIME_MODELS, Offer
from knowledge.shortage import load_shortages
from search import facts, ranking
from search import reasons as search_reasons

ALL_CODES = {
    "target_occupation",
    "field",
    "distance_km",
    "online",
    "time_model",
    "format",
    "dqr",
    "course_type",
    "shortage",
    "query_match",
    "azav_certified",
    "aufstiegs_bafoeg",
    "next_start",
}
FACTOR_OF = {
    "target_occupation": "target_occupation",
    "field": "target_occupation",
    "distance_km": "distance",
    "online": "distance",
    "time_model": "time_model",
    "format": "format",
    "dqr": "dqr",
    "course_type": "goal",
    "shortage": "shortage",
}
#: written down independently of search.ranking.GOAL_COURSE_TYPES
GOAL_TYPES = {
    "umschulung": {"umschulung", "ausbildung"},
    "aufstieg": {"aufstiegsfortbildung", "weiterbildung"},
    "weiterbildung": {"weiterbildung", "aufstiegsfortbildung", "anpassungsqualifizierung"},
    "wiedereinstieg": {"weiterbildung", "anpassungsqualifizierung", "grundbildung"},
}
NIVEAU_DQR = {"1": 2, "2": 4, "3": 6, "4": 7}
PROMISES = re.compile(
    r"erhalten Sie|bekommen Sie|garantiert|wird bezahlt|kostenlos|übernimmt|"
    r"steht Ihnen zu|haben Anspruch",
    re.IGNORECASE,
)
OFFERS: list[Offer] = load_catalogue().offers + fixture_offers()
SHORTAGES = load_shortages()
CODES = sorted({c[:n] for o in OFFERS for c in o.kldb_targets for n in range(2, 6)})
PLACES = geo.landkreis_municipalities() + ["München", "Dachau"]


def own_haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    r = 6371.0
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(h))


def engpass_entries(offer: Offer) -> list:
    """ "Engpass" entries covering an offer target; national (BA) entries do not rate
    Helfer codes (5th digit 1), see knowledge.shortage."""
    return [
        e
        for e in SHORTAGES
        for c in offer.kldb_targets
        if c.startswith(e.code)
        and e.status == "Engpass"
        and not (c[4:] == "1" and e.level == "Bund")
    ]


profiles = st.builds(
    ranking.Profile,
    target_kldb=st.one_of(st.none(), st.sampled_from(CODES), st.from_regex(r"\A\d{2,5}\Z")),
    current_kldb=st.one_of(st.none(), st.from_regex(r"\A\d{4}[1-4]\Z")),
    goal=st.sampled_from([None, "weiterbildung", "umschulung", "wiedereinstieg", "aufstieg"]),
    time_model=st.sampled_from([None, "vollzeit", "teilzeit", "berufsbegleitend"]),
    format=st.sampled_from([None, "egal", "praesenz", "online", "hybrid"]),
    municipality=st.one_of(st.none(), st.sampled_from(PLACES)),
    dqr_level=st.one_of(st.none(), st.integers(1, 8)),
    needs_funding=st.sampled_from([None, False, True]),
)
days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 1, 1))
relevances = st.floats(min_value=0.0, max_value=1.0)


def user_level(profile: ranking.Profile) -> int | None:
    if profile.dqr_level is not None:
        return profile.dqr_level
    code = profile.current_kldb or ""
    return NIVEAU_DQR.get(code[4]) if len(code) == 5 else None


def expected_factors(offer: Offer, profile: ranking.Profile, origin) -> set[str]:
    """Reason codes whose factor must have added points (own derivation from the data)."""
    out = set()
    t = profile.target_kldb
    if t and any(c.startswith(t) for c in offer.kldb_targets):
        out.add("target_occupation")
    elif t and len(t) >= 2 and any(c[:2] == t[:2] for c in offer.kldb_targets):
        out.add("field")
    if profile.municipality:
        if offer.format == "online":
            out.add("online")
        elif origin is not None and own_haversine(origin, (offer.lat, offer.lon)) < 25.0:
            out.add("distance_km")
    if profile.time_model and profile.time_model == offer.time_model:
        out.add("time_model")
    if profile.format not in (None, "egal") and profile.format == offer.format:
        out.add("format")
    level = user_level(profile)
    if level is not None and offer.dqr_level is not None and 0 <= offer.dqr_level - level <= 2:
        out.add("dqr")
    if offer.course_type in GOAL_TYPES.get(profile.goal or "", set()):
        out.add("course_type")
    if engpass_entries(offer):
        out.add("shortage")
    return {c for c in out if ranking.WEIGHTS.get(FACTOR_OF[c], 0) > 0}


def check(offer: Offer, profile: ranking.Profile, today: dt.date, relevance: float) -> None:
    origin = geo.coordinates(profile.municipality) if profile.municipality else None
    distance = ranking.offer_distance(offer, origin)
    comps = ranking.fit_components(offer, profile, distance, 25.0, facts.shortage_entries)
    gate = ranking.gate(relevance)
    r = ranking.Ranked(
        offer, ranking.combine(relevance, comps), relevance, distance, comps, ranking.WEIGHTS, gate
    )
    raw = search_reasons.reasons(
        r, profile, today, facts.kldb_title, facts.shortage_entries, ["pflege"]
    )
    # the API returns code + params; every reason renders in every reply style (German checked)
    for x in raw:
        assert set(x) == {"code", "params", "contribution"}, x
        assert all(render_reason(x, style) for style in STYLES), x
    got = [{**x, "text": render_reason(x, "de")} for x in raw]
    by_code = {x["code"]: x for x in got}
    assert len(by_code) == len(got), "duplicate reason codes"
    assert set(by_code) <= ALL_CODES
    for x in got:
        assert x["text"].strip() and not PROMISES.search(x["text"]), x

    # factor reasons: exactly the factors that added points, with those points, largest first
    factor_codes = [x["code"] for x in got if x["code"] in FACTOR_OF]
    expected = {
        c
        for c in expected_factors(offer, profile, origin)
        if gate > 0 or FACTOR_OF[c] in ranking.UNGATED
    }
    assert set(factor_codes) == expected
    shown = [by_code[c]["contribution"] for c in factor_codes]
    assert shown == sorted(shown, reverse=True)
    assert got[: len(factor_codes)] == [by_code[c] for c in factor_codes]  # factors first
    for code in factor_codes:
        g = 1.0 if FACTOR_OF[code] in ranking.UNGATED else gate
        points = g * ranking.WEIGHTS[FACTOR_OF[code]] * comps[FACTOR_OF[code]]
        assert by_code[code]["contribution"] == pytest.approx(points, abs=1e-4)
        assert points > 0

    t = profile.target_kldb
    if "target_occupation" in by_code:
        text = by_code["target_occupation"]["text"]
        assert f"(KldB {t})" in text or text.endswith(f"KldB {t}")
    if "field" in by_code:
        assert f"KldB {t[:2]}" in by_code["field"]["text"] or t[:2] in by_code["field"]["text"]
    if "distance_km" in by_code:
        text = by_code["distance_km"]["text"]
        true_km = own_haversine(origin, (offer.lat, offer.lon))
        assert text.endswith(f"von {profile.municipality} (Luftlinie)")
        m = re.match(r"ca\. (\d+) km", text)
        if m:
            assert abs(int(m.group(1)) - true_km) <= 0.5 + 0.01 and true_km >= 0.99
        else:
            assert text.startswith("unter 1 km") and true_km < 1.01
    if "time_model" in by_code:
        assert TIME_MODELS[offer.time_model] in by_code["time_model"]["text"]
    if "dqr" in by_code:
        text = by_code["dqr"]["text"]
        assert (
            f"DQR {user_level(profile)}" in text
            and f"DQR {offer.dqr_level}" in text
            or f"(DQR {offer.dqr_level})" in text
        )
    if "course_type" in by_code:
        assert COURSE_TYPES[offer.course_type] in by_code["course_type"]["text"]
    if "shortage" in by_code:
        text = by_code["shortage"]["text"]
        assert any(
            e.statement in text
            and e.source_url in text
            and str(e.year) in text
            and e.level in text
            and f"KldB {e.code}" in text
            for e in engpass_entries(offer)
        )

    # retrieval match: whenever the offer had any relevance
    assert ("query_match" in by_code) == (relevance > 0)
    if relevance > 0:
        assert by_code["query_match"]["contribution"] == pytest.approx(relevance, abs=1e-4)
        assert "„pflege“" in by_code["query_match"]["text"]

    # funding facts + deciding office; a contribution only if funding is needed
    assert ("azav_certified" in by_code) == offer.azav_certified
    if offer.azav_certified:
        assert "Agentur für Arbeit" in by_code["azav_certified"]["text"]
    assert ("aufstiegs_bafoeg" in by_code) == ("aufstiegs_bafoeg" in offer.funding)
    if "aufstiegs_bafoeg" in by_code:
        assert "Amt für Ausbildungsförderung" in by_code["aufstiegs_bafoeg"]["text"]
    funding_points = [
        x["contribution"]
        for x in got
        if x["code"] in ("azav_certified", "aufstiegs_bafoeg") and x["contribution"] is not None
    ]
    if (
        profile.needs_funding
        and gate > 0
        and (offer.azav_certified or "aufstiegs_bafoeg" in offer.funding)
    ):
        assert funding_points == [pytest.approx(gate * ranking.WEIGHTS["funding"], abs=1e-4)]
    else:
        assert funding_points == []

    # next start: an actual listed start date, the earliest not before today
    future = sorted(d for d in offer.start_dates if d >= today)
    assert ("next_start" in by_code) == bool(future)
    if future:
        assert by_code["next_start"]["contribution"] is None
        shown_date = by_code["next_start"]["text"].split(": ")[1]
        assert dt.datetime.strptime(shown_date, "%d.%m.%Y").date() == future[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, today=days, relevance=relevances)
def test_every_reason_is_backed_by_offer_data(
    profile: ranking.Profile, today: dt.date, relevance: float
) -> None:
    for offer in OFFERS:
        check(offer, profile, today, relevance)


@pytest.mark.parametrize("offer", OFFERS, ids=lambda o: o.id)
def test_full_profile_on_every_offer(offer: Offer) -> None:
    """Deterministic sweep: the offer's own facts as profile make each factor reason fire."""
    target = offer.kldb_targets[0][:3] if offer.kldb_targets else None
    goal = next((g for g, types in GOAL_TYPES.items() if offer.course_type in types), None)
    profile = ranking.Profile(
        target_kldb=target,
        time_model=offer.time_model,
        format=offer.format,
        municipality="Unterhaching",
        dqr_level=offer.dqr_level,
        goal=goal,
        needs_funding=True,
    )
    check(offer, profile, dt.date(2026, 11, 26), 1.0)


def test_irrelevant_offer_gets_no_profile_reasons() -> None:
    offer = OFFERS[0]
    profile = ranking.Profile(time_model=offer.time_model, municipality="Haar")
    check(offer, profile, dt.date(2026, 11, 26), 0.0)
