"""Write the search API's OpenAPI document to ``docs/search-openapi.json``.

``.venv-app/bin/python -m search.app.openapi`` (``--check`` exits 1 when the file is stale).
The bot environment (pydantic 1) cannot import ``search.app.schemas``; its tests validate the
fake search responses against this checked-in document with ``jsonschema``
(``tests/bot/conftest.py``); ``tests/search/test_openapi_file.py`` fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from search.app.core.config import REPO_ROOT, Settings

OPENAPI_FILE = REPO_ROOT / "docs" / "search-openapi.json"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the app (routes and schemas only; nothing is loaded)."""
    from search.app.main import create_app

    return create_app(Settings()).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.app.openapi", description=__doc__)
    parser.add_argument("--out", type=Path, default=OPENAPI_FILE)
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 if stale")
    args = parser.parse_args(argv)
    text = render(openapi_document())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} ist veraltet: python -m search.app.openapi")
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out} geschrieben")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
