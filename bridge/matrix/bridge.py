"""The Matrix bridge: syncs as the bot account, forwards citizens' messages to Rasa, sends replies.

- **Privacy.** Rasa gets ``pseudonym("matrix", user_id, CHANNEL_SENDER_SECRET)`` as the sender, never
  the Matrix user id; the way back (pseudonym -> room id) is only in :class:`BridgeStore`. Nothing
  logged here names a user, a room, an event or message text (only kinds and counts), and the
  matrix-nio loggers are set to ERROR.
- **Encryption.** matrix-nio with vodozemac; the crypto store (the bot device's keys and the Megolm
  sessions) lives in ``MATRIX_STORE_DIR/crypto``. Device trust: the bot verifies no device; it
  encrypts its replies to every current device of the room's members ("ignore unverified devices",
  i.e. like trust on first use without pinning), see docs/channels.md.
- **Restart safety.** The sync token is saved after a sync's events were handled; every message is
  claimed in the store before it goes to Rasa, so a message delivered again after a restart or a
  homeserver restart is never answered twice (at most once: a crash between claim and reply loses
  that one answer).
- **Limits.** Per sender: ``MATRIX_MESSAGES_PER_MINUTE`` (:class:`NewConversationLimiter` counting
  event ids per pseudonym); longer messages than ``MAX_MESSAGE_CHARS`` are cut after one more
  character, so the bot's input guard answers "too long" as on the page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomEncryptedMedia,
    RoomMessageMedia,
    RoomMessageText,
    RoomMessageUnknown,
    SyncError,
    WhoamiResponse,
)
from nio.exceptions import (
    EncryptionError,
    LocalProtocolError,
    OlmUnverifiedDeviceError,
    SendRetryError,
)

import i18n
from bot.channels.limits import NewConversationLimiter
from bot.channels.sender_ids import pseudonym
from bridge.matrix.rasa import (
    PAYLOAD_DELETE_CONVERSATION,
    BotClient,
    BotUnavailable,
    structured_payload,
)
from bridge.matrix.render import content_of, render_message
from bridge.matrix.settings import MatrixSettings
from bridge.matrix.store import BridgeStore

logger = logging.getLogger(__name__)

CHANNEL = "matrix"
SYNC_TIMEOUT_MS = 30_000
PURGE_EVERY_S = 3600.0
#: on the very first start (no sync token) older messages are history, not questions
FRESH_START_SLACK_MS = 60_000
PENDING_KEEP_S = 300.0
MAX_REMEMBERED = 10_000


class MatrixBridge:
    """One bot account on one homeserver."""

    def __init__(self, settings: MatrixSettings, secret: bytes) -> None:
        self.settings = settings
        self._secret = secret
        settings.store_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        crypto_dir = settings.store_dir / "crypto"
        crypto_dir.mkdir(exist_ok=True, mode=0o700)
        self.store = BridgeStore(settings.store_dir / "bridge.sqlite3", settings.retention_days)
        self.limiter = NewConversationLimiter(settings.messages_per_minute)
        self.bot = BotClient(settings.webhook_url, settings.web_url)
        config = AsyncClientConfig(
            encryption_enabled=True, store_sync_tokens=False, max_timeout_retry_wait_time=5
        )
        self.client = AsyncClient(
            settings.homeserver,
            settings.user_id,
            device_id=self.store.get("device_id") or "",
            store_path=str(crypto_dir),
            config=config,
        )
        self._fresh = self.store.sync_token is None
        self._started_ms = int(time.time() * 1000)
        self._warned: OrderedDict[str, float] = OrderedDict()
        self._pending: dict[str, tuple[MatrixRoom, MegolmEvent, float]] = {}
        self._stop = asyncio.Event()
        self._skipped = 0  # events delivered again (restarts) and not answered twice

    # ------------------------------------------------------------------ start / stop
    async def login(self) -> None:
        """Log in (access token or password) and load the crypto store."""
        s = self.settings
        if s.access_token:
            device_id = self.store.get("device_id")
            if not device_id:
                self.client.access_token = s.access_token
                who = await self.client.whoami()
                if not isinstance(who, WhoamiResponse) or not who.device_id:
                    raise RuntimeError("the access token was refused or names no device")
                device_id = who.device_id
            self.client.restore_login(s.user_id, device_id, s.access_token)
        else:
            assert s.password is not None
            resp = await self.client.login(s.password, device_name=s.device_name)
            if not isinstance(resp, LoginResponse):
                raise RuntimeError("Matrix login failed")
            device_id = resp.device_id
        self.store.put("device_id", device_id)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self.client.add_event_callback(self._on_invite, InviteMemberEvent)
        self.client.add_event_callback(self._on_text, RoomMessageText)
        self.client.add_event_callback(
            self._on_other,
            (RoomMessageMedia, RoomEncryptedMedia, RoomMessageUnknown),
        )
        self.client.add_event_callback(self._on_undecrypted, MegolmEvent)

    def stop(self) -> None:
        self._stop.set()

    async def stopped(self) -> None:
        """Return once :meth:`stop` was called."""
        await self._stop.wait()

    async def close(self) -> None:
        await self.bot.close()
        await self.client.close()
        self.store.close()

    async def run(self) -> None:
        """Sync until :meth:`stop`. Nothing here ends the process (honcho would stop the whole
        stack): a failed login, a missing homeserver or an error in one round is logged (kind
        only) and retried with backoff."""
        delay = 1.0
        while not self._stop.is_set():
            try:
                await self.login()
                break
            except Exception as exc:  # wrong credentials, homeserver errors: retried
                logger.error("Matrix login failed (%s); retrying", type(exc).__name__)
                await self._sleep(delay)
                delay = min(delay * 2, 60.0)
        logger.info("Matrix bridge running (encryption on, store in MATRIX_STORE_DIR)")
        first = True
        last_purge = 0.0
        delay = 1.0
        while not self._stop.is_set():
            try:
                synced = await self._sync_round(first)
            except (
                Exception
            ) as exc:  # one round failed; its events come again (claimed ones skipped)
                logger.error("sync round failed (%s); retrying", type(exc).__name__)
                synced = False
            if not synced:
                await self._sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            delay = 1.0
            first = False
            if time.monotonic() - last_purge > PURGE_EVERY_S:
                senders, events = self.store.purge()
                logger.info("retention: %d mappings, %d event digests deleted", senders, events)
                last_purge = time.monotonic()

    async def _sync_round(self, first: bool) -> bool:
        """One sync (its events are handled by the callbacks inside), then the token is saved."""
        try:
            resp = await self.client.sync(
                timeout=0 if first else SYNC_TIMEOUT_MS,
                since=self.store.sync_token if first else None,
                full_state=first,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("sync failed (%s); retrying", type(exc).__name__)
            return False
        if isinstance(resp, SyncError):
            logger.warning("sync refused by the homeserver (%s); retrying", resp.status_code)
            return False
        await self._retry_pending()
        if self._skipped:
            logger.info("%d messages already handled were skipped", self._skipped)
            self._skipped = 0
        self.store.save_sync_token(resp.next_batch)
        await self._maintain_keys()
        return True

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _maintain_keys(self) -> None:
        client = self.client
        await client.send_to_device_messages()
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())

    # ------------------------------------------------------------------ events
    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.client.user_id and event.membership == "invite":
            await self.client.join(room.room_id)
            logger.info("joined a room on invitation")

    def _is_for_us(self, room: MatrixRoom, event: Any) -> bool:
        """A new message of someone else in a direct chat (bot + one person)."""
        if event.sender == self.client.user_id:
            return False
        if self._fresh and event.server_timestamp < self._started_ms - FRESH_START_SLACK_MS:
            return False
        if room.member_count > 2:
            return False  # group rooms: replies would be seen by others (docs/channels.md)
        if self.store.claim(event.event_id):
            return True
        self._skipped += 1
        return False

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if self._is_for_us(room, event):
            await self._handle(room.room_id, event.sender, event.event_id, event.body)

    async def _on_other(self, room: MatrixRoom, event: Any) -> None:
        if self._is_for_us(room, event):
            sender = self._pseudonym(event.sender)
            if self.store.touch(sender, room.room_id):
                await self._send_notice(room.room_id)
            if self.limiter.allow(sender, event.event_id):
                await self._send(room.room_id, i18n.text("channel.text_only"))

    async def _on_undecrypted(self, room: MatrixRoom, event: MegolmEvent) -> None:
        """No key (yet) for an encrypted message: ask for it and try again after later syncs."""
        if event.sender == self.client.user_id or self.store.was_handled(event.event_id):
            return
        if len(self._pending) >= MAX_REMEMBERED:
            return
        self._pending[event.event_id] = (room, event, time.monotonic())
        try:
            await self.client.request_room_key(event)
        except LocalProtocolError:
            pass  # already requested
        logger.info("an encrypted message could not be decrypted yet; key requested")

    async def _retry_pending(self) -> None:
        for event_id, (room, event, since) in list(self._pending.items()):
            try:
                decrypted = self.client.decrypt_event(event)
            except EncryptionError:  # still no key
                decrypted = None
            if isinstance(decrypted, RoomMessageText):
                del self._pending[event_id]
                await self._on_text(room, decrypted)
            elif time.monotonic() - since > PENDING_KEEP_S:
                del self._pending[event_id]
                logger.warning("an encrypted message stayed undecryptable; dropped")

    # ------------------------------------------------------------------ one message
    def _pseudonym(self, user_id: str) -> str:
        return pseudonym(CHANNEL, user_id, self._secret)

    async def _handle(self, room_id: str, user_id: str, event_id: str, body: str) -> None:
        sender = self._pseudonym(user_id)
        if self.store.touch(sender, room_id):
            await self._send_notice(room_id)
        if not self.limiter.allow(sender, event_id):
            if time.monotonic() - self._warned.get(sender, -1e9) > 60.0:
                _remember(self._warned, sender, time.monotonic())
                await self._send(room_id, i18n.text("channel.rate_limited"))
            logger.info("message limit reached for a sender; message dropped")
            return
        text = body[: self.settings.max_message_chars + 1]
        try:
            answers = await self.bot.send(sender, text)
        except BotUnavailable as exc:
            logger.warning("bot unavailable (%s)", exc)
            await self._send(room_id, i18n.text("matrix.unavailable"))
            return
        for answer in answers:
            await self._deliver(room_id, sender, answer)

    async def _deliver(self, room_id: str, sender: str, answer: dict[str, Any]) -> None:
        for text, html in render_message(answer):
            await self._send(room_id, text, html)
        payload = structured_payload(answer)
        if payload is not None and payload.get("type") == PAYLOAD_DELETE_CONVERSATION:
            deleted = await self.bot.delete_conversation(sender)
            self.store.forget(sender)
            logger.info(
                "conversation deletion on request (stored conversation deleted: %s)", deleted
            )

    async def _send_notice(self, room_id: str) -> None:
        """The privacy notice of the page (first contact, again after deletion or retention)."""
        await self._send(
            room_id,
            i18n.text(
                "channel.privacy_notice", channel="Matrix", days=self.settings.retention_days
            ),
        )

    async def _send(self, room_id: str, text: str, html: str | None = None) -> None:
        try:
            resp = await self.client.room_send(
                room_id, "m.room.message", content_of(text, html), ignore_unverified_devices=True
            )
        except (
            LocalProtocolError,
            OlmUnverifiedDeviceError,
            SendRetryError,
            aiohttp.ClientError,
            TimeoutError,
        ) as exc:
            logger.warning("reply not sent (%s)", type(exc).__name__)
            return
        if not hasattr(resp, "event_id"):
            logger.warning("reply refused by the homeserver")


def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    """Insert into a bounded most-recently-used map."""
    cache.pop(key, None)
    cache[key] = value
    if len(cache) > MAX_REMEMBERED:
        cache.popitem(last=False)
