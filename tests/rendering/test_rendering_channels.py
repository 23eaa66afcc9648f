"""The rendering layer (rendering/): complete text forms, channel limits, splitting between
items, HTML escaping, Telegram callback data and numbered choices. Stdlib + i18n only, so it runs
in both environments (the Matrix bridge's Python 3.11 imports the package too)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rendering import CHANNELS, Choice, Outgoing, render
from rendering.model import TELEGRAM_CALLBACK_BYTES

TEXT_CHANNELS = ("text", "matrix", "telegram", "twilio")


def offer(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "offer_id": f"demo-{n:03d}",
        "title": f"Umschulung Pflegefachkraft Kurs {n}",
        "provider": f"Bildungsträger {n} gGmbH",
        "municipality": "Haar",
        "format": "praesenz",
        "time_model": "teilzeit",
        "kldb_targets": ["82102"],
        "shortage_occupation": True,
        "url": f"https://example.org/kurs/{n}?ref=bl&x=1",
        "next_start": "2027-03-01",
        "distance_km": 8.24,
        "reasons": [
            {"code": "target_occupation", "text": "führt zu Ihrem Ziel Altenpflege"},
            {"code": "time_model", "text": "in Teilzeit möglich"},
            {"code": "shortage", "text": "Engpassberuf"},
        ],
        **extra,
    }


def recommendations(count: int, **payload: Any) -> dict[str, Any]:
    custom = {
        "type": "recommendations",
        "items": [offer(n) for n in range(1, count + 1)],
        "start_number": 1,
        "style": "de",
        "lead": "Hier sind passende Angebote:",
        "footer": "Fragen Sie „Warum passt das?“ für die Begründung.",
        **payload,
    }
    return {"text": f"{custom['lead']}\n{custom['footer']}", "custom": custom}


def learning_path() -> dict[str, Any]:
    step_offer = {
        "offer_id": "demo-pflege-1",
        "title": "Pflegehelfer &amp; Betreuung <b>kompakt</b>",
        "provider": "Berufsfachschule Haar",
        "municipality": "Haar",
        "place": "Haar (8,2 km)",
        "format": "praesenz",
        "next_start": "2027-01-15",
        "url": "https://example.org/pflegehelfer",
    }
    custom = {
        "type": "learning_path",
        "style": "de",
        "lead": "Ein möglicher Lernweg für Sie: „Pflege“ – 2 Schritte, insgesamt etwa 36 Monate.",
        "footer": "Das ist eine Orientierung, keine Zusage.",
        "steps": [
            {
                "number": 1,
                "title": "Pflegefachhelfer/in",
                "optional": False,
                "kind": "course",
                "course_types": ["Ausbildung"],
                "duration": "12 Monate (1 Jahr)",
                "dqr": "DQR-Niveau 3",
                "funding": [{"code": "bildungsgutschein", "label": "Bildungsgutschein"}],
                "note": None,
                "offers": [step_offer],
                "more_offers": 2,
            },
            {
                "number": 2,
                "title": "Anerkennung beantragen",
                "optional": True,
                "kind": "procedure",
                "course_types": [],
                "duration": "Dauer je nach Angebot",
                "dqr": "kein eigener Berufsabschluss (kein DQR-Niveau)",
                "funding": [],
                "note": "Antrag bei der Regierung von Oberbayern.",
                "offers": [],
                "more_offers": 0,
            },
        ],
        "funding": [
            {
                "code": "bildungsgutschein",
                "label": "Bildungsgutschein",
                "office": "Agentur für Arbeit München",
                "sources": [{"url": "https://www.arbeitsagentur.de/bg", "stand": "2026-11-26"}],
            }
        ],
        "sources": [
            {"title": "BA", "url": "https://www.arbeitsagentur.de/bg", "stand": "2026-11-26"},
            {"title": "Pfad", "url": "https://example.org/pfad", "stand": "2026-10-01"},
        ],
        "stand": "2026-11-26",
    }
    return {"text": f"{custom['lead']}\n{custom['footer']}", "custom": custom}


CHECKLIST = "\n".join(
    [
        "Bildungsgutschein: wahrscheinlich passend",
        "Die Agentur für Arbeit übernimmt die Kosten einer zugelassenen Weiterbildung.",
        "Zu klären:",
        "☐ Sie sind arbeitslos gemeldet oder von Arbeitslosigkeit bedroht.",
        "Wer entscheidet: Agentur für Arbeit München",
        "Quelle: https://www.arbeitsagentur.de/bg (Stand: 26.11.2026)",
    ]
)
BUTTONS = [
    {"title": "Ja, bitte", "payload": "/affirm"},
    {"title": "Nein", "payload": "/deny"},
]


def joined(parts: list[Outgoing]) -> str:
    return "\n".join(p.text for p in parts)


def test_api_shape() -> None:
    assert CHANNELS == ("page", "text", "matrix", "telegram", "twilio")
    with pytest.raises(ValueError):
        render({"text": "Hallo"}, "fax")
    part = render({"text": "Hallo"}, "text")[0]
    assert part == Outgoing(text="Hallo")


@pytest.mark.parametrize("channel", TEXT_CHANNELS)
def test_text_channels_get_every_offer_complete(channel: str) -> None:
    text = joined(render(recommendations(5), channel))
    assert text.startswith("Hier sind passende Angebote:")
    assert text.rstrip().split("\n")[-1].startswith("Fragen Sie")
    for n in range(1, 6):
        line = next(line for line in text.split("\n") if line.startswith(f"{n}. "))
        assert f"„Umschulung Pflegefachkraft Kurs {n}“" in line
        assert f"Bildungsträger {n} gGmbH" in line
        assert "Haar (8,2 km)" in line  # place
        assert "Nächster Start: 01.03.2027" in line
        assert "Warum: führt zu Ihrem Ziel Altenpflege; in Teilzeit möglich." in line
        assert "Engpassberuf" not in line  # one line of why: the first two reasons
        assert f"https://example.org/kurs/{n}?ref=bl&x=1" in line


def test_page_gets_lead_and_payload_without_the_list() -> None:
    message = recommendations(5)
    [part] = render(message, "page")
    assert (
        part.text
        == "Hier sind passende Angebote:\nFragen Sie „Warum passt das?“ für die Begründung."
    )
    assert part.payload == message["custom"] and part.html is None
    for channel in TEXT_CHANNELS:
        assert all(p.payload is None for p in render(message, channel))


def test_offer_numbers_continue_after_more_results() -> None:
    text = joined(render(recommendations(2, start_number=6), "text"))
    assert "\n6. „Umschulung Pflegefachkraft Kurs 1“" in text and "\n7. " in text


def test_online_offer_and_plain_language_and_english() -> None:
    message = recommendations(1)
    message["custom"]["items"] = [offer(1, municipality="online", format="online")]
    assert "Bildungsträger 1 gGmbH, online, Teilzeit." in joined(render(message, "text"))
    message["custom"]["style"] = "de_plain"
    plain = joined(render(message, "twilio"))
    assert "Der Kurs ist online." in plain and "Mehr Infos: https://example.org/kurs/1" in plain
    message["custom"]["style"] = "en"
    english = joined(render(message, "twilio"))
    assert "Next start: 2027-03-01" in english or "2027-03-01" in english


@pytest.mark.parametrize("channel", TEXT_CHANNELS)
def test_learning_path_text_has_steps_funding_office_and_stand(channel: str) -> None:
    text = joined(render(learning_path(), channel))
    assert "in der Übersicht" not in text
    assert "1. Pflegefachhelfer/in – Ausbildung; Dauer: 12 Monate (1 Jahr); DQR-Niveau 3." in text
    assert "Förderung möglich: Bildungsgutschein." in text
    assert "„Pflegehelfer & Betreuung kompakt“ (Berufsfachschule Haar, Haar (8,2 km)" in text
    assert " und 2 weitere" in text
    assert "2. Anerkennung beantragen (optional, später) – Antrag oder Beratung" in text
    assert "Antrag bei der Regierung von Oberbayern." in text
    assert "Wer über die Förderung entscheidet:" in text
    assert "• Bildungsgutschein: Agentur für Arbeit München" in text
    assert "https://www.arbeitsagentur.de/bg (Stand: 26.11.2026)" in text
    assert text.rstrip().endswith("Das ist eine Orientierung, keine Zusage.")


def test_page_gets_the_path_lead_with_the_overview_hint() -> None:
    [part] = render(learning_path(), "page")
    assert "in der Übersicht" in part.text and "Pflegefachhelfer/in" not in part.text
    assert part.payload is not None and part.payload["type"] == "learning_path"


def test_sources_line_cites_only_marked_sources() -> None:
    message = learning_path()
    message["custom"]["sources"][1]["cited"] = False
    text = joined(render(message, "text"))
    assert "https://example.org/pfad" not in text


@pytest.mark.parametrize("channel", TEXT_CHANNELS)
def test_checklist_keeps_office_and_stand(channel: str) -> None:
    text = joined(render({"text": CHECKLIST}, channel))
    assert text == CHECKLIST


@pytest.mark.parametrize(("channel", "limit"), [("twilio", 1600), ("telegram", 4096)])
def test_thirty_offers_split_between_items(channel: str, limit: int) -> None:
    message = recommendations(30)
    message["buttons"] = BUTTONS
    parts = render(message, channel)
    assert len(parts) > 1
    assert all(len(p.text) <= limit for p in parts)
    whole = render(message, "text")[0].text
    lines = [line for line in whole.split("\n") if line[:1].isdigit() and ". „" in line]
    assert len(lines) == 30
    for line in lines:  # each offer whole in exactly one part
        assert sum(line in p.text.split("\n") for p in parts) == 1, line
    assert all(not p.choices for p in parts[:-1])  # buttons on the last part only
    if channel == "telegram":
        assert parts[-1].choices


def test_a_checklist_longer_than_the_limit_splits_between_lines() -> None:
    long = "\n".join(f"☐ Bedingung {n}: " + "x" * 90 for n in range(40))
    parts = render({"text": long}, "twilio")
    assert len(parts) >= 3 and all(len(p.text) <= 1600 for p in parts)
    assert [line for p in parts for line in p.text.split("\n")] == long.split("\n")


def test_a_single_unit_over_the_limit_is_cut_at_spaces() -> None:
    parts = render({"text": "Wort " * 500}, "twilio")
    assert all(len(p.text) <= 1600 for p in parts) and len(parts) == 2
    assert " ".join(p.text for p in parts).split() == ["Wort"] * 500


def test_matrix_html_escapes_catalogue_html_and_script() -> None:
    message = recommendations(2)
    items = message["custom"]["items"]
    items[0]["title"] = "&lt;script&gt;alert(1)&lt;/script&gt; Pflege"
    items[1]["title"] = "<b>Pflege</b> &amp; <i>Betreuung</i><script>alert(2)</script>"
    message["custom"]["lead"] = "Ihr Ziel: <script>alert(3)</script> & mehr"
    parts = render(message, "matrix")
    text, body = joined(parts), "".join(p.html or "" for p in parts)
    assert "„<script>alert(1)</script> Pflege“" in text  # plain text shows the record as text
    assert "„Pflege & Betreuung alert(2)“" in text  # catalogue markup removed in the text form
    assert "<script" not in body and "<b>" not in body and "<i>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Pflege" in body
    assert "Ihr Ziel: &lt;script&gt;alert(3)&lt;/script&gt; &amp; mehr" in body
    assert '<a href="https://example.org/kurs/1?ref=bl&amp;x=1">' in body
    assert "<br>" in body


def test_telegram_is_plain_text_with_callback_data_within_64_bytes() -> None:
    long_payload = '/inform{"municipality": "Höhenkirchen-Siegertsbrunn", "time_model": "teilzeit"}'
    message = {
        "text": "Wo wohnen Sie?",
        "buttons": [
            {"title": "Höhenkirchen-Siegertsbrunn", "payload": long_payload},
            {"title": "Haar", "payload": '/inform{"municipality": "Haar"}'},
        ],
    }
    [part] = render(message, "telegram")
    assert part.text == "Wo wohnen Sie?" and part.html is None
    assert part.choices == (
        Choice("Höhenkirchen-Siegertsbrunn", "choice:1"),
        Choice("Haar", '/inform{"municipality": "Haar"}'),
    )
    assert all(len(c.payload.encode("utf-8")) <= TELEGRAM_CALLBACK_BYTES for c in part.choices)


def test_buttons_become_numbered_choices_for_text_clients() -> None:
    message = {"text": "Möchten Sie Angebote sehen?", "buttons": BUTTONS}
    for channel in ("text", "matrix", "twilio"):
        [part] = render(message, channel)
        assert part.text.endswith("\n1) Ja, bitte\n2) Nein"), channel
    [page] = render(message, "page")
    assert page.text == "Möchten Sie Angebote sehen?"
    assert page.choices == (Choice("Ja, bitte", "/affirm"), Choice("Nein", "/deny"))
    [telegram] = render(message, "telegram")
    assert "1)" not in telegram.text and len(telegram.choices) == 2
    assert not render(message, "twilio")[0].choices and not render(message, "matrix")[0].choices
    assert render(message, "text")[0].choices  # a generic client may show buttons too


def test_rendering_a_rest_answer_again_gives_the_same_text() -> None:
    """The REST channel returns the text form; the Matrix bridge renders that message again."""
    for message in (
        {**recommendations(3), "buttons": BUTTONS},
        learning_path(),
        {"text": "Wie geht es weiter?", "buttons": BUTTONS},
    ):
        [rest] = render(copy.deepcopy(message), "text")
        returned = {
            "text": rest.text,
            "buttons": message["buttons"] if "buttons" in message else [],
        }
        returned["custom"] = message.get("custom")
        assert joined(render(returned, "matrix")) == joined(render(message, "matrix"))


def test_page_only_payloads_and_older_socketio_shapes() -> None:
    delete = {"custom": {"type": "delete_conversation"}}
    assert render(delete, "twilio") == []
    [page] = render(delete, "page")
    assert page.payload == {"type": "delete_conversation"} and page.text == ""
    wrapped = {"text": "Alt", "custom": {"data": recommendations(1)["custom"]}}
    assert "1. „Umschulung Pflegefachkraft Kurs 1“" in joined(render(wrapped, "text"))


def test_paragraphs_and_images_survive() -> None:
    [part] = render({"text": "Erstens.\n\nZweitens.", "image": "https://example.org/a.png"}, "text")
    assert part.text == "Erstens.\n\nZweitens.\nhttps://example.org/a.png"
