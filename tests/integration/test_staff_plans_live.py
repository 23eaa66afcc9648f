"""The plan builder's offer lookup against the REAL search service of the running stack
(scripts/with_stack.py): an offer found by a search is fetched again by its catalogue id, with the
reasons it fits the consultation profile, and becomes a plan step; the unit tests fake this HTTP
boundary (tests/staff/plan_helpers.py)."""

from __future__ import annotations

import os

import httpx
import pytest

from staff import plan_offers
from staff.settings import StaffSettings
from tests.integration.conftest import SEARCH_URL
from tests.prereq import missing

pytestmark = [pytest.mark.integration, pytest.mark.app]
PROFILE = {"target_kldb": "81302", "municipality": "Haar", "time_model": "teilzeit",
           "current_occupation": "Verkäuferin", "goal": "umschulung"}  # fmt: skip


@pytest.fixture(scope="module")
def search_url() -> str:
    url = os.environ.get("SEARCH_URL") or SEARCH_URL
    try:
        health = httpx.get(f"{url}/health", timeout=5).json()
    except httpx.HTTPError as exc:
        missing(f"search service not reachable at {url} ({exc})", "run via scripts/with_stack.py")
    if health.get("status") != "ok":
        missing(f"search service at {url} is not healthy: {health!r}")
    return url


def test_an_offer_is_fetched_by_id_with_reasons_and_becomes_a_step(search_url: str) -> None:
    found = httpx.post(
        f"{search_url}/search",
        json={
            "query": "Pflege Umschulung",
            "profile": plan_offers.search_profile(PROFILE),
            "limit": 3,
        },
        timeout=30,
    )
    assert found.status_code == 200, found.text
    wanted = [item["offer_id"] for item in found.json()["items"]]
    assert wanted
    settings = StaffSettings(search_url=search_url, search_timeout_seconds=30)
    items, missing_ids = plan_offers.lookup_offers(settings, [*wanted, "kein-angebot-xyz"], PROFILE)
    assert [i["offer_id"] for i in items] == wanted and missing_ids == ["kein-angebot-xyz"]
    step = plan_offers.offer_step(items[0])
    assert step["title"] and step["provider"] and step["url"].startswith("http")
    assert step["reasons"], "the lookup explains why the offer fits the profile"
