"""Score the running bot on the first-message evaluation set (slots after the first turn).

    .venv-app/bin/python -m eval.first_message.score --split dev [--per-message]
    .venv-app/bin/python -m eval.first_message.score --split blind

Each message is sent as the first turn of a fresh conversation over Rasa's REST channel
(``POST /webhooks/rest/webhook``); the slots are read from the tracker (``GET
/conversations/<id>/tracker``, Rasa's HTTP API; ``BL_RASA_TOKEN`` from
``scripts/with_stack.py``). Rasa's URL: ``--rasa-url`` or ``BL_RASA_URL`` (default
``http://127.0.0.1:${RASA_PORT:-5005}``).

This module is the only code that reads the blind file. ``--per-message`` (which records were
wrong and how) is refused for the blind split: tuning looks at the dev half only.

Scoring (eval/first_message/README.md):
- a KldB slot is right when the bot's code is one of the record's accepted 5-digit codes (the
  code the spec drew, plus other codes the KldB files the written title under); a shorter code
  (a field) for a named job title is wrong;
- the other slots are right when equal to the expected canonical value;
- "expected values right" = right slots / slots the message states (the headline figure);
  "false fills" = slots the bot filled although the message does not state them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPLIT_FILES = {"dev": HERE / "dev.jsonl", "blind": HERE / "blind.jsonl"}
SLOTS = ("current_kldb", "target_kldb", "municipality", "goal", "time_model", "format")
KLDB_SLOTS = ("current_kldb", "target_kldb")

Slots = Mapping[str, Any]
Ask = Callable[[str], Slots]


def split_path(split: str) -> Path:
    if split not in SPLIT_FILES:
        raise ValueError(f"unknown split {split!r} (dev or blind)")
    return SPLIT_FILES[split]


def load(split: str) -> list[dict[str, Any]]:
    """The records of one split."""
    text = split_path(split).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def file_sha256(split: str) -> str:
    return hashlib.sha256(split_path(split).read_bytes()).hexdigest()


def right(slot: str, expected: Any, got: Any) -> bool:
    """Whether the bot's slot value counts as right (expected None: the bot left it empty)."""
    if expected is None:
        return got in (None, "")
    if slot in KLDB_SLOTS:
        return isinstance(got, str) and got in expected
    return got == expected


@dataclass
class Score:
    """Counts over a split: per slot stated/right/false fills, per flag stated/right."""

    records: int = 0
    stated: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    unstated: Counter = field(default_factory=Counter)
    false_fills: Counter = field(default_factory=Counter)
    same_group: Counter = field(default_factory=Counter)
    flag_stated: Counter = field(default_factory=Counter)
    flag_correct: Counter = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: Mapping[str, Any], slots: Slots) -> None:
        self.records += 1
        wrong: dict[str, Any] = {}
        for slot in SLOTS:
            expected, got = record["expected"][slot], slots.get(slot)
            ok = right(slot, expected, got)
            if expected is None:
                self.unstated[slot] += 1
                self.false_fills[slot] += not ok
            else:
                self.stated[slot] += 1
                self.correct[slot] += ok
                if slot in KLDB_SLOTS and isinstance(got, str):
                    self.same_group[slot] += any(got[:3] == code[:3] for code in expected)
                for flag in record["flags"]:
                    self.flag_stated[flag] += 1
                    self.flag_correct[flag] += ok
            if not ok:
                wrong[slot] = {"expected": expected, "got": got}
        if wrong:
            self.errors.append({"id": record["id"], "message": record["message"], "wrong": wrong})

    @property
    def share_right(self) -> float:
        """Share of the expected (stated) slot values that the bot got right."""
        total = sum(self.stated.values())
        return sum(self.correct.values()) / total if total else 0.0

    def summary(self) -> dict[str, Any]:
        per_slot = {
            slot: {
                "stated": self.stated[slot],
                "right": self.correct[slot],
                "accuracy": round(self.correct[slot] / self.stated[slot], 4)
                if self.stated[slot]
                else None,
                "false_fills": self.false_fills[slot],
                "unstated": self.unstated[slot],
            }
            for slot in SLOTS
        }
        for slot in KLDB_SLOTS:
            per_slot[slot]["same_berufsgruppe"] = self.same_group[slot]
        return {
            "records": self.records,
            "expected_values": sum(self.stated.values()),
            "right": sum(self.correct.values()),
            "share_right": round(self.share_right, 4),
            "false_fills": sum(self.false_fills.values()),
            "per_slot": per_slot,
        }

    def per_flag(self) -> dict[str, float]:
        return {
            flag: round(self.flag_correct[flag] / n, 4)
            for flag, n in sorted(self.flag_stated.items())
        }


