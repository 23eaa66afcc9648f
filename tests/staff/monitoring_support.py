"""Helpers of the monitoring tests: invented demand rows, and the real search service (its
FastAPI app over a small hand-made catalogue, hashing encoder) served over HTTP in a thread."""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn

from appdb.schema import demand_records

PLACES = ("Haar", "Unterhaching", "Garching b.München", "Ottobrunn", "München", None)
TARGETS = ("82102", "82101", "83112", "83132", "43412", "52122", "29302", None)
GOALS = ("umschulung", "weiterbildung", "wiedereinstieg", "aufstieg", None)
TIME_MODELS = ("vollzeit", "teilzeit", "berufsbegleitend", None)
#: the dimensions of revision 0005 (format wish, employment status, age band)
FORMATS = ("praesenz", "online", "hybrid", "egal", None)
EMPLOYMENT = ("beschaeftigt", "arbeitslos", "elternzeit", None, None)
AGE_BANDS = ("unter_25", "25_bis_44", "ab_45", "unter_45", None, None)


def row(day: dt.date, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "day": day,
        "municipality": "Haar",
        "goal": "umschulung",
        "target_kldb": "82102",
        "time_model": "teilzeit",
        "offers_found": 5,
        "asked_for_human": False,
        "format": None,
        "employment_status": None,
        "age_band": None,
        "simulated": False,
    }
    data.update(values)
    return data


def random_rows(
    seed: int, count: int, first: dt.date, days: int, simulated: float = 0.0
) -> list[dict[str, Any]]:
    """Random rows; the dimensions of revision 0005 and the demo flag (share ``simulated``) come
    from a second generator, so the older columns are the same as before for a seed."""
    rnd = random.Random(seed)
    extra = random.Random(seed + 1_000_003)
    return [{**found, **_extra(extra, simulated)} for found in _base_rows(rnd, count, first, days)]


def _extra(rnd: random.Random, simulated: float) -> dict[str, Any]:
    return {
        "format": rnd.choice(FORMATS),
        "employment_status": rnd.choice(EMPLOYMENT),
        "age_band": rnd.choice(AGE_BANDS),
        "simulated": rnd.random() < simulated,
    }


def _base_rows(rnd: random.Random, count: int, first: dt.date, days: int) -> list[dict[str, Any]]:
    return [
        row(
            first + dt.timedelta(days=rnd.randrange(days)),
            municipality=rnd.choice(PLACES),
            goal=rnd.choice(GOALS),
            target_kldb=rnd.choice(TARGETS),
            time_model=rnd.choice(TIME_MODELS),
            offers_found=rnd.choice((0, 1, 2, 3, 4, 5, 5)),
            asked_for_human=rnd.random() < 0.2,
        )
        for _ in range(count)
    ]


def insert(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        conn.execute(demand_records.delete())
        if rows:
            conn.execute(demand_records.insert(), rows)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def search_service(tmp_path: Path) -> Iterator[str]:
    """The search service (search.app.main) over the search tests' hand-made catalogue, on a
    free 127.0.0.1 port; yields its base URL."""
    from search.app.core.config import Settings
    from search.app.main import create_app
    from search.build import build_index
    from search.encoder import HashingEncoder
    from search.service import IndexHolder
    from tests.search.search_fixtures import fixture_offers

    encoder = HashingEncoder(dim=256)
    index = tmp_path / "index"
    build_index(fixture_offers(), encoder, index)
    holder = IndexHolder(index, expected_model=lambda: encoder.name, check_seconds=0)
    settings = Settings(index_dir=index, model_path=tmp_path / "kein-modell")
    app = create_app(settings, encoder=encoder, holder=holder)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("search service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
