"""The new-conversation limiter of the channels (bot/channels/limits.py)."""

from __future__ import annotations

from bot.channels.limits import NewConversationLimiter


def test_limit_counts_distinct_ids_per_client_in_a_sliding_minute() -> None:
    now = [0.0]
    limiter = NewConversationLimiter(3, clock=lambda: now[0])
    assert all(limiter.allow("a", f"id{i}") for i in range(3))
    assert not limiter.allow("a", "id3")
    assert limiter.allow("a", "id1")  # reconnect to a counted conversation
    assert limiter.allow("b", "id9")  # other clients are not affected
    now[0] = 60.0
    assert limiter.allow("a", "id4")


def test_memory_is_bounded() -> None:
    limiter = NewConversationLimiter(1, max_clients=100)
    for i in range(1000):
        limiter.allow(f"10.0.{i // 256}.{i % 256}", "x")
    assert len(limiter._seen) == 100
