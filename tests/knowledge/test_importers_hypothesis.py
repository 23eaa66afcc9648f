"""Property tests: arbitrary input never escapes as an exception, counts always add up."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from knowledge.importers import (  # noqa: E402
    ImportReport,
    parse_ba_data,
    parse_ba_json,
    parse_jsonld,
    parse_jsonld_data,
    parse_provider_csv,
)
from knowledge.importers.provider_csv import COLUMNS  # noqa: E402

TODAY = dt.date(2026, 11, 26)
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "knowledge/data/import_samples/ba_weiterbildungssuche_sample.json"
)
BA_KEYS = [
    "id", "unterrichtsform", "unterrichtszeit", "angebot", "adresse", "kostenWert",
    "kostenWaehrung", "foerderung", "beginn", "ende", "berufsbegleitend",
    "aktualisierungsdatum", "individuellerEinstieg",
]  # fmt: skip
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "@type",
                    "name",
                    "angebot",
                    "adresse",
                    "unterrichtsform",
                    "termine",
                    "_embedded",
                    "@graph",
                    "hasCourseInstance",
                    "location",
                    "geo",
                    "titel",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),  # fmt: skip
    max_leaves=20,
)
cell = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        ["Präsenz", "online", "Vollzeit", "Haar", "ja", "1.234,50", "01.02.2027", "Umschulung", ""]
    ),
)


def _consistent(report: ImportReport) -> None:
    assert isinstance(report, ImportReport)
    assert report.read == report.imported + report.rejected
    assert report.rejected <= len(report.errors) or report.rejected == 0
    assert all(e.reason for e in report.errors)
    report.format_de()


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_give_a_clean_csv_report(data: bytes) -> None:
    _consistent(parse_provider_csv(data, "zufall.csv", TODAY))


@SETTINGS
@given(
    st.lists(st.lists(cell, min_size=0, max_size=len(COLUMNS) + 2), max_size=6),
    st.sampled_from([";", ","]),
)
def test_random_csv_rows_give_a_clean_report(rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([list(COLUMNS), *rows])
    text = out.getvalue()
    report = parse_provider_csv(text, "zufall.csv", TODAY)
    _consistent(report)
    assert report.read <= len(rows)


@SETTINGS
@given(json_values)
def test_random_json_gives_clean_ba_and_jsonld_reports(value: Any) -> None:
    _consistent(parse_ba_data(value, TODAY))
    _consistent(parse_jsonld_data(value, "zufall.jsonld", TODAY))
    _consistent(parse_ba_data({"_embedded": {"termine": [value]}}, TODAY))
    _consistent(parse_jsonld_data([{"@type": "Course", "hasCourseInstance": value}], "z", TODAY))


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_give_clean_json_reports(data: bytes) -> None:
    _consistent(parse_ba_json(data, TODAY))
    _consistent(parse_jsonld(data, "zufall.jsonld", TODAY))


@SETTINGS
@given(st.sampled_from(BA_KEYS), json_values)
def test_mutated_ba_record_is_imported_or_rejected_with_path(key: str, value: Any) -> None:
    record = json.loads(SAMPLE.read_text(encoding="utf-8"))["_embedded"]["termine"][0]
    record[key] = value
    report = parse_ba_data({"_embedded": {"termine": [record]}}, TODAY)
    _consistent(report)
    assert report.read == 1
    if report.rejected:
        assert all(str(e.location).startswith("$._embedded.termine[0]") for e in report.errors)
