"""Re-import into a running search service: searching never fails while the index is swapped.

Starts the real search service (uvicorn, real e5 model, real FAISS index) on a free port over a
copy of the shipped catalogue, keeps searching from a background thread, and meanwhile runs the
same commands the Bildungsbüro runs (``python -m knowledge.importers ba …`` and
``python -m search.cli build-index``). Every search during the re-import must answer 200, and
afterwards the service must serve the imported offers without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
OFFERS = ROOT / "knowledge" / "data" / "offers"
BA_SAMPLE = ROOT / "knowledge" / "data" / "import_samples" / "ba_weiterbildungssuche_sample.json"
CSV_SAMPLE = ROOT / "knowledge" / "data" / "import_samples" / "anbieter_vorlage.csv"
MODEL = ROOT / "build" / "e5-small-ft"  # the shipped model: the shipped index was built with it
SHIPPED_INDEX = ROOT / "build" / "index"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def live_service(tmp_path: Path):
    if not (MODEL / "config.json").exists() or not SHIPPED_INDEX.exists():
        pytest.fail("build/e5-small-ft and build/index are missing: run `make setup` first")
    catalogue = tmp_path / "offers"
    shutil.copytree(OFFERS, catalogue)
    # start from a copy of the shipped index (same catalogue, so no re-encoding is needed)
    index = tmp_path / "index"
    version = tmp_path / "index.versions" / "shipped"
    shutil.copytree(SHIPPED_INDEX.resolve(), version)
    index.symlink_to(os.path.relpath(version, tmp_path))
    env = {
        **os.environ,
        "SEARCH_INDEX_DIR": str(index),
        "SEARCH_MODEL_PATH": str(MODEL),
        "SEARCH_RELOAD_CHECK_SECONDS": "0.2",
        "HF_HUB_OFFLINE": "1",
    }
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "search.app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, f"search service exited: {proc.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "search service did not become healthy"
            time.sleep(0.5)
        yield client, catalogue, index, env
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)


class Hammer(threading.Thread):
    """Sends searches back to back and records every status code (or exception)."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.stop = threading.Event()
        self.statuses: list[int | str] = []

    def run(self) -> None:
        queries = [
            "Umschulung Pflegefachfrau",
            "Deutschkurs B2 Beruf",
            "Meister Elektrotechnik",
            "Fachinformatiker Quereinstieg",
        ]
        i = 0
        while not self.stop.is_set():
            try:
                resp = self.client.post(
                    "/search", json={"query": queries[i % len(queries)], "municipality": "Haar"}
                )
                self.statuses.append(resp.status_code)
            except httpx.HTTPError as exc:  # a refused/broken connection is a failure too
                self.statuses.append(type(exc).__name__)
            i += 1


def _imported_ids(path: Path) -> set[str]:
    return {o["id"] for o in json.loads(path.read_text(encoding="utf-8"))["offers"]}


def test_searches_keep_answering_during_reimport_and_new_offers_appear(live_service) -> None:
    client, catalogue, index, env = live_service
    before = client.get("/health").json()["offers"]
    imported_file = catalogue / "imported_ba.json"
    csv_file = catalogue / "imported_csv.json"

    hammer = Hammer(client)
    hammer.start()
    try:
        imported = _run(
            "-m", "knowledge.importers", "ba", str(BA_SAMPLE), "--out", str(imported_file), env=env
        )
        assert imported.returncode == 0, imported.stdout + imported.stderr
        assert "abgelehnt: 1" in imported.stdout  # the sample's deliberately broken record
        from_csv = _run(
            "-m", "knowledge.importers", "csv", str(CSV_SAMPLE), "--out", str(csv_file), env=env
        )
        assert from_csv.returncode == 0, from_csv.stdout + from_csv.stderr
        rebuilt = _run(
            "-m",
            "search.cli",
            "build-index",
            "--catalogue",
            str(catalogue),
            "--out",
            str(index),
            env=env,
        )
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "Index neu gebaut" in rebuilt.stdout
        new_ids = _imported_ids(imported_file) | _imported_ids(csv_file)
        deadline = time.monotonic() + 30
        while client.get("/health").json()["offers"] != before + len(new_ids):
            assert time.monotonic() < deadline, "service did not pick up the new index"
            time.sleep(0.2)
    finally:
        hammer.stop.set()
        hammer.join(timeout=60)

    failures = [s for s in hammer.statuses if s != 200]
    assert len(hammer.statuses) >= 10, "too few searches ran during the re-import"
    assert failures == [], (
        f"{len(failures)} of {len(hammer.statuses)} searches failed: {failures[:5]}"
    )

    # the imported offers are now searchable: look each sample's first offer up by its title
    for source in (imported_file, csv_file):
        offer = json.loads(source.read_text(encoding="utf-8"))["offers"][0]
        hits = client.post("/search", json={"query": offer["title"], "limit": 10}).json()["items"]
        assert offer["id"] in [h["offer_id"] for h in hits], offer["title"]


def test_withdrawn_offers_disappear_from_the_running_service(live_service, tmp_path: Path) -> None:
    client, catalogue, index, env = live_service
    imported_file = catalogue / "imported_ba.json"
    first = _run(
        "-m", "knowledge.importers", "ba", str(BA_SAMPLE), "--out", str(imported_file), env=env
    )
    assert first.returncode == 0, first.stdout
    assert (
        _run(
            "-m",
            "search.cli",
            "build-index",
            "--catalogue",
            str(catalogue),
            "--out",
            str(index),
            env=env,
        ).returncode
        == 0
    )
    ids = sorted(_imported_ids(imported_file))
    assert len(ids) >= 2

    # the agency withdraws one course: deliver the same export without that record
    data = json.loads(BA_SAMPLE.read_text(encoding="utf-8"))
    termine = data["_embedded"]["termine"]
    withdrawn = f"ba-{termine[0]['id']}"
    assert withdrawn in ids
    data["_embedded"]["termine"] = termine[1:]
    smaller = tmp_path / "ba_second_delivery.json"
    smaller.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # same source name as the first delivery, so the merge treats it as an update
    second = _run(
        "-m", "knowledge.importers", "ba", str(smaller), "--out", str(imported_file), env=env
    )
    assert second.returncode == 0, second.stdout
    assert "entfernt: 1" in second.stdout
    assert (
        _run(
            "-m",
            "search.cli",
            "build-index",
            "--catalogue",
            str(catalogue),
            "--out",
            str(index),
            env=env,
        ).returncode
        == 0
    )

    deadline = time.monotonic() + 30
    offer_title = termine[0]["angebot"]["titel"]
    while True:
        hits = client.post("/search", json={"query": offer_title, "limit": 20}).json()["items"]
        if withdrawn not in [h["offer_id"] for h in hits]:
            break
        assert time.monotonic() < deadline, "withdrawn offer is still served"
        time.sleep(0.2)
