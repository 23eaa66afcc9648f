"""Paragraph references in funding texts ("§ 81 Abs. 2 SGB III", "§§ 82a–82c SGB III").

Used by :mod:`.validate` to check that every paragraph an instrument's texts name is one the
rule covers (its ``legal_basis``): a condition that says "gefördert nach § 81 oder § 82 SGB III"
on a benefit that exists only with § 81 funding is caught as "§ 82 SGB III not covered".

A reference is ``(paragraph, absatz, law)``; ``absatz`` and ``law`` may be ``None`` (not
stated). A law named after a list applies to the references before it in the same sentence
("§ 81 oder § 82 SGB III" -> both SGB III). Stdlib only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_LAW = (
    r"SGB\s*(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\b|AFBG|BAföG|BBiG|HwO|AufenthG|BayBQFG|BQFG"
    r"|DeuFöV|GG"
)
_REF = re.compile(
    r"§§?\s*(?P<num>\d+[a-z]?)"
    r"(?:\s*(?:–|-|bis)\s*(?P<upto>\d+[a-z]?))?"
    r"(?:\s*ff\.)?"
    r"(?:\s*Abs\.\s*(?P<abs>\d+[a-z]?))?"
    r"(?:\s*(?:Satz|S\.)\s*\d+)?"
    r"(?:\s*Nr\.\s*\d+)?"
    r"(?:\s+(?P<law>" + _LAW + r"))?"
)
_SENTENCE_END = re.compile(r"[.;:!?](?:\s|$)")


class Ref(NamedTuple):
    """One paragraph reference."""

    paragraph: str
    absatz: str | None
    law: str | None

    def label(self) -> str:
        text = f"§ {self.paragraph}"
        if self.absatz:
            text += f" Abs. {self.absatz}"
        return f"{text} {self.law}" if self.law else text


def _norm_law(law: str | None) -> str | None:
    return re.sub(r"\s+", " ", law.replace("SGB", "SGB ")).strip() if law else None


def _expand(first: str, last: str | None) -> list[str]:
    """``82a``–``82c`` -> 82a, 82b, 82c; ``81``–``83`` -> 81, 82, 83; else just ``first``."""
    if not last:
        return [first]
    m1 = re.fullmatch(r"(\d+)([a-z]?)", first)
    m2 = re.fullmatch(r"(\d+)([a-z]?)", last)
    if not m1 or not m2:
        return [first]
    if m1.group(1) == m2.group(1) and m1.group(2) and m2.group(2):
        return [f"{m1.group(1)}{chr(c)}" for c in range(ord(m1.group(2)), ord(m2.group(2)) + 1)]
    lo, hi = int(m1.group(1)), int(m2.group(1))
    if not m1.group(2) and not m2.group(2) and 0 < hi - lo <= 20:
        return [str(n) for n in range(lo, hi + 1)]
    return [first, last]


def references(text: str) -> list[Ref]:
    """Every paragraph reference in ``text``, with the law filled in from a later reference of
    the same sentence when it is named only once ("§ 81 oder § 82 SGB III")."""
    found: list[tuple[int, list[str], str | None, str | None]] = []
    for m in _REF.finditer(text or ""):
        nums = _expand(m.group("num"), m.group("upto"))
        found.append((m.start(), nums, m.group("abs"), _norm_law(m.group("law"))))
    refs: list[Ref] = []
    for i, (start, nums, absatz, law) in enumerate(found):
        if law is None:
            for later_start, _, _, later_law in found[i + 1 :]:
                if _SENTENCE_END.search(text, start, later_start):
                    break
                if later_law:
                    law = later_law
                    break
        refs.extend(Ref(n, absatz, law) for n in nums)
    return refs


def covers(declared: Ref, ref: Ref) -> bool:
    """True if the declared paragraph covers ``ref`` (same paragraph; a declared Absatz must
    match a named one; an unnamed law matches any)."""
    if declared.paragraph != ref.paragraph:
        return False
    if declared.absatz and ref.absatz and declared.absatz != ref.absatz:
        return False
    return not (declared.law and ref.law and declared.law != ref.law)


def uncovered(text: str, declared: list[Ref]) -> list[Ref]:
    """References in ``text`` that no declared reference covers (in order, without repeats)."""
    out: list[Ref] = []
    for ref in references(text):
        if not any(covers(d, ref) for d in declared) and ref not in out:
            out.append(ref)
    return out
