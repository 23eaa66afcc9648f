"""``fetch-ba`` against a local fake BA Weiterbildungssuche server (stdlib HTTP, free port).

The fake serves pages in the real response format: the real page 0 of July 2023
(``fixtures/ba/real-ba-wbsuche-v1-page0-2023-07.json``) as template (``_links``, ``page``,
``aggregations``), its real Termine spread over three pages of four, some of them moved into
the district (their ids, towns and coordinates changed) so that there is something to import.
Every Termin carries a synthetic contact person. The fake answers scripted failures first: a
429, a 503, a malformed page.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("httpx", reason="fetch-ba runs in the app environment")
pytest.importorskip("pydantic_settings", reason="fetch-ba runs in the app environment")
pytest.importorskip("tenacity", reason="fetch-ba runs in the app environment")

from knowledge.importers.__main__ import main  # noqa: E402
from knowledge.importers.ba_api import SOURCE, parse_ba_data  # noqa: E402

REAL_PAGE = Path(__file__).parent / "fixtures" / "ba" / "real-ba-wbsuche-v1-page0-2023-07.json"
KEY = "test-client-id-7f3a"
CONTACT = {
    "anrede": "Frau",
    "vorname": "Erika",
    "nachname": "Testperson-Kontakt",
    "telefonVorwahl": "089",
    "telefonDurchwahl": "5550199",
    "email": "erika.testperson@example.org",
}
CONTACT_STRINGS = ("Testperson-Kontakt", "5550199", "erika.testperson@example.org")


def _moved(termin: dict[str, Any], new_id: int, town: str, plz: str, lat: float, lon: float):
    moved = copy.deepcopy(termin)
    moved["id"] = new_id
    moved["adresse"]["ortStrasse"].update({"name": town, "plz": plz})
    moved["adresse"]["koordinaten"] = {"lat": lat, "lon": lon}
    return moved


def fake_pages() -> list[bytes]:
    real = json.loads(REAL_PAGE.read_text(encoding="utf-8"))
    t = real["_embedded"]["termine"]
    online = copy.deepcopy(t[3])
    online.update(id=900000003, unterrichtsform={"id": 202, "bezeichnung": "Online-Seminar"})
    pages = [
        [t[3], t[13], t[0], t[10]],  # Dachau, München: in reach; Helmstedt, Rosenheim: not
        [
            _moved(t[3], 900000001, "Unterschleißheim", "85716", 48.2805, 11.5768),
            _moved(t[13], 900000002, "Maisach", "82216", 48.217, 11.265),  # not in places.json
            t[16],  # Stuttgart
            t[1],  # Münster
        ],
        [online, t[5]],  # online; Cottbus
    ]
    out = []
    for number, termine in enumerate(pages):
        termine = copy.deepcopy(termine)
        for termin in termine:
            termin["ansprechpartner"] = [{**termin["ansprechpartner"][0], **CONTACT}]
        body = {
            "_embedded": {"termine": termine},
            "_links": {"self": {"href": f"/pc/v2/bildungsangebot?page={number}&size=4"}},
            "page": {"size": 4, "totalElements": 10, "totalPages": 3, "number": number},
            "aggregations": real["aggregations"],
        }
        out.append(json.dumps(body, ensure_ascii=False).encode())
    return out


class FakeBA:
    """The fake API: serves ``pages``; ``script[page]`` holds failures answered first."""

    def __init__(self) -> None:
        self.pages = fake_pages()
        self.script: dict[int, list[tuple[int, dict[str, str], bytes]]] = {}
        self.log: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.log.append(
                    {"t": time.monotonic(), "path": url.path, "params": params,
                     "key": self.headers.get("X-API-Key")}
                )  # fmt: skip
                page = int(params.get("page", "0"))
                if url.path != "/pc/v2/bildungsangebot" or page >= len(fake.pages):
                    status, headers, body = 404, {}, b"{}"
                elif fake.script.get(page):
                    status, headers, body = fake.script[page].pop(0)
                else:
                    status, headers, body = 200, {}, fake.pages[page]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def pages_requested(self) -> list[int]:
        return [int(entry["params"]["page"]) for entry in self.log]


@pytest.fixture
def fake_ba() -> Iterator[FakeBA]:
    fake = FakeBA()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake_ba: FakeBA, tmp_path: Path) -> Path:
    """Settings of fetch-ba for the fake (key only in the environment); returns the marker
    file the reindex stand-in writes (number of offers in the catalogue file it sees)."""
    marker = tmp_path / "reindexed.txt"
    stand_in = (
        "import json, pathlib, sys; "
        "n = len(json.loads(pathlib.Path(sys.argv[1]).read_text())['offers']); "
        "pathlib.Path(sys.argv[2]).write_text(str(n))"
    )
    settings = {
        "BASE_URL": fake_ba.url,
        "API_KEY": KEY,
        "PAGE_SIZE": "4",
        "RADIUS_KM": "50",
        "MIN_INTERVAL_S": "0.05",
        "BACKOFF_S": "0.01",
        "MAX_RETRIES": "2",
        "REINDEX_COMMAND": json.dumps(
            [sys.executable, "-c", stand_in, str(tmp_path / "offers.json"), str(marker)]
        ),
    }
    for name, value in settings.items():
        monkeypatch.setenv(f"BA_WBSUCHE_{name}", value)
    return marker


def _existing_catalogue(path: Path) -> None:
    """A catalogue file from an earlier fetch: Dachau under an old title, and a Termin the
    API no longer delivers."""
    page0 = json.loads(fake_pages()[0])
    dachau = parse_ba_data(page0).offers[0].to_dict()
    withdrawn = {**dachau, "id": "ba-111", "source_id": "111", "title": "Zurückgezogen"}
    dachau["title"] = "Alter Titel"
    path.write_text(json.dumps({"source": SOURCE, "offers": [dachau, withdrawn]}), "utf-8")


def test_fetch_retries_stops_on_a_broken_page_and_resumes_there(
    fake_ba: FakeBA,
    env: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    out, state = tmp_path / "offers.json", tmp_path / "state.json"
    _existing_catalogue(out)
    before = out.read_text("utf-8")
    fake_ba.script = {
        0: [(429, {"Retry-After": "0"}, b'{"message": "Too Many Requests"}')],
        1: [(503, {}, b"Service Unavailable")],
        2: [(200, {}, b'{"_embedded": {"termine": [{"id": 1, "angebot"')] * 3,  # cut off
    }
    cli = ["fetch-ba", "--out", str(out), "--state", str(state), "--today", "2026-11-26"]

    assert main(cli) == 1  # page 2 still broken after 2 retries: the run stops
    first = capsys.readouterr().out
    assert fake_ba.pages_requested() == [0, 0, 1, 1, 2, 2, 2]
    assert "Seite 0: HTTP 429" in first and "Seite 1: HTTP 503" in first
    assert "Abruf angehalten: Seite 2: fehlerhafte Seite (kein gültiges JSON)" in first
    assert out.read_text("utf-8") == before  # nothing merged from an incomplete fetch
    saved = json.loads(state.read_text("utf-8"))
    assert saved["next_page"] == 2 and len(saved["offers"]) == 4
    state_text = state.read_text("utf-8")

    # every request: the key header, the query of the OpenAPI file, at the rate limit
    assert {entry["key"] for entry in fake_ba.log} == {KEY}
    params = fake_ba.log[0]["params"]
    assert params["orte"] == "München_11.575_48.137" and params["uk"] == "50"
    assert (params["size"], params["sort"]) == ("4", "ta")
    # requests leave at least 0.05 s apart; arrival times jitter a little, their span not
    span = fake_ba.log[-1]["t"] - fake_ba.log[0]["t"]
    assert span >= 0.05 * (len(fake_ba.log) - 1) - 0.1  # without the limit: ~0.03 s

    fake_ba.log.clear()
    assert main(cli) == 0
    second = capsys.readouterr().out
    assert fake_ba.pages_requested() == [2]  # resumed where the first run stopped
    assert "Fortsetzung: ab Seite 2" in second
    assert "Gelesen: 10 Datensätze, übernommen: 5, abgelehnt: 5" in second
    assert "Neu: 4, aktualisiert: 1, entfernt: 1, unverändert: 0" in second
    offers = {o["source_id"]: o for o in json.loads(out.read_text("utf-8"))["offers"]}
    assert set(offers) == {"181061091", "171556353", "900000001", "900000002", "900000003"}
    assert offers["181061091"]["title"] != "Alter Titel"
    assert offers["900000002"]["municipality"] == "Maisach"  # in reach by its coordinates
    assert offers["900000003"]["format"] == "online"
    # Rosenheim: refused with its distance, the page named in the location
    assert "Seite 0 $._embedded.termine[3].adresse.koordinaten (172297313)" in second
    assert "Kursort 'Rosenheim' liegt 30 km" in second
    assert not state.exists()
    assert env.read_text() == "5"  # the reindex ran after the catalogue file was written

    # no contact person and no key anywhere: catalogue, state, output, logs
    written = out.read_text("utf-8")
    for text in (written, state_text, first, second, caplog.text):
        assert not any(s in text for s in CONTACT_STRINGS)
        assert KEY not in text


def test_dry_run_fetches_everything_and_writes_nothing(
    fake_ba: FakeBA, env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, state = tmp_path / "offers.json", tmp_path / "state.json"
    assert main(["fetch-ba", "--out", str(out), "--state", str(state), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert fake_ba.pages_requested() == [0, 1, 2]
    assert "Würde schreiben" in text and "Neu: 5" in text
    assert not out.exists() and not state.exists() and not env.exists()


def test_missing_key_and_a_refused_key(
    fake_ba: FakeBA,
    env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = ["fetch-ba", "--out", str(tmp_path / "o.json"), "--state", str(tmp_path / "s.json")]
    monkeypatch.delenv("BA_WBSUCHE_API_KEY")
    assert main(cli) == 2
    assert "BA_WBSUCHE_API_KEY fehlt" in capsys.readouterr().out
    assert fake_ba.log == []
    monkeypatch.setenv("BA_WBSUCHE_API_KEY", KEY)
    fake_ba.script = {0: [(401, {}, b"{}")]}
    assert main(cli) == 1
    assert "HTTP 401 (API-Schlüssel prüfen)" in capsys.readouterr().out
    assert fake_ba.pages_requested() == [0]  # a refused key is not retried


def test_backoff_doubles_and_retry_after_wins_both_capped() -> None:
    import httpx

    from knowledge.importers.ba_fetch import FetchError, PageClient
    from knowledge.importers.ba_settings import FetchSettings

    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(429, headers={"Retry-After": "bald"}),  # not seconds: backoff
            httpx.Response(500),
        ]
    )
    settings = FetchSettings(
        base_url="http://ba.invalid", min_interval_s=0, backoff_s=1, backoff_max_s=5, max_retries=4
    )
    slept: list[float] = []
    said: list[str] = []
    client = PageClient(
        settings,
        say=said.append,
        sleep=slept.append,
        transport=httpx.MockTransport(lambda request: next(answers)),
    )
    with pytest.raises(FetchError, match="Seite 3: HTTP 500, auch nach 4 Wiederholungen"):
        client.page(3)
    assert slept == [1, 2, 5, 5]  # 1, 2, Retry-After 7 capped at 5, 8 capped at 5
    assert client.requests == 5 and client.retries == 4
    assert said[0] == "Seite 3: HTTP 503; neuer Versuch in 1 s"
