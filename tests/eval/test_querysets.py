"""The query sets: sizes, disjointness (no near-duplicates), variety, valid profiles and specs."""

from __future__ import annotations

import collections
import difflib
import re

import pytest

from eval.judge import EVAL_DIR, load_queries
from knowledge import geo
from search.app.schemas import ProfileIn

TEST = load_queries(EVAL_DIR / "queries_test.jsonl")
DEV = load_queries(EVAL_DIR / "queries_dev.jsonl")
STYLES = {"colloquial", "typo", "no_umlauts", "keywords", "situation", "english", "plain"}


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def test_sizes_and_unique_ids():
    assert len(TEST) >= 150 and len(DEV) >= 50
    ids = [q.id for q in TEST + DEV]
    assert len(ids) == len(set(ids))


def test_test_and_dev_share_no_near_duplicate_query():
    for t in TEST:
        for d in DEV:
            a, b = t.text.casefold(), d.text.casefold()
            wa, wb = words(a), words(b)
            jaccard = len(wa & wb) / len(wa | wb)
            ratio = difflib.SequenceMatcher(None, a, b).ratio()
            assert jaccard < 0.6 and ratio < 0.8, (t.id, d.id, t.text, d.text)


@pytest.mark.parametrize("queries", [TEST, DEV], ids=["test", "dev"])
def test_every_spec_compiles_and_every_profile_is_a_valid_api_profile(queries):
    for q in queries:
        q.compiled()
        assert q.style in STYLES, q.id
        ProfileIn(**q.profile)  # raises on unknown keys or values
        if "municipality" in q.profile:
            assert geo.official_name(q.profile["municipality"]) == q.profile["municipality"]


def test_test_set_is_varied_like_real_messages():
    styles = collections.Counter(q.style for q in TEST)
    assert set(styles) == STYLES
    assert 0.08 <= styles["english"] / len(TEST) <= 0.2
    assert min(styles[s] for s in ("colloquial", "typo", "no_umlauts", "situation")) >= 15
    places = {q.profile.get("municipality") for q in TEST}
    assert set(geo.landkreis_municipalities()) <= places
    with_profile = sum(1 for q in TEST if q.profile)
    assert 0.5 <= with_profile / len(TEST) <= 0.9
    assert any(len(q.text) > 150 for q in TEST)  # long situation descriptions
