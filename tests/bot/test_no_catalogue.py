"""The action server holds no offer catalogue: nothing under bot/ imports knowledge.catalogue
or loads offer files; offers come from the search service only (issue 10, item 1)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
FORBIDDEN_MODULES = ("knowledge.catalogue", "knowledge.importers")
#: offer loading/ranking helpers (``funding.load_catalogue`` is the funding rule catalogue)
FORBIDDEN_NAMES = {"default_catalogue", "rank_offers", "step_offers", "Catalogue"}


def _imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
            if node.module == "knowledge":
                found += [(f"knowledge.{alias.name}", None) for alias in node.names]
    return found


def test_bot_package_imports_no_catalogue_and_loads_no_offers():
    offenders = []
    for file in sorted(BOT.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        for module, name in _imports(tree):
            if module.startswith(FORBIDDEN_MODULES) or name in FORBIDDEN_NAMES:
                offenders.append(f"{file.relative_to(BOT.parent)}: {module} {name or ''}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
                offenders.append(f"{file.relative_to(BOT.parent)}: .{node.attr}")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ("knowledge/data/offers" in node.value)
            ):
                offenders.append(f"{file.relative_to(BOT.parent)}: offer files path")
    assert offenders == []


def test_the_scan_would_see_a_catalogue_import():
    tree = ast.parse("from knowledge import catalogue\nimport knowledge.catalogue as k\n")
    assert [m for m, _ in _imports(tree) if m.startswith(FORBIDDEN_MODULES)] == [
        "knowledge.catalogue",
        "knowledge.catalogue",
    ]
