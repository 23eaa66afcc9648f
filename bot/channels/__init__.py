"""Project input channels for Rasa (hardened socket.io and REST) and the public-entry settings."""
