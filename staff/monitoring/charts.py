"""Vega-Lite specifications of the monitoring charts, made from the protected tables (the same
numbers as the table beside each chart; a suppressed count is left out of the chart and stays
"•" in the table). The page embeds each spec as JSON in a ``data-chart`` attribute;
``staff/static/monitoring.js`` renders it with vega-embed and the CSP-safe vega-interpreter.
"""

from __future__ import annotations

from typing import Any

from staff.monitoring.tables import Table

WIDTH = 560


def _bar(
    values: list[dict[str, Any]],
    x: str,
    y: str,
    title: str,
    horizontal: bool = False,
    domain: list[str] | None = None,
) -> dict[str, Any]:
    category: dict[str, Any] = {"field": x, "type": "nominal", "sort": None, "title": None}
    if domain is not None:  # every period stays on the axis, a suppressed one as a gap
        category["scale"] = {"domain": domain}
    amount = {"field": y, "type": "quantitative", "title": y}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "width": WIDTH if not horizontal else WIDTH - 200,
        "height": 240 if not horizontal else {"step": 22},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {"y": category, "x": amount} if horizontal else {"x": category, "y": amount},
    }


def specs(found: dict[str, Table]) -> dict[str, dict[str, Any]]:
    """Chart specs by table id (only for the tables that have a chart)."""
    out: dict[str, dict[str, Any]] = {}
    demand = found.get("nachfrage")
    if demand is not None and demand.footer is not None:
        periods = demand.columns[:-1]
        values = [
            {"Zeitraum": p, "Anfragen": v}
            for p, v in zip(periods, demand.footer.values[:-1], strict=True)
            if isinstance(v, int)
        ]
        out["nachfrage"] = _bar(
            values,
            "Zeitraum",
            "Anfragen",
            "Anfragen mit Empfehlung je Zeitraum",
            domain=list(periods),
        )
    ranking = found.get("rangfolge")
    if ranking is not None and ranking.rows:
        values = [
            {"Ort und Bereich": f"{r.values[0]} – {r.values[1]}", "Anfragen": r.values[2]}
            for r in ranking.rows
        ]
        out["rangfolge"] = _bar(
            values, "Ort und Bereich", "Anfragen", "Ungedeckte Nachfrage, größte zuerst", True
        )
    shortage = found.get("engpass")
    if shortage is not None:
        values = [
            {"Engpassberuf": r.label, "Anfragen": r.values[1]}
            for r in shortage.rows
            if isinstance(r.values[1], int)
        ]
        out["engpass"] = _bar(values, "Engpassberuf", "Anfragen", "Anfragen je Engpassberuf", True)
    return out
