"""Retention: delete conversations whose newest event is older than the retention period, with
their rows in the application database, and callback requests older than theirs.

The deleting itself is :mod:`appdb.deletion`; this module schedules it. Runs at server start and
then periodically (``retention_loop``, started by ``web.server``), and as a command::

    python -m web.retention [--days N] [--db-url URL] [--dry-run]

(``--db-url``: Rasa's tracker database, default ``WEB_TRACKER_DB_URL``; the application database
is ``APP_DB_URL``.) Only counts are logged, never sender ids or message text.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from appdb.deletion import ConversationDeleter
from web.settings import REPO_ROOT, get_settings, resolve_sqlite_path

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class RetentionResult:
    """What one retention run deleted."""

    conversations: int
    events: int
    callback_requests: int


def cutoff_timestamp(retention_days: int, now: float | None = None) -> float:
    """Unix time before which a conversation's newest event makes it expire."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    current = time.time() if now is None else now
    return current - retention_days * SECONDS_PER_DAY


def run_retention(
    db: ConversationDeleter,
    retention_days: int,
    now: float | None = None,
    callback_retention_days: int | None = None,
) -> RetentionResult:
    """Delete expired conversations (and their application rows) once; with
    ``callback_retention_days`` also expired callback requests and those whose conversation is
    gone. Logs the counts."""
    current = time.time() if now is None else now
    result = db.purge_older_than(cutoff_timestamp(retention_days, current))
    callbacks = result.app_rows
    if callback_retention_days is not None:
        today = dt.date.fromtimestamp(current)
        callbacks += db.purge_callback_requests(callback_retention_days, today)
    logger.info(
        "Retention (%d days): deleted %d conversations (%d events), %d callback requests",
        retention_days,
        result.conversations,
        result.events,
        callbacks,
    )
    return RetentionResult(result.conversations, result.events, callbacks)


async def retention_loop(
    db: ConversationDeleter,
    retention_days: int,
    interval_seconds: float,
    run_first: bool = True,
    callback_retention_days: int | None = None,
) -> None:
    """Run the retention job every ``interval_seconds`` until cancelled.

    Errors are logged and the loop goes on, so a briefly locked or unreachable
    database does not stop later runs.
    """
    if not run_first:
        await asyncio.sleep(interval_seconds)
    while True:
        try:
            await asyncio.to_thread(
                run_retention, db, retention_days, None, callback_retention_days
            )
        except Exception:  # noqa: BLE001 - keep the daily job alive
            logger.exception("Retention run failed")
        await asyncio.sleep(interval_seconds)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; prints the number of deleted (or, with --dry-run, expired) conversations."""
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m web.retention",
        description="Delete chat conversations older than the retention period from Rasa's SQL "
        "tracker store, with their rows in the application database (APP_DB_URL), and expired "
        "callback requests.",
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
    db = ConversationDeleter(
        resolve_sqlite_path(args.db_url, REPO_ROOT), settings.resolved_app_db_url
    )
    try:
        if args.dry_run:
            expired = db.expired_sender_ids(cutoff_timestamp(args.days))
            print(f"{len(expired)} conversations older than {args.days} days (dry run)")
        else:
            result = run_retention(db, args.days, None, settings.callback_retention_days)
            print(
                f"deleted {result.conversations} conversations ({result.events} events), "
                f"{result.callback_requests} callback requests"
            )
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