def rasa_url() -> str:
    default = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    return os.environ.get("BL_RASA_URL", default).rstrip("/")


def rest_asker(base_url: str, token: str | None, timeout: float = 60.0) -> Ask:
    """First turn of a fresh REST conversation -> tracker slots (httpx, one client per call)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def ask(message: str) -> Slots:
        sender = uuid.uuid4().hex  # the channels accept 32 hex digits only
        with httpx.Client(base_url=base_url, timeout=timeout, headers=headers) as client:
            client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": message}
            ).raise_for_status()
            resp = client.get(f"/conversations/{sender}/tracker")
            resp.raise_for_status()
            return dict(resp.json().get("slots") or {})

    return ask


def score(records: Iterable[Mapping[str, Any]], ask: Ask, workers: int = 4) -> Score:
    """Send every record's message through ``ask`` and count (order-independent)."""
    items = list(records)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = list(pool.map(lambda r: ask(r["message"]), items))
    result = Score()
    for record, slots in zip(items, answers, strict=True):
        result.add(record, slots)
    return result


def score_split(split: str, ask: Ask, workers: int = 4) -> Score:
    return score(load(split), ask, workers)


def render(split: str, result: Score, per_message: bool) -> str:
    summary = result.summary()
    lines = [
        f"first-message set, split {split}: {summary['records']} messages, "
        f"{summary['expected_values']} expected slot values",
        f"expected slot values right: {summary['right']}/{summary['expected_values']} = "
        f"{summary['share_right']:.3f}; false fills: {summary['false_fills']}",
        f"{'slot':<14}{'stated':>7}{'right':>7}{'acc':>8}{'false fills':>13}",
    ]
    for slot, row in summary["per_slot"].items():
        acc = f"{row['accuracy']:.3f}" if row["accuracy"] is not None else "-"
        extra = f"  (same 3-digit group: {row['same_berufsgruppe']})" if slot in KLDB_SLOTS else ""
        lines.append(
            f"{slot:<14}{row['stated']:>7}{row['right']:>7}{acc:>8}"
            f"{row['false_fills']:>6}/{row['unstated']:<6}{extra}"
        )
    if per_message:
        lines.append("per flag (share of stated values right):")
        lines += [f"  {flag:<16}{share:.3f}" for flag, share in result.per_flag().items()]
        lines.append("wrong slots:")
        for error in result.errors:
            lines.append(f"  {error['id']}: {error['message']}")
            for slot, pair in error["wrong"].items():
                lines.append(f"      {slot}: expected {pair['expected']!r}, got {pair['got']!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLIT_FILES), required=True)
    parser.add_argument("--rasa-url", default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-message", action="store_true", help="dev only: list the errors")
    parser.add_argument("--json", type=Path, help="write the summary as JSON to this file")
    args = parser.parse_args(argv)
    if args.per_message and args.split == "blind":
        parser.error("--per-message is for the dev split only (the blind half is not tuned on)")
    ask = rest_asker(args.rasa_url or rasa_url(), os.environ.get("BL_RASA_TOKEN"))
    result = score_split(args.split, ask, args.workers)
    print(render(args.split, result, args.per_message))
    if args.json:
        args.json.write_text(json.dumps(result.summary(), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
