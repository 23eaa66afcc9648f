"""Reason codes of the search service rendered as sentences in a reply style.

The search service (:func:`search.reasons.reasons`) returns ``{"code", "params",
"contribution"}``; the parameters per code are listed in docs/architecture.md. Facts quoted
from the knowledge base (KldB titles, shortage statements, sources) stay as they are (German).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from i18n.catalogue import DEFAULT_STYLE, text
from i18n.render import format_date, label, quoted


def _km(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def render_reason(reason: Mapping[str, Any], style: str | None = DEFAULT_STYLE) -> str | None:
    """One reason as a sentence fragment in ``style``; ``None`` for an unknown code or
    parameters that do not fit it (never a half-filled sentence)."""
    code = str(reason.get("code") or "")
    p = reason.get("params") or {}
    if not isinstance(p, Mapping):
        return None
    try:
        if code in ("target_occupation", "field"):
            key = f"reason.{code}" if p.get("title") else f"reason.{code}_code"
            return text(key, style, title=p.get("title"), kldb=p["kldb"])
        if code == "distance_km":
            km = _km(p.get("km"))
            if km is None:
                return None
            if km < 1:
                return text("reason.distance_under_1_km", style, place=p["place"])
            return text("reason.distance_km", style, km=f"{round(km):d}", place=p["place"])
        if code == "time_model":
            return text(
                "reason.time_model", style, time_model=label("time_model", p["time_model"], style)
            )
        if code == "format":
            return text("reason.format", style, format=label("format", p["format"], style))
        if code == "dqr":
            same = p["offer_level"] == p["level"]
            return text(
                "reason.dqr_same" if same else "reason.dqr_step",
                style,
                level=p["level"],
                offer_level=p["offer_level"],
            )
        if code == "course_type":
            return text(
                "reason.course_type",
                style,
                course_type=label("course_type", p["course_type"], style),
                goal=label("goal", p.get("goal") or "", style),
            )
        if code == "shortage":
            return text(
                "reason.shortage",
                style,
                **{k: p[k] for k in ("title", "kldb", "statement", "level", "year", "url")},
            )
        if code == "query_match":
            words = [str(w) for w in p.get("words") or []]
            if not words:
                return text("reason.query_match_semantic", style)
            shown = text("reason.word_join", style).join(quoted(w, style) for w in words)
            return text("reason.query_match", style, words=shown)
        if code in ("online", "azav_certified", "aufstiegs_bafoeg"):
            return text(f"reason.{code}", style)
        if code == "next_start":
            date = format_date(p.get("date"), style)
            return text("reason.next_start", style, date=date) if date else None
    except KeyError:
        return None
    return None


def rendered_reasons(
    reasons: Iterable[Any], style: str | None = DEFAULT_STYLE
) -> list[dict[str, str]]:
    """``[{"code", "text"}]`` for the recommendation payload (reasons that cannot be rendered
    are left out)."""
    out = []
    for reason in reasons:
        if not isinstance(reason, Mapping):
            continue
        rendered = render_reason(reason, style)
        if rendered:
            out.append({"code": str(reason.get("code")), "text": rendered})
    return out
