"""New-conversation limit per client (sliding window, bounded memory). Stdlib only."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class NewConversationLimiter:
    """Allow at most ``per_minute`` distinct new conversation ids per client in any 60 s window.

    Re-opening a conversation already counted for the client in the window (reconnects, page reloads)
    does not count again. At most ``max_clients`` clients are tracked; the least recently seen is
    forgotten first, so a flood of addresses cannot exhaust memory.
    """

    def __init__(
        self,
        per_minute: int,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self._clock = clock
        self._seen: OrderedDict[str, deque[tuple[float, str]]] = OrderedDict()

    def allow(self, client: str, conversation_id: str) -> bool:
        """Record ``conversation_id`` for ``client``; False when it is new and over the limit."""
        now = self._clock()
        window = self._seen.pop(client, None) or deque()
        while window and now - window[0][0] >= 60.0:
            window.popleft()
        self._seen[client] = window
        if len(self._seen) > self.max_clients:
            self._seen.popitem(last=False)
        if any(cid == conversation_id for _, cid in window):
            return True
        if len(window) >= self.per_minute:
            return False
        window.append((now, conversation_id))
        return True
