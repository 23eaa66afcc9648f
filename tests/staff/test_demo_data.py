"""Demo data (staff/demo_data): simulated citizens from the real catalogue, KldB, shortage table
and municipality populations; the answers to the bot's questions; removal of the simulated rows
and their monthly counts (SQLite and PostgreSQL); the command refuses to run without the secret;
the monitoring page's banner, filter and export mark."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from appdb import migrate
from appdb.demand_retention import purge_demand_records
from appdb.engine import dispose_all
from appdb.schema import demand_monthly, demand_records
from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.shortage import load_shortages
from staff.db import staff_engine
from staff.demo_data import citizens, conversations, removal
from staff.monitoring import filters as flt
from staff.monitoring import queries
from tests.pg_support import fresh_database, url_of
from tests.staff.monitoring_support import insert, random_rows
from tests.staff.staff_helpers import StaffWorld
from tests.staff.test_monitoring_routes import analyst_world

__all__ = ["analyst_world"]  # the fixture, imported for pytest

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 7)


def test_citizens_come_from_the_real_data() -> None:
    people = citizens.population(600, seed=3)
    assert people == citizens.population(600, seed=3)  # reproducible
    places = set(geo.landkreis_municipalities())
    offered = {c for offer in load_catalogue() for c in offer.kldb_targets}
    shortage = [e.code for e in load_shortages()]
    for person in people:
        assert person.municipality in places
        assert person.target_kldb in offered
        assert person.goal in flt.vocabulary.GOALS
        assert person.time_model in flt.vocabulary.TIME_MODELS
        assert person.format in flt.FORMAT_LABELS
        assert person.age_band is None or person.age_band in flt.vocabulary.AGE_BANDS
        assert person.employment is None or person.employment in flt.EMPLOYMENT_LABELS
        assert person.first_message[0].isupper() and person.first_message.endswith((".", "!"))
        assert "{" not in person.first_message and "  " not in person.first_message
        # an age only as a band: the only numbers a message holds are the band limits
        assert set(re.findall(r"\d+", person.first_message)) <= {"25", "44", "45"}
    assert len({p.first_message for p in people}) > 300  # varied
    assert len({p.target_kldb for p in people}) > 20
    in_shortage = sum(any(p.target_kldb.startswith(s) for s in shortage) for p in people)
    assert in_shortage > len(people) / 3  # shortage occupations weigh three times


def test_municipalities_are_weighted_by_population() -> None:
    sizes = citizens.populations()
    assert set(sizes) == set(geo.landkreis_municipalities())
    largest, smallest = max(sizes, key=sizes.__getitem__), min(sizes, key=sizes.__getitem__)
    counted = Counter(p.municipality for p in citizens.population(3000, seed=1))
    assert counted[largest] > 3 * counted[smallest]
    share = counted[largest] / 3000
    assert abs(share - sizes[largest] / sum(sizes.values())) < 0.03


def test_answers_follow_the_bots_buttons_and_questions() -> None:
    person = citizens.population(1, seed=5)[0]
    buttons = [
        {"title": t, "payload": f'/inform{{"time_model":"{t}"}}'}
        for t in ("vollzeit", "teilzeit", "berufsbegleitend")
    ]
    chosen = conversations.answer(
        person, [{"text": "Wie möchten Sie lernen?", "buttons": buttons}], set()
    )
    assert chosen == f'/inform{{"time_model":"{person.time_model}"}}'
    both = [
        {"text": "Vollzeit, Teilzeit … Und lieber vor Ort, online oder hybrid?", "buttons": buttons}
    ]
    online = citizens.Citizen(**{**vars(person), "format": "online"})
    typed = conversations.answer(online, both, set())
    assert typed == f"{conversations.TIME_WORDS[person.time_model]}, und am liebsten online"
    asked: set[str] = set()
    where = [{"text": "In welcher Gemeinde im Landkreis München wohnen Sie?"}]
    assert conversations.answer(person, where, asked) == person.municipality
    job = [{"text": "Was machen Sie beruflich – oder was haben Sie zuletzt gearbeitet?"}]
    assert conversations.answer(person, job, asked) == person.current
    shown = [{"text": "x", "custom": {"type": "recommendations", "items": []}}]
    none = [{"text": "x", "buttons": [{"payload": '/more_results{"search_scope":"wider_area"}'}]}]
    assert conversations.reached_recommendation(shown)
    assert conversations.reached_recommendation(none)
    assert not conversations.reached_recommendation(where)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, staff_db_url: str) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        yield staff_engine(staff_db_url)
        return
    with fresh_database("bl_demo_data", "postgresql+psycopg") as name:
        url = url_of(name, "postgresql+psycopg")
        migrate.upgrade(url)
        yield staff_engine(url)
        dispose_all()


def test_remove_deletes_the_simulated_rows_and_their_monthly_counts(engine: sa.Engine) -> None:
    rows = random_rows(9, 900, dt.date(2024, 6, 1), 900, simulated=0.25)
    insert(engine, rows)
    purge_demand_records(engine, 12, TODAY)  # part of them become monthly counts
    f = flt.parse({"von": "2024-06", "bis": "2026-11", "demo": "ohne", "nach": "age_band"}, TODAY)
    without = queries.grouped(engine, f, ("period", "age_band"))
    assert queries.has_simulated(engine)
    with engine.connect() as conn:
        monthly = conn.execute(
            sa.select(sa.func.count()).where(demand_monthly.c.simulated == sa.true())
        ).scalar_one()
    assert monthly > 0
    raw = removal.count_simulated(engine)
    done = removal.remove_simulated(engine)
    assert done.rows == raw > 0 and removal.count_simulated(engine) == 0
    assert done.monthly == monthly
    assert not queries.has_simulated(engine)
    everything = flt.parse({"von": "2024-06", "bis": "2026-11", "nach": "age_band"}, TODAY)
    assert queries.grouped(engine, everything, ("period", "age_band")) == without
    with engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(demand_records)).scalar_one()
    assert left > 0  # real rows stay


def _command(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DEMO_DATA_SECRET"}
    return subprocess.run(
        [sys.executable, "-m", "staff.demo_data", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_refuses_to_run_without_the_secret(staff_db_url: str) -> None:
    done = _command("generate", "--conversations", "1", APP_DB_URL=staff_db_url)
    assert done.returncode == 2 and "DEMO_DATA_SECRET fehlt" in done.stderr
    short = _command("generate", APP_DB_URL=staff_db_url, DEMO_DATA_SECRET="kurz")
    assert short.returncode == 2
    removed = _command("remove", APP_DB_URL=staff_db_url)
    assert removed.returncode == 0 and "entfernt: 0" in removed.stdout


def test_the_page_shows_a_banner_and_can_leave_the_demo_data_out(
    analyst_world: StaffWorld,
) -> None:
    client = analyst_world.session_client(analyst_world.add_account("ana@example.de", "analyst"))
    page = client.get("/staff/analyst")
    assert "Die Ansicht enthält simulierte Demo-Daten" not in page.text
    assert 'name="lernform"' in page.text and 'name="alter"' in page.text
    insert(analyst_world.engine, random_rows(12, 300, dt.date(2026, 5, 1), 220, simulated=0.5))
    page = client.get("/staff/analyst", params={"nach": "employment_status"})
    assert "Die Ansicht enthält simulierte Demo-Daten" in page.text
    assert "arbeitslos" in page.text and "Erwerbsstatus" in page.text
    left_out = client.get("/staff/analyst", params={"demo": "ohne"})
    assert "Diese Ansicht lässt sie weg" in left_out.text
    params = {"tabelle": "nachfrage", "format": "csv", "von": "2026-06", "bis": "2026-11"}
    marked = client.get("/staff/analyst/export", params=params)
    assert "demo-daten" in marked.headers["content-disposition"]
    assert "Enthält simulierte Demo-Daten" in marked.content.decode("utf-8-sig")
    plain = client.get("/staff/analyst/export", params={**params, "demo": "ohne"})
    assert "demo-daten" not in plain.headers["content-disposition"]
    removal.remove_simulated(analyst_world.engine)
    assert "simulierte Demo-Daten" not in client.get("/staff/analyst").text
