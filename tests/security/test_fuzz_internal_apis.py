"""OpenAPI-driven fuzzing (schemathesis) of the search API and the web API on their internal ports.

Fixed seed, at most 50 examples per operation, 90 s in all; the only check is "no server error" (5xx).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.prereq import missing
from tests.security.entry_clients import SEARCH_URL, WEB_INTERNAL_URL

pytestmark = pytest.mark.integration

ST = Path(sys.executable).with_name("st")
BUDGET_S = 90.0


def _fuzz(base_url: str, seconds: float, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(ST),
            "run",
            f"{base_url}/openapi.json",
            "--url",
            base_url,
            "--seed",
            "20261207",
            "--max-examples",
            "50",
            "--checks",
            "not_a_server_error",
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )


def test_no_server_error_on_fuzzed_internal_apis(tmp_path: Path) -> None:
    if not ST.exists():
        missing("schemathesis is not installed", "pip install -r requirements/app-test.txt")
    for url in (SEARCH_URL, WEB_INTERNAL_URL):
        try:
            httpx.get(f"{url}/openapi.json", timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            missing(f"internal API not reachable at {url} ({exc})", "run via scripts/with_stack.py")
    start = time.monotonic()
    for name, url in (("search", SEARCH_URL), ("web", WEB_INTERNAL_URL)):
        left = BUDGET_S - (time.monotonic() - start)
        assert left > 5, "fuzzing budget of 90 s used up"
        result = _fuzz(url, left, tmp_path / f"{name}.xml")
        assert result.returncode == 0, (
            f"{name} API: server errors while fuzzing\n{result.stdout[-4000:]}"
        )
    assert time.monotonic() - start <= BUDGET_S
