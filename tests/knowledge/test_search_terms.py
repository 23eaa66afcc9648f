"""The closed vocabulary of search terms kept for searches that found nothing."""

from __future__ import annotations

import pytest

from knowledge.search_terms import UNKNOWN, label, term_for


@pytest.mark.parametrize(
    ("code", "text", "upgrade", "term"),
    [
        ("82102", "Altenpfleger", None, "kldb:82102"),  # the profile's code decides
        (None, "Altenpfleger", None, "kldb:82102"),  # a KldB job title
        (None, "etwas in der Pflege", None, "feld:pflege"),  # a field word inside the text
        (None, "Kita", None, "feld:kita"),  # a synonym of a field
        (None, None, "meister", "aufstieg:meister"),
        (None, "Drohnenpilot in Haar, Tel. 0171 1234567", None, UNKNOWN),  # never free text
        (None, "", None, UNKNOWN),
        (None, None, None, UNKNOWN),
        ("<script>", None, None, UNKNOWN),  # not a code
    ],
)
def test_terms_come_from_the_closed_vocabulary(
    code: str | None, text: str | None, upgrade: str | None, term: str
) -> None:
    assert term_for(code, text, upgrade) == term
    assert len(term) <= 40  # the column's width


def test_labels_are_german_and_unknown_ids_read_as_unknown() -> None:
    assert label("kldb:82102").startswith("82102 Berufe in der Altenpflege")
    assert label("feld:pflege") == "Pflege (Themenfeld)"
    assert label("aufstieg:meister") == "Meister/in (Aufstiegswunsch)"
    for odd in (UNKNOWN, "feld:gibtsnicht", "irgendwas", "kldb:abc"):
        assert label(odd) == "unbekannter Begriff"
