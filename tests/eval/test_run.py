"""End to end on a small catalogue with the hashing encoder: real index build (FAISS + BM25),
the four variants, pooling, judging and the report of eval.run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_fixtures import offer

from eval import judge, run
from eval.judge import Query
from eval.pipeline import TODAY, VARIANTS, Environment
from search.encoder import HashingEncoder

OFFERS = [
    offer(
        id="a",
        title="Umschulung Pflegefachfrau in Teilzeit",
        course_type="umschulung",
        description="Umschulung in der Pflege, Unterricht vormittags.",
        azav_certified=True,
        municipality="Haar",
        time_model="teilzeit",
    ),
    offer(
        id="b",
        title="Pflegefachfrau Umschulung Vollzeit",
        course_type="umschulung",
        description="Vollzeitumschulung Pflege mit Praxis.",
        municipality="Dachau",
        time_model="vollzeit",
    ),
    offer(
        id="c",
        title="Excel Grundkurs",
        description="Tabellen und Formeln für Einsteiger.",
        time_model="berufsbegleitend",
    ),
    offer(
        id="d",
        title="Python programmieren",
        description="Programmieren lernen abends.",
        format="online",
        time_model="berufsbegleitend",
    ),
    offer(
        id="e",
        title="Deutsch B2 für den Beruf",
        description="Berufssprachkurs B2.",
        course_type="berufssprachkurs",
        funding=("bamf",),
    ),
]
QUERIES = [
    Query(
        "q1",
        "umschulung pflege teilzeit",
        {"municipality": "Haar", "time_model": "teilzeit", "goal": "umschulung"},
        {"need": [["pflege"]], "types": ["umschulung"], "time_models": ["teilzeit"]},
        "keywords",
    ),
    Query("q2", "excel kurs", {}, {"need": [["excel"]]}, "keywords"),
    Query(
        "q3",
        "programmieren lernen",
        {"format": "online"},
        {"need": [["programmier"]]},
        "colloquial",
    ),
]


@pytest.fixture
def env(tmp_path: Path) -> Environment:
    cat = tmp_path / "cat"
    cat.mkdir()
    (cat / "offers.json").write_text(
        json.dumps({"source": "test", "offers": [o.to_dict() for o in OFFERS]}), encoding="utf-8"
    )
    return Environment.load(tmp_path / "idx", HashingEncoder(dim=256), cat)


def test_variants_pool_judge_and_report(env: Environment):
    runs = env.rankings(QUERIES)
    assert set(runs) == set(VARIANTS)
    for v in VARIANTS:
        assert set(runs[v]) == {"q1", "q2", "q3"}
    assert runs["bm25"]["q2"][0] == "c"
    # the full variant applies the profile: Haar's Teilzeit offer first, Dachau (far) filtered
    assert runs["hybrid+ranking"]["q1"][0] == "a" and "b" not in runs["hybrid+ranking"]["q1"]
    pools = env.pool(QUERIES, 2)
    assert all(len(p) >= 2 for p in pools.values())
    qrels = judge.judge(QUERIES, pools, env.offers, TODAY)
    assert qrels["q1"]["a"] == 2
    text = run.report("test", env, qrels, runs, stale=False, seconds=1.0)
    for v in VARIANTS:
        assert f"| {v} |" in text
    assert "hybrid+ranking − bm25" in text and "hybrid − dense" in text
    assert "nDCG@10" in text and "[" in text


def test_run_main_requires_judgments(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(run, "QRELS_DIR", tmp_path)
    assert run.main(["--set", "dev", "--out", str(tmp_path / "out.md")]) == 2
    assert "eval.judge" in capsys.readouterr().err


def test_model_comparison_reports_each_embedding_variant_against_the_baseline(
    env: Environment, tmp_path: Path
):
    runs = env.rankings(QUERIES)
    other_dir = tmp_path / "cat2"
    other_dir.mkdir()
    (other_dir / "offers.json").write_text(
        json.dumps({"source": "test", "offers": [o.to_dict() for o in OFFERS]}), encoding="utf-8"
    )
    other = Environment.load(tmp_path / "idx2", HashingEncoder(dim=64), other_dir)
    base_runs = other.rankings(QUERIES)
    pools = judge.merge_pools([env.pool(QUERIES, 3), other.pool(QUERIES, 3)])
    assert all(set(env.pool(QUERIES, 3)[q]) <= set(pools[q]) for q in pools)
    assert all(pools[q] == sorted(set(pools[q])) for q in pools)
    qrels = judge.judge(QUERIES, pools, env.offers, TODAY)
    text = run.model_comparison(qrels, runs, "hash-256", base_runs, "hash-64")
    assert "hash-256 against hash-64" in text
    assert "| bm25 |" not in text  # BM25 does not depend on the model
    for v in ("dense", "hybrid", "hybrid+ranking"):
        assert f"| {v} |" in text
    # a model compared with itself differs by exactly zero
    same = run.model_comparison(qrels, runs, "a", runs, "a")
    assert "+0.000 [+0.000, +0.000]" in same
