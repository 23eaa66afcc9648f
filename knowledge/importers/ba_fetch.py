"""``python -m knowledge.importers fetch-ba``: page through the BA Weiterbildungssuche API.

One run requests ``GET <base_url>/pc/v2/bildungsangebot`` page by page (settings:
:mod:`knowledge.importers.ba_settings`), at most one request per ``min_interval_s``; a 429,
a 5xx, a connection error or a malformed page (no JSON, no ``_embedded.termine``) is retried
with exponential backoff (``Retry-After`` honoured; tenacity). Each page is mapped at once by
:func:`knowledge.importers.ba_api.parse_ba_data` (with the district's reach) and only the
resulting offers and issues go to the **state file**; raw pages (with the providers' contact
persons) are never stored. A run that stops (a page still broken after the retries, an
interruption) keeps the state; the next run with the same query continues at the first
missing page. When the last page is in, the offers are merged by source id into the
catalogue file (offers gone from the API are removed, unless the page limit cut the result),
the state is cleared and the search index is rebuilt (``search.cli build-index``; the running
search service swaps the new index in without restart). ``--dry-run`` fetches and reports
what would change, and writes nothing. HTTP by ``httpx`` (app environment).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from knowledge.catalogue import CatalogueError
from knowledge.importers.ba_api import SOURCE, parse_ba_data
from knowledge.importers.ba_settings import API_PATH, REPO_ROOT, FetchSettings
from knowledge.importers.catalogue_file import default_output, preview_merge, write_merged
from knowledge.importers.report import ImportIssue, ImportReport
from knowledge.schema import Offer

STATE_VERSION = 1
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A page could not be fetched (German message, no secrets in it)."""


