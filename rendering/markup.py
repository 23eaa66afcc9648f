"""HTML for Matrix ``formatted_body`` (``org.matrix.custom.html``): escaped text, line breaks
and links (stdlib only)."""

from __future__ import annotations

import html
import re

_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:)!?"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}">{url}</a>{tail}'


def escape(value: str) -> str:
    """Text for HTML: ``& < > " '`` escaped."""
    return html.escape(value, quote=True)


def html_body(plain: str) -> str:
    """The plain text as HTML: every character escaped, http(s) URLs as links, lines as
    ``<br>``. Catalogue records that contain HTML therefore show as text, never as markup."""
    lines = [_URL.sub(_link, escape(line)) for line in plain.split("\n")]
    return "<br>\n".join(lines)
