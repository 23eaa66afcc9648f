"""Typed answers to the funding form's questions -> canonical slot values (pure).

Values may arrive as a typed answer or a button text for the question just asked ("Ich bin
arbeitslos", "weniger als 50 Leute", "Weiß nicht"); each parser returns the canonical value of
its slot, :data:`UNKNOWN` after "Weiß nicht", or None. The value sets come from the one
vocabulary (:mod:`knowledge.vocabulary`); the bands (company size, age, years since the
qualification) are those of the funding rules. Used by :mod:`bot.actions.utils.funding_profile`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from knowledge import vocabulary
from knowledge.funding import Range

#: Slot value after "Weiß nicht" / "keine Angabe": filled (not asked again), fact unknown.
UNKNOWN = "unbekannt"
YES, NO = "ja", "nein"

EMPLOYMENT_VALUES = vocabulary.EMPLOYMENT_STATUSES
COURSE_TYPES = vocabulary.FUNDING_COURSE_TYPES
#: company-size class -> employees (the § 82 SGB III bands)
COMPANY_SIZES = {"klein": Range(1, 49), "mittel": Range(50, 499), "gross": Range(500, None)}
#: age group -> age in years
AGE_GROUPS = {
    "unter_25": Range(0, 24),
    "25_bis_44": Range(25, 44),
    "unter_45": Range(0, 44),
    "ab_45": Range(45, None),
}
#: time since the vocational qualification -> years
QUALIFICATION_SINCE = {"unter_2_jahre": Range(0, 1.9), "ab_2_jahre": Range(2, None)}
#: profile goal -> course type
GOAL_COURSE_TYPE = {
    "umschulung": "umschulung",
    "weiterbildung": "weiterbildung",
    "aufstieg": "aufstiegsfortbildung",
}
#: intents after which a typed answer is read as the answer to the question asked; other
#: messages count as an answer only if short and not a question (button texts such as
#: "Deutschkurs" may be classified as another intent)
ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "nlu_fallback", "out_of_scope"})
MAX_SHORT_ANSWER_WORDS = 5

_DONT_KNOW = re.compile(
    r"\b(weiss (ich )?(es )?nicht|weis nicht|keine ahnung|keine angabe|unbekannt|"
    r"ueberspringen|(das )?sage ich (lieber )?nicht|moechte ich nicht sagen|nicht sicher)\b"
)
_NUMBER = re.compile(r"\d{1,3}(?:[.\s]\d{3})+|\d+")
_FEWER = re.compile(r"\b(weniger als|unter|kleiner als|hoechstens|maximal|bis zu|bis)\s*$")
_MORE = re.compile(r"\b(mehr als|ueber|groesser als)\s*$")
# (pattern on folded text, canonical employment status); first match wins
_EMPLOYMENT_WORDS: tuple[tuple[str, str], ...] = (
    (r"kurzarbeit", "kurzarbeit"),
    (r"minijob|geringfuegig", "minijob"),
    (r"elternzeit|mutterschutz", "elternzeit"),
    (r"selbst(st)?aendig|freiberuf", "selbststaendig"),
    (r"buergergeld|jobcenter|hartz|alg ?(ii|2)", "buergergeld"),
    (r"arbeitss?uchend|jobsuchend", "arbeitsuchend"),
    (r"arbeitslos|ohne (arbeit|job)|erwerbslos", "arbeitslos"),
    (r"student|studier", "student"),
    (r"beschaeftigt|angestellt|berufstaetig|arbeitnehmer|festanstellung", "beschaeftigt"),
)
_NO_QUALIFICATION = re.compile(
    r"\b(kein\w*|ohne)\s+(berufs)?(abschluss|ausbildung|berufsausbildung|lehre)|ungelernt"
)
_QUALIFICATION = re.compile(
    r"ausbildung|berufsabschluss|gesell|facharbeiter|lehre\b|abschluss als|gelernt"
)
AUFSTIEG = re.compile(r"meister|techniker|fachwirt|betriebswirt|aufstieg|fachkaufm")
_COURSE_WORDS: tuple[tuple[str, str], ...] = (
    (r"umschul", "umschulung"),
    (r"anerkenn", "anerkennung"),
    (r"deutsch|sprachkurs|integrationskurs", "sprachkurs"),
    (r"studium|studier|hochschul|bachelor|\buni\b", "studium"),
    (
        r"meister|techniker|fachwirt|betriebswirt|aufstieg|fachkaufm|erzieher",
        "aufstiegsfortbildung",
    ),
    (r"berufsabschluss|ausbildung|berufswechsel", "umschulung"),
    (r"weiterbild|fortbild|kurs|lehrgang|anpassung|qualifizierung", "weiterbildung"),
)


def fold(text: Any) -> str:
    """Lower case, umlauts as ae/oe/ue/ss, single spaces."""
    out = str(text or "").casefold()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        out = out.replace(src, dst)
    return re.sub(r"\s+", " ", out).strip()


def is_dont_know(text: Any) -> bool:
    """True for answers such as "Weiß nicht", "keine Angabe", "überspringen"."""
    return bool(_DONT_KNOW.search(fold(text)))


def _yes_no(text: str) -> str | None:
    if re.match(r"(ja|jawohl|jep|klar|genau|stimmt|yes)\b", text):
        return YES
    if re.match(r"(nein|nee|noe|no|nicht)\b", text):
        return NO
    return None


def _numbers(text: str) -> list[tuple[float, str]]:
    """Numbers in ``text`` with the text before each ("2.000" and "2 000" are 2000)."""
    return [
        (float(re.sub(r"[.\s]", "", m.group())), text[: m.start()]) for m in _NUMBER.finditer(text)
    ]


def employment_status(value: Any) -> str | None:
    text = fold(value)
    if text in (*EMPLOYMENT_VALUES, UNKNOWN):
        return text
    for pattern, canonical in _EMPLOYMENT_WORDS:
        if re.search(pattern, text):
            if canonical == "beschaeftigt" and re.search(r"\b(nicht|kein\w*)\b", text):
                return None  # "nicht berufstätig" says what the person is not
            return canonical
    return None


def vocational_qualification(value: Any) -> str | None:
    text = fold(value)
    if text in (YES, NO, UNKNOWN):
        return text
    if _NO_QUALIFICATION.search(text):
        return NO
    if _QUALIFICATION.search(text):
        return YES
    return _yes_no(text)


def course_type(value: Any) -> str | None:
    text = fold(value)
    if text in (*COURSE_TYPES, UNKNOWN):
        return text
    if text in GOAL_COURSE_TYPE:
        return GOAL_COURSE_TYPE[text]
    for pattern, canonical in _COURSE_WORDS:
        if re.search(pattern, text):
            return canonical
    return None


def company_size(value: Any) -> str | None:
    text = fold(value)
    if text in (*COMPANY_SIZES, UNKNOWN):
        return text
    found = _numbers(text)
    if found:
        count, before = found[0]
        if _FEWER.search(before):
            count -= 1 if not re.search(r"\bbis( zu)?\s*$", before) else 0
        elif _MORE.search(before):
            count += 1
        return next(k for k, r in COMPANY_SIZES.items() if r.high is None or count <= r.high)
    if re.search(r"gross|konzern", text):
        return "gross"
    if re.search(r"mittel", text):
        return "mittel"
    if re.search(r"klein", text):
        return "klein"
    return None


def age_group(value: Any) -> str | None:
    text = fold(value)
    if text in (*AGE_GROUPS, UNKNOWN):
        return text
    found = [(n, before) for n, before in _numbers(text) if 14 <= n <= 99]
    if not found:
        return None
    age, before = found[0]
    after = text[text.find(str(int(age))) + len(str(int(age))) :]
    if re.search(r"\bunter\s*$", before):
        return "unter_25" if age <= 25 else "unter_45" if age <= 45 else None
    if re.search(r"\b(ab|ueber)\s*$", before) or re.match(r"\s*(\+|oder (aelter|mehr))", after):
        return "ab_45" if age >= 45 else None
    if age < 25:
        return "unter_25"
    return "25_bis_44" if age < 45 else "ab_45"


def qualification_since(value: Any, today: dt.date | None = None) -> str | None:
    """Time since the vocational qualification: a year ("2019"), "vor 5 Jahren", "8 Monate",
    a bare number of years, or ja/nein to "mindestens 2 Jahre?"."""
    text = fold(value)
    if text in (*QUALIFICATION_SINCE, UNKNOWN):
        return text
    years: float | None = None
    year = re.search(r"\b(19[5-9]\d|20\d\d)\b", text)
    duration = re.search(r"(\d+)\s*(jahr|monat)", text)
    if year and today is not None and int(year.group(1)) <= today.year:
        years = today.year - int(year.group(1))
    elif duration:
        years = int(duration.group(1)) / (12 if duration.group(2) == "monat" else 1)
    elif re.fullmatch(r"\d{1,2}", text):
        years = int(text)
    if years is not None:
        return "ab_2_jahre" if years >= 2 else "unter_2_jahre"
    answer = _yes_no(text)
    return {YES: "ab_2_jahre", NO: "unter_2_jahre"}.get(answer or "")
