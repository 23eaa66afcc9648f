"""Plain-text summaries for the tools: counts for ``knowledge.validate`` and the CLI view of
a resolved path (the chat texts are rendered by ``bot/actions/utils/paths.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from knowledge.paths.checks import step_offers
from knowledge.paths.loader import load_paths
from knowledge.paths.model import PathData, PathDataError, ResolvedPath
from knowledge.schema import Offer


def summary_lines(
    catalogue: Iterable[Offer],
    today: dt.date | None = None,
    data: PathData | None = None,
) -> list[str]:
    """Counts for ``knowledge.validate``: paths per field, steps, steps with linked offers."""
    if data is None:
        try:
            data = load_paths()
        except PathDataError as exc:
            return [f"Lernpfade: Datei fehlerhaft ({len(exc.problems)} Probleme)"]
    offers = list(catalogue)
    per_field: dict[str, int] = {}
    steps = course_steps = linked_steps = links = 0
    unexpected: list[str] = []
    for path in data.paths:
        per_field[path.field] = per_field.get(path.field, 0) + 1
        for step in path.steps:
            steps += 1
            if not step.links_offers:
                continue
            course_steps += 1
            found = step_offers(step, offers, today)
            if found:
                linked_steps += 1
                links += len(found)
                if not step.offers_expected:
                    unexpected.append(f"{path.id}: {step.title}")
    fields = ", ".join(f"{k} {v}" for k, v in sorted(per_field.items()))
    lines = [
        f"Lernpfade: {len(data.paths)} ({fields})",
        f"Lernpfad-Schritte: {steps}, davon {course_steps} mit Katalogkriterien, "
        f"{linked_steps} mit verknüpften Angeboten ({links} Verknüpfungen)",
    ]
    if unexpected:
        lines.append(
            "Lernpfade: Angebote vorhanden, obwohl offers_expected=false (Eintrag prüfen): "
            + "; ".join(unexpected)
        )
    return lines


def path_lines(resolved: ResolvedPath) -> list[str]:
    """The path with its steps and linked offers, one line each (``python -m knowledge.paths``)."""
    path = resolved.path
    lines = [f"{path.id}: {path.title}"]
    for step in resolved.steps:
        s = step.step
        months = f"{s.duration_months:g} Monate" if s.duration_months else s.duration_text
        lines.append(
            f"  {step.number}. {s.title} | {months} | DQR {s.dqr_level or '-'} | {s.funding}"
        )
        for offer in step.offers:
            place = f"{offer.municipality} {offer.distance_km or ''}".strip()
            lines.append(f"     - {offer.offer_id} {offer.title} ({place})")
    return lines
