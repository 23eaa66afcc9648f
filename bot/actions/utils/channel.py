"""Channel-specific shape of custom payloads.

Rasa 3.6's socket.io channel emits a custom message as ``sio.emit(bot_message_evt, **json_message)``, so the payload
must sit under ``data`` there; the REST channel returns ``json_message`` unchanged under ``custom``.
"""

from __future__ import annotations

from typing import Any

SOCKETIO = "socketio"


def custom_payload(payload: dict[str, Any], input_channel: str | None) -> dict[str, Any]:
    """Wrap ``payload`` for the channel the user wrote on."""
    if input_channel == SOCKETIO:
        return {"data": payload}
    return payload
