"""Browser tests: the chat page reflows on small screens (WCAG 2.1 SC 1.4.10) and with the text
spacing of SC 1.4.12 at 200 % zoom – offer cards, the learning path and the funding checklist.

The content is what the bot sends, built by the bot's own code from the real knowledge base and
catalogue: offers found by the search library in-process (``knowledge.paths.in_process_search``)
projected by ``bot.actions.utils.formatting.recommendation_item`` with the real shortage reason
(its long source URL made the cards overflow), the real learning path (``test_page_learning_path``),
the funding checklist of ``bot.actions.utils.facts`` for a real profile and the follow-up buttons of
the domain. One card and one button with extreme strings are INVENTED test input (marked below).
The page talks to a faked REST channel (Playwright routing), as in ``test_page_browser``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.web.reflow_support import (
    PHONE,
    SMALL,
    TEXT_SPACING_CSS,
    ZOOM_200,
    at_viewport,
    reflow_problems,
)
from tests.web.test_page_browser import (  # noqa: F401 - fixtures are used by name
    REPO_ROOT,
    browser,
    page_factory,
    run_axe,
    save_screenshot,
    send,
    web_server,
)
from tests.web.test_page_learning_path import real_payload

pytestmark = [pytest.mark.integration, pytest.mark.app]

TODAY = dt.date(2026, 11, 26)
#: every kind of block must be on the page before its reflow counts
REQUIRED = {".card": 4, ".path": 1, ".path__step": 2, ".message--bot": 4, ".choices button": 3}

# INVENTED test input: the longest strings a card or a button can meet (an unbroken URL, a German
# compound, a provider name without spaces); no real offer.
EXTREME_CARD = {
    "offer_id": "invented-reflow-test",
    "title": "Meistervorbereitungslehrgang Kraftfahrzeugtechnikermeisterprüfungsvorbereitung",
    "provider": "Bildungszentrum-für-Kraftfahrzeugtechnik-und-Elektromobilität-Musterstadt",
    "municipality": "Höhenkirchen-Siegertsbrunn",
    "format": "hybrid",
    "time_model": "berufsbegleitend",
    "kldb_targets": ["25212"],
    "shortage_occupation": True,
    "url": "https://example.org/" + "kurs-" * 30,
    "next_start": "2027-09-01",
    "reasons": [{"code": "shortage", "text": "Quelle: https://example.org/" + "a" * 150}],
}
EXTREME_BUTTON = {
    "title": "Weiterbildungsförderungsmöglichkeiten-Übersicht anzeigen",
    "payload": "/affirm",
}


def real_offers() -> list[dict[str, Any]]:
    """Care offers near Unterhaching as the bot shows them, with the real shortage reason."""
    from bot.actions.utils.formatting import recommendation_item
    from i18n.reasons import rendered_reasons
    from knowledge import geo, shortage
    from knowledge.catalogue import load_catalogue
    from knowledge.paths.__main__ import in_process_search
    from knowledge.paths.links import nearby_request

    search = in_process_search(load_catalogue().offers, geo.DEFAULT_REACH_KM)
    request = nearby_request(
        ("umschulung",),
        today=TODAY,
        municipality="Unterhaching",
        reach_km=geo.DEFAULT_REACH_KM,
        kldb_prefixes=("821",),
        limit=4,
    )
    items = [recommendation_item(hit) for hit in search(request)["items"]]
    assert len(items) == 4
    entry = next(e for e in shortage.lookup("82102") if e.source_url)
    params = {
        "title": entry.title,
        "kldb": entry.code,
        "statement": entry.statement,
        "level": entry.level,
        "year": entry.year,
        "url": entry.source_url,
    }
    reason = rendered_reasons([{"code": "shortage", "params": params}])
    return [{**item, "reasons": item["reasons"] + reason} for item in items]


def funding_checklist() -> list[dict[str, Any]]:
    """The checklist messages for an unemployed person of 45+ without a vocational qualification."""
    from bot.actions.utils import facts
    from bot.actions.utils import funding_profile as fp
    from knowledge import funding

    values = {
        fp.SLOT_EMPLOYMENT: "arbeitslos",
        fp.SLOT_QUALIFICATION: fp.NO,
        fp.SLOT_AGE_GROUP: list(fp.AGE_GROUPS)[-1],
    }
    items = funding.evaluate(fp.engine_facts(values, "82102"), include_unlikely=True)
    shown = [i for i in items if i.status in (funding.LIKELY, funding.POSSIBLE)]
    unlikely = sum(i.status == funding.UNLIKELY for i in items)
    texts = [facts.render_overview(shown, unlikely), *(facts.render_item(i) for i in shown[:3])]
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain" / "info.yml").read_text("utf-8"))
    followup = domain["responses"]["utter_funding_followup"][0]  # the German variant
    buttons = [*followup["buttons"], EXTREME_BUTTON]
    return [{"text": t} for t in texts] + [{"text": followup["text"], "buttons": buttons}]


@pytest.fixture(scope="module")
def reply() -> Callable[[str], list[dict[str, Any]]]:
    messages = [
        {"text": "Diese Angebote passen zu Ihnen:"},
        {"custom": {"type": "recommendations", "items": [*real_offers(), EXTREME_CARD]}},
        {"text": "Ein möglicher Lernweg für Sie."},
        {"custom": real_payload()},
        *funding_checklist(),
    ]
    return lambda text: messages


def open_conversation(page_factory: Callable[..., Any], reply: Any, viewport: dict) -> Any:
    page, _ = page_factory(reply, **viewport)
    send(page, "Ich bin 50, arbeitslos und möchte in die Altenpflege – wer zahlt das?")
    page.wait_for_selector(".choices")
    return page


def test_offers_path_and_checklist_reflow_at_320_and_390_px(
    page_factory: Callable[..., Any], reply: Any
) -> None:
    page = open_conversation(page_factory, reply, SMALL)
    assert reflow_problems(page, REQUIRED) == []
    save_screenshot(page, "reflow-320px.png")
    assert run_axe(page) == []
    at_viewport(page, PHONE)
    assert reflow_problems(page, REQUIRED) == []
    # the cards use the width they have: one column, edge to edge of the conversation
    boxes = [page.locator(".card").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["width"] == boxes[1]["width"] > PHONE["width"] - 40
    assert boxes[1]["y"] > boxes[0]["y"]
    # titles such as "Pflegefachfrau/Pflegefachmann" may break after the slash (<wbr>, no text)
    title = page.locator(".card h3", has_text="/").first
    assert title.locator("wbr").count() == title.inner_text().count("/") >= 1
    # the check itself sees a card that is too wide (so it cannot pass by measuring nothing)
    page.evaluate("() => { document.querySelector('.card').style.width = '600px'; }")
    problems = reflow_problems(page, {".card": 1})
    assert any("article.card" in p and "viewport 390 px" in p for p in problems), problems
    assert any("main.conversation" in p and "content in" in p for p in problems), problems


def test_text_spacing_at_200_percent_zoom(page_factory: Callable[..., Any], reply: Any) -> None:
    page = open_conversation(page_factory, reply, ZOOM_200)
    # a short viewport: the page scrolls as a whole, the newest message is visible above the
    # composer, which stays in view
    page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    composer = page.locator("#composer").bounding_box()
    last = page.locator("#log > *").last.bounding_box()
    assert composer["y"] + composer["height"] <= ZOOM_200["height"] + 1
    assert 0 <= last["y"] and last["y"] + last["height"] <= composer["y"] + 1
    page.add_style_tag(content=TEXT_SPACING_CSS)
    assert reflow_problems(page, REQUIRED) == []
    at_viewport(page, SMALL)
    assert reflow_problems(page, REQUIRED) == []
    save_screenshot(page, "reflow-320px-text-spacing.png")
