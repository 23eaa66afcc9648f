"""Hard filters, scoring and diversity of search.ranking (pure functions)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from knowledge import geo
from search import ranking
from search.ranking import Filters, Profile

from search_fixtures import TODAY, make_offer

UH = geo.coordinates("Unterhaching")


def no_shortage(code: str) -> list:
    return []


def ids(ranked: list[ranking.Ranked]) -> list[str]:
    return [r.offer.id for r in ranked]


def run(offers, filters: Filters, profile: Profile = Profile(), sims=None):
    sims = sims or {}
    cands = [(o, sims.get(o.id, 0.5)) for o in offers]
    return ranking.rank(cands, filters, profile, 25.0, no_shortage)


def test_offers_whose_starts_all_lie_in_the_past_are_excluded(offers):
    got = ids(run(offers, Filters(today=TODAY)))
    assert "p-old" not in got
    assert "p-1" in got  # one past and one future start date
    assert "it-1" in got  # no dates listed: rolling start


def test_past_filter_follows_today(offers):
    assert "p-old" in ids(run(offers, Filters(today=dt.date(2026, 11, 25))))
    assert "p-1" not in ids(run(offers, Filters(today=dt.date(2027, 3, 2))))


def test_format_filter(offers):
    got = run(offers, Filters(today=TODAY, formats=frozenset({"online"})))
    assert got and all(r.offer.format == "online" for r in got)


def test_time_model_filter(offers):
    got = run(offers, Filters(today=TODAY, time_models=frozenset({"teilzeit"})))
    assert got and all(r.offer.time_model == "teilzeit" for r in got)


def test_distance_filter_keeps_online_and_nearby_only(offers):
    f = Filters(today=TODAY, municipality="Unterhaching", origin=UH, max_distance_km=25.0)
    got = run(offers, f)
    assert "p-far" not in ids(got)  # Dachau is about 30 km away
    for r in got:
        if r.offer.format == "online":
            assert r.distance_km is None
        else:
            expected = geo.haversine_km(*UH, r.offer.lat, r.offer.lon)
            assert r.distance_km == pytest.approx(expected)
            assert r.distance_km <= 25.0
    assert {"p-3", "it-1"} <= set(ids(got))


def test_wider_reach_includes_far_offer(offers):
    f = Filters(today=TODAY, municipality="Unterhaching", origin=UH, max_distance_km=60.0)
    assert "p-far" in ids(run(offers, f))


def test_municipality_list_filter(offers):
    f = Filters(today=TODAY, municipalities=frozenset({"Haar"}))
    got = ids(run(offers, f))
    assert "k-1" in got and "p-2" not in got
    assert "it-1" in got  # online always passes


def test_kldb_prefix_and_fundable_filters(offers):
    got = run(offers, Filters(today=TODAY, kldb_prefix="821"))
    assert got and all(any(c.startswith("821") for c in r.offer.kldb_targets) for r in got)
    fundable = run(offers, Filters(today=TODAY, fundable=True))
    assert fundable and all(r.offer.azav_certified or r.offer.funding for r in fundable)
    not_fundable = run(offers, Filters(today=TODAY, fundable=False))
    assert {r.offer.id for r in fundable}.isdisjoint(r.offer.id for r in not_fundable)


def test_exclude_ids(offers):
    assert "p-1" not in ids(run(offers, Filters(today=TODAY, exclude_ids=frozenset({"p-1"}))))


def test_diversity_keeps_best_of_same_title_and_provider(offers):
    sims = {"p-1": 0.6, "p-dup": 0.9}
    got = ids(run(offers, Filters(today=TODAY), sims=sims))
    assert "p-dup" in got and "p-1" not in got
    keys = [(r.offer.title.casefold(), r.offer.provider.casefold())
            for r in run(offers, Filters(today=TODAY))]
    assert len(keys) == len(set(keys))


def test_profile_fit_reorders_equal_similarity(offers):
    profile = Profile(target_kldb="821", time_model="teilzeit", municipality="Unterhaching")
    f = Filters(today=TODAY, municipality="Unterhaching", origin=UH, max_distance_km=25.0)
    got = run(offers, f, profile)
    order = ids(got)
    # p-1 (target, Teilzeit, 0 km) beats p-2 (target, Vollzeit, ~20 km) beats unrelated offers
    assert order.index("p-1") < order.index("p-2") < order.index("s-1")
    top = got[0]
    assert top.components["target_occupation"] == 1.0
    assert top.score == pytest.approx(ranking.combine(top.similarity, top.components))


def test_similarity_dominates_profile_terms(offers):
    """A clearly better semantic match wins over maximum profile fit (weights are bounded)."""
    profile = Profile(target_kldb="821", time_model="teilzeit", format="praesenz")
    sims = {o.id: 0.5 for o in offers} | {"s-1": 0.5 + sum(ranking.WEIGHTS.values()) - 1.0 + 0.01}
    assert ids(run(offers, Filters(today=TODAY), profile, sims))[0] == "s-1"


def test_shortage_component_uses_injected_lookup():
    offer = make_offer(kldb_targets=("82102",))
    entry = dataclasses.make_dataclass("E", ["status"])("Engpass")
    comps = ranking.fit_components(offer, Profile(), None, 25.0, lambda c: [entry])
    assert comps["shortage"] == 1.0
    watch = dataclasses.make_dataclass("E", ["status"])("Beobachtung")
    assert ranking.fit_components(offer, Profile(), None, 25.0, lambda c: [watch])["shortage"] == 0


def test_egal_format_gives_no_bonus():
    offer = make_offer(format="praesenz")
    def fmt(value: str) -> float:
        return ranking.fit_components(offer, Profile(format=value), 0.0, 25, no_shortage)["format"]

    assert fmt("egal") == 0 and fmt("online") == 0 and fmt("praesenz") == 1


def test_weights_are_documented_in_module_docstring():
    doc = ranking.__doc__ or ""
    for name, weight in ranking.WEIGHTS.items():
        assert name in doc and f"{weight:.2f}" in doc
