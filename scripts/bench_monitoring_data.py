"""Synthetic demand rows for ``make bench-monitoring`` (scripts/bench_monitoring.py).

Invented data only, written into throw-away benchmark databases: municipalities of the Landkreis by
population (plus a few outside or without a place), target KldB codes (every code below a shortage
occupation and 150 others, Zipf-weighted), goals and time models of the vocabulary, days over the last
24 whole months (fewer on weekends, slowly rising), and more unmet requests in small municipalities
and shortage occupations. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge import geo, vocabulary
from knowledge.kldb import load_kldb
from knowledge.shortage import load_shortages

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = (
    "day",
    "municipality",
    "goal",
    "target_kldb",
    "time_model",
    "offers_found",
    "asked_for_human",
)
CHUNK = 50_000


def _populations() -> dict[str, int]:
    path = ROOT / "knowledge" / "data" / "gemeinden_lkr_muenchen.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    name, people = header.index("name"), header.index("einwohner_2024_12_31")
    found = {cells[name]: int(cells[people]) for cells in (ln.split(";") for ln in lines[1:] if ln)}
    return {m: found[m] for m in geo.landkreis_municipalities()}


def _targets(rnd: random.Random) -> tuple[list[str], set[str]]:
    """Level-5 KldB codes: every code below a shortage occupation, and 150 others."""
    kldb = load_kldb()
    shortage: set[str] = set()
    for entry in load_shortages():
        shortage.update(o.code for o in kldb.descendants_at_level(entry.code))
    others = sorted(o.code for o in kldb if o.level == 5 and o.code not in shortage)
    return sorted(shortage) + rnd.sample(others, min(150, len(others))), shortage


def synthetic_rows(count: int, today: dt.date, seed: int) -> Iterator[list[tuple[Any, ...]]]:
    """``count`` rows (tuples in :data:`COLUMNS` order) in chunks, deterministic for ``seed``."""
    rnd = random.Random(seed)
    people = _populations()
    places: list[str | None] = [*people, "München", "Starnberg", None]
    total = sum(people.values())
    place_w = [*(0.93 * n / total for n in people.values()), 0.03, 0.01, 0.03]
    small = {m for m, n in people.items() if n < 8000}
    targets, shortage = _targets(rnd)
    n_short = sum(1 for t in targets if t in shortage)
    # 40 % of the requests aim at shortage occupations, 55 % Zipf over the others, 5 % none
    target_w = [0.40 / n_short] * n_short
    zipf = [1 / (i + 1) for i in range(len(targets) - n_short)]
    target_w += [0.55 * z / sum(zipf) for z in zipf]
    target_list: list[str | None] = [*targets, None]
    target_w.append(0.05)
    goals: list[str | None] = [*vocabulary.GOALS, None]
    goal_w = [0.35, 0.30, 0.15, 0.15, 0.05][: len(goals) - 1] + [0.05]
    times: list[str | None] = [*vocabulary.TIME_MODELS, None]
    time_w = [0.40, 0.30, 0.25, 0.05][: len(times) - 1] + [0.05]
    last = today.replace(day=1) - dt.timedelta(days=1)  # the last whole month
    first = last.replace(day=1)
    for _ in range(23):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    day_w = [
        (0.35 if d.weekday() >= 5 else 1.0) * (1 + i / len(days) * 0.5) for i, d in enumerate(days)
    ]
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        chunk = []
        for day, place, goal, target, tm in zip(
            rnd.choices(days, day_w, k=n),
            rnd.choices(places, place_w, k=n),
            rnd.choices(goals, goal_w, k=n),
            rnd.choices(target_list, target_w, k=n),
            rnd.choices(times, time_w, k=n),
            strict=True,
        ):
            unmet = 0.12 + (0.15 if place in small else 0) + (0.10 if target in shortage else 0)
            if tm == "berufsbegleitend":
                unmet += 0.05
            r = rnd.random()
            offers = (
                (0 if r < unmet * 0.4 else rnd.choice((1, 2))) if r < unmet else rnd.randint(3, 5)
            )
            human = rnd.random() < (0.25 if offers < 3 else 0.10)
            chunk.append((day, place, goal, target, tm, offers, human))
        done += n
        yield chunk
