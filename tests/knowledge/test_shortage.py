"""Shortage occupations: real CSV, prefix lookup and row validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import shortage
from knowledge.shortage import ShortageEntry, evidence_weight, is_shortage, load_shortages, lookup
from knowledge.validate import kldb_codes

HEADER = "kldb_code;title;status;level;evidence;year;indicators;source_url;stand;statement_de\n"
GOOD_ROW = (
    "821;Altenpflege;Engpass;Bund;BA-Engpassanalyse;2024;BA-Engpassanalyse 2024: Test;"
    "https://example.org/a;2026-11-26;bundesweit Engpass\n"
)
PRESS_ROW = (
    "821;Altenpflege;Engpass;Landkreis-Erhebung;Presse;2016;Angabe des Landratsamts;"
    "https://example.org/b;2026-11-26;im Landkreis Engpass\n"
)


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "shortage.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_real_file_loads_and_is_consistent() -> None:
    entries = load_shortages()
    assert len(entries) >= 10
    codes = kldb_codes()
    for e in entries:
        assert e.code in codes, e.code
        assert e.status in shortage.STATUSES and e.level in shortage.LEVELS
        assert e.evidence in shortage.EVIDENCE and 0 < e.weight <= 1
        assert e.source_url.startswith("http")
        if e.evidence == shortage.BA_ANALYSIS:  # each BA row is dated by its analysis
            assert f"BA-Engpassanalyse {e.year}" in e.indicators
        # "Beobachtung" is the BA's score band, never a projection or a report
        assert e.status != "Beobachtung" or e.evidence == shortage.BA_ANALYSIS
    # the statement names its level, so the bot never presents a national figure as local
    for e in entries:
        markers = {"Bund": "bundesweit", "Bayern": "Bayern", "Landkreis-Erhebung": "Landkreis"}
        marker = markers[e.level]
        assert marker in e.statement, e


def test_ba_2024_fields_and_local_surveys_are_recorded() -> None:
    entries = load_shortages()
    bund_2024 = {e.code for e in entries if e.level == "Bund" and e.year == 2024}
    assert {"821", "813", "831", "521"} <= bund_2024
    local = {(e.code, e.year) for e in entries if e.level == "Landkreis-Erhebung"}
    assert ("8311", 2018) in local and ("821", 2016) in local
    survey = next(e for e in entries if e.code == "8311")
    assert "180" in survey.statement


def test_lookup_by_prefix_strongest_evidence_first() -> None:
    found = lookup("83113")  # Erzieher/in: BA 2024 (831, Bund) before the 2018 press row (8311)
    assert [(e.code, e.evidence, e.year) for e in found][:1] == [("831", "BA-Engpassanalyse", 2024)]
    assert {e.code for e in found} == {"8311", "831"}
    assert all("83113".startswith(e.code) for e in found)
    assert [e.weight for e in found] == sorted((e.weight for e in found), reverse=True)
    assert is_shortage("83113") and is_shortage("82102") and is_shortage("81302")


def test_newer_ba_row_outweighs_older_press_row(tmp_path: Path) -> None:
    entries = load_shortages(_write(tmp_path, PRESS_ROW + GOOD_ROW))
    ba, press = sorted(entries, key=lambda e: e.evidence)  # "BA-…" < "Presse"
    assert ba.weight == 0.5  # BA 2024, national, newest analysis: no age discount
    assert press.weight < ba.weight / 4  # press 2016, district: 0.2 x 1.0 x 0.5 ** (8 / 3)
    assert [e.evidence for e in lookup("82102", entries)] == ["BA-Engpassanalyse", "Presse"]
    # the real table: Altenpflege BA 2024 outweighs the district press report of 2016
    real = lookup("82102")
    assert (real[0].evidence, real[0].year) == ("BA-Engpassanalyse", 2024)
    assert any(e.evidence == "Presse" and e.year == 2016 for e in real[1:])


def test_evidence_weight_rule() -> None:
    # evidence level dominates region: a current national BA row beats a current local report
    assert evidence_weight("BA-Engpassanalyse", "Bund", 2024, 2024) > evidence_weight(
        "Bericht", "Landkreis-Erhebung", 2024, 2024
    )
    assert evidence_weight("Bericht", "Bayern", 2024, 2024) > evidence_weight(
        "Presse", "Bayern", 2024, 2024
    )
    # age halves the weight every three years behind the newest BA analysis
    assert evidence_weight("BA-Engpassanalyse", "Bund", 2021, 2024) == pytest.approx(0.25)
    assert evidence_weight("BA-Engpassanalyse", "Bund", 2026, 2024) == 0.5  # no bonus for later


def test_helper_codes_get_no_national_statement() -> None:
    # the BA Engpassanalyse does not rate Helfer-level occupations (5th digit 1)
    helper = lookup("82101")
    assert helper and all(e.level != "Bund" for e in helper)
    assert {e.level for e in lookup("82102")} >= {"Bund", "Landkreis-Erhebung"}
    assert not is_shortage("81301")  # Pflegehelfer: only the national 813 entry exists


def test_lookup_short_code_returns_entries_inside_group() -> None:
    codes = {e.code for e in lookup("83")}
    assert {"831", "8311"} <= codes
    assert all(c.startswith("83") for c in codes)


def test_lookup_unknown_and_invalid() -> None:
    assert lookup("99999") == []
    assert lookup("abc") == []
    assert lookup("") == []
    assert not is_shortage("43102")  # Informatik (431) has no entry: only 434 does


def test_is_shortage_ignores_beobachtung_and_projections(tmp_path: Path) -> None:
    body = GOOD_ROW.replace("Engpass;Bund", "Beobachtung;Bayern").replace("bundesweit", "Bayern")
    projection = PRESS_ROW.replace("Engpass;Landkreis-Erhebung;Presse", "Projektion;Bayern;Bericht")
    entries = load_shortages(_write(tmp_path, body + projection))
    assert len(lookup("82102", entries)) == 2
    assert not is_shortage("82102", entries)


def test_beobachtung_is_only_the_ba_score_band(tmp_path: Path) -> None:
    row = PRESS_ROW.replace("Engpass;Landkreis-Erhebung;Presse", "Beobachtung;Bayern;Bericht")
    with pytest.raises(ValueError, match="Punktband der BA-Engpassanalyse"):
        load_shortages(_write(tmp_path, row))


def test_entry_is_frozen() -> None:
    entry = load_shortages()[0]
    assert isinstance(entry, ShortageEntry)
    with pytest.raises(AttributeError):
        entry.code = "999"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (GOOD_ROW.replace("821;", "82;", 1), "kldb_code"),
        (GOOD_ROW.replace("821;", "8210x;", 1), "kldb_code"),
        (GOOD_ROW.replace("Engpass;", "Mangel;"), "status"),
        (GOOD_ROW.replace(";Bund;", ";Europa;"), "level"),
        (GOOD_ROW.replace(";BA-Engpassanalyse;", ";Blog;"), "evidence"),
        (GOOD_ROW.replace(";2024;", ";zwanzig;"), "year"),
        (GOOD_ROW.replace(";2024;", ";2023;"), "indicators"),
        (GOOD_ROW.replace("https://example.org/a", "example org"), "source_url"),
        (GOOD_ROW.replace("2026-11-26", "26.11.2026"), "stand"),
        (GOOD_ROW.replace("bundesweit Engpass", ""), "statement_de"),
        (GOOD_ROW.replace(": Test;", ": Test; mit Semikolon;"), "statement_de"),
    ],
)
def test_bad_row_names_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    path = _write(tmp_path, GOOD_ROW + row)
    with pytest.raises(ValueError) as exc:
        load_shortages(path)
    assert "Zeile 3" in str(exc.value)
    assert f"'{field}'" in str(exc.value)


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ROW, header=HEADER.replace(";stand", ""))
    with pytest.raises(ValueError, match="stand"):
        load_shortages(path)


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    assert len(load_shortages(_write(tmp_path, GOOD_ROW + "\n" + GOOD_ROW))) == 2
