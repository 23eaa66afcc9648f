"""Routes of the monitoring pages (role ``analyst``).

==========================================  ===========================================
route                                       what
==========================================  ===========================================
GET /staff/analyst                          filters, every table (and its chart)
GET /staff/analyst/engpass                  shortage occupations per municipality
GET /staff/analyst/export?tabelle=&format=  one table as CSV or XLSX (same filters)
GET /staff/analyst/bericht.pdf              the overview as a PDF report (same filters)
==========================================  ===========================================

Every number passes :mod:`staff.monitoring.suppression` (through :mod:`.tables`) before a page,
a chart or an export shows it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from knowledge.shortage import load_shortages
from staff.monitoring import charts, coverage, export, queries, report, supply, tables, terms
from staff.monitoring import filters as flt
from staff.monitoring.settings import MonitoringSettings
from staff.settings import BASE_PATH
from staff.web import Analyst, context, render

FORMATS = {"csv": (export.to_csv, export.CSV_TYPE), "xlsx": (export.to_xlsx, export.XLSX_TYPE)}
#: the tables of the overview page, in page order
OVERVIEW = (
    "nachfrage",
    "ergebnis",
    "ungedeckt",
    "rangfolge",
    "beratung",
    "rangfolge-beratung",
    "engpass",
    "suchbegriffe",
    "abdeckung",
    "luecken",
)


class Builder:
    """Builds the protected tables of one request (each query at most once)."""

    def __init__(self, request: Request, settings: MonitoringSettings) -> None:
        ctx = context(request)
        self.engine = ctx.engine
        self.today = ctx.clock().date()
        self.settings = settings
        self.k = settings.k
        self.filters = flt.parse(request.query_params, self.today)
        #: signed demo conversations in the database (banner on the pages, note in the exports)
        self.simulated = queries.has_simulated(self.engine)
        self._grouped: dict[tuple[str, ...], dict[tuple[str, ...], queries.Counts]] = {}
        self.supply_available = True
        self._by_place: tuple[tables.Table, tables.Table | None, tables.Table | None] | None = None
        self._linked: tuple[tables.Table, tables.Table] | None = None
        self._coverage: coverage.Coverage | None = None
        self.coverage_available = True
        #: a view by weeks that starts before the raw rows: from this day on it is complete
        self.weeks_complete_from: dt.date | None = None
        if self.filters.unit == flt.WEEK:
            first = queries.raw_rows_from(self.engine)
            if first is not None and self.filters.start < first:
                self.weeks_complete_from = first

    def grouped(self, *dims: str) -> dict[tuple[str, ...], queries.Counts]:
        if dims not in self._grouped:
            self._grouped[dims] = queries.grouped(self.engine, self.filters, dims)
        return self._grouped[dims]

    def linked(self) -> tuple[tables.Table, tables.Table]:
        if self._linked is None:
            self._linked = tables.linked_tables(
                self.grouped("period", self.filters.breakdown),
                self.grouped("municipality"),
                self.filters,
                self.k,
            )
        return self._linked

    def demand(self) -> tables.Table:
        return self.linked()[0]

    def outcome(self) -> tables.Table:
        return self.linked()[1]

    def human(self) -> tables.Table:
        return tables.human_matrix(self.grouped("municipality", "field"), self.k)

    def unmet(self) -> tables.Table:
        return tables.unmet_matrix(self.grouped("municipality", "field"), self.k)

    def ranking(self) -> tables.Table:
        return tables.ranking(self.unmet())

    def human_ranking(self) -> tables.Table:
        return tables.ranking(self.human())

    def shortage(self) -> tables.Table:
        entries = load_shortages()
        codes = list(dict.fromkeys(e.code for e in entries))
        demand = queries.demand_for_codes(
            queries.demand_by_target(self.engine, self.filters), codes
        )
        offers = supply.offers_leading_to(
            self.settings, codes, self.filters.municipality, self.today
        )
        self.supply_available = offers is not None
        return tables.shortage_table(entries, demand, offers, self.k, self.filters.municipality)

    def search_terms(self) -> tables.Table:
        return terms.terms_table(queries.terms_without_offer(self.engine, self.filters), self.k)

    def offer_coverage(self) -> coverage.Coverage | None:
        if self._coverage is None and self.coverage_available:
            self._coverage = coverage.fetch(self.settings, self.today)
            self.coverage_available = self._coverage is not None
        return self._coverage

    def coverage(self) -> tables.Table:
        f = self.filters
        return coverage.coverage_table(self.offer_coverage(), f.field, f.municipality)

    def gaps(self) -> tables.Table:
        found = self.offer_coverage()
        return coverage.gaps_table(found, self.grouped("municipality", "field"), self.k)

    def by_place(self) -> tuple[tables.Table, tables.Table | None, tables.Table | None]:
        if self._by_place is None:
            entries = load_shortages()
            offers = supply.offers_by_municipality(
                self.settings, tables.outermost_codes(entries), flt.municipalities(), self.today
            )
            self.supply_available = offers is not None
            counts = self.grouped("municipality", "target")
            self._by_place = tables.shortage_by_municipality(entries, counts, offers, self.k)
        return self._by_place

    def _place_table(self, index: int) -> tables.Table:
        found = self.by_place()[index]
        if found is None:  # the search service did not answer
            raise LookupError("no supply figures")
        return found

    def by_id(self) -> dict[str, Callable[[], tables.Table]]:
        """The tables of the overview page (:data:`OVERVIEW`) and of the page per municipality."""
        return {
            "nachfrage": self.demand,
            "ergebnis": self.outcome,
            "ungedeckt": self.unmet,
            "rangfolge": self.ranking,
            "beratung": self.human,
            "rangfolge-beratung": self.human_ranking,
            "engpass": self.shortage,
            "suchbegriffe": self.search_terms,
            "abdeckung": self.coverage,
            "luecken": self.gaps,
            "engpass-nachfrage": lambda: self._place_table(0),
            "engpass-angebot": lambda: self._place_table(1),
            "engpass-verhaeltnis": lambda: self._place_table(2),
        }

    def overview(self) -> dict[str, tables.Table]:
        """The tables of the overview page (and of the board report), in page order."""
        makers = self.by_id()
        return {name: makers[name]() for name in OVERVIEW}

    def export_links(self, names: list[str]) -> dict[str, dict[str, str]]:
        query = self.filters.query()
        return {
            name: {
                fmt: f"{BASE_PATH}/analyst/export?{urlencode({**query, 'tabelle': name, 'format': fmt})}"
                for fmt in FORMATS
            }
            for name in names
        }

    def notes(self) -> list[str]:
        f = self.filters
        periods = f.periods()
        chosen = [
            ("Gemeinde", flt.label("municipality", f.municipality) if f.municipality else None),
            ("Berufsbereich", flt.label("field", f.field) if f.field else None),
            ("Ziel", flt.label("goal", f.goal) if f.goal else None),
            ("Zeitmodell", flt.label("time_model", f.time_model) if f.time_model else None),
            *(
                (flt.BREAKDOWN_LABELS[n], flt.label(n, getattr(f, n)) if getattr(f, n) else None)
                for n in ("format", "employment_status", "age_band")
            ),
            ("Demo-Daten", "ohne" if f.without_demo else None),
        ]
        demo = []
        if self.simulated:
            demo = [
                "Ohne die simulierten Demo-Daten (sie sind in der Datenbank vorhanden)"
                if f.without_demo
                else "Enthält simulierte Demo-Daten (erfundene Gespräche, keine echte Nachfrage)"
            ]
        return [
            "Bildungslotse – Bildungsmonitoring, anonyme Nachfrage (ohne Nachrichtentext, ohne Bezug zu einem Gespräch)",
            f"Zeitraum: {periods[0].label} bis {periods[-1].label} "
            f"({f.start.strftime('%d.%m.%Y')} bis {f.end.strftime('%d.%m.%Y')})",
            "Filter: " + (", ".join(f"{n}: {v}" for n, v in chosen if v) or "keine"),
            *demo,
            *(
                [
                    f"Wochen vor dem {self.weeks_complete_from.strftime('%d.%m.%Y')} ohne die "
                    "Anfragen, die nur noch als Monatswerte vorliegen (Aufbewahrungsfrist)"
                ]
                if self.weeks_complete_from
                else []
            ),
            f"{export.SUPPRESSED} = ausgeblendet: weniger als {self.k} Anfragen oder zum Schutz "
            "kleiner Zahlen ausgeblendet (docs/monitoring.md)",
            f"Erstellt am {self.today.strftime('%d.%m.%Y')}",
        ]


def build_router(settings: MonitoringSettings) -> APIRouter:
    """The monitoring routes with their settings (read once at start: a k below 5 has already
    stopped the process when this is called)."""
    router = APIRouter(prefix=f"{BASE_PATH}/analyst")

    @router.get("", include_in_schema=False)
    def overview(request: Request, session: Analyst) -> Response:
        built = Builder(request, settings)
        found = built.overview()
        return _page(request, built, "monitoring.html", found)

    @router.get("/engpass", include_in_schema=False)
    def by_municipality(request: Request, session: Analyst) -> Response:
        built = Builder(request, settings)
        demand, offers, ratio = built.by_place()
        found = {t.id: t for t in (demand, offers, ratio) if t is not None}
        return _page(request, built, "monitoring_places.html", found)

    @router.get("/bericht.pdf", include_in_schema=False)
    def board_report(request: Request, session: Analyst) -> Response:
        built = Builder(request, settings)
        found = built.overview()
        periods = built.filters.periods()
        pdf = report.render_pdf(
            report.ReportData(
                found=found,
                notes=built.notes(),
                period=f"{periods[0].label} bis {periods[-1].label}",
                k=built.k,
                supply_available=built.supply_available and built.coverage_available,
                today=built.today,
            )
        )
        start, end = built.filters.start.isoformat(), built.filters.end.isoformat()
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="bildungsmonitoring-bericht-{start}-bis-{end}.pdf"'
            },
        )

    @router.get("/export", include_in_schema=False)
    def download(
        request: Request, session: Analyst, tabelle: str = "nachfrage", format: str = "csv"
    ) -> Response:
        built = Builder(request, settings)
        make = built.by_id().get(tabelle)
        if make is None or format not in FORMATS:
            return render(request, "error.html", 404, problem="not_found")
        try:
            table = make()
        except LookupError:
            return render(request, "error.html", 503, problem="search_unavailable")
        if table.id in ("abdeckung", "luecken") and not built.coverage_available:
            return render(request, "error.html", 503, problem="search_unavailable")
        writer, media_type = FORMATS[format]
        demo = "demo-daten-" if built.simulated and not built.filters.without_demo else ""
        name = f"bildungsmonitoring-{demo}{table.id}-{built.filters.start.isoformat()}-bis-{built.filters.end.isoformat()}.{format}"
        return Response(
            writer(table, built.notes()),
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return router


def _page(
    request: Request, built: Builder, template: str, found: dict[str, tables.Table]
) -> Response:
    return render(
        request,
        template,
        filters=built.filters,
        periods=built.filters.periods(),
        tables=found,
        exports=built.export_links(list(found)),
        charts={name: json.dumps(spec) for name, spec in charts.specs(found).items()},
        k=built.k,
        supply_available=built.supply_available,
        coverage_available=built.coverage_available,
        weeks_complete_from=built.weeks_complete_from,
        municipalities=flt.municipalities(),
        fields=flt.fields(),
        goals=flt.vocabulary.GOALS,
        time_models=flt.vocabulary.TIME_MODELS,
        choices=flt.CHOICES,
        simulated_present=built.simulated,
        breakdowns=flt.BREAKDOWN_LABELS,
        filter_query=urlencode(built.filters.query()),
        report_link=f"{BASE_PATH}/analyst/bericht.pdf?{urlencode(built.filters.query())}",
    )
