"""Join the persona specs with the hand-written messages into the frozen dev and blind files.

    .venv-app/bin/python -m eval.first_message.freeze AUTHORING.py [AUTHORING.py ...]

Run once, when the messages were written (2026-12-07); the authoring files (one Python list
``M`` of ``(id, message, current phrase, target phrase[, override])`` each) are not kept: the messages live
in ``dev.jsonl`` and ``blind.jsonl``, whose SHA-256 are recorded in ``README.md`` and
``docs/benchmarks.md`` and checked by ``tests/eval/test_first_message_set.py``.

Expected values come from the spec (the writer put exactly the spec's facts into the message):

- ``current_kldb`` / ``target_kldb``: the list of accepted 5-digit codes: the spec's code, plus
  the other codes the KldB itself files the written phrase under, if the spec's code is one of
  them ("Pflegefachfrau" is 81302 and 82102); ``null`` if the message names no occupation;
- ``municipality``: the official name (also for an Ortsteil); ``null`` for a place outside the
  Landkreis and when the message names none;
- ``goal``, ``time_model``, ``format``: the canonical values of ``knowledge.vocabulary``.

An override (rare, with a ``note`` in the record) replaces an expected value where the writer's
phrase is itself a KldB title of another code than the spec's ("Fachkraft für
Arbeitssicherheit" is 53123, the spec drew 53122): the expected value follows the message.
"""

from __future__ import annotations

import hashlib
import json
import runpy
import sys
from pathlib import Path

from eval.first_message.sample_personas import SPECS_FILE
from eval.first_message.score import SPLIT_FILES
from knowledge.kldb import load_kldb


def accepted_codes(code: str, phrase: str | None) -> list[str]:
    candidates = set(load_kldb().candidates_for(phrase)) if phrase else set()
    extra = sorted(candidates - {code}) if code in candidates else []
    return [code, *extra]


def record(
    spec: dict, message: str, cur: str | None, tgt: str | None, override: dict | None = None
) -> dict:
    current, target, place = spec["current"], spec["target"], spec["municipality"]
    if (current is None) != (cur is None) or (target is None) != (tgt is None):
        raise ValueError(f"{spec['id']}: occupation phrases do not match the spec")
    for phrase in (cur, tgt):
        if phrase and phrase.casefold() not in message.casefold():
            raise ValueError(f"{spec['id']}: phrase {phrase!r} is not in the message")
    goal = spec["goal"]
    expected = {
        "current_kldb": accepted_codes(current["kldb"], cur) if current else None,
        "target_kldb": accepted_codes(target["kldb"], tgt) if target else None,
        "municipality": place["name"] if place else None,
        "goal": goal["value"] if goal else None,
        "time_model": spec["time_model"],
        "format": spec["format"],
    }
    note = None
    if override:
        note = override.pop("note")
        unknown = set(override) - set(expected)
        if unknown:
            raise ValueError(f"{spec['id']}: unknown override {unknown}")
        expected.update(override)
    return {
        "id": spec["id"],
        "flags": spec["flags"],
        "language": spec["language"],
        "message": message,
        "phrases": {"current": cur, "target": tgt},
        "expected": expected,
        **({"note": note} if note else {}),
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    if any(path.exists() for path in SPLIT_FILES.values()):
        print("the set is frozen (dev.jsonl/blind.jsonl exist); nothing written", file=sys.stderr)
        return 1
    specs = [json.loads(line) for line in SPECS_FILE.read_text(encoding="utf-8").splitlines()]
    written: dict[str, tuple] = {}
    for authoring in argv:
        for item_id, message, *rest in runpy.run_path(authoring)["M"]:
            if item_id in written:
                raise ValueError(f"{item_id} written twice")
            written[item_id] = (message.strip(), *rest)
    missing = [s["id"] for s in specs if s["id"] not in written]
    if missing:
        raise ValueError(f"no message for {missing}")
    out: dict[str, list[str]] = {"dev": [], "blind": []}
    for spec in specs:
        line = json.dumps(record(spec, *written[spec["id"]]), ensure_ascii=False)
        out[spec["split"]].append(line + "\n")
    for split, lines in out.items():
        target = SPLIT_FILES[split]
        target.write_text("".join(lines), encoding="utf-8")
        print(f"{target.name}: {len(lines)} records, sha256 {sha256(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
