"""Retention: delete conversations whose newest event is older than the retention period.

Runs at server start and then periodically (``retention_loop``, started by ``web.server``),
and as a command::

    python -m web.retention [--days N] [--db-url URL] [--dry-run]

Only counts are logged, never sender ids or message text.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Sequence

from web.settings import REPO_ROOT, get_settings, resolve_sqlite_path
from web.tracker_db import PurgeResult, TrackerDB

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86400


def cutoff_timestamp(retention_days: int, now: float | None = None) -> float:
    """Unix time before which a conversation's newest event makes it expire."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    current = time.time() if now is None else now
    return current - retention_days * SECONDS_PER_DAY


def run_retention(db: TrackerDB, retention_days: int, now: float | None = None) -> PurgeResult:
    """Delete expired conversations once and log how many were removed."""
    result = db.purge_older_than(cutoff_timestamp(retention_days, now))
    logger.info(
        "Retention (%d days): deleted %d conversations (%d events)",
        retention_days,
        result.conversations,
        result.events,
    )
    return result


async def retention_loop(
    db: TrackerDB, retention_days: int, interval_seconds: float, run_first: bool = True
) -> None:
    """Run the retention job every ``interval_seconds`` until cancelled.

    Errors are logged and the loop goes on, so a briefly locked or unreachable
    database does not stop later runs.
    """
    if not run_first:
        await asyncio.sleep(interval_seconds)
    while True:
        try:
            await asyncio.to_thread(run_retention, db, retention_days)
        except Exception:  # noqa: BLE001 - keep the daily job alive
            logger.exception("Retention run failed")
        await asyncio.sleep(interval_seconds)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; prints the number of deleted (or, with --dry-run, expired) conversations."""
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m web.retention",
        description="Delete chat conversations older than the retention period "
        "from Rasa's SQL tracker store.",
    )
    parser.add_argument("--days", type=int, default=settings.retention_days)
    parser.add_argument(
        "--db-url", default=settings.tracker_db_url, help="SQLAlchemy URL of the tracker store"
    )
    parser.add_argument("--dry-run", action="store_true", help="only count expired conversations")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    db = TrackerDB(resolve_sqlite_path(args.db_url, REPO_ROOT))
    try:
        if args.dry_run:
            expired = db.expired_sender_ids(cutoff_timestamp(args.days))
            print(f"{len(expired)} conversations older than {args.days} days (dry run)")
        else:
            result = run_retention(db, args.days)
            print(f"deleted {result.conversations} conversations ({result.events} events)")
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
