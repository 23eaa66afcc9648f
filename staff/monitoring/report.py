"""The board report: the monitoring overview as a German PDF for the district's education committees
(``GET /staff/analyst/bericht.pdf`` with the page's filters; role ``analyst``).

It holds the same protected tables as the overview page (:data:`staff.monitoring.routes.OVERVIEW`,
each number through :mod:`staff.monitoring.suppression`), their charts as SVG drawn from the same
Vega-Lite specs as the page (:mod:`staff.monitoring.charts`, converted with ``vl-convert``: no
browser, no network, no script), the filters and notes of the exports, and the sources (with Stand)
of the shortage table. The PDF is made like the counsellor's plan (:func:`staff.pdf.html_to_pdf`,
PDF/UA-1). Every chart has its table right after it (the accessible alternative); the chart
itself is marked as an artefact for screen readers by its caption naming the table.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from knowledge.shortage import ShortageEntry, load_shortages
from staff.monitoring import charts
from staff.monitoring.tables import Table
from staff.pdf import html_to_pdf
from staff.web import STAFF_DIR, templates

REPORT_CSS = STAFF_DIR / "static" / "monitoring_report.css"
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*>\s*")


def chart_svgs(found: dict[str, Table]) -> dict[str, str]:
    """Inline SVG of each chart of ``found`` (the page's Vega-Lite specs)."""
    import vl_convert  # imported lazily: it starts a JavaScript runtime on first use

    out = {}
    for name, spec in charts.specs(found).items():
        spec = {key: value for key, value in spec.items() if key != "$schema"}
        spec["config"] = {"font": "DejaVu Sans"}  # measured and drawn with the PDF's font
        svg = vl_convert.vegalite_to_svg(spec)
        out[name] = _XML_PROLOG.sub("", svg)
    return out


def sources(entries: list[ShortageEntry]) -> list[dict[str, Any]]:
    """The distinct sources of the shortage table, newest Stand first."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        known = seen.get(entry.source_url)
        if known is None or entry.stand > known["stand"]:
            seen[entry.source_url] = {
                "url": entry.source_url,
                "evidence": entry.evidence,
                "year": entry.year,
                "stand": entry.stand,
            }
    return sorted(seen.values(), key=lambda s: (s["stand"], s["url"]), reverse=True)


def render_html(
    found: dict[str, Table],
    notes: list[str],
    period: str,
    k: int,
    supply_available: bool,
    today: dt.date,
) -> str:
    """The report as HTML for the PDF."""
    return templates.get_template("monitoring_report.html").render(
        tables=found,
        charts=chart_svgs(found),
        notes=notes,
        period=period,
        k=k,
        supply_available=supply_available,
        sources=sources(load_shortages()),
        today=today,
    )


def render_pdf(
    found: dict[str, Table],
    notes: list[str],
    period: str,
    k: int,
    supply_available: bool,
    today: dt.date,
) -> bytes:
    """The PDF bytes (PDF/UA-1, German)."""
    html = render_html(found, notes, period, k, supply_available, today)
    return html_to_pdf(html, REPORT_CSS)
