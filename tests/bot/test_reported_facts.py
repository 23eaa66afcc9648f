"""Facts known only from reports are shown as such wherever the bot renders them: in a funding
checklist and in a topic's funding line, in every reply style, with their source and Stand, and
never as a plain note (real knowledge base and rule engine)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.actions.utils import facts
from bot.actions.utils.formatting import STYLE_DE, STYLE_EN, STYLE_PLAIN
from i18n import catalogue
from knowledge import funding

BUERGERGELD = {"employment_status": "buergergeld", "course_type": "umschulung"}
MARKER = {
    STYLE_DE: "Nach Berichten, Stand März 2026",
    STYLE_PLAIN: "Das steht in Berichten. Stand: März 2026.",
    STYLE_EN: "Reported, not yet officially confirmed (as of / Stand: März 2026",
}


@pytest.mark.parametrize("iid", ["bildungsgutschein", "weiterbildungsgeld"])
@pytest.mark.parametrize("style", [STYLE_DE, STYLE_PLAIN, STYLE_EN])
def test_reported_fact_is_marked_with_source_and_stand(iid: str, style: str) -> None:
    (item,) = funding.evaluate(BUERGERGELD, only=[iid])
    (reported,) = item.reported
    text = facts.render_item(item, style=style)
    line = next(line for line in text.splitlines() if "Neue Grundsicherung" in line)
    assert line.startswith(MARKER[style]), line
    assert reported.source and reported.source in line
    assert not any(line.startswith(p) for p in ("Hinweis:", "Wichtig:", "Note (in German):"))


def test_reported_amount_in_a_topic_line_is_marked() -> None:
    detail = funding.Detail(
        text="Bis zu 100 €.",
        status=funding.REPORTED,
        source="https://example.org/bericht",
        stand="2026-03",
    )
    base = funding.load_catalogue().get("anerkennungszuschuss")
    instrument = dataclasses.replace(base, amounts=(detail,))
    line = facts.render_funding_line(instrument)
    assert "Nach Berichten, Stand März 2026" in line and "https://example.org/bericht" in line


def test_the_marker_exists_in_every_catalogue() -> None:
    for style in (STYLE_DE, STYLE_PLAIN, STYLE_EN):
        (template,) = catalogue(style).templates("info.reported")
        assert all(part in template for part in ("{stand}", "{text}", "{source}")), style
