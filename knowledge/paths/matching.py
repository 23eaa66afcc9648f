"""Match a profile to a curated learning path (contract in :mod:`knowledge.paths`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase

from knowledge.paths.loader import load_paths
from knowledge.paths.model import LearningPath, Origin, PathData, PathMatch, Target

_TOKEN_RE = re.compile(r"[\w]+(?:[-/][\w]+)*")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(text: str) -> str:
    return text.casefold().translate(_FOLD)


def _tokens(text: str) -> tuple[list[str], set[str]]:
    """Words of a text (folded) and the set including the parts of "erzieher/in", "lkw-fahrer"."""
    words = _TOKEN_RE.findall(_fold(text))
    parts = set(words)
    for word in words:
        parts.update(p for p in re.split(r"[-/]", word) if p)
    return words, parts


def keyword_hit(keywords: Iterable[str], text: str | None) -> bool:
    """True if a keyword pattern matches a word (or a word sequence) of ``text``.

    Patterns are shell-style and case-insensitive (``verkäufer*``, ``*meister``); umlauts
    may be written as ``ae``/``oe``/``ue``. A pattern with spaces must match that many
    consecutive words (``medizinische* fachangestellte*``).
    """
    if not text:
        return False
    words, parts = _tokens(text)
    for keyword in keywords:
        pattern = _fold(keyword).split()
        if not pattern:
            continue
        if len(pattern) == 1:
            if any(fnmatchcase(w, pattern[0]) for w in parts):
                return True
            continue
        size = len(pattern)
        for i in range(len(words) - size + 1):
            if all(fnmatchcase(words[i + j], pattern[j]) for j in range(size)):
                return True
    return False


def clean_code(code: str | None) -> str | None:
    code = (code or "").strip()
    return code if code.isdigit() and 1 <= len(code) <= 5 else None


def _target_score(target: Target, code: str | None, text: str | None) -> int:
    best = 0
    if code:
        for index, candidate in enumerate(target.codes):
            if code == candidate:
                best = max(best, 4 if index == 0 else 3)
            elif (len(code) >= 2 and candidate.startswith(code)) or code.startswith(candidate):
                best = max(best, 2)
    # a typed target without code ("Meister") is matched by keywords; with a code, keywords
    # count only inside the same Berufsgruppe (3 digits), so the code decides
    same_group = not code or any(c[:3] == code[:3] for c in target.codes)
    if same_group and keyword_hit(target.keywords, text):
        best = max(best, 1)
    return best


def _already_there(code: str | None, target: Target) -> bool:
    if not code:
        return False
    return any(code.startswith(c) or (len(code) >= 2 and c.startswith(code)) for c in target.codes)


def _origin_score(origin: Origin, target: Target, code: str | None, text: str | None) -> int:
    keyword = keyword_hit(origin.keywords, text)
    code_score = 0
    if code and (origin.kldb or origin.kldb_level):
        level_ok = not origin.kldb_level or len(code) < 5 or code[4] in origin.kldb_level
        if level_ok and origin.kldb:
            hits = [len(p) for p in origin.kldb if code.startswith(p)]
            code_score = 10 + max(hits) if hits else 0
        elif level_ok and len(code) == 5:
            code_score = 10  # a level-only origin, e.g. every Helfer occupation
    if origin.require_keyword and not keyword:
        return 0
    if code_score or keyword:
        return code_score + (8 if keyword else 0)
    if origin.any and not _already_there(code, target):
        return 1
    return 0


def rank_paths(
    *,
    current_kldb: str | None = None,
    current_text: str | None = None,
    target_kldb: str | None = None,
    target_text: str | None = None,
    data: PathData | None = None,
) -> list[PathMatch]:
    """All paths that fit, best first (see the module docstring for the scores)."""
    data = data or load_paths()
    current = clean_code(current_kldb)
    target = clean_code(target_kldb)
    matches = []
    for path in data.paths:
        target_score = _target_score(path.target, target, target_text)
        if not target_score:
            continue
        origin_score = _origin_score(path.origin, path.target, current, current_text)
        if origin_score:
            matches.append(PathMatch(path, origin_score, target_score))
    return sorted(matches, key=lambda m: -m.score)


def find_path(
    *,
    current_kldb: str | None = None,
    current_text: str | None = None,
    target_kldb: str | None = None,
    target_text: str | None = None,
    data: PathData | None = None,
) -> LearningPath | None:
    """The best path from a current occupation/qualification (or none: career change) to a
    target occupation, or ``None`` when no curated path fits."""
    ranked = rank_paths(
        current_kldb=current_kldb,
        current_text=current_text,
        target_kldb=target_kldb,
        target_text=target_text,
        data=data,
    )
    return ranked[0].path if ranked else None
