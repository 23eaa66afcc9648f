"""The first-message evaluation set: frozen (hashes), reproducible specs, valid expectations, scoring.

The hashes below are also in eval/first_message/README.md and docs/benchmarks.md. A change to
dev.jsonl or blind.jsonl must be a deliberate new version of the set (new hashes in all three
places, new baseline), never a silent edit.
"""

from __future__ import annotations

import collections

import pytest

from eval.first_message import score as fm
from eval.first_message.sample_personas import PRIMARY_FLAGS, SPECS_FILE, render, sample
from knowledge import vocabulary as v
from knowledge.gazetteer import landkreis_names
from knowledge.kldb import load_kldb

SHA256 = {
    "dev": "dbe4ccc8d90ee30e9b837a453cbceae8a07b12db1e6a7892b23bb49365625a3b",
    "blind": "d3523f13914363da0a4ed3a2cf52b890ffa38e6359904d953aae458a3fdc7d97",
}
RECORDS = {split: fm.load(split) for split in ("dev", "blind")}
ALL = RECORDS["dev"] + RECORDS["blind"]


@pytest.mark.parametrize("split", ["dev", "blind"])
def test_split_files_are_frozen(split):
    assert fm.file_sha256(split) == SHA256[split], (
        f"{split}.jsonl changed: the evaluation set is frozen (see eval/first_message/README.md)"
    )


def test_specs_are_what_the_seeded_sampler_draws():
    assert SPECS_FILE.read_text(encoding="utf-8") == render(sample())


def test_size_split_and_flags():
    assert len(ALL) >= 300
    assert len(RECORDS["dev"]) == len(RECORDS["blind"])
    assert len({r["id"] for r in ALL}) == len(ALL)
    messages = [r["message"].casefold() for r in ALL]
    assert len(set(messages)) == len(messages)
    for split, records in RECORDS.items():
        primary = collections.Counter(r["flags"][0] for r in records)
        for flag, count in PRIMARY_FLAGS.items():
            assert abs(primary[flag] - count / 2) <= 0.5, (split, flag, primary[flag])


def test_set_covers_fields_places_and_every_value():
    kldb = load_kldb()
    codes = [c for r in ALL for c in (r["expected"]["current_kldb"] or [])]
    assert all(kldb.get(c) is not None and len(c) == 5 for c in codes)
    assert len({c[0] for c in codes}) == 10  # every Berufsbereich, military included
    places = {r["expected"]["municipality"] for r in ALL} - {None}
    assert places == set(landkreis_names())
    for slot, values in (
        ("goal", v.GOALS),
        ("time_model", v.TIME_MODELS),
        ("format", v.PROFILE_FORMATS),
    ):
        seen = collections.Counter(r["expected"][slot] for r in ALL)
        assert set(seen) - {None} == set(values), slot


def test_scoring_rules():
    assert fm.right("current_kldb", ["81302", "82102"], "82102")
    assert not fm.right("current_kldb", ["81302"], "813")  # a field is not the job title
    assert fm.right("goal", None, None) and not fm.right("goal", None, "umschulung")
    record = {
        "id": "x",
        "flags": ["plain"],
        "message": "m",
        "expected": {
            "current_kldb": ["29302"],
            "target_kldb": None,
            "municipality": "Haar",
            "goal": None,
            "time_model": "teilzeit",
            "format": None,
        },
    }
    slots = {"current_kldb": "29302", "municipality": "Haar", "goal": "weiterbildung"}
    result = fm.score([record], lambda message: slots, workers=1)
    summary = result.summary()
    assert (summary["expected_values"], summary["right"], summary["false_fills"]) == (3, 2, 1)
    assert summary["per_slot"]["time_model"]["accuracy"] == 0.0


def test_blind_errors_cannot_be_listed(capsys):
    with pytest.raises(SystemExit):
        fm.main(["--split", "blind", "--per-message"])
    assert "dev split only" in capsys.readouterr().err
