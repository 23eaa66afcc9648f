"""The staff app's consultation search against the REAL search service (integration: started
by scripts/with_stack.py; SEARCH_URL or BL_SEARCH_URL, default 127.0.0.1:8000). The staff app
sends every filter over HTTP; the reasons come back as codes and are shown in German."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from appdb.engine import dispose_all
from tests.appdb_support import make_template, migrated_sqlite
from tests.integration.conftest import SEARCH_URL
from tests.prereq import missing
from tests.staff.consultation_helpers import hand_over
from tests.staff.staff_helpers import FakeClock, StaffWorld

pytestmark = pytest.mark.integration


@pytest.fixture
def world(tmp_path: Path):
    url = migrated_sqlite(make_template(tmp_path), tmp_path / "app.db")
    found = StaffWorld(url, FakeClock())
    found.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    yield found
    dispose_all()


def test_search_against_the_real_search_service(world: StaffWorld) -> None:
    url = SEARCH_URL
    try:
        healthy = httpx.get(f"{url}/health", timeout=2).json().get("status") == "ok"
    except (httpx.HTTPError, ValueError):
        healthy = False
    if not healthy:
        missing(f"search service not reachable at {url}", "run via scripts/with_stack.py")
    code = hand_over(world)
    account = world.add_account("anna@example.de", "counsellor")
    real = StaffWorld(world.db_url, world.clock, search_url=url, search_timeout_seconds=30)
    client = real.session_client(account)
    token = real.page_token(client, "/staff/consultations/open")
    opened = client.post("/staff/consultations/open", data={"csrf_token": token, "code": code})
    assert opened.status_code == 303
    page = client.get(
        "/staff/consultations/1/search?run=1&query=Pflege&municipality=Haar&max_distance_km=25"
        "&time_models=teilzeit&time_models=vollzeit&limit=5"
    )
    assert page.status_code == 200 and "Warum es passt" in page.text
