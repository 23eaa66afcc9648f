"""Settings of ``fetch-ba`` (environment variables with prefix ``BA_WBSUCHE_``; app env only).

The API key is read from the environment only (``BA_WBSUCHE_API_KEY``; the public client id
of the Weiterbildungssuche, see the OpenAPI file) and kept as a ``SecretStr``: it is sent as
the ``X-API-Key`` header and never printed, logged, written to the state file or accepted on
the command line. Query parameters as in
``/work/shared/reference/ba-weiterbildungssuche-openapi.yaml``: ``orte`` = "<Ort>_<lon>_<lat>",
``uk`` = radius (25, 50, 100, 150, 200 km), ``page`` (from 0, as in the API's ``_links``) and
``size`` (page size).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.geo import MUNICH_CENTRE

REPO_ROOT = Path(__file__).resolve().parents[2]
API_PATH = "/pc/v2/bildungsangebot"
Radius = Literal["25", "50", "100", "150", "200"]


class FetchSettings(BaseSettings):
    """``BA_WBSUCHE_BASE_URL``, ``BA_WBSUCHE_API_KEY``, ``BA_WBSUCHE_RADIUS_KM``,
    ``BA_WBSUCHE_PAGE_SIZE`` … (see the fields)."""

    model_config = SettingsConfigDict(env_prefix="BA_WBSUCHE_", extra="ignore")

    base_url: str = "https://rest.arbeitsagentur.de/infosysbub/wbsuche"
    api_key: SecretStr | None = None
    #: search centre (parameter ``orte``): München, which the Landkreis surrounds
    place: str = "München"
    lat: float = Field(MUNICH_CENTRE[0], ge=-90, le=90)
    lon: float = Field(MUNICH_CENTRE[1], ge=-180, le=180)
    #: parameter ``uk``; 50 km around München covers the Landkreis and the towns around it
    radius_km: Radius = "50"
    page_size: int = Field(20, ge=1, le=200)
    #: parameter ``sort``: a fixed order (title A-Z) keeps the pages stable while paging;
    #: the API's "std" is a random order
    sort: Literal["std", "ta", "tz"] = "ta"
    #: further query parameters, e.g. {"bg": "true"} (JSON in the environment)
    extra_params: dict[str, str] = {}
    #: stop after this many pages (the API itself serves at most 10,000 results)
    max_pages: int = Field(500, ge=1)
    #: rate limit: at least this many seconds between two requests
    min_interval_s: float = Field(1.0, ge=0)
    #: retries of one page on 429, 5xx, connection errors and malformed pages
    max_retries: int = Field(5, ge=0, le=20)
    #: exponential backoff: backoff_s * 2**attempt, at most backoff_max_s; Retry-After wins
    backoff_s: float = Field(2.0, ge=0)
    backoff_max_s: float = Field(120.0, ge=0)
    timeout_s: float = Field(30.0, gt=0)
    state_file: Path = REPO_ROOT / "build" / "ba-fetch-state.json"
    #: command that rebuilds the search index after a merge (the service reloads it live)
    reindex_command: list[str] = [sys.executable, "-m", "search.cli", "build-index"]

    def query(self, page: int) -> dict[str, str]:
        """Query parameters of one page (no secret in them)."""
        params = {
            "orte": f"{self.place}_{self.lon:.3f}_{self.lat:.3f}",
            "uk": self.radius_km,
            "size": str(self.page_size),
            "sort": self.sort,
            **self.extra_params,
        }
        params["page"] = str(page)
        return params
