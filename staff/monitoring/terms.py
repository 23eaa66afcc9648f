"""Search terms that found nothing: requests whose search found no offer, per term of the closed
vocabulary (:mod:`knowledge.search_terms`: KldB occupations, catalogue fields, upgrade wishes).

A term is listed only when it occurs at least k times in the filtered period; every other term,
and "unbekannt", counts as "unbekannter Begriff" (last row). The column and its total pass
:func:`staff.monitoring.suppression.protect` like every other table, and the listed terms are
ordered by their label, not by their count, so the place of a suppressed row tells nothing about
its size. The rows hold no text anybody typed: demand rows never store it.
"""

from __future__ import annotations

from knowledge import search_terms
from staff.monitoring.suppression import protect
from staff.monitoring.tables import COUNT, Row, Table

OTHER = "unbekannter Begriff"


def terms_table(counts: dict[str, int], k: int) -> Table:
    """The protected table of :func:`staff.monitoring.queries.terms_without_offer` counts."""
    listed = sorted(
        (t for t, n in counts.items() if t != search_terms.UNKNOWN and n >= k),
        key=lambda t: (search_terms.label(t).casefold(), t),
    )
    rest = sum(n for t, n in counts.items() if t not in listed)
    labels = [search_terms.label(t) for t in listed]
    values = [[counts[t]] for t in listed]
    if rest:
        labels.append(OTHER)
        values.append([rest])
    protected = protect(values, k) if values else None
    rows = (
        tuple(Row(label, cells) for label, cells in zip(labels, protected.cells, strict=True))
        if protected
        else ()
    )
    return Table(
        id="suchbegriffe",
        caption=f"Suchbegriffe ohne Angebot (gezeigt ab {k} Anfragen, sonst „{OTHER}“)",
        row_header="Gesuchter Beruf oder Bereich",
        columns=("Anfragen ohne Angebot",),
        kinds=(COUNT,),
        rows=rows,
        footer=Row("Summe", (protected.total,)) if protected else None,
    )
