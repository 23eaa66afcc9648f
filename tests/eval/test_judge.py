"""The relevance judge (eval/judge.py): rules of eval/criteria.md, spec parsing, qrels files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from eval_fixtures import TODAY, offer

from eval import judge
from eval.judge import Query, Spec, grade

TABLE = {"pflege": ["(?<!kinder)pflege"], "kita": ["kita", "krippe"]}


def spec(profile=None, **data) -> Spec:
    return Spec.from_dict(data, profile, TABLE)


PFLEGE = offer(
    id="p",
    title="Umschulung Pflegefachfrau in Teilzeit",
    description="Die Umschulung führt zum Berufsabschluss in der Pflege. Unterricht vormittags.",
    course_type="umschulung",
)


def test_normalise_transliterates_and_collapses():
    assert judge.normalise("Führerschein  Größe\nÄrger") == "fuehrerschein groesse aerger"


def test_concepts_expand_and_title_prefix_restricts_to_the_title():
    pats = judge.compile_patterns(["@kita", "title:umschulung"], TABLE)
    assert [p.regex.pattern for p in pats] == ["kita", "krippe", "umschulung"]
    assert pats[2].title_only and not pats[0].title_only
    assert pats[2].search("umschulung x", "irrelevant") and not pats[2].search("x", "umschulung")
    with pytest.raises(ValueError, match="unbekanntes Konzept"):
        judge.compile_patterns(["@gibtsnicht"], TABLE)


def test_patterns_are_normalised_like_the_text():
    pats = judge.compile_patterns(["Führerschein"], TABLE)
    assert pats[0].search("", "fuehrerschein klasse c")


def test_main_topic_in_lead_gives_2():
    assert grade(PFLEGE, spec(need=[["@pflege"]]), None, TODAY) == 2


def test_main_topic_only_mentioned_later_gives_1():
    o = offer(
        title="Office-Kurs",
        description="Word und Excel für den Beruf. Auch für Menschen, die aus der Pflege kommen.",
    )
    assert grade(o, spec(need=[["@pflege"]]), None, TODAY) == 1


def test_every_need_group_is_required():
    s = spec(need=[["@pflege"], ["nachtdienst"]])
    assert grade(PFLEGE, s, None, TODAY) == 0
    assert grade(PFLEGE, spec(need=[["@pflege"], ["vormittag"]]), None, TODAY) == 2


def test_related_gives_1_and_unrelated_0():
    o = offer(title="Krippenpädagogik", description="Für Fachkräfte in der Krippe.")
    assert grade(o, spec(need=[["@pflege"]], related=["@kita"]), None, TODAY) == 1
    assert grade(o, spec(need=[["@pflege"]]), None, TODAY) == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"types": ["ausbildung"]},
        {"not": ["vormittags"]},
        {"time_models": ["vollzeit"]},
        {"formats": ["online"]},
        {"funded": True},
    ],
)
def test_each_stated_need_caps_at_1(extra):
    assert grade(PFLEGE, spec(need=[["@pflege"]], **extra), None, TODAY) == 1
    ok = {
        "types": ["umschulung"],
        "not": ["nachts"],
        "time_models": ["teilzeit"],
        "formats": ["praesenz", "hybrid"],
        "funded": False,
    }
    assert grade(PFLEGE, spec(need=[["@pflege"]], **{k: ok[k] for k in extra}), None, TODAY) == 2


def test_funding_route_satisfies_funded():
    funded = dataclasses.replace(PFLEGE, azav_certified=True)
    assert grade(funded, spec(need=[["@pflege"]], funded=True), None, TODAY) == 2
    bamf = dataclasses.replace(PFLEGE, funding=("bamf",))
    assert grade(bamf, spec(need=[["@pflege"]], funded=True), None, TODAY) == 2


def test_far_place_bound_offer_is_at_most_1_but_online_is_fine():
    far = offer(title="Pflegekurs", description="Pflege.", municipality="Dachau")
    near_profile = {"municipality": "Unterhaching"}
    s = spec(near_profile, need=[["@pflege"]])
    assert s.near
    assert grade(far, s, near_profile, TODAY) == 1
    online = offer(title="Pflegekurs", description="Pflege.", format="online")
    assert grade(online, s, near_profile, TODAY) == 2
    assert grade(far, spec(near_profile, need=[["@pflege"]], near=False), near_profile, TODAY) == 2


def test_offer_that_cannot_be_booked_is_0():
    past = dataclasses.replace(PFLEGE, start_dates=(dt.date(2026, 1, 1),))
    assert grade(past, spec(need=[["@pflege"]]), None, TODAY) == 0
    rolling = dataclasses.replace(PFLEGE, start_dates=())
    assert grade(rolling, spec(need=[["@pflege"]]), None, TODAY) == 2


def test_judge_ignores_the_rankers_occupation_features():
    """kldb_targets and fields (ranker features) must not change any grade."""
    s = spec(need=[["@pflege"]], related=["@kita"])
    base = offer(title="Excel", description="Tabellen.")
    variants = [
        dataclasses.replace(o, kldb_targets=k, fields=f)
        for o in (PFLEGE, base)
        for k in ((), ("82102",), ("43412",))
        for f in ((), ("pflege",), ("it",))
    ]
    grades = {(v.title, grade(v, s, None, TODAY)) for v in variants}
    assert grades == {(PFLEGE.title, 2), (base.title, 0)}


def test_spec_validation():
    with pytest.raises(ValueError, match="unbekannte"):
        Spec.from_dict({"need": [["x"]], "typo": 1}, None, TABLE)
    with pytest.raises(ValueError, match="need"):
        Spec.from_dict({"need": []}, None, TABLE)


def test_judge_grades_every_pooled_offer_once():
    q = Query("q1", "pflege", {}, {"need": [["pflege"]]}, "keywords")
    other = offer(id="x", title="Excel", description="Tabellen.")
    qrels = judge.judge([q], {"q1": ["p", "x", "p"]}, {"p": PFLEGE, "x": other}, TODAY)
    assert qrels == {"q1": {"p": 2, "x": 0}}


def test_qrels_round_trip(tmp_path: Path):
    path = tmp_path / "q.json"
    judge.write_qrels(path, {"q1": {"a": 2, "b": 0}}, "abc", "pool")
    assert judge.read_qrels(path) == ({"q1": {"a": 2, "b": 0}}, "abc")


def test_load_queries_reports_the_bad_line(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "text": "x", "spec": {"need": [["x"]]}}\n{kaputt\n')
    with pytest.raises(ValueError, match=":2:"):
        judge.load_queries(path)
