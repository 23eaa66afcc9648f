"""KldB 2010 (Fassung 2020) lookup by code and by job title, with German gendered title forms.

Source: Bundesagentur für Arbeit, Klassifikation der Berufe 2010 – überarbeitete Fassung 2020,
Gliederung (Stand 2025-02-03), file ``knowledge/data/kldb2010_v2020_gliederung.csv``.

Levels: 1 Berufsbereich (1 digit), 2 Berufshauptgruppe (2), 3 Berufsgruppe (3),
4 Berufsuntergruppe (4), 5 Berufsgattung (5 digits). The 5th digit of a Berufsgattung is the
Anforderungsniveau (1 Helfer, 2 Fachkraft, 3 Spezialist, 4 Experte).

Level-5 rows list example job titles ("Zugeordnete Berufe (Beispiele): 82102-101
Altenpfleger/in ..."); each example title resolves to the 5-digit code of its Berufsgattung.

Ambiguity rule (documented contract): when a normalised surface form belongs to several codes,
``find_by_title`` orders the candidates so that codes at Fachkraft level (5th digit 2) come
first; then codes with a title that produces the form as written before codes whose title
produces it only after dropping a parenthesised qualifier; then codes with more such titles;
then by code. The first candidate is the one the NLU uses. Example: "Pflegefachfrau" -> 81302
(three "Pflegefachmann/-frau (...)" titles) before 82102 (one) before 81313 (Spezialist).

Stdlib only: imported by both the bot (Python 3.10) and the app (Python 3.11) environments.
"""

from __future__ import annotations

import csv
import html
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "kldb2010_v2020_gliederung.csv"
SOURCE = "Bundesagentur für Arbeit, KldB 2010 Fassung 2020, Stand 2025-02-03"

ANFORDERUNGSNIVEAU = {"1": "Helfer", "2": "Fachkraft", "3": "Spezialist", "4": "Experte"}

_EXAMPLE_RE = re.compile(r"(\d{5})-(\d{3})\s+(.*?)(?=\s+\d{5}-\d{3}\s|$)")
_PAREN_RE = re.compile(r"\s*\([^()]*\)")
_UMLAUT_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_A = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_MANN_FRAU_RE = re.compile(r"(\w+)mann/-frau\b")
_FEMININE_ENDINGS = ("in", "frau", "männin", "fräulein", "e", "r")


@dataclass(frozen=True)
class Occupation:
    """One KldB position; ``job_titles`` holds the example titles of a level-5 Berufsgattung."""

    code: str
    level: int
    title: str
    short_title: str
    job_titles: tuple[str, ...] = ()


def clean_text(text: str) -> str:
    """Unescape HTML entities (``&nbsp;``) and collapse whitespace."""
    text = html.unescape(text or "").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def fold_variants(text: str) -> set[str]:
    """Lower-cased spellings of ``text`` with ß->ss and umlauts as ``ae`` and as ``a``.

    The original lower-cased spelling is included, so ``"Gräfelfing"`` gives
    ``{"gräfelfing", "graefelfing", "grafelfing"}``.
    """
    low = text.lower()
    return {low, low.translate(_UMLAUT_AE), low.translate(_UMLAUT_A), low.replace("ß", "ss")}


def match_keys(text: str) -> set[str]:
    """Keys for exact matching: folded spellings with spaces, hyphens and dots removed."""
    return {re.sub(r"[\s\-‐–.,/]+", "", v) for v in fold_variants(clean_text(text))}


def _fold_base(text: str) -> str:
    return text.lower().translate(_UMLAUT_A)


