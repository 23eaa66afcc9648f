"""Start the Rasa server (the ``rasa`` entry of the Procfile): channels only, HTTP API off by default.

    python scripts/run_rasa.py

Settings: RASA_PORT (5005), RASA_ENDPOINTS (endpoints.yml), RASA_ENABLE_API (false). With
RASA_ENABLE_API=true the HTTP API is switched on with JWT (RS256) only: RASA_JWT_PUBLIC_KEY names the
PEM public key; tokens are signed elsewhere with the private key (``scripts/rasa_api_token.py``), which
Rasa never sees. Rasa listens on 127.0.0.1 only and gets no ``--cors`` (the proxy makes the page
same-origin); no secret appears on the command line. Rasa runs as ``python -m bot.rasa_server`` (Rasa's
command line with a cheaper check of the action server's answers, see that module). Stdlib only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# sanic-jwt insists on a private key for RS256 although Rasa only verifies tokens; this placeholder is
# not a key (signing with it fails) and Rasa's /auth route refuses direct logins anyway.
NO_PRIVATE_KEY = "not-held-by-rasa"


def rasa_args(env: Mapping[str, str]) -> list[str]:
    """Arguments of ``rasa`` for the given environment (ValueError on an incomplete API set-up)."""
    args = [
        "run",
        "-i",
        "127.0.0.1",
        "--port",
        env.get("RASA_PORT", "5005"),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        env.get("RASA_ENDPOINTS", "endpoints.yml"),
        "--model",
        "models",
    ]
    if env.get("RASA_ENABLE_API", "false").strip().lower() in ("1", "true", "yes"):
        key = env.get("RASA_JWT_PUBLIC_KEY", "").strip()
        if not key or not Path(key).is_file():
            raise ValueError(
                "RASA_ENABLE_API=true needs RASA_JWT_PUBLIC_KEY (a PEM public key file)"
            )
        text = Path(key).read_text(encoding="ascii", errors="replace")
        if "PRIVATE KEY" in text or "PUBLIC KEY" not in text:
            raise ValueError("RASA_JWT_PUBLIC_KEY must be a PEM public key, not a private key")
        args += [
            "--enable-api",
            "--jwt-method",
            "RS256",
            "--jwt-secret",
            str(Path(key).resolve()),
            "--jwt-private-key",
            NO_PRIVATE_KEY,
        ]
    return args


def main() -> int:
    try:
        args = rasa_args(os.environ)
    except ValueError as exc:
        print(f"rasa: {exc}", file=sys.stderr)
        return 2
    python = ROOT / ".venv-bot" / "bin" / "python"
    os.chdir(ROOT)
    # Rasa's own command line, with the action-answer check of bot/rasa_server.py
    os.execv(str(python), [str(python), "-m", "bot.rasa_server", *args])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
