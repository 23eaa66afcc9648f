"""Rasa 3.6's real socket.io channel with a scripted "agent", for the page's browser tests.

Runs in the bot environment (``.venv-bot/bin/python``), no trained model needed::

    python tests/web/rasa_socketio_stub.py PORT SCRIPT.json RECEIVED.jsonl

SCRIPT.json maps a user message to the bot messages to answer with, each given as the
``BotUttered`` fields (``text`` and ``data``: buttons, custom, attachment). They go out
exactly as Rasa's processor sends them (``output_channel.send_response(sender,
BotUttered(...).message())``) through ``SocketIOInput``/``SocketIOOutput``. Every user
message is appended to RECEIVED.jsonl as ``{"sender_id", "text", "input_channel"}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rasa.core.channels.channel import UserMessage, register
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.events import BotUttered
from sanic import Sanic
from sanic.response import text as text_response


def build_app(script: dict[str, list[dict]], received: Path) -> Sanic:
    app = Sanic("rasa_socketio_stub")
    channel = SocketIOInput(
        user_message_evt="user_uttered",
        bot_message_evt="bot_uttered",
        session_persistence=True,
    )

    async def handle(message: UserMessage) -> None:
        with received.open("a", encoding="utf-8") as log:
            log.write(
                json.dumps(
                    {
                        "sender_id": message.sender_id,
                        "text": message.text,
                        "input_channel": message.input_channel,
                    }
                )
                + "\n"
            )
        for reply in script.get(message.text or "", [{"text": "Verstanden."}]):
            event = BotUttered(text=reply.get("text"), data=reply.get("data", {}))
            await message.output_channel.send_response(message.sender_id, event.message())

    app.ctx.agent = type("ScriptedAgent", (), {"handle_message": staticmethod(handle)})()
    register([channel], app, route="/webhooks/")

    @app.get("/")
    async def hello(_request):  # like Rasa's root route, used as readiness probe
        return text_response("Hello from the Rasa socket.io stub")

    return app


if __name__ == "__main__":
    port, script_path, received_path = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    stub = build_app(json.loads(script_path.read_text(encoding="utf-8")), received_path)
    stub.run(host="127.0.0.1", port=port, access_log=False, workers=1)
