"""Hard filters, scoring and diversity of search.ranking (pure functions)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from search_fixtures import TODAY, make_offer

from knowledge import geo
from search import diversity, ranking
from search.ranking import Filters, Profile

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
    keys = [
        (r.offer.title.casefold(), r.offer.provider.casefold())
        for r in run(offers, Filters(today=TODAY))
    ]
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


E = dataclasses.make_dataclass("E", ["status", "weight"])


def test_shortage_component_is_the_weight_of_the_strongest_engpass_evidence():
    offer = make_offer(kldb_targets=("82102",))

    def comp(*entries) -> float:
        return ranking.fit_components(offer, Profile(), None, 25.0, lambda c: list(entries))[
            "shortage"
        ]

    assert comp(E("Engpass", 0.5)) == 0.5
    assert comp(E("Engpass", 0.075), E("Engpass", 0.5)) == 0.5
    assert comp(E("Beobachtung", 1.0)) == 0
    assert comp(E("Projektion", 1.0)) == 0


def test_newer_ba_row_outweighs_older_district_press_row_in_the_ranking():
    from knowledge.shortage import load_shortages, lookup

    entries = load_shortages()
    offer = make_offer(kldb_targets=("82102",))  # Altenpflege: BA 2024 (Bund) and press 2016
    found = ranking.shortage_match(offer, lambda c: lookup(c, entries))
    assert found is not None
    fit, _code, entry = found
    assert (entry.evidence, entry.year, entry.level) == ("BA-Engpassanalyse", 2024, "Bund")
    press = next(e for e in entries if e.code == "821" and e.evidence == "Presse")
    assert press.year == 2016 and fit > press.weight


def test_shortage_match_prefers_targets_of_the_profile():
    offer = make_offer(kldb_targets=("43412", "82102"))
    entries = {"43412": [E("Engpass", 1.0)], "82102": [E("Engpass", 0.5)]}
    found = ranking.shortage_match(offer, lambda c: entries[c], target_kldb="821")
    assert found is not None and found[1] == "82102"
    assert ranking.shortage_match(offer, lambda c: entries[c])[1] == "43412"


def test_egal_format_gives_no_bonus():
    offer = make_offer(format="praesenz")

    def fmt(value: str) -> float:
        return ranking.fit_components(offer, Profile(format=value), 0.0, 25, no_shortage)["format"]

    assert fmt("egal") == 0 and fmt("online") == 0 and fmt("praesenz") == 1


def test_weights_are_documented_in_module_docstring():
    doc = ranking.__doc__ or ""
    for name, weight in ranking.WEIGHTS.items():
        assert name in doc and f"{weight:.2f}" in doc


# ---------- profile and regional-need factors ----------


def comps(offer, profile: Profile, distance=None) -> dict[str, float]:
    return ranking.fit_components(offer, profile, distance, 25.0, no_shortage)


def test_qualification_level_from_profile_or_current_occupation():
    assert Profile(dqr_level=3).qualification_level() == 3
    assert Profile(current_kldb="82102").qualification_level() == 4  # Fachkraft
    assert Profile(current_kldb="82101").qualification_level() == 2  # Helfer
    assert Profile(current_kldb="82104", dqr_level=5).qualification_level() == 5
    assert Profile(current_kldb="821").qualification_level() is None
    assert Profile().qualification_level() is None


@pytest.mark.parametrize(
    "offer_level, user_level, fit",
    [(4, 4, 1.0), (6, 4, 1.0), (7, 4, -1.0), (3, 4, 0.0), (None, 4, 0.0), (6, None, 0.0)],
)
def test_dqr_fit(offer_level, user_level, fit):
    assert ranking.dqr_fit(make_offer(dqr_level=offer_level), user_level) == fit


def test_out_of_reach_level_lowers_the_score():
    meister = make_offer(id="m", title="Meister", dqr_level=6, course_type="aufstiegsfortbildung")
    profile = Profile(dqr_level=2)
    assert comps(meister, profile)["dqr"] == -1.0
    got = run(
        [meister, make_offer(id="k", title="Kurs", dqr_level=None)], Filters(today=TODAY), profile
    )
    assert ids(got) == ["k", "m"]


@pytest.mark.parametrize(
    "goal, course_type, fit",
    [
        ("umschulung", "umschulung", 1.0),
        ("umschulung", "ausbildung", 1.0),
        ("umschulung", "weiterbildung", 0.0),
        ("aufstieg", "aufstiegsfortbildung", 1.0),
        ("aufstieg", "weiterbildung", 0.3),
        ("wiedereinstieg", "weiterbildung", 1.0),
        (None, "umschulung", 0.0),
    ],
)
def test_goal_fit_by_course_type(goal, course_type, fit):
    assert ranking.goal_fit(make_offer(course_type=course_type), goal) == fit


def test_funding_counts_only_when_needed_and_explainable():
    azav = make_offer(azav_certified=True)
    afbg = make_offer(funding=("aufstiegs_bafoeg",))
    bamf = make_offer(funding=("bamf",))
    assert comps(azav, Profile(needs_funding=True))["funding"] == 1.0
    assert comps(afbg, Profile(needs_funding=True))["funding"] == 1.0
    assert comps(bamf, Profile(needs_funding=True))["funding"] == 0.0
    assert comps(azav, Profile())["funding"] == 0.0


def test_distance_counts_only_with_a_municipality():
    near = make_offer()
    assert comps(near, Profile(), distance=2.0)["distance"] == 0.0
    assert comps(near, Profile(municipality="Unterhaching"), distance=5.0)["distance"] == 0.8
    online = make_offer(format="online")
    assert comps(online, Profile(municipality="Haar"))["distance"] == ranking.ONLINE_DISTANCE_FIT


def test_contributions_are_weight_times_value_and_positive_only():
    r = ranking.Ranked(
        make_offer(),
        1.0,
        0.5,
        None,
        {"time_model": 1.0, "dqr": -1.0, "format": 0.0},
        ranking.WEIGHTS,
    )
    assert r.contributions() == {"time_model": ranking.WEIGHTS["time_model"]}


def test_relevance_only_ranking_ignores_profile_and_keeps_duplicates(offers):
    profile = Profile(target_kldb="821", time_model="teilzeit", municipality="Unterhaching")
    sims = {o.id: 0.1 * n for n, o in enumerate(offers)}
    got = ranking.rank(
        [(o, sims[o.id]) for o in offers],
        Filters(today=TODAY),
        profile,
        25.0,
        no_shortage,
        ranking.RELEVANCE_ONLY,
        diverse=False,
    )
    assert [r.score for r in got] == sorted((sims[r.offer.id] for r in got), reverse=True)
    assert {"p-1", "p-dup"} <= set(ids(got))


# ---------- diversity ----------


def test_title_family_drops_dates_brackets_and_run_suffixes():
    f = diversity.title_family
    assert (
        f("Umschulung Anlagenmechaniker/in SHK – Durchgang 2025")
        == f("Umschulung Anlagenmechaniker/in SHK – Kurs Herbst 2026")
        == "umschulung anlagenmechaniker in shk"
    )
    assert f("Integrationskurs (allgemein) am Vormittag") == "integrationskurs am vormittag"
    assert f("Umschulung Maurer/in") != f("Umschulung Tischler/in")


def r(id_: str, title: str, score: float, provider: str = "A") -> ranking.Ranked:
    return ranking.Ranked(make_offer(id=id_, title=title, provider=provider), score, score, None)


def test_same_course_of_one_provider_is_shown_once():
    got = diversity.diversify(
        [
            r("a", "Betreuungskraft § 53b – Kurs Frühjahr 2027", 0.9),
            r("b", "Betreuungskraft § 53b – Kurs Herbst 2027", 0.8),
            r("c", "Betreuungskraft § 53b", 0.7, provider="B"),
        ]
    )
    assert [x.offer.id for x in got] == ["a", "c"]


def test_mmr_moves_a_different_course_above_a_near_copy():
    items = [
        r("a", "Excel Grundkurs für Einsteiger", 0.90, "A"),
        r("b", "Excel Grundkurs für Einsteiger kompakt", 0.88, "B"),
        r("c", "Word Briefe gestalten", 0.86, "C"),
    ]
    assert [x.offer.id for x in diversity.diversify(items, penalty=0.1)] == ["a", "c", "b"]
    assert [x.offer.id for x in diversity.diversify(items, penalty=0.0)] == ["a", "b", "c"]
    # a clearly better near-copy still stays ahead
    items[1] = r("b", "Excel Grundkurs für Einsteiger kompakt", 0.89 + 0.1, "B")
    assert [x.offer.id for x in diversity.diversify(items, penalty=0.05)][1] == "a"
