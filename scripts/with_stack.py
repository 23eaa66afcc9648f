"""Start the whole stack with honcho (the Procfile), wait until it is healthy, run a command, stop the stack.

    python scripts/with_stack.py -- pytest -m integration tests/

The command's exit code is returned. The stack's output goes to results/stack.log (no message text is logged
by the services at their default log levels).

Rasa's HTTP API is switched on for the tests the way an operator would do it (RASA_ENABLE_API=true, JWT RS256
with a key pair made for this run in build/rasa-api/); only the command gets a token, as BL_RASA_TOKEN.
Unless set, DEMO_DATA_SECRET (demo data, docs/monitoring.md) is a random value of this run, given to the stack
and to the command alike.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rasa_api_token import keygen, token  # noqa: E402
from wait_ready import wait_until_ready  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: with_stack.py -- <command ...>", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    log_path = ROOT / "results" / "stack.log"
    log_path.parent.mkdir(exist_ok=True)
    honcho = Path(sys.executable).with_name("honcho")
    private_key, public_key = keygen(ROOT / "build" / "rasa-api")
    base_env = {**os.environ}
    if not base_env.get("DEMO_DATA_SECRET"):
        base_env["DEMO_DATA_SECRET"] = secrets.token_hex(32)
    stack_env = {**base_env, "RASA_ENABLE_API": "true", "RASA_JWT_PUBLIC_KEY": str(public_key)}
    test_env = {**base_env, "BL_RASA_TOKEN": token(private_key, "bl-tests", "admin", 120)}
    with log_path.open("ab") as log:
        stack = subprocess.Popen(
            [str(honcho), "start", "-f", "Procfile"],
            cwd=ROOT,
            env=stack_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            try:
                ready = wait_until_ready(float(os.environ.get("BL_STACK_TIMEOUT", "300")))
            except TimeoutError as exc:
                print(f"stack did not start: {exc}; see {log_path}", file=sys.stderr)
                return 1
            print(f"stack ready: {ready}", flush=True)
            return subprocess.call(command, cwd=ROOT, env=test_env)
        finally:
            os.killpg(stack.pid, signal.SIGTERM)
            try:
                stack.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
