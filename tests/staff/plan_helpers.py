"""Helpers of the plan tests: consultations inserted directly (origin "staff", the profile shape
of the handover contract), a fake search service at the HTTP boundary, a signed-in counsellor.

The profiles, offers and notes here are invented test data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from appdb.schema import consultations, offices
from tests.staff.staff_helpers import StaffWorld

PROFILE = {
    "current_occupation": "Verkäuferin",
    "current_kldb": "62102",
    "target_occupation": "Pflegefachfrau",
    "target_kldb": "81302",
    "municipality": "Haar",
    "goal": "umschulung",
    "time_model": "teilzeit",
    "format": "praesenz",
    "employment_status": "arbeitslos",
    "vocational_qualification": "ja",
    "foreign_qualification": False,
    "language": "de",
}
#: an offer as the search service's /offers/lookup returns it (invented)
OFFER_ITEM: dict[str, Any] = {
    "offer_id": "test-pflege-1",
    "title": "Umschulung Pflegefachfrau/Pflegefachmann (Test)",
    "provider": "Berufsfachschule für Pflege Haar (Test)",
    "municipality": "Haar",
    "format": "praesenz",
    "time_model": "teilzeit",
    "kldb_targets": ["81302"],
    "shortage_occupation": True,
    "url": "https://example.org/pflege-umschulung",
    "next_start": "2027-03-01",
    "reasons": [
        {"code": "target_occupation", "params": {"kldb": "81302", "title": "Gesundheits- und Krankenpflege"}, "contribution": 1.0},
        {"code": "distance_km", "params": {"km": 2.5, "place": "Haar"}, "contribution": 0.5},
    ],
    "score": 0.0,
    "distance_km": 2.5,
    "description": "Test",
    "course_type": "umschulung",
    "funding": ["bildungsgutschein"],
    "example_fields": ["start_dates"],
    "duration_months": 36,
    "within_reach": True,
}  # fmt: skip


def add_consultation(
    world: StaffWorld, office: str = "bb", profile: dict[str, Any] | None = None, **extra: Any
) -> int:
    """A consultation of ``office`` (claimed), started by staff with ``profile``."""
    now = world.clock()
    origin = extra.pop("origin", "staff")  # "chat": as if handed over from the chat
    with world.engine.begin() as conn:
        office_id = conn.execute(
            offices.select().with_only_columns(offices.c.id).where(offices.c.code == office)
        ).scalar_one()
        snapshot = {"version": 1, "taken_at": now.isoformat(), "profile": profile or PROFILE,
                    "offers": extra.pop("offers", []), "learning_path": None, "chat": []}  # fmt: skip
        result = conn.execute(
            consultations.insert().values(
                code_hash=None, sender_id=extra.pop("sender_id", None), origin=origin,
                snapshot=json.dumps(snapshot), includes_chat_text=False,
                profile=json.dumps(profile or PROFILE), created_at=now, expires_at=None,
                claimed_at=now, office_id=office_id, updated_at=now, **extra,
            )
        )  # fmt: skip
    return int(result.inserted_primary_key[0])


class FakeSearch:
    """The search service's ``POST /offers/lookup`` at the HTTP boundary (httpx)."""

    def __init__(self, items: list[dict[str, Any]] | None = None, status: int = 200) -> None:
        self.items = {i["offer_id"]: i for i in (items if items is not None else [OFFER_ITEM])}
        self.status = status
        self.requests: list[dict[str, Any]] = []

    def post(self, url: str, json: dict[str, Any], timeout: float) -> httpx.Response:
        self.requests.append({"url": url, "json": json})
        request = httpx.Request("POST", url)
        if self.status != 200:
            return httpx.Response(self.status, json={}, request=request)
        found = [self.items[i] for i in json["ids"] if i in self.items]
        missing = [i for i in json["ids"] if i not in self.items]
        return httpx.Response(200, json={"items": found, "missing": missing}, request=request)


@pytest.fixture
def fake_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSearch]:
    fake = FakeSearch()
    monkeypatch.setattr("staff.plan_offers.httpx.post", fake.post)
    yield fake


def post(client: Any, world: StaffWorld, path: str, plan_page: str, **data: str) -> httpx.Response:
    """POST a plan form with the session's token (taken from the plan page)."""
    token = world.page_token(client, plan_page)
    return client.post(path, data={"csrf_token": token, **data})


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
