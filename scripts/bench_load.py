"""Load benchmark of the running search service (``make bench-load``); prints Markdown.

Two measurements against ``POST /search`` with distinct real German queries
(``scripts/data/load_queries.txt``, written for this benchmark, not the evaluation set),
each request with one of the Landkreis municipalities as the place:

1. one client, sequential: each query once, one request after the other (keep-alive);
2. open loop: requests are *sent on a fixed schedule* (default 20 per second for 60 s),
   independent of the responses. Latency is measured from the scheduled send time, so a
   slow service cannot hide its queueing delay by slowing the client down ("coordinated
   omission"); requests that fail, time out or answer non-200 count as errors.

Why a small asyncio + httpx scheduler instead of locust: locust users are closed loop (a
user waits for its response before the next request, ``constant_throughput`` only pads the
wait time), so an overloaded service receives fewer requests and its latency looks better
than it is; an open-loop schedule needs no more than ``asyncio`` and ``httpx`` (already in
the app environment; locust would add gevent and its web UI for nothing).

The service's query-embedding cache would answer repeated queries without encoding; run
the service with ``SEARCH_QUERY_CACHE_SIZE=0`` for the worst case (every request encodes),
as ``--start`` does by default.

Usage:
  python scripts/bench_load.py --start                  # starts the service on port 8100
  python scripts/bench_load.py --url http://127.0.0.1:8100   # against a running service
Options: ``--rate 20 --duration 60 --sequential 250 --cache-size 0``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench_stats import pct, rss_mb  # noqa: E402  (scripts/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "scripts" / "data" / "load_queries.txt"
PLACES = (
    "Unterhaching",
    "Garching b.München",
    "Haar",
    "Unterschleißheim",
    "Ottobrunn",
    "Pullach i.Isartal",
    "Sauerlach",
    "Ismaning",
    "Gräfelfing",
    "Aying",
    "Oberschleißheim",
    "Höhenkirchen-Siegertsbrunn",
)


def read_queries(path: Path = QUERIES) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def body(i: int, queries: list[str]) -> dict:
    return {"query": queries[i % len(queries)], "municipality": PLACES[i % len(PLACES)], "limit": 5}


def summary(values: list[float]) -> str:
    if not values:
        return "–"
    return (
        f"p50 {statistics.median(values):.1f} ms, p95 {pct(values, 0.95):.1f} ms, "
        f"p99 {pct(values, 0.99):.1f} ms, max {max(values):.1f} ms"
    )


# ---------------------------------------------------------------- measurements


def sequential(url: str, queries: list[str], n: int) -> tuple[list[float], int]:
    latencies, errors = [], 0
    with httpx.Client(base_url=url, timeout=10) as client:
        for i in range(5):  # warm-up: connection, first-request paths
            client.post("/search", json=body(len(queries) - 1 - i, queries))
        for i in range(n):
            t = time.perf_counter()
            try:
                ok = client.post("/search", json=body(i, queries)).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - t) * 1000)
            errors += not ok
    return latencies, errors


async def open_loop(
    url: str, queries: list[str], rate: float, duration: float, timeout: float = 10.0
) -> dict:
    """Send request i at ``t0 + i / rate`` whatever happened to earlier requests."""
    total = int(rate * duration)
    latencies: list[float] = []
    lags: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        await client.get("/health")
        loop = asyncio.get_running_loop()
        t0 = loop.time() + 0.5

        async def one(i: int) -> None:
            scheduled = t0 + i / rate
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            lags.append((loop.time() - scheduled) * 1000)
            try:
                r = await client.post("/search", json=body(i, queries))
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            latencies.append((loop.time() - scheduled) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(total)))
        wall = time.perf_counter() - started
    return {
        "latencies": latencies,
        "errors": errors,
        "sent": total,
        "wall": wall,
        "lag_p99": pct(lags, 0.99),
        "achieved": total / (wall - 0.5),
    }


# ---------------------------------------------------------------- service process


@contextmanager
def service(port: int, cache_size: int, app: str) -> Iterator[subprocess.Popen]:
    """The search service on ``port`` (uvicorn, like the Procfile), stopped afterwards."""
    env = os.environ | {
        "SEARCH_QUERY_CACHE_SIZE": str(cache_size),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    uvicorn = str(Path(sys.executable).with_name("uvicorn"))
    proc = subprocess.Popen(
        [uvicorn, app, "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    "search service exited: " + proc.stderr.read().decode(errors="replace")[-2000:]
                )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("search service did not become healthy in 180 s")
            time.sleep(0.5)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- main


def run(url: str, args: argparse.Namespace, pid: int | None) -> None:
    queries = read_queries()
    health = httpx.get(f"{url}/health", timeout=5).json()
    load0 = os.getloadavg()
    seq, seq_errors = sequential(url, queries, min(args.sequential, len(queries)))
    load1 = os.getloadavg()
    ol = asyncio.run(open_loop(url, queries, args.rate, args.duration))
    load2 = os.getloadavg()
    rss = rss_mb(pid) if pid else float("nan")
    print(
        f"Machine: {platform.node()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M')};"
        f" service {args.app if pid else url}: {health.get('offers')} offers, "
        f"model {health.get('model')!r}; "
        f"query-embedding cache size {args.cache_size if pid else 'as configured'}\n"
    )
    print("| measurement | requests | latency per request | errors | load average (1 min) |")
    print("|---|---|---|---|---|")
    print(
        f"| one client, sequential, distinct queries | {len(seq)} | {summary(seq)} | "
        f"{seq_errors} | {load0[0]:.2f} → {load1[0]:.2f} |"
    )
    errs = sum(ol["errors"].values())
    detail = f" ({', '.join(f'{k}: {v}' for k, v in ol['errors'].items())})" if errs else ""
    print(
        f"| open loop {args.rate:g} req/s for {args.duration:g} s (sent on schedule; "
        f"achieved {ol['achieved']:.1f} req/s, send lag p99 {ol['lag_p99']:.1f} ms) | "
        f"{ol['sent']} | {summary(ol['latencies'])} | {errs}{detail} | "
        f"{load1[0]:.2f} → {load2[0]:.2f} |"
    )
    if pid:
        print(f"\nRSS of the search service after the run: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=None, help="running service (default: --start)")
    parser.add_argument(
        "--start",
        action="store_true",
        help="start the service (uvicorn search.app.main:app) and stop it after",
    )
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--cache-size",
        type=int,
        default=0,
        help="SEARCH_QUERY_CACHE_SIZE of the started service (0 = off)",
    )
    parser.add_argument("--app", default="search.app.main:app", help="ASGI app for --start")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--sequential", type=int, default=250)
    args = parser.parse_args()
    if args.url and not args.start:
        run(args.url.rstrip("/"), args, None)
        return
    with service(args.port, args.cache_size, args.app) as proc:
        run(f"http://127.0.0.1:{args.port}", args, proc.pid)


if __name__ == "__main__":
    main()
