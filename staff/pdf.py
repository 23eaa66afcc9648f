"""HTML → PDF for the staff app's printable documents (the plan, the monitoring report): WeasyPrint,
tagged PDF/UA-1, German.

- ``pdf_variant="pdf/ua-1"``: tagged PDF with the structure of the HTML, the document language from
  ``<html lang="de">`` and the title from ``<title>`` (shown as the window title).
- Fonts: DejaVu Sans / DejaVu Serif, installed with the system (Debian ``fonts-dejavu-core``); WeasyPrint
  embeds the subsets it uses (PDF/UA needs embedded fonts).
- Nothing is fetched: the stylesheet is passed as a string and the URL fetcher refuses every resource
  (links are written as links, never loaded; charts come as inline SVG).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def html_to_pdf(html: str, stylesheet: Path) -> bytes:
    """The PDF bytes of ``html`` styled by ``stylesheet`` (PDF/UA-1)."""
    # imported lazily: WeasyPrint loads Pango and fontconfig at import
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Refuses every resource: the PDF is built from the HTML and the stylesheet only."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("resources are not fetched")

    fetcher = NoFetching()
    document = HTML(string=html, url_fetcher=fetcher)
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=[css], pdf_variant="pdf/ua-1"))
