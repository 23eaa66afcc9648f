"""The printable plan: a German PDF made with WeasyPrint, tagged PDF/UA-1.

The same HTML template serves the counsellor's download (``GET /staff/plans/{id}.pdf``) and the
citizen's link (``GET /plan/<token>.pdf``); it shows only what the citizen may see: the steps
(offer, provider, place, dates, link, why it fits; learning-path steps with their sources), the
funding checklist with sources and Stand, the office contact, notes marked for the citizen
(never internal notes), the date, and that funding is decided by the named office.

The PDF itself is made by :func:`staff.pdf.html_to_pdf` (WeasyPrint, PDF/UA-1, nothing fetched).
"""

from __future__ import annotations

import datetime as dt

from staff.pdf import html_to_pdf
from staff.plans import Plan
from staff.web import LOCAL_ZONE, STAFF_DIR, templates

PDF_CSS = STAFF_DIR / "static" / "plan_pdf.css"


def german_day(value: object) -> str:
    """A date (or ISO date text) as "01.03.2027"; anything else unchanged."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else str(value)


templates.env.filters["iso_day"] = german_day


def render_html(plan: Plan, today: dt.date) -> str:
    """The plan as HTML for the PDF (citizen view: for-citizen notes only)."""
    return templates.get_template("plan_print.html").render(plan=plan, today=today)


def render_pdf(plan: Plan, now: dt.datetime) -> bytes:
    """The PDF bytes (PDF/UA-1, German)."""
    today = now.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_ZONE).date()
    return html_to_pdf(render_html(plan, today), PDF_CSS)


def file_name(plan: Plan) -> str:
    return f"bildungsplan-{plan.id}.pdf"
