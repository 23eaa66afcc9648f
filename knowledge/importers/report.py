"""Import report, issues and the merge of an import into an existing offer list.

Every importer returns an :class:`ImportReport`. Invariant: ``read == imported + rejected``;
a rejected record has at least one :class:`ImportIssue` (location, field, German reason).
File-level problems (unreadable file, missing header) are issues without a record, so
``read`` stays 0 for them. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from knowledge.schema import Offer


@dataclass(frozen=True)
class ImportIssue:
    """A problem of one record (or of the whole file).

    ``location`` is a line number (CSV, 1-based, header = line 1) or a JSON path such as
    ``$._embedded.termine[2].unterrichtsform.id``; ``field`` names the column/key.
    """

    location: int | str
    field: str
    reason: str
    record_id: str | None = None

    def __str__(self) -> str:
        where = f"Zeile {self.location}" if isinstance(self.location, int) else self.location
        rid = f" ({self.record_id})" if self.record_id else ""
        return f"{where}{rid}: Feld '{self.field}': {self.reason}"


class ImportCounts(NamedTuple):
    read: int
    imported: int
    rejected: int


@dataclass
class ImportReport:
    """Result of one import run."""

    source: str
    offers: list[Offer] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    read: int = 0
    rejected: int = 0
    #: source ids of rejected records (merge keeps their old version instead of removing it)
    rejected_source_ids: set[str] = field(default_factory=set)
    #: notes for data staff, e.g. the detected encoding and delimiter
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.offers)

    @property
    def counts(self) -> ImportCounts:
        return ImportCounts(self.read, self.imported, self.rejected)

    def accept(self, offer: Offer) -> None:
        """Count one record as read and imported."""
        self.read += 1
        self.offers.append(offer)

    def reject(self, issues: Iterable[ImportIssue], source_id: str | None = None) -> None:
        """Count one record as read and rejected with its issues (at least one)."""
        issues = list(issues)
        if not issues:
            raise ValueError("a rejected record needs at least one issue")
        self.read += 1
        self.rejected += 1
        self.errors.extend(issues)
        if source_id:
            self.rejected_source_ids.add(source_id)

    def file_error(self, issue: ImportIssue) -> None:
        """Record a problem of the whole file (no record counted)."""
        self.errors.append(issue)

    def format_de(self) -> str:
        """German plain-text report for data staff."""
        lines = [
            f"Import aus: {self.source}",
            f"Gelesen: {self.read} Datensätze, übernommen: {self.imported}, "
            f"abgelehnt: {self.rejected}",
        ]
        lines.extend(f"Hinweis: {n}" for n in self.notes)
        if self.errors:
            lines.append(f"Fehler ({len(self.errors)}):")
            lines.extend(f"  {e}" for e in self.errors)
        else:
            lines.append("Keine Fehler.")
        return "\n".join(lines)


@dataclass(frozen=True)
class MergeSummary:
    """Offer ids affected by a merge (see :func:`merge`)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def format_de(self) -> str:
        return (
            f"Neu: {len(self.added)}, aktualisiert: {len(self.updated)}, "
            f"entfernt: {len(self.removed)}, unverändert: {len(self.unchanged)}"
        )


def merge(
    existing: list[Offer], imported: ImportReport, source: str, remove_missing: bool = True
) -> tuple[list[Offer], MergeSummary]:
    """Merge an import of ``source`` into ``existing`` (pure; inputs are not modified).

    Offers are matched by ``(source, source_id)``. Existing offers of ``source`` are
    replaced by their imported version (``updated``, or ``unchanged`` if equal) or removed
    when the import no longer contains them (withdrawn). Exception: an offer whose new
    record was *rejected* is kept as it was (counted as ``unchanged``), so a typo in one
    row does not delete an offer. Offers of other sources are never touched. New offers are
    appended in import order. Raises ValueError if an imported offer has another source.
    ``remove_missing=False`` keeps offers the import does not contain (a partial delivery,
    e.g. a fetch that stopped at its page limit).
    """
    new_by_sid: dict[str, Offer] = {}
    for offer in imported.offers:
        if offer.source != source:
            raise ValueError(
                f"Angebot {offer.id} hat die Quelle '{offer.source}', nicht '{source}'"
            )
        new_by_sid[offer.source_id] = offer
    result: list[Offer] = []
    seen: set[str] = set()
    updated: list[str] = []
    removed: list[str] = []
    unchanged: list[str] = []
    for old in existing:
        if old.source != source:
            result.append(old)
            continue
        new = new_by_sid.get(old.source_id)
        if new is None:
            if old.source_id in imported.rejected_source_ids or not remove_missing:
                result.append(old)
                unchanged.append(old.id)
            else:
                removed.append(old.id)
            continue
        if old.source_id in seen:  # duplicate in the existing list: keep one only
            removed.append(old.id)
            continue
        seen.add(old.source_id)
        result.append(new)
        (unchanged if new == old else updated).append(new.id)
    added = [o for sid, o in new_by_sid.items() if sid not in seen]
    result.extend(added)
    summary = MergeSummary(
        added=tuple(o.id for o in added),
        updated=tuple(updated),
        removed=tuple(removed),
        unchanged=tuple(unchanged),
    )
    return result, summary


def unreadable_file(source: str, location: int | str, exc: OSError) -> ImportReport:
    """Report for an import file that could not be read at all (nothing imported)."""
    report = ImportReport(source=source)
    report.file_error(ImportIssue(location, "datei", f"Datei nicht lesbar ({exc.strerror or exc})"))
    return report
