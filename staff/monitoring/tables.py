"""The tables of the monitoring pages, built from the raw counts of :mod:`.queries` and
protected by :mod:`.suppression`; pages, charts and exports all show these objects, so they
always show the same (suppressed) numbers.

A count cell is an ``int`` or ``None`` (suppressed); other cells are text or a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.shortage import ShortageEntry
from staff.monitoring import filters as flt
from staff.monitoring.filters import Filters
from staff.monitoring.queries import Counts
from staff.monitoring.suppression import protect, protect_nested

Value = int | float | str | None
#: counts of requests (suppressed), text, plain numbers (catalogue offers: no people), ratios
COUNT, TEXT, NUMBER, RATIO = "count", "text", "number", "ratio"
#: rows of the ranking of unmet demand
RANKING_SIZE = 15


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Linked:
    """Totals that several tables of one view share (requests per municipality, all requests)
    and that one of them suppresses: the others suppress them too (:func:`linked_tables`)."""

    rows: frozenset[str] = frozenset()
    total: bool = False


@dataclass(frozen=True)
class Table:
    """One table: ``kinds[i]`` says whether column ``i`` holds counts, text or ratios."""

    id: str
    caption: str
    row_header: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[Row, ...]
    footer: Row | None = None
    #: the column of row totals, if the last column is one
    has_row_totals: bool = False


def _matrix(
    caption: str,
    table_id: str,
    row_kind: str,
    row_keys: Sequence[str],
    col_labels: Sequence[str],
    values: Sequence[Sequence[int]],
    k: int,
    linked: Linked | None = None,
) -> Table:
    labels = [flt.label(row_kind, key) for key in row_keys]
    hide = [i for i, text in enumerate(labels) if linked and text in linked.rows]
    protected = protect(values, k, hide, bool(linked and linked.total))
    col_totals = protected.col_totals if row_keys else (0,) * len(col_labels)
    rows = tuple(
        Row(text, (*cells, total))
        for text, cells, total in zip(labels, protected.cells, protected.row_totals, strict=True)
    )
    return Table(
        id=table_id,
        caption=caption,
        row_header=flt.BREAKDOWN_LABELS.get(row_kind, row_kind),
        columns=(*col_labels, "Summe"),
        kinds=(COUNT,) * (len(col_labels) + 1),
        rows=rows,
        footer=Row("Summe", (*col_totals, protected.total)),
        has_row_totals=True,
    )


def _order(kind: str, keys: set[str]) -> list[str]:
    fixed = {
        "municipality": [*flt.municipalities(), flt.OUTSIDE],
        **{name: list(values) for name, values in flt.CHOICES.items()},
    }.get(kind)
    known = fixed if fixed is not None else sorted(k for k in keys if k != flt.UNKNOWN)
    return [k for k in known if k in keys] + [k for k in [flt.UNKNOWN] if k in keys]


def demand_over_time(
    counts: dict[tuple[str, ...], Counts], filters: Filters, k: int, linked: Linked | None = None
) -> Table:
    """Requests per breakdown value (rows) and period (columns); counts keyed (period, value)."""
    periods = filters.periods()
    keys = _order(filters.breakdown, {value for _, value in counts})
    values = [[counts.get((p.key, key), Counts()).requests for p in periods] for key in keys]
    return _matrix(
        "Anfragen mit Empfehlung nach Zeitraum",
        "nachfrage",
        filters.breakdown,
        keys,
        [p.label for p in periods],
        values,
        k,
        linked,
    )


def outcome_by_municipality(
    counts: dict[tuple[str, ...], Counts], k: int, linked: Linked | None = None
) -> Table:
    """Requests per municipality split into a partition: three or more offers, one or two,
    none (so "unmet" = the last two is never a difference of two shown counts)."""
    keys = _order("municipality", {key for (key,) in counts if counts[(key,)].requests})
    values = [
        [
            counts[(key,)].requests - counts[(key,)].unmet,
            counts[(key,)].unmet - counts[(key,)].no_offer,
            counts[(key,)].no_offer,
        ]
        for key in keys
    ]
    return _matrix(
        "Gefundene Angebote je Anfrage nach Gemeinde",
        "ergebnis",
        "municipality",
        keys,
        ["3 oder mehr Angebote", "1 oder 2 Angebote", "kein Angebot"],
        values,
        k,
        linked,
    )


def linked_tables(
    by_period: dict[tuple[str, ...], Counts],
    by_place: dict[tuple[str, ...], Counts],
    filters: Filters,
    k: int,
) -> tuple[Table, Table]:
    """``nachfrage`` and ``ergebnis``: their row totals per municipality (when the demand is
    broken down by municipality) and their grand total are the same numbers, so a total one of
    them suppresses is suppressed in the other as well (repeated until stable)."""
    linked = Linked()
    while True:
        found = (
            demand_over_time(by_period, filters, k, linked),
            outcome_by_municipality(by_place, k, linked),
        )
        shared = found if filters.breakdown == "municipality" else found[1:]
        rows = {r.label for t in shared for r in t.rows if r.values[-1] is None}
        total = any(t.footer is not None and t.footer.values[-1] is None for t in found)
        wider = Linked(frozenset(rows) | linked.rows, total or linked.total)
        if wider == linked:
            return found
        linked = wider


def _field_matrix(
    counts: dict[tuple[str, ...], Counts], k: int, measure: str, table_id: str, caption: str
) -> Table:
    values_of = {key: getattr(c, measure) for key, c in counts.items() if getattr(c, measure)}
    rows = _order("municipality", {m for m, _ in values_of})
    cols = _order("field", {f for _, f in values_of})
    values = [[values_of.get((m, f), 0) for f in cols] for m in rows]
    labels = [flt.label("field", f) for f in cols]
    return _matrix(caption, table_id, "municipality", rows, labels, values, k)


def unmet_matrix(counts: dict[tuple[str, ...], Counts], k: int) -> Table:
    """Requests with fewer than three offers per municipality (rows) and field (columns)."""
    return _field_matrix(
        counts,
        k,
        "unmet",
        "ungedeckt",
        "Anfragen mit weniger als drei passenden Angeboten nach Gemeinde und Berufsbereich",
    )


def human_matrix(counts: dict[tuple[str, ...], Counts], k: int) -> Table:
    """Requests whose conversation asked for a person, per municipality and field."""
    return _field_matrix(
        counts,
        k,
        "human",
        "beratung",
        "Anfragen mit Wunsch nach persönlicher Beratung nach Gemeinde und Berufsbereich",
    )


RANKINGS = {
    "ungedeckt": (
        "rangfolge",
        "Rangfolge: wo die meisten Anfragen weniger als drei Angebote fanden",
        "Anfragen mit weniger als drei Angeboten",
    ),
    "beratung": (
        "rangfolge-beratung",
        "Rangfolge: wo am häufigsten persönliche Beratung gewünscht wurde",
        "Anfragen mit Wunsch nach persönlicher Beratung",
    ),
}


def ranking(matrix: Table) -> Table:
    """The shown cells of a municipality x field matrix, largest first (suppressed cells are
    not ranked: their place in an order would tell their size)."""
    table_id, caption, header = RANKINGS[matrix.id]
    fields = matrix.columns[:-1]
    cells = [
        (value, row.label, fields[j])
        for row in matrix.rows
        for j, value in enumerate(row.values[:-1])
        if isinstance(value, int) and value > 0
    ]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return Table(
        id=table_id,
        caption=caption,
        row_header="Rang",
        columns=("Gemeinde", "Berufsbereich", header),
        kinds=(TEXT, TEXT, COUNT),
        rows=tuple(
            Row(str(n), (m, f, v)) for n, (v, m, f) in enumerate(cells[:RANKING_SIZE], start=1)
        ),
    )


def shortage_table(
    entries: Sequence[ShortageEntry],
    demand: dict[str, int],
    supply: dict[str, int] | None,
    k: int,
    place: str | None,
) -> Table:
    """Per shortage occupation (code of the CSV): what the table says about the need, the
    requests whose target lies in it, the catalogue offers leading to it (from the search
    service; ``None`` when it did not answer) and requests per offer."""
    codes: list[str] = []
    needs: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for e in entries:
        if e.code not in needs:
            codes.append(e.code)
            titles[e.code] = e.title.replace(" (Berufsgruppe)", "")
        needs.setdefault(e.code, []).append(f"{e.status} ({e.level}, {e.evidence} {e.year})")
    parents = [
        next((i for i, p in enumerate(codes) if p != c and c.startswith(p)), None) for c in codes
    ]
    shown = protect_nested([demand.get(c, 0) for c in codes], parents, k)
    rows = []
    for code, requests in zip(codes, shown, strict=True):
        offers = supply.get(code) if supply is not None else None
        ratio: Value = "–"
        if isinstance(requests, int) and offers:
            ratio = round(requests / offers, 1)
        rows.append(
            Row(
                f"{code} {titles[code]}",
                (
                    "; ".join(needs[code]),
                    requests,
                    offers if offers is not None else "nicht verfügbar",
                    ratio,
                ),
            )
        )
    where = f"erreichbar von {place}" if place else "im ganzen Katalog"
    return Table(
        id="engpass",
        caption="Engpassberufe: Fachkräftebedarf, Nachfrage und Angebot",
        row_header="Engpassberuf (KldB)",
        columns=(
            "Fachkräftebedarf laut Tabelle",
            "Anfragen",
            f"Angebote ({where})",
            "Anfragen je Angebot",
        ),
        kinds=(TEXT, COUNT, NUMBER, RATIO),
        rows=tuple(rows),
    )


def outermost_codes(entries: Sequence[ShortageEntry]) -> list[str]:
    """The shortage codes no other code of the table contains (831, not 8311): columns that do
    not overlap, so a row total is a true total."""
    codes = list(dict.fromkeys(e.code for e in entries))
    return [c for c in codes if not any(p != c and c.startswith(p) for p in codes)]


def shortage_by_municipality(
    entries: Sequence[ShortageEntry],
    counts: dict[tuple[str, ...], Counts],
    supply: dict[str, dict[str, int]] | None,
    k: int,
) -> tuple[Table, Table | None, Table | None]:
    """Per municipality (rows) and shortage occupation (columns): requests whose target lies in
    it (protected, with totals), catalogue offers within reach of the municipality (from the
    search service) and requests per offer (only where the requests are shown)."""
    codes = outermost_codes(entries)
    titles = {e.code: e.title.replace(" (Berufsgruppe)", "") for e in entries}
    per_cell: dict[tuple[str, str], int] = {}
    for (place, target), c in counts.items():
        code = next((p for p in codes if target.startswith(p)), None)
        if code is not None:
            per_cell[(place, code)] = per_cell.get((place, code), 0) + c.requests
    rows = _order("municipality", {place for place, _ in per_cell})
    labels = [f"{c} {titles[c]}" for c in codes]
    demand = _matrix(
        "Anfragen je Gemeinde und Engpassberuf",
        "engpass-nachfrage",
        "municipality",
        rows,
        labels,
        [[per_cell.get((m, c), 0) for c in codes] for m in rows],
        k,
    )
    if supply is None:
        return demand, None, None
    places = list(flt.municipalities())
    offers = Table(
        id="engpass-angebot",
        caption="Angebote, die zum Engpassberuf führen, in Reichweite der Gemeinde",
        row_header="Gemeinde",
        columns=tuple(labels),
        kinds=(NUMBER,) * len(codes),
        rows=tuple(Row(m, tuple(supply[m].get(c, 0) for c in codes)) for m in places),
    )
    shown = {row.label: row.values for row in demand.rows}
    ratios = []
    for m in places:
        requests = shown.get(m, (0,) * len(codes))
        values: list[Value] = []
        for j, code in enumerate(codes):
            n, o = requests[j], supply[m].get(code, 0)
            if not o:
                values.append("kein Angebot" if isinstance(n, int) and n > 0 else "–")
            else:
                values.append(round(n / o, 1) if isinstance(n, int) else "–")
        ratios.append(Row(m, tuple(values)))
    ratio = Table(
        id="engpass-verhaeltnis",
        caption="Anfragen je erreichbarem Angebot nach Gemeinde und Engpassberuf",
        row_header="Gemeinde",
        columns=tuple(labels),
        kinds=(RATIO,) * len(codes),
        rows=tuple(ratios),
    )
    return demand, offers, ratio
