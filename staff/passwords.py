"""Passwords of local staff accounts: argon2id hashes via pwdlib, and the password rules.

Rules (OWASP ASVS 4.0.3 V2.1): at least ``STAFF_PASSWORD_MIN_LENGTH`` (default 12) characters,
at most 128, any characters (spaces and Unicode count; no composition rules), not the e-mail
address. Hashes are argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile);
:func:`verify` re-hashes when the parameters changed, :func:`burn_time` spends the time of one
verification for sign-ins of unknown accounts, so the answer time does not tell whether an
account exists. At most :data:`PARALLEL` hashes are computed at once (each takes 64 MiB and
about 0.1-0.2 s of a core), so a burst of sign-ins cannot exhaust the memory.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MAX_LENGTH = 128
PARALLEL = 2
_SLOTS = threading.BoundedSemaphore(PARALLEL)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("dummy password for unknown accounts")


def normalise(password: str) -> str:
    """NFC, so that the same password typed on different systems gives the same hash."""
    return unicodedata.normalize("NFC", password)


def problems(password: str, email: str, min_length: int) -> list[str]:
    """Why ``password`` is not acceptable (empty list: it is); German, for the CLI."""
    found: list[str] = []
    text = normalise(password)
    if len(text) < min_length:
        found.append(f"Das Passwort muss mindestens {min_length} Zeichen lang sein.")
    if len(text) > MAX_LENGTH:
        found.append(f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein.")
    if text.strip().lower() == email.strip().lower():
        found.append("Das Passwort darf nicht die E-Mail-Adresse sein.")
    if text and len(set(text)) == 1:
        found.append("Das Passwort darf nicht aus einem einzigen wiederholten Zeichen bestehen.")
    return found


def hash_password(password: str) -> str:
    with _SLOTS:
        return _hasher().hash(normalise(password))


def verify(password: str, stored_hash: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be replaced)."""
    if len(password) > MAX_LENGTH:
        burn_time()
        return False, None
    with _SLOTS:
        return _hasher().verify_and_update(normalise(password), stored_hash)


def burn_time() -> None:
    """Verify against a fixed hash: the cost of a real check, for unknown accounts."""
    dummy = _dummy_hash()
    with _SLOTS:
        _hasher().verify("not the password", dummy)