def _gender_pair(token: str) -> tuple[str, str] | None:
    """Split one gendered token ("Pfleger/in", "Kaufmann/-frau", "Koch/Köchin") into (m, f)."""
    if "/" not in token:
        return None
    head, alt = token.rsplit("/", 1)
    if not head or not alt:
        return None
    if alt.lower() in ("in", "-in", "innen"):
        return head, head + "in"
    if alt.lower() in ("r", "-r"):  # Angestellte/r
        return head + "r", head
    if alt.startswith("-"):
        suffix = alt[1:]
        if not suffix:
            return None
        if head.lower().endswith("mann") and suffix.lower().startswith(
            ("frau", "männin", "fräulein")
        ):
            return head, head[:-4] + suffix
        # Align the suffix's start with the last matching position in head ("-kauffrau", "-ärztin").
        fold_head, fold_suffix = _fold_base(head), _fold_base(suffix)
        for size in range(min(len(fold_suffix), 6), 2, -1):
            pos = fold_head.rfind(fold_suffix[:size])
            if pos > 0:
                return head, head[:pos] + suffix
        return head, head + suffix
    if alt[:1].isupper() and alt.lower().endswith(
        _FEMININE_ENDINGS
    ):  # Koch/Köchin, Gehilfe/Gehilfin
        return head, alt
    return None


def _gender_forms(text: str) -> set[str]:
    """Masculine-all and feminine-all variants of a title, plus the raw spelling."""
    tokens = text.split(" ")
    pairs = [_gender_pair(t) for t in tokens]
    if not any(pairs):
        return {text}
    male = " ".join(p[0] if p else t for t, p in zip(tokens, pairs, strict=True))
    female = " ".join(p[1] if p else t for t, p in zip(tokens, pairs, strict=True))
    forms = {text, male, female}
    if _MANN_FRAU_RE.search(text):  # people also write the feminine first: "Pflegefachfrau/-mann"
        forms.add(_MANN_FRAU_RE.sub(r"\1frau/-mann", text))
    return forms


def _qualifier_forms(head: str, qualifier: str) -> set[str]:
    """Ways people write "<head> - <qualifier>": with im/in der/für or just juxtaposed.

    The prepositional variants are only generated for plain words (no "/", abbreviations or
    parentheses), e.g. "Kaufmann - Einzelhandel" -> "Kaufmann im Einzelhandel".
    """
    forms = {f"{head} - {qualifier}"}
    if not any(ch in head + qualifier for ch in "/.,()§"):
        forms |= {
            f"{head} {qualifier}",
            f"{head} im {qualifier}",
            f"{head} in der {qualifier}",
            f"{head} für {qualifier}",
        }
    return forms


def _forms_of_base(base: str) -> set[str]:
    """Gender (and "<head> - <qualifier>") variants of one title base."""
    if " - " not in base:
        return _gender_forms(base)
    head, qualifier = base.split(" - ", 1)
    forms: set[str] = set()
    for head_form in _gender_forms(head):
        forms |= _qualifier_forms(head_form, qualifier)
    return forms


def _title_bases(title: str) -> list[str]:
    """The title itself and, if it has parenthesised qualifiers, the title without them."""
    bases = [title]
    stripped = clean_text(_PAREN_RE.sub("", title))
    if stripped and stripped != title:
        bases.append(stripped)
    return bases


def expand_title_forms(title: str) -> set[str]:
    """All surface forms of a KldB job title.

    "Altenpfleger/in" -> {"Altenpfleger/in", "Altenpfleger", "Altenpflegerin"};
    "Pflegefachmann/-frau (Ausbildung)" -> also "Pflegefachmann", "Pflegefachfrau" and the qualified
    "Pflegefachmann (Ausbildung)"; "Kaufmann/-frau - Einzelhandel" -> "Kaufmann im Einzelhandel",
    "Kauffrau im Einzelhandel", "Kaufmann Einzelhandel", ... (spellings are not folded here).
    """
    title = clean_text(title)
    if not title:
        return set()
    forms: set[str] = set()
    for base in _title_bases(title):
        forms |= _forms_of_base(base)
    return {f for f in forms if f}


_DIRECT_WEIGHT = 100


