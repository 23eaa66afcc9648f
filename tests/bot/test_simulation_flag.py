"""The simulation flag of signed demo messages (bot/channels/simulation.py; stdlib only): valid,
wrong key, expired, from the future, replayed for another conversation, malformed; the REST
channel passes on only the boolean, never a client's metadata."""

from __future__ import annotations

import time

import pytest

from bot.channels import simulation as sim

SECRET = b"0123456789abcdef0123456789abcdef"
SENDER = "a" * 32
OTHER = "b" * 32


def test_a_fresh_signature_of_the_same_conversation_is_valid() -> None:
    assert sim.verify(SECRET, SENDER, sim.sign(SECRET, SENDER))


def test_wrong_key_is_refused() -> None:
    assert not sim.verify(SECRET, SENDER, sim.sign(b"another-secret-of-32-characters!", SENDER))


def test_expired_and_future_signatures_are_refused() -> None:
    now = time.time()
    old = sim.sign(SECRET, SENDER, now - sim.MAX_AGE_SECONDS - 5)
    assert not sim.verify(SECRET, SENDER, old, now=now)
    assert sim.verify(SECRET, SENDER, sim.sign(SECRET, SENDER, now - 60), now=now)
    future = sim.sign(SECRET, SENDER, now + sim.MAX_SKEW_SECONDS + 60)
    assert not sim.verify(SECRET, SENDER, future, now=now)


def test_a_signature_replayed_for_another_conversation_is_refused() -> None:
    assert not sim.verify(SECRET, OTHER, sim.sign(SECRET, SENDER))


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        "x",
        {},
        {"simulated": True},
        {"simulation": "x"},
        {"simulation": {"ts": "1", "mac": "00"}},
        {"simulation": {"ts": True, "mac": "00"}},
        {"simulation": {"ts": int(time.time()), "mac": 5}},
        {"simulation": {"ts": int(time.time()), "mac": "0" * 64}},
    ],
)
def test_malformed_or_forged_metadata_is_not_simulated(metadata: object) -> None:
    assert not sim.verify(SECRET, SENDER, metadata)


def test_no_secret_means_nothing_is_simulated() -> None:
    assert not sim.verify(None, SENDER, sim.sign(SECRET, SENDER))
    assert sim.secret_from_env({}) is None
    assert sim.secret_from_env({sim.SECRET_VARIABLE: "short"}) is None
    assert sim.secret_from_env({sim.SECRET_VARIABLE: SECRET.decode()}) == SECRET


def test_the_channel_passes_on_only_its_marker() -> None:
    signed = {"sender": SENDER, "message": "Hallo", "metadata": sim.sign(SECRET, SENDER)}
    assert sim.channel_metadata(signed, lambda: SECRET) == {"simulated": sim.marker(SECRET, SENDER)}
    forged = {"sender": SENDER, "message": "Hallo", "metadata": {"simulated": True, "x": 1}}
    assert sim.channel_metadata(forged, lambda: SECRET) is None
    assert sim.channel_metadata(signed, lambda: None) is None
    assert sim.channel_metadata("not a dict", lambda: SECRET) is None


def test_the_action_accepts_only_the_marker_of_its_own_conversation() -> None:
    """Another channel's client (socket.io ``customData``) may put anything into the tracker's
    metadata: only the REST channel's marker, made with the secret, counts."""
    good = {"metadata": {"simulated": sim.marker(SECRET, SENDER)}}
    assert sim.is_simulated(good, SENDER, lambda: SECRET)
    assert not sim.is_simulated(good, OTHER, lambda: SECRET)  # another conversation's marker
    assert not sim.is_simulated(good, SENDER, lambda: None)  # no secret: nothing is simulated
    mac_reused = {"metadata": {"simulated": sim.mac(SECRET, SENDER, 1)}}
    for forged in ({"metadata": {"simulated": True}}, {"metadata": {"simulated": "x"}}, mac_reused):
        assert not sim.is_simulated(forged, SENDER, lambda: SECRET)
    assert not sim.is_simulated({}, SENDER, lambda: SECRET)
    assert not sim.is_simulated(None, SENDER, lambda: SECRET)


def test_the_rest_channel_forwards_only_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook in :class:`bot.channels.socketio.RestInput` (bot env: Rasa's REST channel)."""
    from types import SimpleNamespace

    from bot.channels.socketio import RestInput

    monkeypatch.setenv(sim.SECRET_VARIABLE, SECRET.decode())
    channel = RestInput()
    signed = {"sender": SENDER, "message": "x", "metadata": sim.sign(SECRET, SENDER)}
    assert channel.get_metadata(SimpleNamespace(json=signed)) == {
        "simulated": sim.marker(SECRET, SENDER)
    }
    own = {
        "sender": SENDER,
        "message": "x",
        "metadata": {"input_issue": "empty", "simulated": True},
    }
    assert channel.get_metadata(SimpleNamespace(json=own)) is None
    monkeypatch.delenv(sim.SECRET_VARIABLE)
    assert channel.get_metadata(SimpleNamespace(json=signed)) is None
