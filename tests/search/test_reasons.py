"""Every reason is re-verified against the offer's data, independently of search.ranking.

Property-style: hypothesis generates profiles (target code, time model, format, municipality,
date); for each profile all catalogue offers plus the hand-made fixture offers are checked in
both directions: a reason appears only if its fact holds, and it appears whenever it holds.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_fixtures import fixture_offers

from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.schema import Offer
from knowledge.shortage import load_shortages
from search import facts, ranking

ALL_CODES = {"target_occupation", "field", "distance_km", "online", "time_model", "format",
             "shortage", "azav_certified", "aufstiegs_bafoeg", "next_start"}
PROMISES = re.compile(r"erhalten Sie|bekommen Sie|garantiert|wird bezahlt|kostenlos|übernimmt|"
                      r"steht Ihnen zu|haben Anspruch", re.IGNORECASE)
OFFERS: list[Offer] = load_catalogue().offers + fixture_offers()
SHORTAGES = load_shortages()
CODES = sorted({c[:n] for o in OFFERS for c in o.kldb_targets for n in range(2, 6)})
PLACES = geo.landkreis_municipalities() + ["München", "Dachau"]


def own_haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    r = 6371.0
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(h))


def engpass_entries(offer: Offer) -> list:
    return [e for e in SHORTAGES for c in offer.kldb_targets
            if c.startswith(e.code) and e.status == "Engpass"]


profiles = st.builds(
    ranking.Profile,
    target_kldb=st.one_of(st.none(), st.sampled_from(CODES), st.from_regex(r"\A\d{2,5}\Z")),
    time_model=st.sampled_from([None, "vollzeit", "teilzeit", "berufsbegleitend"]),
    format=st.sampled_from([None, "egal", "praesenz", "online", "hybrid"]),
    municipality=st.one_of(st.none(), st.sampled_from(PLACES)),
)
days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 1, 1))


def check(offer: Offer, profile: ranking.Profile, today: dt.date) -> None:
    origin = geo.coordinates(profile.municipality) if profile.municipality else None
    distance = ranking.offer_distance(offer, origin)
    got = ranking.reasons(offer, profile, distance, today, facts.kldb_title,
                          facts.shortage_entries)
    by_code = {r["code"]: r["text"] for r in got}
    assert len(by_code) == len(got), "duplicate reason codes"
    assert set(by_code) <= ALL_CODES
    for r in got:
        assert r["text"].strip() and not PROMISES.search(r["text"]), r

    # target occupation
    t = profile.target_kldb
    holds = bool(t) and any(c.startswith(t) for c in offer.kldb_targets)
    assert ("target_occupation" in by_code) == holds
    if holds:
        text = by_code["target_occupation"]
        assert f"(KldB {t})" in text or text.endswith(f"KldB {t}")

    # online / distance
    assert ("online" in by_code) == (offer.format == "online")
    place_bound = offer.format != "online" and origin is not None
    assert ("distance_km" in by_code) == place_bound
    if place_bound:
        text = by_code["distance_km"]
        true_km = own_haversine(origin, (offer.lat, offer.lon))
        assert text.endswith(f"von {profile.municipality} (Luftlinie)")
        m = re.match(r"ca\. (\d+) km", text)
        if m:
            assert abs(int(m.group(1)) - true_km) <= 0.5 + 0.01 and true_km >= 0.99
        else:
            assert text.startswith("unter 1 km") and true_km < 1.01

    # time model and format (equal only)
    assert ("time_model" in by_code) == (profile.time_model == offer.time_model)
    fmt_holds = profile.format not in (None, "egal") and profile.format == offer.format
    assert ("format" in by_code) == fmt_holds

    # shortage: the cited entry exists, covers an offer target and is an "Engpass"
    entries = engpass_entries(offer)
    assert ("shortage" in by_code) == bool(entries)
    if entries:
        text = by_code["shortage"]
        assert any(e.statement in text and e.source_url in text and str(e.year) in text
                   and e.level in text and f"KldB {e.code}" in text for e in entries)

    # funding facts + deciding office
    assert ("azav_certified" in by_code) == offer.azav_certified
    if offer.azav_certified:
        assert "Agentur für Arbeit" in by_code["azav_certified"]
    assert ("aufstiegs_bafoeg" in by_code) == ("aufstiegs_bafoeg" in offer.funding)
    if "aufstiegs_bafoeg" in by_code:
        assert "Amt für Ausbildungsförderung" in by_code["aufstiegs_bafoeg"]

    # next start: an actual listed start date, the earliest not before today
    future = sorted(d for d in offer.start_dates if d >= today)
    assert ("next_start" in by_code) == bool(future)
    if future:
        shown = dt.datetime.strptime(by_code["next_start"].split(": ")[1], "%d.%m.%Y").date()
        assert shown == future[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, today=days)
def test_every_reason_is_backed_by_offer_data(profile: ranking.Profile, today: dt.date) -> None:
    for offer in OFFERS:
        check(offer, profile, today)


@pytest.mark.parametrize("offer", OFFERS, ids=lambda o: o.id)
def test_full_profile_on_every_offer(offer: Offer) -> None:
    """Deterministic sweep: the offer's own facts as profile make each reason fire."""
    target = offer.kldb_targets[0][:3] if offer.kldb_targets else None
    profile = ranking.Profile(target_kldb=target, time_model=offer.time_model,
                              format=offer.format, municipality="Unterhaching")
    check(offer, profile, dt.date(2026, 11, 26))