def _weighted_keys(title: str) -> dict[str, int]:
    """Match keys of a title's forms: 100 for forms of the title as written, 1 for stripped
    forms."""
    weights: dict[str, int] = {}
    title = clean_text(title)
    for index, base in enumerate(_title_bases(title)):
        weight = _DIRECT_WEIGHT if index == 0 else 1
        for form in _forms_of_base(base):
            for key in match_keys(form):
                weights[key] = max(weights.get(key, 0), weight)
    return weights


def _normalise_code(raw: str, level: int) -> str:
    return raw.strip().zfill(level)


def parse_examples(text: str) -> list[tuple[str, str]]:
    """(5-digit code, title) pairs from an "Umfasst ferner" cell of a level-5 row."""
    text = clean_text(text)
    if not text.startswith("Zugeordnete Berufe"):
        return []
    return [(m.group(1), m.group(3).strip()) for m in _EXAMPLE_RE.finditer(text)]


class Kldb:
    """In-memory KldB hierarchy with a title index."""

    def __init__(self, occupations: list[Occupation]) -> None:
        self._by_code = {o.code: o for o in occupations}
        # key -> code -> votes; a form of the title as written weighs more than a form that only
        # appears after stripping a parenthesised qualifier.
        self._title_index: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for occ in occupations:
            if occ.level != 5:
                continue
            for title in (*occ.job_titles, occ.short_title):
                for key, weight in _weighted_keys(title).items():
                    self._title_index[key][occ.code] += weight

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self):
        return iter(self._by_code.values())

    def get(self, code: str) -> Occupation | None:
        """Position by code (leading zeros optional for codes of military Berufsbereich 0)."""
        code = str(code).strip()
        return self._by_code.get(code)

    def parents(self, code: str) -> list[Occupation]:
        """Ancestors from level 1 down to the direct parent."""
        return [self._by_code[code[:n]] for n in range(1, len(code)) if code[:n] in self._by_code]

    def children(self, code: str) -> list[Occupation]:
        """Direct children (one level deeper)."""
        return [
            o
            for o in self._by_code.values()
            if len(o.code) == len(code) + 1 and o.code.startswith(code)
        ]

    def descendants_at_level(self, code: str, level: int = 5) -> list[Occupation]:
        """All positions of the given level below ``code``."""
        return [o for o in self._by_code.values() if o.level == level and o.code.startswith(code)]

    @staticmethod
    def anforderungsniveau(code: str) -> str | None:
        """Helfer/Fachkraft/Spezialist/Experte from the 5th digit; None for shorter codes."""
        if len(code) != 5:
            return None
        return ANFORDERUNGSNIVEAU.get(code[4])

    def candidates_for(self, text: str) -> dict[str, int]:
        """Codes whose titles produce ``text`` (normalised), with vote counts."""
        votes: dict[str, int] = defaultdict(int)
        for key in match_keys(text):
            for code, count in self._title_index.get(key, {}).items():
                votes[code] = max(votes[code], count)
        return dict(votes)

    def find_by_title(self, text: str) -> list[Occupation]:
        """Occupations whose job titles match ``text`` exactly after normalisation.

        Ordered by the ambiguity rule: Fachkraft level first, then titles matching as written before
        titles matching only without their parenthesised qualifier, then more matching titles,
        then code.
        """
        votes = self.candidates_for(text)
        ranked = sorted(votes, key=lambda c: (c[4] != "2", -votes[c], c))
        return [self._by_code[c] for c in ranked]

    def best_code_for_title(self, text: str) -> str | None:
        """The single code the NLU uses for a title, or None."""
        found = self.find_by_title(text)
        return found[0].code if found else None

    def surface_forms(self) -> dict[str, str]:
        """Every expanded (unfolded) title form of level-5 entries -> its resolved 5-digit code."""
        result: dict[str, str] = {}
        for occ in sorted(self._by_code.values(), key=lambda o: o.code):
            if occ.level != 5:
                continue
            for title in (*occ.job_titles, occ.short_title):
                for form in expand_title_forms(title):
                    if form not in result:
                        code = self.best_code_for_title(form)
                        if code:
                            result[form] = code
        return result

    def head_groups(self) -> dict[str, str]:
        """Heads of qualified titles that are no title themselves -> shared group code.

        "Fachinformatiker/in - Anwendungsentwicklung", "... - Systemintegration" give the head
        forms "Fachinformatiker", "Fachinformatikerin" -> "43" (the longest code prefix shared by
        all codes using that head, at least 2 digits); heads spread over several Berufsbereiche
        ("Helfer/in - ...") are left out.
        """
        return dict(_head_groups(self))

    def resolve_code(self, text: str) -> str | None:
        """Code for a typed title: exact title match first, then the head-of-title group code."""
        code = self.best_code_for_title(text)
        if code:
            return code
        keys = match_keys(text)
        for head, group in sorted(self.head_groups().items()):
            if match_keys(head) & keys:
                return group
        return None


