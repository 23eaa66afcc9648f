"""Matrix channel of the bot (own environment .venv-matrix: matrix-nio with vodozemac, Babel).

Run with ``python -m bridge.matrix``; settings: :mod:`bridge.matrix.settings`; operation and
privacy: docs/channels.md, "Matrix".
"""
