"""Restart safety of the Matrix channel (``make test-slow``): the homeserver restarts in the middle of
a conversation, and the bridge restarts from an old sync token without answering anything twice."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.matrix.conftest import CITIZEN_PASSWORD
from tests.matrix.matrix_support import Citizen, Synapse
from tests.matrix.test_matrix_dm import FIRST, NOTICE_START, offer_titles, start_bridge

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def sync_token(store: Path) -> str:
    with sqlite3.connect(store / "bridge.sqlite3") as db:
        return str(db.execute("SELECT value FROM meta WHERE key = 'next_batch'").fetchone()[0])


def set_sync_token(store: Path, token: str) -> None:
    with sqlite3.connect(store / "bridge.sqlite3") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'next_batch'", (token,))


async def test_homeserver_and_bridge_restarts_without_double_answers(
    stack: str, synapse: Synapse, bot_user: str, citizen_user: str, work_dir: Path
) -> None:
    titles = offer_titles()
    bridge = start_bridge(synapse, bot_user, work_dir)
    try:
        async with Citizen(synapse.url, citizen_user, CITIZEN_PASSWORD, work_dir / "citizen") as me:
            room = await me.open_encrypted_dm(bot_user)
            await me.say(room, FIRST)
            first = await me.replies(2, quiet=3.0)
            assert first[0].startswith(NOTICE_START), first
            old_token = sync_token(work_dir / "store")

            # the homeserver goes away mid-conversation and comes back (same data)
            synapse.stop()
            await asyncio.sleep(3)
            assert bridge.running(), "a missing homeserver must not end the bridge"
            synapse.start()
            await asyncio.sleep(3)

            mark = me.mark()
            await me.say(room, "Teilzeit")
            await me.replies(1, timeout=120, quiet=5.0)
            offers = "\n".join(me.since(mark))
            assert sum(t in offers for t in titles) >= 3, offers

            # the bridge stops; a message arrives meanwhile; the bridge restarts from the OLD sync
            # token, so the homeserver delivers every event since the first answer again
            assert bridge.stop() == 0
            set_sync_token(work_dir / "store", old_token)
            mark = me.mark()
            await me.say(room, "Danke")
            await asyncio.sleep(2)
            assert me.since(mark) == [], "nobody answers while the bridge is down"
            bridge.start()
            await me.replies(1, timeout=120, quiet=10.0)
            after = me.since(mark)
            assert after, "the message sent while the bridge was down is answered after the restart"
            joined = "\n".join(after)
            assert not any(t in joined for t in titles), "offers must not be sent twice: " + joined
            assert NOTICE_START not in joined, after
            assert len(after) <= 2, after
            assert not me.undecryptable
            assert "messages already handled were skipped" in bridge.log(), (
                "the restart from the old token must have delivered handled messages again"
            )
    finally:
        bridge.stop()
