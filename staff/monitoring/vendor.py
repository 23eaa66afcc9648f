"""Copy the chart libraries from ``staff/vendor/node_modules`` (``npm ci --prefix staff/vendor``)
into ``staff/static/vendor/`` (not in git), where the staff app serves them with its own files.

vega, vega-lite and vega-embed are their UMD builds (globals ``vega``, ``vegaLite``,
``vegaEmbed``). vega-interpreter ships only as an ES module importing three names from
``vega-util``; browsers cannot resolve that bare name without an import map, and an inline
import map would break the CSP, so the copy takes the names from the ``vega`` global instead
(vega re-exports vega-util). Run: ``.venv-app/bin/python -m staff.monitoring.vendor``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

STAFF_DIR = Path(__file__).resolve().parents[1]
NODE_MODULES = STAFF_DIR / "vendor" / "node_modules"
TARGET = STAFF_DIR / "static" / "vendor"
FILES = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
}
INTERPRETER = "vega-interpreter/build/vega-interpreter.js"
UTIL_IMPORT = "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';"
UTIL_GLOBAL = "const { ascending, isString, DisallowedObjectProperties } = globalThis.vega;"


def build(node_modules: Path = NODE_MODULES, target: Path = TARGET) -> list[Path]:
    """Copy the files; raises FileNotFoundError / ValueError when a package is missing or its
    interpreter no longer has the expected import line (a version change to look at)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in FILES.items():
        written.append(Path(shutil.copyfile(node_modules / source, target / name)))
    text = (node_modules / INTERPRETER).read_text(encoding="utf-8")
    if text.count(UTIL_IMPORT) != 1 or "from '" in text.replace(UTIL_IMPORT, ""):
        raise ValueError(f"{INTERPRETER}: unexpected imports; check the vega-interpreter version")
    out = target / "vega-interpreter.js"
    out.write_text(text.replace(UTIL_IMPORT, UTIL_GLOBAL), encoding="utf-8")
    written.append(out)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(STAFF_DIR.parent))
    sys.exit(0)
