"""Helpers of the consultation tests: a handover as the bot stores it (the real client of the
bot, :mod:`bot.actions.clients.consultation_store`), and a small fake search service at the
HTTP boundary (a real HTTP server on 127.0.0.1 answering canned JSON).

Profiles, offers and chat lines here are invented test data.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import sqlalchemy as sa

from appdb.schema import consultations
from bot.actions.clients import consultation_store
from bot.actions.utils import handover
from tests.staff.staff_helpers import StaffWorld

SLOTS: dict[str, Any] = {
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
    "reply_language": "de",
    "shown_offer_ids": ["demo-pflege-1"],
}
EVENTS: list[dict[str, Any]] = [
    {"event": "user", "text": "Ich bin Verkäuferin in Haar und will in die Pflege"},
    {
        "event": "bot",
        "text": "Diese Angebote passen:",
        "data": {
            "custom": {
                "type": "recommendations",
                "items": [
                    {
                        "offer_id": "demo-pflege-1",
                        "title": "Umschulung Pflegefachfrau (Testangebot)",
                        "provider": "Berufsfachschule für Pflege (Test)",
                        "municipality": "Haar",
                        "reasons": [{"code": "target_occupation", "text": "Führt zum Zielberuf"}],
                    }
                ],
            }
        },
    },
    {"event": "user", "text": "/request_consultation"},
]
CHAT_LINE = "Ich bin Verkäuferin in Haar und will in die Pflege"


def hand_over(
    world: StaffWorld, sender: str = "sender-1", with_chat: bool = True, ttl_days: int = 7
) -> str:
    """Store a handover the way the bot does; return the code shown in the chat."""
    now = world.clock()
    snapshot = handover.snapshot(SLOTS, EVENTS, with_chat, now)
    code = consultation_store.write(
        world.db_url, sender, snapshot, snapshot["profile"], with_chat, now, ttl_days
    )
    assert code is not None
    return code


def row(world: StaffWorld, consultation_id: int) -> Any:
    with world.engine.connect() as conn:
        return conn.execute(
            sa.select(consultations).where(consultations.c.id == consultation_id)
        ).first()


def expire_all(world: StaffWorld) -> None:
    with world.engine.begin() as conn:
        conn.execute(consultations.update().values(expires_at=world.clock() - dt.timedelta(days=1)))


SEARCH_ITEM: dict[str, Any] = {
    "offer_id": "demo-pflege-1",
    "title": "Umschulung Pflegefachfrau (Testangebot)",
    "provider": "Berufsfachschule für Pflege (Test)",
    "municipality": "Haar",
    "format": "praesenz",
    "time_model": "teilzeit",
    "kldb_targets": ["81302"],
    "shortage_occupation": True,
    "url": "https://example.org/pflege",
    "next_start": "2027-03-01",
    "reasons": [{"code": "time_model", "params": {"time_model": "teilzeit"}, "contribution": 0.2}],
    "score": 0.9,
    "distance_km": 2.5,
    "description": "Testangebot",
    "course_type": "umschulung",
    "funding": ["bildungsgutschein"],
    "example_fields": [],
    "duration_months": 36,
    "within_reach": True,
}


class FakeSearch:
    """A real HTTP server answering ``POST /search`` with canned items; records the bodies."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("content-length") or 0)
                outer.bodies.append(json.loads(self.rfile.read(length)))
                body = json.dumps(
                    {"items": outer.items, "total": len(outer.items), "query": None, "relaxed": []}
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def fake_search(items: list[dict[str, Any]]) -> Iterator[FakeSearch]:
    service = FakeSearch(items)
    thread = threading.Thread(target=service.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
