"""Reason codes with parameters (search API) rendered in each reply style."""

from __future__ import annotations

import pytest

from i18n import STYLE_DE, STYLE_EN, STYLE_PLAIN, STYLES
from i18n.reasons import render_reason, rendered_reasons

SHORTAGE = {
    "title": "Altenpflege",
    "kldb": "821",
    "statement": "Engpass",
    "level": "Bund",
    "year": 2024,
    "url": "https://statistik.arbeitsagentur.de/x",
}

CASES = [
    (
        {"code": "target_occupation", "params": {"kldb": "82102", "title": "Altenpflege"}},
        "führt zu Ihrem Zielberuf: Altenpflege (KldB 82102)",
        "leads to your target occupation: Altenpflege (KldB 82102)",
    ),
    (
        {"code": "target_occupation", "params": {"kldb": "82102", "title": None}},
        "führt zu Ihrem Zielberuf: KldB 82102",
        "leads to your target occupation: KldB 82102",
    ),
    (
        {"code": "field", "params": {"kldb": "82", "title": None}},
        "gleicher Berufsbereich wie Ihr Zielberuf: KldB-Berufshauptgruppe 82",
        "same occupational area as your target occupation: KldB major group 82",
    ),
    (
        {"code": "distance_km", "params": {"km": 7.46, "place": "Haar"}},
        "ca. 7 km von Haar (Luftlinie)",
        "about 7 km from Haar (straight line)",
    ),
    (
        {"code": "distance_km", "params": {"km": 0.4, "place": "Haar"}},
        "unter 1 km von Haar (Luftlinie)",
        "under 1 km from Haar (straight line)",
    ),
    (
        {"code": "online", "params": {}},
        "online – ortsunabhängig, keine Anfahrt",
        "online – from anywhere, no travel",
    ),
    (
        {"code": "time_model", "params": {"time_model": "teilzeit"}},
        "Zeitmodell wie gewünscht: Teilzeit",
        "time model as requested: part-time",
    ),
    (
        {"code": "format", "params": {"format": "hybrid"}},
        "Lernform wie gewünscht: hybrid (vor Ort und online)",
        "learning format as requested: hybrid (on site and online)",
    ),
    (
        {"code": "dqr", "params": {"level": 4, "offer_level": 4}},
        "Abschluss auf Ihrem Qualifikationsniveau (DQR 4)",
        "qualification at your level (DQR 4, German Qualifications Framework)",
    ),
    (
        {"code": "dqr", "params": {"level": 4, "offer_level": 6}},
        "nächster Qualifikationsschritt: von DQR 4 zu DQR 6",
        "next qualification step: from DQR 4 to DQR 6",
    ),
    (
        {"code": "course_type", "params": {"course_type": "umschulung", "goal": "umschulung"}},
        "Kursart Umschulung passt zu Ihrem Ziel „Umschulung / Berufswechsel“",
        'course type retraining (Umschulung) fits your goal "retraining / career change"',
    ),
    (
        {"code": "shortage", "params": SHORTAGE},
        "Engpassberuf (Altenpflege, KldB 821): Engpass – Ebene Bund, 2024; "
        "Quelle: https://statistik.arbeitsagentur.de/x",
        "shortage occupation (Altenpflege, KldB 821; in German): Engpass – level Bund, 2024; "
        "source: https://statistik.arbeitsagentur.de/x",
    ),
    (
        {"code": "query_match", "params": {"words": ["pflege", "teilzeit"]}},
        "passt zu Ihrer Suche: „pflege“, „teilzeit“ kommt im Angebot vor",
        'matches your search: "pflege", "teilzeit" appears in the offer',
    ),
    (
        {"code": "query_match", "params": {"words": []}},
        "inhaltlich ähnlich zu Ihrer Suche (Bedeutungsvergleich der Texte)",
        "similar in content to your search (comparison of meaning)",
    ),
    (
        {"code": "azav_certified", "params": {}},
        "AZAV-zertifiziert – über einen Bildungsgutschein entscheidet die Agentur für Arbeit",
        "AZAV-certified – the Agentur für Arbeit decides on an education voucher "
        "(Bildungsgutschein)",
    ),
    (
        {"code": "aufstiegs_bafoeg", "params": {}},
        "förderfähig nach Aufstiegs-BAföG – darüber entscheidet das zuständige Amt für "
        "Ausbildungsförderung",
        "eligible for Aufstiegs-BAföG – the responsible Amt für Ausbildungsförderung decides",
    ),
    (
        {"code": "next_start", "params": {"date": "2027-03-01"}},
        "nächster Start: 01.03.2027",
        "next start: 2027-03-01",
    ),
]


@pytest.mark.parametrize(
    ("reason", "german", "english"), CASES, ids=[f"{c[0]['code']}-{i}" for i, c in enumerate(CASES)]
)
def test_reason_in_german_and_english(reason, german, english):
    assert render_reason(reason, STYLE_DE) == german
    assert render_reason(reason, STYLE_EN) == english
    plain = render_reason(reason, STYLE_PLAIN)
    assert plain and plain != english


def test_every_reason_code_of_the_api_renders_in_every_style():
    from typing import get_args

    pydantic = pytest.importorskip("pydantic")
    if not pydantic.VERSION.startswith("2."):
        pytest.skip("the search API schema needs pydantic 2 (app environment)")
    from search.app.schemas import Reason

    codes = set(get_args(Reason.model_fields["code"].annotation))
    assert codes == {c[0]["code"] for c in CASES}
    for reason, _, _ in CASES:
        Reason.model_validate(reason)  # the cases have the API's shape
        assert all(render_reason(reason, style) for style in STYLES)


@pytest.mark.parametrize(
    "reason",
    [
        {"code": "unknown", "params": {}},
        {"code": "distance_km", "params": {"place": "Haar"}},
        {"code": "time_model", "params": {}},
        {"code": "next_start", "params": {"date": "bald"}},
        {"code": "shortage", "params": {"title": "x"}},
        {"code": "dqr", "params": "4"},
    ],
)
def test_reasons_that_do_not_fit_their_code_are_left_out(reason):
    assert render_reason(reason) is None
    assert rendered_reasons([reason, "noise"]) == []
