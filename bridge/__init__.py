"""Bridges from messengers to the bot (own processes and environments; see docs/channels.md)."""
