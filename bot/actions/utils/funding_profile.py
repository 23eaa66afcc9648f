"""Pure helpers for the funding checklist: canonical ``funding_form`` slot values and engine facts.

The funding form asks only the facts that decide (see :func:`missing_slots`). Its slots hold
canonical values (or :data:`UNKNOWN` after "Weiß nicht"); values may arrive as NLU entities
(``employment_status``, ``company_size``, ``age``, ``qualification``, ``goal``), as button
payloads, or as a typed answer (or button text) for the question just asked.
:func:`form_values` merges all of them; :func:`engine_facts` turns the values into the profile
facts of :mod:`knowledge.funding`. No I/O except the cached knowledge tables; message text is never
logged.

Domain requirements (``bot/domain/info.yml``): form ``funding_form`` with the slots in
:data:`FORM_SLOTS` (same order), slot :data:`SLOT_QUESTIONS_NEEDED` (bool, rule-only).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from knowledge import funding, shortage, vocabulary
from knowledge.funding import Range

FUNDING_FORM = "funding_form"
SLOT_EMPLOYMENT = "employment_status"
SLOT_QUALIFICATION = "vocational_qualification"
SLOT_COURSE_TYPE = "course_type"
SLOT_QUALIFICATION_SINCE = "qualification_since"
SLOT_COMPANY_SIZE = "company_size"
SLOT_AGE_GROUP = "age_group"
SLOT_QUESTIONS_NEEDED = "funding_questions_needed"
SLOT_GOAL = "goal"
SLOT_TARGET_KLDB = "target_kldb"
#: Form slots in the order they are asked.
FORM_SLOTS = (
    SLOT_EMPLOYMENT,
    SLOT_QUALIFICATION,
    SLOT_COURSE_TYPE,
    SLOT_QUALIFICATION_SINCE,
    SLOT_COMPANY_SIZE,
    SLOT_AGE_GROUP,
)
#: Engine fact decided by each form slot.
SLOT_FACT = {
    SLOT_EMPLOYMENT: "employment_status",
    SLOT_QUALIFICATION: "has_vocational_qualification",
    SLOT_COURSE_TYPE: "course_type",
    SLOT_QUALIFICATION_SINCE: "years_since_qualification",
    SLOT_COMPANY_SIZE: "company_size_employees",
    SLOT_AGE_GROUP: "age",
}
#: ``topic`` entity value of the "Alle Programme anzeigen" button
TOPIC_ALL = "alle"
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
_AUFSTIEG = re.compile(r"meister|techniker|fachwirt|betriebswirt|aufstieg|fachkaufm")
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


NORMALIZERS = {
    SLOT_EMPLOYMENT: employment_status,
    SLOT_QUALIFICATION: vocational_qualification,
    SLOT_COURSE_TYPE: course_type,
    SLOT_QUALIFICATION_SINCE: qualification_since,
    SLOT_COMPANY_SIZE: company_size,
    SLOT_AGE_GROUP: age_group,
}


def is_answer(text: str, intent: str | None) -> bool:
    """Whether a message may be read as the answer to the form's question."""
    if intent in ANSWER_INTENTS:
        return True
    return "?" not in text and len(text.split()) <= MAX_SHORT_ANSWER_WORDS


def _entity_values(entities: Iterable[Mapping[str, Any]], name: str) -> list[str]:
    return [str(e["value"]) for e in entities if e.get("entity") == name and e.get("value")]


