"""German text and custom payload of a learning path (real path data; step offers from the
canned search responses)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from bot.actions.utils import paths as R
from knowledge import paths as P

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def search():
    """The canned search service (tests/bot/data/search_responses.json, validated)."""
    from tests.bot.conftest import FakeSearchService, canned_entries

    return FakeSearchService(canned_entries())


def resolve(search, municipality="Unterhaching", prefer=(), **query):
    """The path with step offers from the canned search responses, as the action server
    links them (one request per step)."""
    path = P.find_path(**query)
    assert path is not None, query
    found = []
    for step in path.steps:
        request = P.step_request(
            step, today=TODAY, municipality=municipality, reach_km=25.0, prefer_kldb=prefer
        )
        found.append(P.linked_offers(search.response_for(request)) if request else ((), 0))
    return P.resolve_path(path, found, municipality=municipality)


@pytest.fixture(scope="module")
def care(search):
    return resolve(
        search,
        current_kldb="62102",
        current_text="Verkäuferin",
        target_kldb="81302",
        target_text="Pflegefachfrau",
    )


def test_text_lists_every_step_with_duration_dqr_funding_and_offers(care) -> None:
    text = R.learning_path_text(care)
    assert text.startswith("Ein möglicher Lernweg für Sie: „Quereinstieg in die Pflege")
    assert "insgesamt etwa 36 Monate (3 Jahre)" in text
    lines = text.splitlines()
    step_lines = [line for line in lines if re.match(r"^\d\. ", line)]
    assert len(step_lines) == len(care.steps) == 2
    assert "Dauer: 12 Monate (1 Jahr); DQR-Niveau 3." in step_lines[0]
    assert "Dauer: 24 Monate (2 Jahre); DQR-Niveau 4." in step_lines[1]
    for line, step in zip(step_lines, care.steps, strict=True):
        assert "Förderung möglich: Bildungsgutschein (AZAV, §§ 81 ff. SGB III)." in line
        assert step.offers
        for offer in step.offers:
            assert f"„{offer.title}“ ({offer.provider}, " in line
    assert "„Pflegefachhelferin/Pflegefachhelfer (einjährige Ausbildung)“" in text


def test_text_names_who_decides_with_source_and_stand(care) -> None:
    text = R.learning_path_text(care)
    assert "Wer über die Förderung entscheidet:" in text
    decides = next(line for line in text.splitlines() if line.startswith("• Bildungsgutschein"))
    assert "Agentur für Arbeit München" in decides
    assert "Quelle: https://" in decides and "(Stand: 26.11.2026)" in decides
    sources = next(line for line in text.splitlines() if line.startswith("Quellen zu Dauer"))
    assert "https://b304.de/100-jahre-berufsfachschule-fuer-pflege" in sources
    assert "(Stand: 26.11.2026)" in sources
    assert text.endswith(R.DISCLAIMER)


def test_short_text_for_the_web_page_leaves_the_steps_to_the_payload(care) -> None:
    text = R.learning_path_text(care, with_steps=False)
    assert "in der Übersicht" in text
    for step in care.steps:
        for offer in step.offers:
            assert offer.title not in text
    assert R.DISCLAIMER in text


def test_payload_carries_steps_offers_funding_and_sources(care, search) -> None:
    payload = R.learning_path_payload(care)
    json.dumps(payload)  # JSON-ready
    assert payload["type"] == "learning_path" == R.PAYLOAD_LEARNING_PATH
    # on socket.io Rasa emits the payload as the message object: no keys the page treats as text
    assert not {"text", "buttons", "quick_replies", "attachment"} & set(payload)
    assert payload["path_id"] == care.path.id
    assert [s["number"] for s in payload["steps"]] == [1, 2]
    first = payload["steps"][0]
    assert first["duration"] == "12 Monate (1 Jahr)" and first["dqr"] == "DQR-Niveau 3"
    assert first["funding"] == [
        {"code": "bildungsgutschein", "label": "Bildungsgutschein (AZAV, §§ 81 ff. SGB III)"}
    ]
    for item, step in zip(payload["steps"], care.steps, strict=True):
        assert [o["offer_id"] for o in item["offers"]] == [o.offer_id for o in step.offers]
        for offer in item["offers"]:
            titles = {o.offer_id: o.title for o in step.offers}
            assert titles[offer["offer_id"]] == offer["title"]
            assert offer["place"]
    decides = payload["funding"][0]
    assert decides["code"] == "bildungsgutschein" and "Agentur für Arbeit" in decides["office"]
    for source in decides["sources"]:
        assert source["url"].startswith("https://") and source["stand"] == "2026-11-26"
    assert payload["sources"] and all(s["stand"] for s in payload["sources"])
    assert payload["total"] == "etwa 36 Monate (3 Jahre)"
    assert payload["municipality"] == "Unterhaching"


def test_meister_path_names_meisterbonus_and_its_source(search) -> None:
    resolved = resolve(
        search,
        municipality="Haar",
        prefer=["34212"],
        current_kldb="34212",
        current_text="Anlagenmechaniker, Geselle",
        target_text="Meister",
    )
    text = R.learning_path_text(resolved)
    assert "Meisterbonus Bayern" in text
    bonus = next(line for line in text.splitlines() if line.startswith("• Meisterbonus Bayern"))
    assert "3.000 Euro" in bonus
    url = "https://stmwi.bayern.de/wirtschaft/ausbildung-beruf/meisterbonus"
    assert f"{url} (Stand: 26.11.2026)" in bonus
    assert "DQR-Niveau 6" in text
    assert "insgesamt Dauer je nach Lehrgang" in text  # durations depend on the course
    payload = R.learning_path_payload(resolved)
    assert payload["total_months"] is None
    last = payload["steps"][-1]
    assert {"code": "meisterbonus", "label": "Meisterbonus Bayern"} in last["funding"]
    assert last["offers"][0]["title"].startswith(("Meisterkurs Installateur", "Meister"))


def test_procedure_and_missing_offers_are_said_plainly(search) -> None:
    path = P.load_paths().by_id("it-quereinstieg-fachinformatiker")
    empty = P.resolve_path(path, [((), 0)] * len(path.steps))
    text = R.learning_path_text(empty)
    first, second = [line for line in text.splitlines() if re.match(r"^\d\. ", line)]
    assert "Antrag oder Beratung" in first and R.NO_OFFER_TEXT not in first
    assert second.endswith(R.NO_OFFER_TEXT)
    payload = R.learning_path_payload(empty)
    assert payload["steps"][0]["kind"] == "procedure"
    assert payload["steps"][0]["no_offer_note"] == R.PROCEDURE_TEXT
    assert payload["steps"][1]["no_offer_note"] == R.NO_OFFER_TEXT
    assert "Beispieldaten" not in text


def test_optional_step_is_marked_and_not_counted(search) -> None:
    resolved = resolve(search, current_kldb="62102", target_kldb="81102", target_text="MFA")
    text = R.learning_path_text(resolved)
    assert "(optional, später)" in text
    assert "insgesamt etwa 24 Monate (2 Jahre)" in text
    assert R.learning_path_payload(resolved)["steps"][-1]["optional"] is True


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (1, "1 Monat"),
        (1.5, "1,5 Monate"),
        (12, "12 Monate (1 Jahr)"),
        (18, "18 Monate"),
        (36, "36 Monate (3 Jahre)"),
    ],
)
def test_format_months(months: float, expected: str) -> None:
    assert R.format_months(months) == expected
