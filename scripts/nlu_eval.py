"""NLU quality on the held-out test set, measured with ``rasa test nlu``; fails below a floor.

    python scripts/nlu_eval.py --model models/bildungslotse.tar.gz [--floor 0.90] [--out DIR]

Runs ``rasa test nlu --model M --nlu tests/nlu_heldout --domain bot/domain --successes --no-plot``
(the ``rasa`` next to this Python, else ``.venv-bot/bin/rasa``) and reads what it writes:

- ``intent_report.json``: the intent **macro-F1** (unweighted mean over intents; Rasa's
  ``macro avg``) is the intent figure;
- ``<Extractor>_report.json``: Rasa's token-level report per entity extractor. In this pipeline no
  single extractor holds the final entities: ``EntityResolver`` emits occupation, municipality,
  goal, time_model and format, ``CRFEntityExtractor`` the rest (topic, qualification, ...), so each
  report alone scores the other extractor's entities as misses. They are printed for reference;
- ``<Extractor>_errors.json`` / ``_successes.json``: every message with a gold entity or a
  predicted entity is in at least one of them, with the gold entities and **all** final predicted
  entities. From these the script computes the **final entities** score: entity-level, exact
  match of start, end, entity type and role (CoNLL-style, stricter than Rasa's token level), as
  **micro-F1** (over all entities, the gated figure) and macro-F1 (mean over entity types). The
  InputGuard's ``input_issue`` and ``reply_language`` markers are not NLU entities and are ignored. It also reports how
  many exactly matched entities carry the gold ``value`` (canonical value after resolution).

Exit status 1 when intent macro-F1 is below ``--floor`` (default 0.90) or final-entity micro-F1
is below ``--entity-floor`` (default: the same), 2 when ``rasa test nlu`` itself failed.
``--no-run`` only parses an existing ``--out`` folder.
Message texts are test data (no user data), so errors may be printed with ``--show-errors``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NLU = ROOT / "tests" / "nlu_heldout"
DEFAULT_DOMAIN = ROOT / "bot" / "domain"
DEFAULT_OUT = ROOT / "results" / "nlu-heldout"
IGNORED_ENTITIES = frozenset({"input_issue", "reply_language"})  # InputGuard markers
SUMMARY_ROWS = ("accuracy", "macro avg", "micro avg", "weighted avg")
NON_ENTITY_REPORTS = ("intent_report.json", "response_selection_report.json")

EntityKey = tuple[int, int, str, str]  # start, end, entity, role ("" when none)


def rasa_executable() -> str:
    """The ``rasa`` script of the running interpreter's venv, else the bot venv's."""
    here = Path(sys.executable).parent / "rasa"
    if here.is_file():
        return str(here)
    return str(ROOT / ".venv-bot" / "bin" / "rasa")


def run_rasa_test(model: Path, nlu: Path, domain: Path, out: Path) -> float:
    """Run ``rasa test nlu``; returns its wall time in seconds. Raises on a non-zero exit."""
    command = [
        rasa_executable(),
        "test",
        "nlu",
        "--model",
        str(model),
        "--nlu",
        str(nlu),
        "--domain",
        str(domain),
        "--out",
        str(out),
        "--successes",
        "--no-plot",
        "--quiet",
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.monotonic()
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    return time.monotonic() - started


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def intent_scores(out: Path) -> dict[str, float]:
    """Macro-F1, weighted F1 and accuracy from ``intent_report.json``."""
    report = read_json(out / "intent_report.json")
    return {
        "macro_f1": float(report["macro avg"]["f1-score"]),
        "weighted_f1": float(report["weighted avg"]["f1-score"]),
        "accuracy": float(report["accuracy"]),
    }


def weakest_intents(out: Path, limit: int = 5) -> list[tuple[str, float, dict[str, int]]]:
    """The ``limit`` intents with the lowest F1, with what they were confused with."""
    report = read_json(out / "intent_report.json")
    rows = [
        (name, float(row["f1-score"]), row.get("confused_with", {}))
        for name, row in report.items()
        if name not in SUMMARY_ROWS and isinstance(row, dict)
    ]
    return sorted(rows, key=lambda r: r[1])[:limit]


def extractor_reports(out: Path) -> dict[str, dict[str, Any]]:
    """Rasa's token-level entity report per extractor: name -> report dict."""
    reports = {}
    for path in sorted(out.glob("*_report.json")):
        if path.name in NON_ENTITY_REPORTS:
            continue
        reports[path.name[: -len("_report.json")]] = read_json(path)
    return reports


