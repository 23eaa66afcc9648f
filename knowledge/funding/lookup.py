"""Which instruments a free-text question names ("Was ist der Meisterbonus?")."""

from __future__ import annotations

import re

from knowledge.funding.load import load_catalogue
from knowledge.funding.model import FundingCatalogue, Instrument


def _fold(text: str) -> str:
    text = text.casefold()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = re.sub(r"§\s*", "§ ", text)
    return re.sub(r"[\s\-–]+", " ", text).strip()


def find_instruments(text: str, *, catalogue: FundingCatalogue | None = None) -> list[Instrument]:
    """Instruments a question names by keyword ("Was ist der Meisterbonus?"), in file order.

    Keywords match at the start of a word (umlauts and hyphens folded), so "Bildungsgutscheins"
    matches "bildungsgutschein". A keyword contained in a longer matched keyword of another
    instrument is ignored ("stipendium" in "aufstiegsstipendium").
    """
    cat = catalogue or load_catalogue()
    folded = _fold(text or "")
    if not folded:
        return []
    hits: list[tuple[Instrument, str]] = []
    for instrument in cat.instruments:
        for keyword in instrument.keywords:
            key = _fold(keyword)
            if re.search(r"(?<![\w§])" + re.escape(key), folded):
                hits.append((instrument, key))
    matched_keys = {key for _, key in hits}
    result: list[Instrument] = []
    for instrument, key in hits:
        if any(key != other and key in other for other in matched_keys):
            continue
        if instrument not in result:
            result.append(instrument)
    return result
