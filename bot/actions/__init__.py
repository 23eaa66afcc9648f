"""Rasa action server package of Bildungslotse (runs in .venv-bot, rasa-sdk 3.6.2).

Start with ``rasa run actions --actions bot.actions``. The rasa-sdk executor imports every
submodule of this package, so modules here must stay light: no faiss/torch/sentence-transformers
and no network clients created at import time (see ``clients.search_client.get_search_client``).
"""
