"""Benchmarks of the running assistant (``make bench``); prints a Markdown table for docs/benchmarks.md.

Measures, in one run on this machine:
- start-up: seconds from ``honcho start`` until all health checks pass (first start after set-up = "cold",
  a second start = "warm": OS file cache and compiled bytecode are then warm);
- per-turn latency over REST of a recommendation turn (the third message of the reference conversation), with a
  greeting turn (no custom action, no search) as the baseline in the same run, each straight to Rasa's loopback
  port and through the public entry (nginx), conversation by conversation in turn;
- search-service latency of ``POST /search`` with a repeated query (embedding cache hit) and with distinct queries,
  with ``GET /health`` as the HTTP baseline;
- resident memory (RSS) of each process after the runs.
"""

from __future__ import annotations

import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import pct  # noqa: E402  (scripts/ is on sys.path)
from wait_ready import wait_until_ready  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RASA = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
SEARCH = f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '8000')}"
#: the public entry (nginx): the same REST channel, routed by the proxy
PROXY = f"http://127.0.0.1:{os.environ.get('PROXY_PORT', '8080')}"
TURNS = int(os.environ.get("BENCH_TURNS", "30"))


def _start_stack() -> tuple[subprocess.Popen, float]:
    (ROOT / "results").mkdir(exist_ok=True)
    log = open(ROOT / "results" / "bench-stack.log", "ab")  # noqa: SIM115 (kept open for the child)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("honcho")), "start", "-f", "Procfile"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until_ready(400)
    return proc, time.monotonic() - t0


def _stop_stack(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)


def _fmt(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):.0f} ms, p95 {pct(values, 0.95):.0f} ms (n={len(values)})"
    )


def _conversation(client: httpx.Client) -> tuple[float, float]:
    """One reference conversation; (greeting ms, recommendation-turn ms)."""
    sender = uuid.uuid4().hex  # the channels accept only 32 hex digits

    def say(text: str) -> tuple[float, list]:
        t = time.perf_counter()
        r = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        r.raise_for_status()
        return (time.perf_counter() - t) * 1000, r.json()

    greet, _ = say("Hallo")
    say("Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln")
    recommend, replies = say("Teilzeit")
    if not any(isinstance(m.get("custom"), dict) for m in replies):
        raise RuntimeError("recommendation turn returned no recommendations")
    return greet, recommend


def _turn_latencies(
    direct: httpx.Client, proxied: httpx.Client
) -> dict[str, tuple[list[float], list[float]]]:
    """Greeting and recommendation turns straight to Rasa and through the proxy, alternating
    conversation by conversation so that both see the same machine state."""
    out: dict[str, tuple[list[float], list[float]]] = {"direct": ([], []), "proxy": ([], [])}
    for _ in range(TURNS):
        for name, client in (("direct", direct), ("proxy", proxied)):
            greet, recommend = _conversation(client)
            out[name][0].append(greet)
            out[name][1].append(recommend)
    return out


def _search_latencies(client: httpx.Client) -> tuple[list[float], list[float], list[float]]:
    body = {"query": "Umschulung Altenpflege Teilzeit", "municipality": "Unterhaching", "limit": 5}
    health, repeated, distinct = [], [], []
    topics = [
        "Pflege",
        "Erzieherin",
        "Fachinformatiker",
        "Elektroniker",
        "Berufskraftfahrer",
        "Deutschkurs",
        "Excel",
        "Meister SHK",
        "Medizinische Fachangestellte",
        "Smartphone Senioren",
    ]
    for i in range(TURNS * 3):
        t = time.perf_counter()
        client.get("/health").raise_for_status()
        health.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        client.post("/search", json=body).raise_for_status()
        repeated.append((time.perf_counter() - t) * 1000)
        q = dict(body, query=f"{topics[i % len(topics)]} Kurs {i}")
        t = time.perf_counter()
        client.post("/search", json=q).raise_for_status()
        distinct.append((time.perf_counter() - t) * 1000)
    return health, repeated, distinct


def _rss_by_process(root_pid: int) -> dict[str, float]:
    """RSS in MB of every descendant of the honcho process, keyed by command name."""
    out = subprocess.run(
        ["ps", "-e", "-o", "pid=,ppid=,rss=,args="], capture_output=True, text=True
    ).stdout
    rows = [line.split(None, 3) for line in out.strip().splitlines()]
    children: dict[int, list] = {}
    for pid, ppid, rss, args in rows:
        children.setdefault(int(ppid), []).append((int(pid), int(rss), args))
    result: dict[str, float] = {}
    stack = [root_pid]
    while stack:
        for pid, rss, args in children.get(stack.pop(), []):
            stack.append(pid)
            for name in (
                "rasa run actions",
                "run_rasa",
                "bot.rasa_server",
                "rasa run",
                "nginx",
                "search.app.main",
                "web.server",
                "wait_ready",
            ):
                if name in args:
                    result[name] = result.get(name, 0) + rss / 1024
                    break
    return result


def main() -> None:
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.machine()} · Python {platform.python_version()}"
    proc, cold = _start_stack()
    try:
        with (
            httpx.Client(base_url=RASA, timeout=60) as rasa,
            httpx.Client(base_url=PROXY, timeout=60) as proxy,
            httpx.Client(base_url=SEARCH, timeout=30) as search,
        ):
            turns = _turn_latencies(rasa, proxy)
            health, repeated, distinct = _search_latencies(search)
        rss = _rss_by_process(proc.pid)
    finally:
        _stop_stack(proc)
    proc, warm = _start_stack()
    _stop_stack(proc)
    print(f"Machine: {machine}; date {time.strftime('%Y-%m-%d')}\n")
    print("| figure | value |\n|---|---|")
    print(f"| start-up, first start after set-up (cold) | {cold:.1f} s |")
    print(f"| start-up, second start (warm) | {warm:.1f} s |")
    for name, label in (("direct", "straight to Rasa"), ("proxy", "through the proxy")):
        greet, recommend = turns[name]
        print(f"| REST turn {label}: recommendation (action + search) | {_fmt(recommend)} |")
        print(f"| REST turn {label}: greeting (baseline, no action) | {_fmt(greet)} |")
    print(f"| POST /search, repeated query (embedding cached) | {_fmt(repeated)} |")
    print(f"| POST /search, distinct queries (encode + search + rank) | {_fmt(distinct)} |")
    print(f"| GET /health (HTTP baseline) | {_fmt(health)} |")
    for name, mb in sorted(rss.items()):
        print(f"| RSS {name} | {mb:.0f} MB |")


if __name__ == "__main__":
    main()
