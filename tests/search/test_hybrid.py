"""Score fusion (search.hybrid) and the retrieval modes of search.service."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_fixtures import TODAY

from i18n.reasons import render_reason
from search import hybrid, ranking, service
from search.hybrid import FusionConfig, fuse

DENSE = {"a": 0.90, "b": 0.85, "c": 0.80, "d": 0.70}
LEX = {"c": 6.0, "d": 3.0}


def order(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda k: (-scores[k], k))


def test_minmax_and_max_scaling():
    assert hybrid.minmax({"x": 2.0, "y": 4.0, "z": 3.0}) == {"x": 0.0, "y": 1.0, "z": 0.5}
    assert hybrid.minmax({"x": 0.5, "y": 0.5}) == {"x": 1.0, "y": 1.0}
    assert hybrid.minmax({}) == {}
    assert hybrid.max_scaled({"x": 2.0, "y": 4.0, "z": 0.0}) == {"x": 0.5, "y": 1.0}
    assert hybrid.max_scaled({"x": 0.0}) == {}


def test_ranks_are_one_based_and_deterministic_on_ties():
    assert hybrid.ranks({"b": 1.0, "a": 1.0, "c": 2.0}) == {"c": 1, "a": 2, "b": 3}


@pytest.mark.parametrize(
    "cfg",
    [FusionConfig("mix", alpha=a) for a in (0.0, 0.3, 0.7, 1.0)]
    + [FusionConfig("rrf", rrf_k=k) for k in (1, 60)]
    + [FusionConfig("dense"), FusionConfig("bm25")],
)
def test_fused_relevance_lies_in_unit_interval_for_every_candidate(cfg):
    rel = fuse(DENSE, LEX, cfg)
    assert set(rel) == set(DENSE)
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in rel.values())


def test_mix_interpolates_between_the_two_retrievers():
    assert order(fuse(DENSE, LEX, FusionConfig("mix", alpha=1.0))) == ["a", "b", "c", "d"]
    assert order(fuse(DENSE, LEX, FusionConfig("mix", alpha=0.0)))[:2] == ["c", "d"]
    mid = fuse(DENSE, LEX, FusionConfig("mix", alpha=0.5))
    assert mid["c"] == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)
    assert mid["a"] == pytest.approx(0.5 * 1.0)
    assert order(mid)[0] == "c"  # good on both sides beats best on one side


def test_rrf_rewards_agreement_and_is_normalised():
    rel = fuse({"a": 0.9, "b": 0.8}, {"a": 5.0}, FusionConfig("rrf", rrf_k=60))
    assert rel["a"] == pytest.approx(1.0)
    assert rel["b"] == pytest.approx((1 / 62) / (2 / 61))


def test_single_side_methods():
    assert fuse(DENSE, LEX, FusionConfig("dense")) == hybrid.minmax(DENSE)
    bm = fuse(DENSE, LEX, FusionConfig("bm25"))
    assert bm == {"a": 0.0, "b": 0.0, "c": 1.0, "d": 0.5}


def test_lexical_hit_outside_dense_candidates_is_kept_with_lowest_dense_score():
    rel = fuse({"a": 0.9, "b": 0.7}, {"z": 4.0}, FusionConfig("mix", alpha=0.5))
    assert set(rel) == {"a", "b", "z"}
    assert rel["z"] == pytest.approx(0.5)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError):
        fuse(DENSE, LEX, FusionConfig("zip"))  # type: ignore[arg-type]


def test_default_fusion_is_a_real_hybrid():
    cfg = hybrid.DEFAULT_FUSION
    assert cfg.method in ("mix", "rrf")
    if cfg.method == "mix":
        assert 0.0 < cfg.alpha < 1.0


def test_relevance_modes_and_invalid_mode():
    assert service.relevance(DENSE, LEX, "dense") == hybrid.minmax(DENSE)
    assert service.relevance(DENSE, LEX, "bm25")["c"] == 1.0
    assert service.relevance(DENSE, LEX, "hybrid") == fuse(DENSE, LEX)
    with pytest.raises(ValueError, match="mode"):
        service.relevance(DENSE, LEX, "magic")


def params(query: str, mode: str, profile: ranking.Profile = ranking.Profile()):
    return service.SearchParams(
        query=query,
        filters=ranking.Filters(today=TODAY),
        profile=profile,
        limit=10,
        reach_km=25.0,
        mode=mode,
    )


def test_run_search_modes_on_a_real_index(built_index: Path, hashing_encoder):
    index = service.load_index(built_index)
    for mode in service.MODES:
        items, total = service.run_search(index, hashing_encoder, params("Python lernen", mode))
        assert items and total >= len(items)
        assert items[0]["offer_id"] == "it-1", mode
        assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    # retrieval-only modes keep both dates of the same course, "full" shows it once
    q = "Umschulung Altenpflege Teilzeit Pflegeschule Süd"
    plain = [
        i["offer_id"] for i in service.run_search(index, hashing_encoder, params(q, "hybrid"))[0]
    ]
    full = [i["offer_id"] for i in service.run_search(index, hashing_encoder, params(q, "full"))[0]]
    assert {"p-1", "p-dup"} <= set(plain)
    assert len({"p-1", "p-dup"} & set(full)) == 1


def test_query_match_reason_names_the_words_found(built_index: Path, hashing_encoder):
    index = service.load_index(built_index)
    items, _ = service.run_search(index, hashing_encoder, params("Gabelstapler Python", "full"))
    reason = next(r for r in items[0]["reasons"] if r["code"] == "query_match")
    assert reason["params"]["words"] == ["python"]
    text = render_reason(reason)
    assert "„python“" in text and "gabelstapler" not in text
    assert reason["contribution"] > 0
