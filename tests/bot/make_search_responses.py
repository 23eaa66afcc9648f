"""Write ``tests/bot/data/search_responses.json``: the canned answers of the fake search
service in ``tests/bot/conftest.py`` (app environment, run by hand when the API, the demo
items, the learning paths or the catalogue change)::

    .venv-app/bin/python tests/bot/make_search_responses.py

Each entry is ``{"name", "when", "response"}``; the fake answers a request with the first
entry whose ``when`` fields all equal the request's (a missing request field counts as
``null``). The recommendation answers are hand-made from ``data/search_items.json`` (demo
offers); the ``sort: "nearby"`` answers (learning-path steps, recognition and language
courses) are recorded from the real search library over the real catalogue, with the
requests built by the same function the action server uses (``knowledge.paths``). Every
response is validated against the search API schema (``docs/search-openapi.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from knowledge import geo, paths  # noqa: E402
from knowledge.catalogue import load_catalogue  # noqa: E402
from knowledge.paths.__main__ import in_process_search  # noqa: E402
from search.app.schemas import SearchResponse  # noqa: E402

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 26)  # BL_TODAY of tests/bot/conftest.py
REACH_KM = geo.DEFAULT_REACH_KM
PLACE = "Unterhaching"  # municipality of tests/bot/data/altenpflege_profile.json
STEP_KEYS = ("sort", "course_types", "kldb_prefixes", "title_keywords", "title_exclude_keywords")


def demo_items() -> dict[str, dict[str, Any]]:
    items = json.loads((DATA / "search_items.json").read_text(encoding="utf-8"))["items"]
    out = {}
    for item in items:
        online = item["format"] == "online"
        out[item["offer_id"]] = {
            **item,
            "duration_months": None,
            "within_reach": True if online else item["distance_km"] <= REACH_KM,
        }
    return out


def response(items: list[dict[str, Any]], query: str | None, relaxed=(), total=None):
    body = {
        "items": items,
        "total": len(items) if total is None else total,
        "query": query,
        "relaxed": list(relaxed),
    }
    return SearchResponse.model_validate(body).model_dump(mode="json")


def recommendation_entries() -> list[dict[str, Any]]:
    """Answers for the profile in data/altenpflege_profile.json and its variants (821 codes,
    Teilzeit-compatible, within 25 km of Unterhaching or online)."""
    demo = demo_items()

    def pick(*ids: str) -> list[dict[str, Any]]:
        return [demo[i] for i in ids]

    q = "Umschulung Altenpflege Teilzeit"
    return [
        {
            "name": "exact occupation 82102: too few, widened to the group",
            "when": {"sort": None, "kldb_prefix": "82102"},
            "response": response(
                pick("demo-alten-003", "demo-alten-002", "demo-alten-004"),
                q,
                ["kldb_group"],
                total=1,
            ),
        },
        {
            "name": "Erzieher: nothing fits",
            "when": {"sort": None, "kldb_prefix": "83112"},
            "response": response([], q),
        },
        {
            "name": "Friseurin: nothing fits",
            "when": {"sort": None, "kldb_prefix": "82312"},
            "response": response([], q),
        },
        {
            "name": "second page after two shown",
            "when": {"sort": None, "exclude_ids": ["demo-alten-002", "demo-alten-003"]},
            "response": response(pick("demo-alten-004"), q),
        },
        {
            "name": "Präsenz (hybrid accepted)",
            "when": {"sort": None, "formats": ["praesenz", "hybrid"]},
            "response": response(pick("demo-alten-002", "demo-alten-003"), q),
        },
        {
            "name": "any other recommendation request: the Altenpflege profile",
            "when": {"sort": None},
            "response": response(pick("demo-alten-002", "demo-alten-003", "demo-alten-004"), q),
        },
    ]


def nearby_entries() -> list[dict[str, Any]]:
    search = in_process_search(load_catalogue(strict=False).offers, REACH_KM)
    entries = []

    def record(name: str, request: dict[str, Any], keys) -> None:
        body = dict(search(request))
        body.update(query=None, relaxed=[])
        entries.append(
            {
                "name": name,
                "when": {k: request.get(k) for k in keys},
                "response": response(body["items"], None, total=body["total"]),
            }
        )

    meister = paths.load_paths().by_id("handwerk-geselle-meister")
    for step in meister.steps if meister else ():
        request = paths.step_request(
            step, today=TODAY, municipality=PLACE, reach_km=REACH_KM, prefer_kldb=["26302"]
        )
        if request:
            record(
                f"{meister.id}: {step.title} (Elektroniker 26302)",
                request,
                (*STEP_KEYS, "prefer_kldb"),
            )
    seen = set()
    for path in paths.load_paths().paths:
        for step in path.steps:
            request = paths.step_request(step, today=TODAY, municipality=PLACE, reach_km=REACH_KM)
            key = json.dumps([request.get(k) for k in STEP_KEYS]) if request else None
            if request and key not in seen:
                seen.add(key)
                record(f"{path.id}: {step.title}", request, STEP_KEYS)
    record(
        "Anpassungsqualifizierungen, Pflege (813), no municipality",
        paths.nearby_request(
            ["anpassungsqualifizierung"],
            today=TODAY,
            municipality=None,
            reach_km=REACH_KM,
            kldb_prefixes=["813"],
            prefer_kldb=["813"],
        ),
        ("sort", "course_types", "kldb_prefixes", "municipality"),
    )
    for place in (None, PLACE):  # recognition (bot/actions/recognition.py): short answer, details
        where = place or "no municipality"
        record(
            f"Berufssprachkurse, nurse (81302) first, {where}",
            paths.nearby_request(
                ["berufssprachkurs"],
                today=TODAY,
                municipality=place,
                reach_km=REACH_KM,
                prefer_kldb=["81302"],
                limit=2,
            ),
            ("sort", "course_types", "kldb_prefixes", "municipality", "prefer_kldb"),
        )
    record(
        f"Anpassungsqualifizierungen, Pflege (813), {PLACE}",
        paths.nearby_request(
            ["anpassungsqualifizierung"],
            today=TODAY,
            municipality=PLACE,
            reach_km=REACH_KM,
            kldb_prefixes=["813"],
            prefer_kldb=["813"],
        ),
        ("sort", "course_types", "kldb_prefixes", "municipality"),
    )
    record(
        "language courses near Ismaning",
        paths.nearby_request(
            ["berufssprachkurs", "integrationskurs"],
            today=TODAY,
            municipality="Ismaning",
            reach_km=REACH_KM,
            limit=4,
        ),
        ("sort", "course_types", "municipality"),
    )
    return entries


def main() -> int:
    entries = recommendation_entries() + nearby_entries()
    out = DATA / "search_responses.json"
    out.write_text(
        json.dumps({"entries": entries}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{out}: {len(entries)} canned responses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