def form_values(
    slots: Mapping[str, Any],
    entities: Sequence[Mapping[str, Any]] = (),
    *,
    text: str = "",
    intent: str | None = None,
    requested_slot: str | None = None,
    today: dt.date | None = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, str | None]:
    """Canonical value of every form slot after the latest message (``None`` = not known).

    Order of evidence: current slot values, then entities of the latest message, then, for the
    slot the form just asked, "Weiß nicht" (-> :data:`UNKNOWN`) or the typed answer. A slot
    candidate that does not normalise (the NLU read "5" in "vor 5 Jahren" as an age) keeps the
    value from before this message (``previous``). The profile goal fills ``course_type`` when
    nothing else did.
    """

    def normalise(slot: str, raw: Any) -> str | None:
        if slot == SLOT_QUALIFICATION_SINCE:
            return qualification_since(raw, today)
        return NORMALIZERS[slot](raw)

    values: dict[str, str | None] = {}
    for slot in FORM_SLOTS:
        value = normalise(slot, slots.get(slot))
        if value is None and previous:
            value = normalise(slot, previous.get(slot))
        values[slot] = value
    from_entities: set[str] = set()

    def take(slot: str, raw: str) -> None:
        value = NORMALIZERS[slot](raw)
        if value is not None and value != UNKNOWN:
            values[slot] = value
            from_entities.add(slot)

    for raw in _entity_values(entities, "employment_status"):
        take(SLOT_EMPLOYMENT, raw)
    for raw in _entity_values(entities, "company_size"):
        take(SLOT_COMPANY_SIZE, raw)
    for raw in _entity_values(entities, "age"):
        take(SLOT_AGE_GROUP, raw)
    for raw in _entity_values(entities, "qualification"):
        qualification = vocational_qualification(raw)
        if qualification is not None:
            take(SLOT_QUALIFICATION, qualification)
    # course type: a Meister/Techniker/Fachwirt qualification, else the goal
    qualifications = _entity_values(entities, "qualification")
    course_evidence = [
        *["aufstiegsfortbildung" for q in qualifications if _AUFSTIEG.search(fold(q))],
        *_entity_values(entities, "goal"),
    ]
    for raw in course_evidence:
        if course_type(raw) not in (None, UNKNOWN):
            take(SLOT_COURSE_TYPE, raw)
            break

    if requested_slot in NORMALIZERS and text and not text.startswith("/"):
        if is_dont_know(text):
            values[requested_slot] = UNKNOWN
        elif not from_entities and is_answer(text, intent):
            # (numbers in a message with entities belong to those entities: "Ich bin 52")
            typed = (
                qualification_since(text, today)
                if requested_slot == SLOT_QUALIFICATION_SINCE
                else NORMALIZERS[requested_slot](text)
            )
            if typed is not None:
                values[requested_slot] = typed

    if values[SLOT_COURSE_TYPE] is None:
        values[SLOT_COURSE_TYPE] = GOAL_COURSE_TYPE.get(str(slots.get(SLOT_GOAL) or ""))
    return values


def target_is_shortage(target_kldb: Any) -> bool | None:
    """True if the target occupation has an Engpass entry; unknown (None) otherwise.

    A missing entry is no evidence that an occupation is not in short supply.
    """
    code = str(target_kldb or "")
    if not code.isdigit():
        return None
    return True if any(e.status == "Engpass" for e in shortage.lookup(code)) else None


def engine_facts(values: Mapping[str, str | None], target_kldb: Any = None) -> dict[str, Any]:
    """Profile facts for :func:`knowledge.funding.evaluate` (unknown facts are left out)."""
    facts: dict[str, Any] = {}
    employment = values.get(SLOT_EMPLOYMENT)
    if employment in EMPLOYMENT_VALUES:
        facts["employment_status"] = employment
    qualification = values.get(SLOT_QUALIFICATION)
    if qualification in (YES, NO):
        facts["has_vocational_qualification"] = qualification == YES
    course = values.get(SLOT_COURSE_TYPE)
    if course in COURSE_TYPES:
        facts["course_type"] = course
    for slot, table, fact in (
        (SLOT_QUALIFICATION_SINCE, QUALIFICATION_SINCE, "years_since_qualification"),
        (SLOT_COMPANY_SIZE, COMPANY_SIZES, "company_size_employees"),
        (SLOT_AGE_GROUP, AGE_GROUPS, "age"),
    ):
        key = values.get(slot)
        if key in table:
            facts[fact] = table[key]
    if target_is_shortage(target_kldb):
        facts["target_is_shortage_occupation"] = True
    return facts


def missing_slots(
    values: Mapping[str, str | None],
    target_kldb: Any = None,
    catalogue: funding.FundingCatalogue | None = None,
) -> list[str]:
    """Form slots still to ask: unanswered and deciding for at least one instrument."""
    facts = engine_facts(values, target_kldb)
    candidates = [SLOT_FACT[s] for s in FORM_SLOTS if values.get(s) is None]
    open_facts = set(funding.deciding_facts(facts, candidates, catalogue=catalogue))
    return [s for s in FORM_SLOTS if SLOT_FACT[s] in open_facts]


def questions_needed(
    values: Mapping[str, str | None],
    *,
    text: str = "",
    topics: Sequence[str] = (),
    active_loop: str | None = None,
    target_kldb: Any = None,
) -> bool:
    """Whether a funding question should first run ``funding_form``.

    Not when the question names an instrument (answered directly), asks for all programmes
    (``topic`` "alle"), comes while a form is active (answered in between), or when no
    deciding fact is missing.
    """
    if active_loop or any(fold(t) == TOPIC_ALL for t in topics):
        return False
    if funding.find_instruments(" ".join([text, *topics])):
        return False
    return bool(missing_slots(values, target_kldb))
