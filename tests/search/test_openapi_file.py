"""docs/search-openapi.json (the schema the bot tests validate their fake responses with) is
the current export of the search API (``python -m search.app.openapi`` rewrites it)."""

from __future__ import annotations

import json

from search.app.openapi import OPENAPI_FILE, main, openapi_document, render


def test_checked_in_openapi_document_is_current():
    assert OPENAPI_FILE.read_text(encoding="utf-8") == render(openapi_document()), (
        "docs/search-openapi.json is stale: run .venv-app/bin/python -m search.app.openapi"
    )


def test_openapi_documents_the_new_request_fields():
    schemas = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
    request = schemas["SearchRequest"]["properties"]
    for field in (
        "course_types",
        "kldb_prefixes",
        "title_keywords",
        "title_exclude_keywords",
        "include_outside_reach",
        "sort",
        "prefer_kldb",
        "relax",
        "min_results",
    ):
        assert request[field].get("description"), field
    assert "relaxed" in schemas["SearchResponse"]["properties"]


def test_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["--check", "--out", str(stale)]) == 1
    assert main(["--out", str(stale)]) == 0 and main(["--check", "--out", str(stale)]) == 0