def entity_key(entity: dict[str, Any]) -> EntityKey:
    role = entity.get("role") or ""
    return (int(entity["start"]), int(entity["end"]), str(entity["entity"]), role)


def _relevant(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entities if e.get("entity") not in IGNORED_ENTITIES]


def collect_predictions(out: Path) -> dict[str, dict[str, Any]]:
    """Per message text: gold and final predicted entities, from the errors/successes files.

    Every message that has a gold entity or a predicted entity appears in at least one of the
    files (a message with a gold entity is a success or an error for every extractor; one with a
    prediction but no gold entity is an error for the predicting extractor).
    """
    messages: dict[str, dict[str, Any]] = {}
    for pattern in ("*_errors.json", "*_successes.json"):
        for path in sorted(out.glob(pattern)):
            if path.name.startswith(("intent_", "response_selection_")):
                continue
            for record in read_json(path):
                if "predicted_entities" not in record:
                    continue
                messages.setdefault(record["text"], record)
    return messages


@dataclass
class EntityScores:
    """Entity-level exact-match counts per entity type."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    value_ok: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    @property
    def types(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def f1(self, entity_type: str) -> float:
        return self._f1(self.tp[entity_type], self.fp[entity_type], self.fn[entity_type])

    @property
    def micro_f1(self) -> float:
        return self._f1(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    @property
    def macro_f1(self) -> float:
        """Mean F1 over entity types that occur in the gold data."""
        gold_types = [t for t in self.types if self.tp[t] + self.fn[t] > 0]
        return sum(self.f1(t) for t in gold_types) / len(gold_types) if gold_types else 1.0

    @property
    def value_accuracy(self) -> float:
        total = sum(self.tp.values())
        return self.value_ok / total if total else 1.0


def score_entities(messages: dict[str, dict[str, Any]]) -> EntityScores:
    """Exact (start, end, type, role) matching of gold against final predicted entities."""
    scores = EntityScores()
    for text, record in messages.items():
        gold = {entity_key(e): e for e in _relevant(record.get("entities") or [])}
        predicted = {entity_key(e): e for e in _relevant(record.get("predicted_entities") or [])}
        for key in gold.keys() & predicted.keys():
            scores.tp[key[2]] += 1
            if str(gold[key].get("value")) == str(predicted[key].get("value")):
                scores.value_ok += 1
        for key in predicted.keys() - gold.keys():
            scores.fp[key[2]] += 1
        for key in gold.keys() - predicted.keys():
            scores.fn[key[2]] += 1
        if gold.keys() != predicted.keys():
            scores.errors.append(
                {
                    "text": text,
                    "missed": sorted(gold.keys() - predicted.keys()),
                    "extra": sorted(predicted.keys() - gold.keys()),
                }
            )
    return scores


def summarise(out: Path) -> dict[str, Any]:
    """All figures of one evaluation folder as a dict (also written to ``summary.json``)."""
    intents = intent_scores(out)
    entities = score_entities(collect_predictions(out))
    per_extractor = {
        name: {
            "token_micro_f1": float(report.get("micro avg", {}).get("f1-score", 0.0)),
            "token_macro_f1": float(report.get("macro avg", {}).get("f1-score", 0.0)),
        }
        for name, report in extractor_reports(out).items()
    }
    return {
        "intent_macro_f1": intents["macro_f1"],
        "intent_weighted_f1": intents["weighted_f1"],
        "intent_accuracy": intents["accuracy"],
        "entity_micro_f1": entities.micro_f1,
        "entity_macro_f1": entities.macro_f1,
        "entity_value_accuracy": entities.value_accuracy,
        "entity_counts": {
            t: {"tp": entities.tp[t], "fp": entities.fp[t], "fn": entities.fn[t]}
            for t in entities.types
        },
        "extractor_token_reports": per_extractor,
        "entity_errors": entities.errors,
        "weakest_intents": weakest_intents(out),
    }


def print_summary(
    summary: dict[str, Any], floor: float, entity_floor: float, show_errors: bool
) -> None:
    print(f"intent macro-F1            {summary['intent_macro_f1']:.3f}  (floor {floor:.2f})")
    print(f"intent accuracy            {summary['intent_accuracy']:.3f}")
    print(
        f"entity micro-F1 (final)    {summary['entity_micro_f1']:.3f}  (floor {entity_floor:.2f}; "
        "entity-level exact span+type+role)"
    )
    print(f"entity macro-F1 (final)    {summary['entity_macro_f1']:.3f}  (mean over entity types)")
    print(f"entity value accuracy      {summary['entity_value_accuracy']:.3f}  (of exact matches)")
    for name, row in summary["entity_counts"].items():
        tp, fp, fn = row["tp"], row["fp"], row["fn"]
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        print(f"  {name:<18} F1 {f1:.3f}  tp {tp:3d}  fp {fp:3d}  fn {fn:3d}")
    for name, row in summary["extractor_token_reports"].items():
        print(
            f"rasa token-level report {name}: micro-F1 {row['token_micro_f1']:.3f}, "
            f"macro-F1 {row['token_macro_f1']:.3f} (own entities only)"
        )
    print("weakest intents: " + ", ".join(f"{n} {f:.2f}" for n, f, _ in summary["weakest_intents"]))
    if show_errors:
        for name, _f1, confused in summary["weakest_intents"]:
            if confused:
                print(f"  {name}: confused with {confused}")
        for error in summary["entity_errors"]:
            missed, extra = error["missed"], error["extra"]
            print(f"  entity error: {error['text']!r} missed={missed} extra={extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="trained Rasa model (.tar.gz)")
    parser.add_argument("--nlu", type=Path, default=DEFAULT_NLU, help="held-out NLU data")
    parser.add_argument("--domain", type=Path, default=DEFAULT_DOMAIN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for rasa's reports")
    parser.add_argument("--floor", type=float, default=0.90, help="minimum intent macro-F1")
    parser.add_argument(
        "--entity-floor", type=float, default=None, help="minimum entity micro-F1 (default: floor)"
    )
    parser.add_argument("--no-run", action="store_true", help="only parse an existing --out folder")
    parser.add_argument("--show-errors", action="store_true", help="print misclassified examples")
    args = parser.parse_args(argv)

    if not args.no_run:
        if args.model is None or not args.model.exists():
            parser.error("--model must name a trained model")
        try:
            seconds = run_rasa_test(args.model, args.nlu, args.domain, args.out)
        except subprocess.CalledProcessError as error:
            print(f"rasa test nlu failed with exit status {error.returncode}", file=sys.stderr)
            return 2
        print(f"rasa test nlu on {args.nlu.name}: {seconds:.1f} s")
    summary = summarise(args.out)
    summary_text = json.dumps(summary, indent=2, ensure_ascii=False)
    (args.out / "summary.json").write_text(summary_text, encoding="utf-8")
    entity_floor = args.floor if args.entity_floor is None else args.entity_floor
    print_summary(summary, args.floor, entity_floor, args.show_errors)
    failed = [
        f"{name} {value:.3f} < {floor:.2f}"
        for name, value, floor in (
            ("intent macro-F1", summary["intent_macro_f1"], args.floor),
            ("entity micro-F1", summary["entity_micro_f1"], entity_floor),
        )
        if value < floor
    ]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
