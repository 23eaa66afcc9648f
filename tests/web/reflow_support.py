"""Reflow checks for the browser tests (WCAG 2.1 SC 1.4.10 Reflow, SC 1.4.12 Text Spacing).

axe-core does not measure layout, so these checks look at the rendered boxes themselves: nothing may
stick out of the viewport horizontally, and no element may have more content than its box shows
(``scrollWidth > clientWidth``: text cut off by an ``overflow`` box, or content hanging out of it).
The conversation is a scroll container, so a too-wide card does not widen the document – it makes
the conversation scroll sideways and cuts the card off; the document's width alone misses that.
"""

from __future__ import annotations

from typing import Any

#: Viewports of the reflow tests: the SC 1.4.10 reference width and a current phone (CSS px).
SMALL = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
#: 1280 x 660 CSS px (a laptop browser window) at 200 % zoom.
ZOOM_200 = {"width": 640, "height": 330}

#: The text-spacing metrics of SC 1.4.12 (the user style sheet the W3C's understanding document uses).
TEXT_SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)

_MEASURE_JS = """
(selectors) => {
  const vw = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase()
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + ` "${(el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`;
  const problems = [];
  const check = (el) => {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > vw + 0.5) {
      problems.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px, viewport ${vw} px`);
    }
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} holds ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    }
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`document scrolls sideways: ${root.scrollWidth} px`);
  document.querySelectorAll("body *").forEach((el) => {
    // the screen-reader-only labels are 1 px boxes on purpose
    if (el.closest(".visually-hidden") || ["SCRIPT", "STYLE"].includes(el.tagName)) return;
    const r = el.getBoundingClientRect();
    if (r.width || r.height) check(el);
  });
  const counts = Object.fromEntries(selectors.map((s) => [s, document.querySelectorAll(s).length]));
  return { problems, counts, width: vw };
}
"""


def reflow_problems(page: Any, required: dict[str, int]) -> list[str]:
    """What sticks out of the viewport or is cut off; also a problem when fewer than ``required``
    elements of a selector are on the page (so that a check never passes on an empty page)."""
    report = page.evaluate(_MEASURE_JS, list(required))
    problems = list(report["problems"])
    for selector, minimum in required.items():
        if report["counts"][selector] < minimum:
            problems.append(f"{selector}: {report['counts'][selector]} on the page, want {minimum}")
    return problems


def at_viewport(page: Any, viewport: dict[str, int]) -> None:
    """Resize and wait until the layout has settled (two animation frames)."""
    page.set_viewport_size(viewport)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
