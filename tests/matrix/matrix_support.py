"""Test harness of the Matrix channel: a real synapse (test-only, AGPL-3.0, from .venv-synapse, run
as a separate process and never imported), the bridge as its own process, and a citizen's
matrix-nio client with end-to-end encryption.

Ports: the first free one of MATRIX_TEST_PORTS (default 9290-9299) for the homeserver.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageText,
    RoomPreset,
)

from tests.prereq import missing

ROOT = Path(__file__).resolve().parents[2]
SYNAPSE_PYTHON = ROOT / ".venv-synapse" / "bin" / "python"
MATRIX_PYTHON = ROOT / ".venv-matrix" / "bin" / "python"
SERVER_NAME = "bildungslotse.test"
SHARED_SECRET = "test-registration-secret"


def free_port() -> int:
    first, last = (int(p) for p in os.environ.get("MATRIX_TEST_PORTS", "9290-9299").split("-"))
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


def _relaxed(per_second: float = 1000, burst: int = 1000) -> dict[str, Any]:
    return {"per_second": per_second, "burst_count": burst}


def synapse_config(directory: Path, port: int) -> dict[str, Any]:
    """A homeserver for one test run: SQLite, no federation, relaxed rate limits."""
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "log_config": str(directory / "log.yaml"),
        "registration_shared_secret": SHARED_SECRET,
        "enable_registration": False,
        "report_stats": False,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "rc_message": _relaxed(),
        "rc_registration": _relaxed(),
        "rc_login": {
            "address": _relaxed(),
            "account": _relaxed(),
            "failed_attempts": _relaxed(),
        },
        "rc_joins": {"local": _relaxed(), "remote": _relaxed()},
        "rc_invites": {"per_room": _relaxed(), "per_user": _relaxed(), "per_issuer": _relaxed()},
        "rc_key_requests": _relaxed(),
        "rc_3pid_validation": _relaxed(),
    }


LOG_CONFIG = """version: 1
formatters: {plain: {format: '%(asctime)s %(levelname)s %(name)s %(message)s'}}
handlers: {file: {class: logging.FileHandler, filename: LOGFILE, formatter: plain}}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
"""


class Synapse:
    """A synapse process in ``directory`` (kept over restarts: same users, rooms and keys)."""

    def __init__(self, directory: Path) -> None:
        if not SYNAPSE_PYTHON.exists():
            missing("the test homeserver .venv-synapse", "make test-venvs")
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = directory / "homeserver.yaml"
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "log.yaml").write_text(
            LOG_CONFIG.replace("LOGFILE", str(directory / "homeserver.log")), encoding="utf-8"
        )
        # JSON is YAML
        self.config_path.write_text(
            json.dumps(synapse_config(directory, self.port), indent=1), encoding="utf-8"
        )
        subprocess.run(
            [
                str(SYNAPSE_PYTHON),
                "-m",
                "synapse.app.homeserver",
                "-c",
                str(self.config_path),
                "--generate-keys",
            ],
            check=True,
            cwd=directory,
            capture_output=True,
        )

    def start(self, timeout: float = 120.0) -> None:
        out = (self.directory / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            cwd=self.directory,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"synapse exited; see {self.directory}/stdout.log")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError("synapse did not become healthy")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def register(self, localpart: str, password: str) -> str:
        """A user via the shared-secret admin API (what register_new_matrix_user does)."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with urllib.request.urlopen(endpoint, timeout=10) as resp:
            nonce = json.load(resp)["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join([nonce.encode(), localpart.encode(), password.encode(), b"notadmin"])
        )
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": False,
            "mac": mac.hexdigest(),
        }
        request = urllib.request.Request(
            endpoint, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return str(json.load(resp)["user_id"])


def login_token(synapse: Synapse, user_id: str, password: str) -> str:
    """An access token of a new device (what an operator puts into MATRIX_ACCESS_TOKEN)."""
    body = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": password,
        "initial_device_display_name": "Bildungslotse (token)",
    }
    request = urllib.request.Request(
        f"{synapse.url}/_matrix/client/v3/login",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        return str(json.load(resp)["access_token"])


class Bridge:
    """The bridge as its own process (``python -m bridge.matrix``), output in ``log_path``."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(MATRIX_PYTHON), "-m", "bridge.matrix"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process is None:
            return 0
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def bridge_env(
    synapse: Synapse, bot_user: str, password: str, store: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIX_")}
    env.update(
        MATRIX_HOMESERVER=synapse.url,
        MATRIX_USER_ID=bot_user,
        MATRIX_PASSWORD=password,
        MATRIX_STORE_DIR=str(store),
        CHANNEL_SENDER_SECRET=env.get("CHANNEL_SENDER_SECRET") or "t" * 40,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class Citizen:
    """A citizen's Matrix client (matrix-nio, E2E on) that syncs in the background."""

    def __init__(self, homeserver: str, user_id: str, password: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.client = AsyncClient(
            homeserver,
            user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, max_timeout_retry_wait_time=2),
        )
        self.received: list[RoomMessageText] = []
        self.undecryptable: list[MegolmEvent] = []
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Citizen:
        resp = await self.client.login(self.password, device_name="citizen")
        assert isinstance(resp, LoginResponse), resp
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        await self.client.sync(timeout=0, full_state=True)
        self.client.add_event_callback(self._on_text, RoomMessageText)  # type: ignore[arg-type]
        self.client.add_event_callback(self._on_megolm, MegolmEvent)  # type: ignore[arg-type]
        self._task = asyncio.ensure_future(self.client.sync_forever(timeout=3000))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender != self.client.user_id:
            self.received.append(event)

    async def _on_megolm(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self.undecryptable.append(event)

    async def open_encrypted_dm(self, bot_user: str, timeout: float = 60.0) -> str:
        """Create an encrypted direct chat with the bot and wait until it joined."""
        resp = await self.client.room_create(
            is_direct=True,
            invite=[bot_user],
            preset=RoomPreset.trusted_private_chat,
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        assert isinstance(resp, RoomCreateResponse), resp
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            members = await self.client.joined_members(resp.room_id)
            if bot_user in [m.user_id for m in getattr(members, "members", [])]:
                await asyncio.sleep(1.0)  # let the sync loop see the join
                return resp.room_id
            await asyncio.sleep(0.5)
        raise TimeoutError("the bot did not join the room")

    async def say(self, room_id: str, text: str) -> None:
        resp = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert hasattr(resp, "event_id"), resp

    async def replies(self, count: int, timeout: float = 120.0, quiet: float = 0.0) -> list[str]:
        """Wait for ``count`` new bot messages (then ``quiet`` seconds more); return all new ones."""
        start = len(self.received)
        deadline = time.monotonic() + timeout
        while len(self.received) - start < count and time.monotonic() < deadline:
            await asyncio.sleep(0.3)
        if quiet:
            await asyncio.sleep(quiet)
        return [e.body for e in self.received[start:]]

    def mark(self) -> int:
        return len(self.received)

    def since(self, mark: int) -> list[str]:
        return [e.body for e in self.received[mark:]]
