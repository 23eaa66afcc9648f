"""The monitoring charts render under the CSP's rule: no ``Function``/``eval``. Node renders the
page's real specs with vega-lite, vega and the patched vega-interpreter copy that the staff app
serves (``python -m staff.monitoring.vendor``), with Function and eval replaced by traps; without
the interpreter the same spec trips the trap (the trap works)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

from staff.monitoring import charts, filters, queries, tables, vendor
from tests.prereq import missing

HERE = Path(__file__).resolve().parent


def test_charts_render_without_function_or_eval(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (vendor.NODE_MODULES / "vega-interpreter").is_dir():
        missing("node or staff/vendor/node_modules (npm ci --prefix staff/vendor) is missing")
    assert node is not None
    served = vendor.build(target=tmp_path / "vendor")
    assert {p.name for p in served} == {*vendor.FILES, "vega-interpreter.js"}
    f = filters.parse({"von": "2026-10", "bis": "2026-11"}, dt.date(2026, 12, 7))
    counts = {
        ("2026-10", "82"): queries.Counts(requests=12),
        ("2026-11", "82"): queries.Counts(requests=3),
        ("2026-10", "43"): queries.Counts(requests=40),
        ("2026-11", "43"): queries.Counts(requests=30),
        ("2026-10", "29"): queries.Counts(requests=8),
        ("2026-11", "29"): queries.Counts(requests=9),
    }
    table = tables.demand_over_time(counts, f, 5)
    specs = list(charts.specs({"nachfrage": table}).values())
    assert table.footer is not None
    shown = dict(zip(table.columns, table.footer.values, strict=True))
    values = specs[0]["data"]["values"]
    assert values and all(shown[v["Zeitraum"]] == v["Anfragen"] for v in values)
    done = subprocess.run(
        [
            node,
            str(HERE / "monitoring_charts.mjs"),
            str(vendor.NODE_MODULES),
            str(tmp_path / "vendor" / "vega-interpreter.js"),
        ],
        input=json.dumps(specs),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(length > 500 for length in result["svg"])
    assert "Function/eval used" in result["control"]
