"""Start the Matrix bridge: ``python -m bridge.matrix`` (``make run`` starts it from the Procfile).

Configuration comes from the environment only (:mod:`bridge.matrix.settings`). Without it (or
with an invalid one) the process prints one line and waits, so that honcho (which stops every
process when one exits) keeps the rest of the stack running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from bot.channels.sender_ids import SenderSecretMissing, sender_secret
from bridge.matrix.settings import is_configured, load_settings


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _run() -> int:
    if not is_configured():
        print("Matrix not configured; bridge idle", flush=True)
        await _wait_for_signal()
        return 0
    try:
        settings = load_settings()
        secret = sender_secret()
    except (ValueError, SenderSecretMissing) as exc:
        # a broken configuration must not stop the rest of the stack either
        print(f"Matrix bridge not started: {exc}; bridge idle", file=sys.stderr, flush=True)
        await _wait_for_signal()
        return 0
    from bridge.matrix.bridge import MatrixBridge  # needs matrix-nio (.venv-matrix)

    bridge = MatrixBridge(settings, secret)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bridge.stop)
    task = asyncio.ensure_future(bridge.run())
    stopper = asyncio.ensure_future(bridge.stopped())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        stopper.cancel()
        await bridge.close()
    return 0


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # matrix-nio and peewee may name rooms, users or events at lower levels
    for name in ("nio", "peewee", "aiohttp"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return asyncio.run(_run())


if __name__ == "__main__":
    sys.exit(main())
