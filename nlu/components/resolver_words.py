"""Word lists of the EntityResolver (``nlu/resolver_words/*.txt``) and its tokeniser.

Each file is UTF-8 with one entry per line; blank lines and lines starting with ``#`` are
ignored. An entry of several words (a cue such as "in die") is a phrase: :func:`phrases` splits
it at spaces. The lists are read once, when the modules that use them are imported. Editing a
file retrains the Rasa model (``RASA_INPUTS`` in the Makefile).
"""

from __future__ import annotations

import re
from pathlib import Path

WORDS_DIR = Path(__file__).resolve().parent.parent / "resolver_words"

_TOKEN_RE = re.compile(r"\w+(?:[-/]\w+)*|[^\w\s]", re.UNICODE)


def entries(name: str) -> tuple[str, ...]:
    """The entries of ``nlu/resolver_words/<name>.txt`` in file order."""
    lines = (WORDS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    stripped = (line.strip() for line in lines)
    return tuple(line for line in stripped if line and not line.startswith("#"))


def word_set(name: str) -> frozenset[str]:
    """The entries of a word list as a set."""
    return frozenset(entries(name))


def phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of a phrase list, each split into its words (file order)."""
    return tuple(tuple(entry.split()) for entry in entries(name))


def words(text: str) -> list[str]:
    """Lower-cased tokens (words with inner hyphens/slashes, single punctuation marks)."""
    return [w.lower() for w in _TOKEN_RE.findall(text)]