@dataclass
class FetchState:
    """Progress of one query: the next page and everything mapped so far."""

    query: str
    next_page: int = 0
    total_pages: int | None = None
    truncated: bool = False
    offers: list[dict[str, Any]] = field(default_factory=list)
    errors: list[list[Any]] = field(default_factory=list)
    read: int = 0
    rejected: int = 0
    rejected_source_ids: list[str] = field(default_factory=list)

    def add(self, report: ImportReport) -> None:
        """Add a mapped page; a Termin delivered again on a later page counts once."""
        known = {o["source_id"] for o in self.offers}
        fresh = [o for o in report.offers if o.source_id not in known]
        self.read -= len(report.offers) - len(fresh)
        self.offers.extend(o.to_dict() for o in fresh)
        self.errors.extend([e.location, e.field, e.reason, e.record_id] for e in report.errors)
        self.read += report.read
        self.rejected += report.rejected
        self.rejected_source_ids.extend(sorted(report.rejected_source_ids))

    @property
    def complete(self) -> bool:
        return self.total_pages is not None and self.next_page >= self.total_pages

    def report(self) -> ImportReport:
        report = ImportReport(source=SOURCE, read=self.read, rejected=self.rejected)
        report.offers = [Offer.from_dict(o) for o in self.offers]
        report.errors = [ImportIssue(*e) for e in self.errors]
        report.rejected_source_ids = set(self.rejected_source_ids)
        return report

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        payload = {"version": STATE_VERSION, **self.__dict__}
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, query: str) -> FetchState | None:
        """The saved state of ``query``, or None (none, another query, unreadable)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("version", None) != STATE_VERSION or data.get("query") != query:
                return None
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None


def query_fingerprint(settings: FetchSettings, reach_km: float | None) -> str:
    """Identity of a query (base URL, parameters without the page, reach): a state belongs
    to exactly one."""
    params = {k: v for k, v in settings.query(0).items() if k != "page"}
    text = json.dumps([settings.base_url, params, reach_km], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class PageClient:
    """GET one result page with rate limiting and retries (429/5xx/connection/malformed)."""

    def __init__(
        self,
        settings: FetchSettings,
        say: Callable[[str], None],
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        key = settings.api_key.get_secret_value() if settings.api_key else ""
        self.settings, self.say, self.sleep = settings, say, sleep
        self.client = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            headers={"X-API-Key": key, "Accept": "application/json"},
            timeout=settings.timeout_s,
            transport=transport,
        )
        self._last = -float("inf")
        self.requests = 0
        self.retries = 0

    def close(self) -> None:
        self.client.close()

    def _wait_turn(self) -> None:
        pause = self._last + self.settings.min_interval_s - time.monotonic()
        if pause > 0:
            self.sleep(pause)
        self._last = time.monotonic()

    def _delay(self, state: RetryCallState) -> float:
        """Exponential backoff (``backoff_s * 2**attempt``, at most ``backoff_max_s``); a
        ``Retry-After`` in seconds wins, capped the same way."""
        s = self.settings
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        retry_after = exc.retry_after if isinstance(exc, _Retryable) else None
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after.strip()), s.backoff_max_s)
        return float(min(s.backoff_s * 2 ** (state.attempt_number - 1), s.backoff_max_s))

    def _before_sleep(self, state: RetryCallState) -> None:
        self.retries += 1
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        wait = state.upcoming_sleep
        self.say(f"{exc}; neuer Versuch in {wait:g} s")

    def page(self, number: int) -> dict[str, Any]:
        """The parsed page ``number``; FetchError when the retries are used up."""
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=self._delay,
            retry=retry_if_exception_type(_Retryable),
            sleep=self.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            return retrying(self._get_page, number)
        except _Retryable as exc:
            raise FetchError(
                f"{exc}, auch nach {self.settings.max_retries} Wiederholungen"
            ) from None

    def _get_page(self, number: int) -> dict[str, Any]:
        """One request for page ``number``: the page, FetchError (not worth retrying) or
        _Retryable (429/5xx, connection error, malformed page)."""
        self._wait_turn()
        self.requests += 1
        try:
            response = self.client.get(API_PATH, params=self.settings.query(number))
        except httpx.TransportError as exc:
            raise _Retryable(f"Seite {number}: Verbindungsfehler ({type(exc).__name__})") from None
        if response.status_code == 200:
            data, problem = _page_data(response)
            if data is not None:
                return data
            raise _Retryable(f"Seite {number}: {problem}")
        if response.status_code in RETRY_STATUS:
            raise _Retryable(
                f"Seite {number}: HTTP {response.status_code}",
                response.headers.get("Retry-After"),
            )
        hint = " (API-Schlüssel prüfen)" if response.status_code in (401, 403) else ""
        raise FetchError(f"Seite {number}: HTTP {response.status_code}{hint}")


class _Retryable(Exception):
    """A failed page request worth another try (its message names page and problem)."""

    def __init__(self, message: str, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _page_data(response: httpx.Response) -> tuple[dict[str, Any] | None, str]:
    """(page, "") or (None, what is wrong with it)."""
    try:
        data = response.json()
    except ValueError:
        return None, "fehlerhafte Seite (kein gültiges JSON)"
    if not isinstance(data, dict):
        return None, "fehlerhafte Seite (kein JSON-Objekt)"
    embedded = data.get("_embedded")
    if isinstance(embedded, dict) and isinstance(embedded.get("termine"), list):
        return data, ""
    page = data.get("page")
    if isinstance(page, dict) and page.get("totalElements") == 0:
        return {**data, "_embedded": {"termine": []}}, ""  # an empty result has no list
    return None, "fehlerhafte Seite (_embedded.termine fehlt)"


def total_pages(data: dict[str, Any]) -> int | None:
    page = data.get("page")
    value = page.get("totalPages") if isinstance(page, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass
class FetchOptions:
    out: Path
    state_file: Path
    today: dt.date | None = None
    reach_km: float | None = None
    dry_run: bool = False
    restart: bool = False
    reindex: bool = True


def fetch_pages(
    settings: FetchSettings, options: FetchOptions, client: PageClient, say: Callable[[str], None]
) -> FetchState:
    """Fetch the missing pages into the state (saved after each page unless dry-run)."""
    query = query_fingerprint(settings, options.reach_km)
    state = None
    if not (options.restart or options.dry_run):
        state = FetchState.load(options.state_file, query)
    if state is not None and state.next_page > 0:
        say(f"Fortsetzung: ab Seite {state.next_page} (Zustand {options.state_file})")
    state = state or FetchState(query=query)
    while not state.complete:
        if state.next_page >= settings.max_pages:
            state.truncated, state.total_pages = True, state.next_page
            say(f"Seitengrenze {settings.max_pages} erreicht: Ergebnis unvollständig")
            break
        data = client.page(state.next_page)
        pages = total_pages(data)
        state.total_pages = pages if pages is not None else state.total_pages
        termine = data["_embedded"]["termine"]
        page = parse_ba_data({"_embedded": {"termine": termine}}, options.today, options.reach_km)
        where = f"Seite {state.next_page} "
        page.errors = [replace(e, location=where + str(e.location)) for e in page.errors]
        state.add(page)
        state.next_page += 1
        if not termine or state.total_pages is None:
            state.total_pages = state.next_page  # no paging information: this was the last
        if not options.dry_run:
            state.save(options.state_file)
    return state


def run_fetch(
    settings: FetchSettings,
    options: FetchOptions,
    say: Callable[[str], None] = print,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """The whole command; returns the exit code (0 ok, 1 stopped or nothing imported, 2 setup)."""
    if settings.api_key is None or not settings.api_key.get_secret_value():
        say("BA_WBSUCHE_API_KEY fehlt (nur als Umgebungsvariable, nie auf der Befehlszeile).")
        return 2
    client = PageClient(settings, say, sleep, transport)
    try:
        state = fetch_pages(settings, options, client, say)
    except FetchError as exc:
        say(f"Abruf angehalten: {exc}.")
        if not options.dry_run:
            say("Der nächste Aufruf setzt an dieser Seite fort (Zustand gespeichert).")
        return 1
    finally:
        client.close()
        say(f"Anfragen: {client.requests}, davon Wiederholungen: {client.retries}")
    report = state.report()
    say(report.format_de())
    if report.imported == 0:
        say("Nichts importiert.")
        return 1
    try:
        if options.dry_run:
            say(preview_merge(report, options.out, not state.truncated))
            say("Probelauf (--dry-run): nichts geschrieben.")
            return 0
        say(write_merged(report, options.out, not state.truncated)[0])
    except CatalogueError as exc:
        say(f"Zieldatei fehlerhaft, nichts geschrieben:\n{exc}")
        return 1
    options.state_file.unlink(missing_ok=True)
    return reindex(settings, say) if options.reindex else 0


def reindex(settings: FetchSettings, say: Callable[[str], None]) -> int:
    """Run the index build; the search service reloads a new index within seconds."""
    say("Suchindex wird neu gebaut …")
    done = subprocess.run(
        settings.reindex_command, cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    for line in done.stdout.strip().splitlines()[-3:]:
        say(f"  {line}")
    if done.returncode != 0:
        for line in done.stderr.strip().splitlines()[-5:]:
            say(f"  {line}")
        say(f"Katalog geschrieben, Suchindex NICHT neu gebaut (Exit-Code {done.returncode}).")
        return 1
    return 0


def run_cli(args: argparse.Namespace) -> int:
    """``fetch-ba`` from the parsed command line (settings from the environment)."""
    overrides: dict[str, Any] = {}
    if args.radius:
        overrides["radius_km"] = args.radius
    if args.page_size:
        overrides["page_size"] = args.page_size
    try:
        settings = FetchSettings(**overrides)
    except ValueError as exc:  # pydantic ValidationError: names the setting, not its value
        print(f"Einstellungen fehlerhaft: {exc}", file=sys.stderr)
        return 2
    options = FetchOptions(
        out=args.out or default_output(SOURCE),
        state_file=args.state or settings.state_file,
        today=args.today,
        reach_km=args.reach_km,
        dry_run=args.dry_run,
        restart=args.restart,
        reindex=not args.no_reindex,
    )
    return run_fetch(settings, options)
