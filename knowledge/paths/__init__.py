"""Curated learning paths: load, validate, match a profile, link offers via the search service.

A learning path (``knowledge/data/learning_paths.json``, edited by staff as described in
``docs/learning-paths.md``) leads from a starting point (an occupation, a qualification or a
plain career change) to a target occupation as an ordered list of steps. Each step states
its duration, DQR level and possible funding (codes of :data:`knowledge.schema.FUNDING`),
cites sources with a "Stand" date, and names the catalogue criteria that link it to offers
(course types, KldB prefixes, optional title keywords). Offers are never referenced by id:
whatever the catalogue holds at run time is linked (one search request per step, see
:mod:`knowledge.paths.links`), so a growing catalogue needs no edits here.

Matching (documented contract, see :func:`rank_paths`):

- target: the user's target KldB code equals the path's main target code (4 points) or one
  of its ``also`` codes (3), or one code is a prefix of the other (2, e.g. the user named
  the group "821"); a keyword hit on the target text counts 1 (with a known target code only
  inside the same 3-digit Berufsgruppe). No target hit, no path.
- origin: a KldB prefix hit on the current code scores 10 + prefix length (an origin may
  restrict the Anforderungsniveau, the 5th digit, with ``kldb_level``); a keyword hit on the
  current occupation or qualification text adds 8; an ``any`` origin (career change, also
  without any stated qualification) scores 1 unless the person already works in the target
  occupation. ``require_keyword`` origins match only with a keyword hit.
- ranking: origin score x 10 + target score; ties keep the file order. Without any match
  :func:`find_path` returns ``None`` – there are no invented paths.

Modules: ``model`` (dataclasses), ``loader`` (parse + cache the file, DQR levels),
``matching`` (profile -> path), ``links`` (step search requests, linked offers, resolved
path), ``checks`` (validation against KldB, sources and the catalogue, for the tools),
``summary`` (counts and the CLI view), ``__main__`` (``python -m knowledge.paths``).
Stdlib only and Python 3.10-compatible (the action server imports it); no module here loads
the offer catalogue except the validation entry points, which receive it as an argument.
"""

from __future__ import annotations

from knowledge.paths.checks import step_offers, validate_paths
from knowledge.paths.links import (
    MAX_OFFERS_PER_STEP,
    linked_offer,
    linked_offers,
    nearby_request,
    resolve_path,
    step_request,
)
from knowledge.paths.loader import (
    DATA_DIR,
    DQR_FILE,
    PATHS_FILE,
    dqr_levels,
    load_paths,
    parse_paths,
)
from knowledge.paths.matching import clean_code, find_path, keyword_hit, rank_paths
from knowledge.paths.model import (
    DqrLevel,
    FundingNote,
    LearningPath,
    LinkedOffer,
    Origin,
    PathData,
    PathDataError,
    PathMatch,
    ResolvedPath,
    ResolvedStep,
    Source,
    Step,
    Target,
)
from knowledge.paths.summary import path_lines, summary_lines

__all__ = [
    "DATA_DIR",
    "DQR_FILE",
    "MAX_OFFERS_PER_STEP",
    "PATHS_FILE",
    "DqrLevel",
    "FundingNote",
    "LearningPath",
    "LinkedOffer",
    "Origin",
    "PathData",
    "PathDataError",
    "PathMatch",
    "ResolvedPath",
    "ResolvedStep",
    "Source",
    "Step",
    "Target",
    "clean_code",
    "dqr_levels",
    "find_path",
    "keyword_hit",
    "linked_offer",
    "linked_offers",
    "load_paths",
    "nearby_request",
    "parse_paths",
    "path_lines",
    "rank_paths",
    "resolve_path",
    "step_offers",
    "step_request",
    "summary_lines",
    "validate_paths",
]
