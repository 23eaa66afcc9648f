"""Channel rendering: one bot message -> what the own page, text clients, Matrix, Telegram and
Twilio/WhatsApp show (stdlib and :mod:`i18n` only; no Rasa). See :mod:`rendering.compose` and
docs/channels.md ("Rendering layer").

    from rendering import render, Outgoing, Choice, CHANNELS
    parts = render(bot_message, "telegram", style="de")
"""

from rendering.compose import render
from rendering.model import CHANNELS, Choice, Outgoing

__all__ = ["CHANNELS", "Choice", "Outgoing", "render"]
