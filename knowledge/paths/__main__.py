"""``python -m knowledge.paths``: check the learning-path file, or show the path for a profile.

Without ``--to``/``--to-text``: print the counts and every error (exit code 1 on errors); this
reads the offer catalogue (``knowledge.catalogue``) like ``knowledge.validate``. With ``--to``
(KldB code) or ``--to-text``: print the best path and its linked offers. The offers come from
the search service's own library, run in-process over the catalogue with exactly the requests
the action server sends (``knowledge.paths.links.step_request`` -> ``search.params`` ->
``search.service.run_listing``), so the tool shows what the chat shows without a running
service; that part needs the app environment (``.venv-app/bin/python``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.paths.checks import validate_paths
from knowledge.paths.links import linked_offers, resolve_path, step_request
from knowledge.paths.matching import find_path
from knowledge.paths.summary import path_lines, summary_lines
from knowledge.schema import Offer

Search = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def in_process_search(offers: Sequence[Offer], default_reach_km: float) -> Search:
    """``POST /search`` semantics for ``sort="nearby"`` requests without the HTTP service."""
    from search.app.schemas import SearchRequest
    from search.params import to_params
    from search.service import run_listing

    def search(request: Mapping[str, Any]) -> Mapping[str, Any]:
        params = to_params(SearchRequest.model_validate(dict(request)), default_reach_km)
        outcome = run_listing(list(offers), params)
        return {"items": outcome.items, "total": outcome.total}

    return search


def main(argv: Sequence[str] | None = None) -> int:
    """Check the file (no ``--to``) or show the best path for a profile with its offers."""
    parser = argparse.ArgumentParser(prog="python -m knowledge.paths", description=__doc__)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--from", dest="current", default=None, help="KldB-Code des Berufs")
    parser.add_argument("--from-text", default=None, help="Beruf oder Abschluss als Text")
    parser.add_argument("--to", default=None, help="KldB-Code des Zielberufs")
    parser.add_argument("--to-text", default=None, help="Zielberuf als Text")
    parser.add_argument("--place", default=None, help="Gemeinde für die Entfernung")
    args = parser.parse_args(argv)
    today = args.today or dt.date.today()
    catalogue = load_catalogue(strict=False)
    if not (args.to or args.to_text):
        errors = validate_paths(catalogue, today=today)
        for line in summary_lines(catalogue, today=today):
            print(line)
        for error in errors:
            print(f"FEHLER {error}")
        return 1 if errors else 0
    path = find_path(
        current_kldb=args.current,
        current_text=args.from_text,
        target_kldb=args.to,
        target_text=args.to_text,
    )
    if path is None:
        print("Kein kuratierter Lernpfad für diese Kombination.")
        return 0
    search = in_process_search(catalogue.offers, geo.DEFAULT_REACH_KM)
    found = []
    for step in path.steps:
        request = step_request(
            step,
            today=today,
            municipality=args.place,
            reach_km=geo.DEFAULT_REACH_KM,
            prefer_kldb=[c for c in (args.to, args.current) if c],
        )
        found.append(linked_offers(search(request)) if request else ((), 0))
    resolved = resolve_path(path, found, municipality=args.place)
    for line in path_lines(resolved):
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
