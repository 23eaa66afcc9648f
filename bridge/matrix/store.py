"""The bridge's own state (SQLite in ``MATRIX_STORE_DIR``, stdlib only).

- ``meta``: the sync token (``next_batch``), saved after a sync's events were handled, and the
  bot's device id (password login keeps one device, so its crypto store stays valid);
- ``handled``: SHA-256 digests of the ids of events already handled (kept
  :data:`HANDLED_KEEP_DAYS` days): after a restart the homeserver may deliver the events of the
  last sync again, and none is answered twice;
- ``senders``: pseudonym -> room id and time of the last message. The only way back from a
  pseudonym to the citizen's room; deleted :attr:`retention_days` after the last message and on
  "Daten löschen". The Matrix user id itself is never stored.

No message text is stored.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

SECONDS_PER_DAY = 86400
HANDLED_KEEP_DAYS = 7

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS handled (digest TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS senders (
    pseudonym TEXT PRIMARY KEY, room_id TEXT NOT NULL, last_seen REAL NOT NULL
);
"""


def _digest(event_id: str) -> str:
    return hashlib.sha256(event_id.encode("utf-8")).hexdigest()


class BridgeStore:
    """Small synchronous store; each call is one short transaction."""

    def __init__(
        self, path: Path, retention_days: int, clock: Callable[[], float] = time.time
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retention_days = retention_days
        self._clock = clock
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        path.chmod(0o600)

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ meta
    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def put(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def sync_token(self) -> str | None:
        return self.get("next_batch")

    def save_sync_token(self, token: str) -> None:
        self.put("next_batch", token)

    # ------------------------------------------------------------------ handled events
    def claim(self, event_id: str) -> bool:
        """Mark the event handled; False when it already was (then it must not be answered)."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO handled (digest, at) VALUES (?, ?)",
            (_digest(event_id), self._clock()),
        )
        return cursor.rowcount == 1

    def was_handled(self, event_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM handled WHERE digest = ?", (_digest(event_id),)
        ).fetchone()
        return row is not None

    # ------------------------------------------------------------------ senders
    def room_of(self, pseudonym: str) -> str | None:
        """The room of a known (not expired) sender."""
        cutoff = self._clock() - self.retention_days * SECONDS_PER_DAY
        row = self._db.execute(
            "SELECT room_id FROM senders WHERE pseudonym = ? AND last_seen >= ?",
            (pseudonym, cutoff),
        ).fetchone()
        return str(row[0]) if row else None

    def touch(self, pseudonym: str, room_id: str) -> bool:
        """Record a message of ``pseudonym`` in ``room_id``; True on first contact (unknown or
        expired sender: then the privacy notice is due)."""
        first = self.room_of(pseudonym) is None
        self._db.execute(
            "INSERT INTO senders (pseudonym, room_id, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(pseudonym) DO UPDATE SET room_id = excluded.room_id, "
            "last_seen = excluded.last_seen",
            (pseudonym, room_id, self._clock()),
        )
        return first

    def forget(self, pseudonym: str) -> None:
        """Delete the mapping (after "Daten löschen")."""
        self._db.execute("DELETE FROM senders WHERE pseudonym = ?", (pseudonym,))

    def purge(self) -> tuple[int, int]:
        """Delete expired mappings and old handled-event digests; returns both counts."""
        now = self._clock()
        senders = self._db.execute(
            "DELETE FROM senders WHERE last_seen < ?",
            (now - self.retention_days * SECONDS_PER_DAY,),
        ).rowcount
        handled = self._db.execute(
            "DELETE FROM handled WHERE at < ?", (now - HANDLED_KEEP_DAYS * SECONDS_PER_DAY,)
        ).rowcount
        return senders, handled
