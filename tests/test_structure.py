"""Structure rules of issue 10: no import cycles (item 5), no module over 400 lines (item 4).

Import cycles are found on the static import graph built by ``grimp``, which records every
import statement, also those inside functions (the ones that used to hide cycles). The
``scripts/`` folder is no package (the scripts run as ``python scripts/<name>.py`` and import
each other by bare name), so its imports are read with ``ast``.

The size rule covers the production code: every tracked ``*.py`` of the project's packages and
``scripts/``, and the page's ``web/static/*.js``. Tests are exempt: a test module is a flat
list of independent cases about one subject, and splitting it by line count adds no
structure (the largest, tests/web/test_page_browser.py, drives one browser session).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = (
    "knowledge",
    "search",
    "eval",
    "web",
    "nlu",
    "bot",
    "appdb",
    "i18n",
    "proxy",
    "staff",
    "rendering",
    "bridge",
)
MAX_LINES = 400

#: Known cycles (sorted modules of one strongly connected component). Empty: there are none.
ALLOWED_CYCLES: tuple[tuple[str, ...], ...] = ()

#: Files allowed over the limit. Empty: every production module is split by responsibility.
OVERSIZE_ALLOWED: set[str] = set()


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Components of more than one node (or with a self-loop) of a directed graph, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan; the graphs here have a few hundred nodes
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(edges):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def package_import_graph() -> dict[str, set[str]]:
    grimp = pytest.importorskip("grimp", reason="grimp is a test dependency of the app env")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def script_import_graph() -> dict[str, set[str]]:
    scripts = {p.stem: p for p in (REPO / "scripts").glob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in scripts.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):  # every import, also inside functions
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
        edges[f"scripts/{name}"] = {f"scripts/{m}" for m in imported if m in scripts}
    return edges


# ---------- the checker itself ----------


def test_cycle_finder_reports_cycles_and_only_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "d"}, "e": {"a"}}
    assert strongly_connected(edges) == [["a", "b", "c"], ["d"]]
    assert strongly_connected({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_package_graph_sees_function_level_imports():
    """eval.judge imports eval.pipeline only inside main(): the graph must still have it."""
    edges = package_import_graph()
    assert "eval.pipeline" in edges["eval.judge"]
    assert "search.encoder" in edges["search.onnx_export"]


# ---------- item 5: no import cycles ----------


def test_no_import_cycles_among_the_packages():
    cycles = [
        c for c in strongly_connected(package_import_graph()) if tuple(c) not in ALLOWED_CYCLES
    ]
    assert not cycles, f"import cycles (function-level imports included): {cycles}"


def test_allowed_cycles_still_exist():
    """An allow-list entry that no longer is a cycle must be removed."""
    current = {tuple(c) for c in strongly_connected(package_import_graph())}
    assert not [c for c in ALLOWED_CYCLES if c not in current]


def test_no_import_cycles_among_the_scripts():
    assert strongly_connected(script_import_graph()) == []


# ---------- item 4: module size ----------


def _tracked(*patterns: str) -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--", *patterns],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [line for line in out.splitlines() if line]


def production_files() -> list[str]:
    py = [f for f in _tracked("*.py") if f.split("/")[0] in (*PACKAGES, "scripts")]
    return sorted(py + _tracked("web/static/*.js"))


def _lines(path: str) -> int:
    with (REPO / path).open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_no_production_module_over_400_lines():
    files = production_files()
    assert len(files) > 50 and "search/encoder.py" in files  # the listing works
    too_long = {f: n for f in files if f not in OVERSIZE_ALLOWED and (n := _lines(f)) > MAX_LINES}
    assert not too_long, f"over {MAX_LINES} lines (split by responsibility): {too_long}"


def test_oversize_allow_list_holds_only_existing_oversize_files():
    """Entries that were split (or removed) must leave the list."""
    stale = [
        f for f in sorted(OVERSIZE_ALLOWED) if not (REPO / f).is_file() or _lines(f) <= MAX_LINES
    ]
    assert not stale, f"remove from OVERSIZE_ALLOWED: {stale}"
