"""Role of an occupation in a message: ``target`` (wished for) or ``current`` (held now).

The cue words are data files under ``nlu/resolver_words/`` (see :mod:`.resolver_words`).
"""

from __future__ import annotations

from typing import Any

from nlu.components.resolver_words import phrases, word_set, words

CURRENT, TARGET = "current", "target"

_CLAUSE_BREAKS = word_set("clause_breaks")
# Cues right before the occupation (last one or two words of the clause part to its left).
_TARGET_LEFT = phrases("target_left")
_TARGET_WORDS = word_set("target_words")
# Words naming the wished-for occupation: "Mein Wunschberuf ist ...", "Ziel: ...".
_TARGET_NOUNS = word_set("target_nouns")
_TARGET_RIGHT = word_set("target_right")
_WISH_RIGHT = word_set("wish_right")
_CURRENT_LEFT = word_set("current_left")
_CURRENT_RIGHT = word_set("current_right")
_CURRENT_RIGHT_PAIRS = phrases("current_right_pairs")  # "Mechatronikerin von Beruf"
# "arbeite im Einzelhandel", "war in der Pflege"
_CURRENT_PLACE_LEFT = word_set("current_place_left")
_CURRENT_PLACE_VERBS = word_set("current_place_verbs")
# English: "I am a nurse", "I work as a cook", "I was a hairdresser" / "become an electrician".
_EN_TARGET = word_set("en_target")
_EN_CURRENT = word_set("en_current")
# "Backtechniker hier", "Elektroniker EGT aus Dornach", "zurück in meinen Job als ...",
# "als Erzieherin wieder einsteigen"
_CURRENT_RIGHT_FIRST = word_set("current_right_first")
_CURRENT_BEFORE_ALS = word_set("current_before_als")
_RETURN_WORDS = word_set("return_words")
_EN_WISH = word_set("en_wish")  # "I'd love to work as a nurse"
_ARTICLES = frozenset({"den", "die", "meinen", "meine", "einen", "eine", "nen", "ne"})
# "Ich suche Büroarbeit", "suche was im Büro", "suche eine Stelle als Lagerist": looked for
_SEARCH_WORDS = word_set("search_words")
_SEARCH_FILLERS = word_set("search_fillers")
_JOB_NOUNS = word_set("search_job_nouns")
_JOB_SUFFIXES = ("stelle", "job", "arbeit", "tätigkeit", "taetigkeit")
# "dass ich diesen Bürojob nicht mehr machen möchte": the job held now
_CURRENT_DETERMINERS = word_set("current_determiners")


def _job_word(word: str) -> bool:
    return word in _JOB_NOUNS or word.endswith(_JOB_SUFFIXES)


def searched_for(left: list[str], occupation: str = "", code: str | None = None) -> bool:
    """True if the clause part left of an occupation ends in a search verb followed only by
    filler words, and the search is for work: a job noun in between ("suche [eine Stelle als]
    Lagerist"), a job compound ("Büroarbeit") or a field ("suche was im Büro"). Not for "suche
    als Koch ..." (the searcher's own occupation) nor "Ich suche einen Elektriker" (a service,
    not a job)."""
    index = max((i for i, w in enumerate(left) if w in _SEARCH_WORDS), default=-1)
    if index < 0:
        return False
    between = left[index + 1 :]
    if between[:1] in (["als"], ["as"]):
        return False
    if not all(w in _SEARCH_FILLERS or _job_word(w) for w in between):
        return False
    field = code is not None and len(code) < 5
    return field or any(_job_word(w) for w in between) or _job_word(occupation.lower())


def occupation_role(text: str, start: int, end: int, code: str | None = None) -> str | None:
    """``target``/``current`` for the occupation at ``text[start:end]`` from German context cues.

    Target: "in die/den ...", "zur/zum ...", "Umschulung zur ...", "... werden", "wechseln in ...",
    "als ... arbeiten möchte", "suche (eine Stelle als / was im) ...". Current: "bin ...",
    "arbeite als/im ...", "gelernte ...", "war ...", "habe ... gelernt", "diesen ...", a job title
    opening the message before a comma ("Kfz-Mechatroniker, suche ..."). Only the
    clause around the occupation counts (split at commas, "und", ...).
    """
    left = words(text[:start])
    right = words(text[end:])
    if not left and right[:1] == [","]:  # "Kfz-Mechatroniker, suche Kurs in Teilzeit"
        return CURRENT
    cut = max((i for i, w in enumerate(left) if w in _CLAUSE_BREAKS), default=-1)
    left = left[cut + 1 :]
    stop = next((i for i, w in enumerate(right) if w in _CLAUSE_BREAKS), len(right))
    right = right[:stop]
    tail = left[-4:]
    if searched_for(left, text[start:end], code):
        return TARGET
    if right[:1] and right[0] in _CURRENT_RIGHT_FIRST:
        return CURRENT
    if right[:1] == ["machen"] and tail[-1:] and tail[-1] in _ARTICLES:  # "den Techniker machen"
        return TARGET
    if tail[-1:] and tail[-1] in _CURRENT_DETERMINERS:
        return CURRENT
    if tail[-1:] == ["als"] and len(tail) > 1 and tail[-2] in _CURRENT_BEFORE_ALS:
        return CURRENT
    if any(w in _RETURN_WORDS for w in right + tail):
        return CURRENT
    wants = any(w in _TARGET_WORDS for w in left + right)
    if any(w in _TARGET_NOUNS for w in left):  # "Mein Wunschberuf ist Erzieherin"
        return TARGET
    if any(w in _TARGET_RIGHT for w in right):
        return TARGET
    if wants and any(w in _WISH_RIGHT for w in right):  # "möchte in der Pflege arbeiten"
        return TARGET
    for cue in _TARGET_LEFT:
        n = len(cue)
        for offset in range(
            0, 3
        ):  # allow up to two words between cue and occupation ("zur staatlich anerkannten")
            window = (
                tail[len(tail) - n - offset : len(tail) - offset] if len(tail) >= n + offset else []
            )
            if tuple(window) == cue and (cue != ("als",) or wants):
                return TARGET
    if any(w in _CURRENT_RIGHT for w in right) or any(
        tuple(right[i : i + 2]) == pair for pair in _CURRENT_RIGHT_PAIRS for i in range(len(right))
    ):
        return CURRENT
    if any(w in _EN_TARGET for w in tail) or ("as" in tail and any(w in _EN_WISH for w in left)):
        return TARGET
    if any(w in _EN_CURRENT for w in tail):
        return CURRENT
    if any(w in _CURRENT_LEFT for w in left):
        return CURRENT
    if any(w in _CURRENT_PLACE_LEFT for w in tail) and any(w in _CURRENT_PLACE_VERBS for w in left):
        return CURRENT
    return None


def complete_roles(entities: list[dict[str, Any]]) -> None:
    """An occupation without a role next to a target and no current one is the current one
    ("Kriminalpolizist, möchte Sozialassistent werden"; "(Glasreiniger) ... become a truck
    driver"): set in place, for the one role-less coded occupation only."""
    occupations = [e for e in entities if e.get("entity") == "occupation"]
    if any(e.get("role") == CURRENT for e in occupations):
        return
    unroled = [e for e in occupations if not e.get("role") and e.get("kldb")]
    if len(unroled) == 1 and any(e.get("role") == TARGET for e in occupations):
        unroled[0]["role"] = CURRENT
