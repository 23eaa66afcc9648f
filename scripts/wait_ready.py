"""Wait until every process of the stack answers its health check.

Used in two ways:
- ``python scripts/wait_ready.py --hold`` as the ``ready`` entry of the Procfile: prints the chat URL once
  everything is up, then idles until honcho stops it (so ``make run`` shows when the page is usable);
- imported by ``scripts/with_stack.py`` before the integration tests run.
"""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import sys
import time
import urllib.error
import urllib.request


def endpoints() -> dict[str, str]:
    """Health URLs of the six processes (ports from the same env vars the Procfile uses).

    Rasa's ``/`` answers with and without the HTTP API (``/status`` needs a token when the API is on)
    and only after the model is loaded; the proxy's ``/`` is the chat page through the public entry.
    """
    rasa = os.environ.get("RASA_PORT", "5005")
    actions = os.environ.get("ACTION_PORT", "5055")
    search = os.environ.get("SEARCH_PORT", "8000")
    web = os.environ.get("WEB_PORT", "8081")
    staff = os.environ.get("STAFF_PORT", "8082")
    return {
        "rasa": f"http://127.0.0.1:{rasa}/",
        "actions": f"http://127.0.0.1:{actions}/health",
        "search": f"http://127.0.0.1:{search}/health",
        "web": f"http://127.0.0.1:{web}/health",
        "staff": f"http://127.0.0.1:{staff}/health",
        "proxy": f"{proxy_url()}/",
    }


def proxy_url() -> str:
    """The public entry's URL as the proxy answers it locally (PUBLIC_URL is what citizens open)."""
    scheme = "https" if os.environ.get("PROXY_TLS_CERT") else "http"
    listen = os.environ.get("PROXY_LISTEN", "127.0.0.1")
    host = "127.0.0.1" if listen in ("0.0.0.0", "[::]", "*") else listen
    return f"{scheme}://{host}:{os.environ.get('PROXY_PORT', '8080')}"


def _up(url: str) -> bool:
    try:
        context = ssl._create_unverified_context() if url.startswith("https") else None  # own cert
        with urllib.request.urlopen(url, timeout=2, context=context) as resp:  # noqa: S310 (local URL)
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(timeout_s: float = 240.0) -> dict[str, float]:
    """Poll all health URLs; return seconds until each came up. Raises TimeoutError naming the laggards."""
    start = time.monotonic()
    pending = endpoints()
    ready: dict[str, float] = {}
    while pending:
        for name, url in list(pending.items()):
            if _up(url):
                ready[name] = round(time.monotonic() - start, 1)
                del pending[name]
        if not pending:
            break
        if time.monotonic() - start > timeout_s:
            raise TimeoutError(f"not ready after {timeout_s:.0f} s: {', '.join(sorted(pending))}")
        time.sleep(0.5)
    return ready


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--hold", action="store_true", help="after printing, idle until terminated")
    args = parser.parse_args()
    try:
        ready = wait_until_ready(args.timeout)
    except TimeoutError as exc:
        print(f"Bildungslotse: {exc}", file=sys.stderr, flush=True)
        return 1
    url = os.environ.get("PUBLIC_URL") or proxy_url()
    print(f"Bildungslotse is up after {max(ready.values()):.1f} s: open {url}", flush=True)
    if args.hold:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
