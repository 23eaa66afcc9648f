"""scripts/nlu_eval.py: parsing of ``rasa test nlu`` output and the final-entity score.

The files are written here in the shape Rasa 3.6 writes them (intent_report.json, one
``<Extractor>_report.json`` / ``_errors.json`` / ``_successes.json`` per entity extractor); the
real ``rasa test nlu`` run on a trained model is what ``make test-nlu`` does.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("nlu_eval", ROOT / "scripts" / "nlu_eval.py")
nlu_eval = importlib.util.module_from_spec(_spec)
sys.modules["nlu_eval"] = nlu_eval  # dataclasses look the module up while the class is built
_spec.loader.exec_module(nlu_eval)


def _entity(start, end, entity, role=None, value=None, extractor=None) -> dict:
    data = {"start": start, "end": end, "entity": entity, "value": value or entity}
    if role:
        data["role"] = role
    if extractor:
        data["extractor"] = extractor
    return data


HAAR = "Ich bin Koch aus Haar"
GOLD_HAAR = [
    _entity(8, 12, "occupation", "current", "Koch"),
    _entity(17, 21, "municipality", value="Haar"),
]


def _write(folder: Path, name: str, content) -> None:
    (folder / name).write_text(json.dumps(content), encoding="utf-8")


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "intent_report.json",
        {
            "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 2},
            "inform": {
                "precision": 1.0,
                "recall": 0.5,
                "f1-score": 0.6667,
                "support": 2,
                "confused_with": {"greet": 1},
            },
            "accuracy": 0.75,
            "macro avg": {"f1-score": 0.8333},
            "weighted avg": {"f1-score": 0.8333},
        },
    )
    predicted_haar = [
        _entity(8, 12, "occupation", "target", "Koch", "EntityResolver"),  # wrong role
        _entity(17, 21, "municipality", value="Haar", extractor="EntityResolver"),
    ]
    predicted_topic = [_entity(11, 16, "topic", value="Excel", extractor="CRFEntityExtractor")]
    record_haar = {"text": HAAR, "entities": GOLD_HAAR, "predicted_entities": predicted_haar}
    record_topic = {
        "text": "Kurse fuer Excel",
        "entities": [_entity(11, 16, "topic", value="Excel")],
        "predicted_entities": predicted_topic,
    }
    record_extra = {
        "text": "Schönes Wochenende",
        "entities": [],
        "predicted_entities": [
            _entity(8, 18, "time_model", value="berufsbegleitend", extractor="EntityResolver"),
            _entity(0, 18, "input_issue", value="x", extractor="InputGuard"),
        ],
    }
    # the same message appears in several files (one per extractor): counted once
    _write(tmp_path, "EntityResolver_errors.json", [record_haar, record_extra])
    _write(tmp_path, "CRFEntityExtractor_errors.json", [record_haar])
    _write(tmp_path, "CRFEntityExtractor_successes.json", [record_topic])
    for name, micro, macro in (("EntityResolver", 0.5, 0.4), ("CRFEntityExtractor", 0.2, 0.1)):
        report = {"micro avg": {"f1-score": micro}, "macro avg": {"f1-score": macro}}
        _write(tmp_path, f"{name}_report.json", report)
    _write(tmp_path, "intent_errors.json", [{"text": "x", "intent": "inform"}])
    return tmp_path


def test_intent_scores_read_rasa_macro_average(results: Path) -> None:
    scores = nlu_eval.intent_scores(results)
    assert scores == {"macro_f1": 0.8333, "weighted_f1": 0.8333, "accuracy": 0.75}
    assert nlu_eval.weakest_intents(results, 1) == [("inform", 0.6667, {"greet": 1})]


def test_final_entities_are_matched_exactly_with_role_across_extractors(results: Path) -> None:
    messages = nlu_eval.collect_predictions(results)
    assert set(messages) == {HAAR, "Kurse fuer Excel", "Schönes Wochenende"}
    scores = nlu_eval.score_entities(messages)
    # Haar and Excel right; Koch has the wrong role (1 fp + 1 fn); the time_model is an fp;
    # input_issue is ignored
    assert dict(scores.tp) == {"municipality": 1, "topic": 1}
    assert dict(scores.fp) == {"occupation": 1, "time_model": 1}
    assert dict(scores.fn) == {"occupation": 1}
    assert scores.micro_f1 == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))
    # macro over gold types occupation (0), municipality (1), topic (1)
    assert scores.macro_f1 == pytest.approx(2 / 3)
    assert scores.value_accuracy == 1.0


def test_summary_and_exit_status_follow_the_floors(results: Path, capsys) -> None:
    summary = nlu_eval.summarise(results)
    assert summary["extractor_token_reports"]["EntityResolver"]["token_micro_f1"] == 0.5
    out = ["--no-run", "--out", str(results)]
    assert nlu_eval.main([*out, "--floor", "0.8", "--entity-floor", "0.5"]) == 0
    assert nlu_eval.main([*out, "--floor", "0.9"]) == 1
    assert "FAILED: intent macro-F1 0.833 < 0.90" in capsys.readouterr().err
    assert json.loads((results / "summary.json").read_text())["intent_macro_f1"] == 0.8333


def test_missing_model_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        nlu_eval.main(["--model", str(tmp_path / "none.tar.gz"), "--out", str(tmp_path)])
