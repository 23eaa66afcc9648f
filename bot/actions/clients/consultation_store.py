"""Consultation handover (issue 13): the snapshot a citizen agreed to hand over to a counsellor.

One row per handover in ``consultations`` (:mod:`appdb.schema`; origin "chat") in the
application database (``APP_DB_URL``; created by ``python -m appdb upgrade``, never here). The
row holds the snapshot (JSON, :mod:`bot.actions.utils.handover`), the profile (JSON, the
counsellor's working copy), whether the chat text is included, the expiry of the code
(``STAFF_HANDOVER_TTL_DAYS``) and the SHA-256 of the code; the code itself is returned once
to be shown in the chat and is not stored. ``sender_id`` keys the row to its conversation so
that deleting the conversation deletes (unclaimed) or anonymises (claimed) it
(:func:`appdb.deletion.release_consultations`).

SQLAlchemy Core only: runs with SQLAlchemy 1.4 (bot env) and 2.x (app env). Nothing here logs a
code, a sender id or any snapshot value.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from appdb import deletion, handover_codes
from appdb.engine import get_engine, log_store_failure
from appdb.schema import consultations

logger = logging.getLogger(__name__)

TABLE_NAME = consultations.name
ORIGIN_CHAT = "chat"
_ATTEMPTS = 3  # new code on the (astronomically rare) clash with a stored hash


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def write(
    url: str,
    sender_id: str,
    snapshot: Mapping[str, Any],
    profile: Mapping[str, Any],
    includes_chat_text: bool,
    now: dt.datetime,
    ttl_days: int,
) -> str | None:
    """Store the snapshot; return the code to show (None if the database fails).

    Expired unclaimed snapshots are purged in the same transaction. ``now`` is naive UTC.
    """
    engine = get_engine(url)
    expires = now + dt.timedelta(days=ttl_days)
    for _ in range(_ATTEMPTS):
        code = handover_codes.new_code()
        try:
            with engine.begin() as conn:
                deletion.purge_expired_consultations(conn, now)
                conn.execute(
                    consultations.insert().values(
                        code_hash=handover_codes.code_hash(code),
                        sender_id=sender_id,
                        origin=ORIGIN_CHAT,
                        snapshot=_dumps(snapshot),
                        includes_chat_text=bool(includes_chat_text),
                        profile=_dumps(profile),
                        created_at=now,
                        expires_at=expires,
                        updated_at=now,
                    )
                )
        except sa.exc.IntegrityError:
            continue  # code hash already taken: draw another code
        except sa.exc.SQLAlchemyError as exc:
            log_store_failure(logger, "consultation", engine, TABLE_NAME, exc)
            return None
        return code
    logger.warning("consultation not stored: no free code after %d attempts", _ATTEMPTS)
    return None


def count_for_sender(url: str, sender_id: str) -> int:
    """Number of consultations stored for ``sender_id`` (tests, deletion checks)."""
    stmt = sa.select(sa.func.count()).where(consultations.c.sender_id == sender_id)
    with get_engine(url).connect() as conn:
        return int(conn.execute(stmt).scalar_one())
