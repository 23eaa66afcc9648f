"""Handover codes of consultations (issue 13): the code a citizen gives the counsellor.

Shared by the bot (creates a code when the citizen agrees to the handover) and the staff app
(looks it up). Stdlib only, Python 3.10 and 3.11.

- Alphabet: Crockford's base32 (digits and upper-case letters without I, L, O, U), so that a
  code read aloud or copied by hand is not misread; 5 bits per character.
- Length: :data:`CODE_LENGTH` (10) characters = 50 bits from :mod:`secrets`, shown in two
  groups of five ("K7QD2-9XHMR").
- Normalisation (:func:`normalise`): case, spaces, dashes and dots are ignored; the confusable
  letters are read as Crockford does (I, L -> 1; O -> 0). Anything else makes the code invalid.
- Only :func:`code_hash` (SHA-256 hex of the normalised code) is stored; the code itself is
  shown once in the chat and never logged.
"""

from __future__ import annotations

import hashlib
import math
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
GROUP = 5
BITS = CODE_LENGTH * math.log2(len(ALPHABET))
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -._\u2010\u2011\u2012\u2013\u2014\t")


def new_code() -> str:
    """A fresh random code, formatted for display ("K7QD2-9XHMR")."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return display(raw)


def display(raw: str) -> str:
    """Groups of :data:`GROUP` characters joined by dashes."""
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(typed: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    if not isinstance(typed, str) or len(typed) > 64:
        return None
    value = typed.upper().translate(_SEPARATORS).translate(_CONFUSABLE)
    if len(value) != CODE_LENGTH or any(ch not in ALPHABET for ch in value):
        return None
    return value


def code_hash(code: str) -> str | None:
    """SHA-256 (hex) of the normalised code; None if the code is malformed."""
    value = normalise(code)
    if value is None:
        return None
    return hashlib.sha256(value.encode("ascii")).hexdigest()