#: upgrade qualification -> how its KldB position follows from the person's 5-digit code:
#: a Meister is an Aufsichtskraft of the Berufsgruppe ("<3 digits>93", e.g. 26212 -> 26293);
#: a Techniker or Fachwirt is the Spezialist of the Berufsuntergruppe ("<4 digits>3").
UPGRADE_KINDS = ("meister", "techniker", "fachwirt")


def upgrade_code(code: str | None, kind: str, kldb: Kldb | None = None) -> str | None:
    """KldB position of the upgrade qualification ``kind`` in the field of ``code``, or None.

    ``upgrade_code("26212", "meister")`` -> "26293" (Aufsichtskräfte – Energietechnik, e.g.
    Elektroinstallateurmeister/in); ``upgrade_code("25252", "techniker")`` -> "25253". None when
    the KldB has no such position, for codes shorter than 5 digits and for unknown kinds.
    """
    if not code or len(code) != 5 or not code.isdigit() or kind not in UPGRADE_KINDS:
        return None
    kldb = kldb or load_kldb()
    candidate = code[:3] + "93" if kind == "meister" else code[:4] + "3"
    if candidate == code or kldb.get(candidate) is None:
        return None
    return candidate


def _head_groups(kldb: Kldb) -> list[tuple[str, str]]:
    codes_by_head: dict[str, set[str]] = defaultdict(set)
    for occ in kldb:
        if occ.level != 5:
            continue
        for title in occ.job_titles:
            for base in _title_bases(clean_text(title)):
                if " - " in base:
                    for head in _gender_forms(base.split(" - ", 1)[0]):
                        codes_by_head[head].add(occ.code)
    result = []
    for head, codes in sorted(codes_by_head.items()):
        if kldb.candidates_for(head):
            continue  # the head is a title of its own
        prefix = os.path.commonprefix(sorted(codes))
        while len(prefix) >= 2 and kldb.get(prefix) is None:
            prefix = prefix[:-1]
        if len(prefix) >= 2 and not any(ch in head for ch in "()§."):
            result.append((head, prefix))
    return result


def read_occupations(path: Path = DATA_FILE) -> list[Occupation]:
    """Parse the BA Gliederung CSV (semicolon separated, UTF-8 with BOM)."""
    occupations = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for row in reader:
            if len(row) < 7 or not row[0].strip():
                continue
            level = int(row[1])
            code = _normalise_code(row[0], level)
            titles = tuple(t for c, t in parse_examples(row[6]) if c == code) if level == 5 else ()
            occupations.append(
                Occupation(code, level, clean_text(row[2]), clean_text(row[3]), titles)
            )
    return occupations


@lru_cache(maxsize=1)
def load_kldb() -> Kldb:
    """The full KldB, loaded once per process."""
    return Kldb(read_occupations())
