"""Housekeeping of the staff data: expired sessions and identity-provider sign-ins in progress,
sign-in failures older than the lockout window, access-log entries older than
``STAFF_ACCESS_LOG_RETENTION_DAYS``, and expired callback requests (``CALLBACK_RETENTION_DAYS``,
the same purge as the web server's retention job), unclaimed consultations whose code expired
(``STAFF_HANDOVER_TTL_DAYS``), claimed consultations without plans unchanged for
``STAFF_CONSULTATION_RETENTION_DAYS`` and failed code lookups older than their window, plans unchanged for
``STAFF_PLAN_RETENTION_DAYS`` and expired citizen links (:func:`staff.plan_links.purge`), and
raw demand rows older than ``DEMAND_RETENTION_MONTHS`` (kept as monthly counts,
:mod:`appdb.demand_retention`).

Runs in the staff process every ``STAFF_HOUSEKEEPING_INTERVAL_MINUTES`` (first at start-up) and
as ``python -m staff housekeeping``. Logs counts only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from appdb.deletion import purge_callback_requests
from appdb.demand_retention import purge_demand_records
from staff import access_log, consultations, lockout, plan_links, sessions
from staff.db import Clock
from staff.settings import StaffSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    sessions: int
    failures: int
    access_log: int
    callback_requests: int
    consultations: int = 0
    plans: int = 0
    plan_links: int = 0
    demand_records: int = 0


def run_once(engine: Engine, settings: StaffSettings, now: dt.datetime) -> Result:
    purged = plan_links.purge(engine, now, settings.plan_retention_days)
    result = Result(
        sessions=sessions.purge(engine, now, settings.timeouts),
        failures=lockout.purge(engine, now, settings.lockout),
        access_log=access_log.purge(engine, now, settings.access_log_retention_days),
        callback_requests=purge_callback_requests(
            engine, settings.callback_retention_days, now.date()
        ),
        consultations=consultations.purge_expired(engine, now)
        + consultations.purge_idle(engine, now, settings.consultation_retention_days),
        plans=purged.plans,
        plan_links=purged.links,
        demand_records=purge_demand_records(engine, settings.demand_retention_months, now.date()),
    )
    consultations.purge_lookup_failures(engine, now, settings.lookup_policy)
    logger.info(
        "staff housekeeping: %d sessions/sign-ins, %d sign-in failures, %d access-log entries, "
        "%d callback requests, %d consultations (expired codes, idle), %d plans, %d plan links, "
        "%d demand records (kept as monthly counts) deleted",
        result.sessions,
        result.failures,
        result.access_log,
        result.callback_requests,
        result.consultations,
        result.plans,
        result.plan_links,
        result.demand_records,
    )
    return result


async def loop(engine: Engine, settings: StaffSettings, clock: Clock) -> None:
    """Run :func:`run_once` now and then every interval until cancelled; errors are logged and
    the loop goes on."""
    while True:
        try:
            await asyncio.to_thread(run_once, engine, settings, clock())
        except Exception as exc:  # noqa: BLE001 - keep the periodic job alive
            logger.error("staff housekeeping failed: %s", type(exc).__name__)
        await asyncio.sleep(settings.housekeeping_interval_minutes * 60)
