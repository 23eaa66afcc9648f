"""Pure helpers for callback requests: contact validation, preferred time, consent, texts.

No I/O, no tracker access. The texts that name the recipient and the retention period are
rendered here from the message catalogue (:mod:`i18n`) in the three reply styles (German,
einfache Sprache, English); fixed texts are domain responses.

Validation keeps only what the staff need: a phone number valid by ``phonenumbers`` (Google's
libphonenumber data; German numbering plan without country code), stored in E.164, or an
e-mail address valid by ``email-validator`` (syntax only, no DNS). Anything around it in the
message ("Meine Nummer ist ...") is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

import i18n
from bot.actions.utils.style import STYLE_DE

KIND_PHONE = "phone"
KIND_EMAIL = "email"
TIME_MORNING = "vormittags"
TIME_AFTERNOON = "nachmittags"
TIME_ANY = "egal"
TIMES = (TIME_MORNING, TIME_AFTERNOON, TIME_ANY)

MAX_EMAIL_LENGTH = 254
#: region for numbers written without country code
PHONE_REGION = "DE"
#: punctuation around an address in a sentence ("an max@web.de, bitte")
_EMAIL_STRIP = "\"'<>()[],;:.!?"

_TIME_WORDS = {
    TIME_MORNING: ("vormittag", "morgens", "früh", "frueh", "morning", "before noon"),
    TIME_AFTERNOON: ("nachmittag", "afternoon"),
    TIME_ANY: (
        "egal",
        "jederzeit",
        "ganztags",
        "immer",
        "keine",
        "kein ",
        "nein",
        "no preference",
        "any time",
        "anytime",
        "doesn't matter",
        "does not matter",
        "whenever",
        "dont mind",
        "don't mind",
    ),
}


@dataclass(frozen=True)
class Contact:
    """A validated contact channel."""

    kind: str  # KIND_PHONE | KIND_EMAIL
    value: str


def parse_email(text: str) -> Contact | None:
    """The first valid e-mail address in ``text`` (syntax only, no DNS lookup; normalised by
    ``email-validator``: domain lower-cased)."""
    for token in text.split():
        token = token.strip(_EMAIL_STRIP)
        if "@" not in token or len(token) > MAX_EMAIL_LENGTH:
            continue
        try:
            valid = validate_email(token, check_deliverability=False)
        except EmailNotValidError:
            continue
        return Contact(KIND_EMAIL, valid.normalized)
    return None


def parse_phone(text: str) -> Contact | None:
    """The first valid phone number in ``text`` (``phonenumbers``, German numbering plan for
    numbers without country code), in E.164: "089 123 456-7" -> "+49891234567"."""
    for match in phonenumbers.PhoneNumberMatcher(
        text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID
    ):
        return Contact(
            KIND_PHONE,
            phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
        )
    return None


def parse_contact(text: str | None) -> Contact | None:
    """An e-mail address or a phone number from the user's answer; None if there is none."""
    if not text:
        return None
    return parse_email(text) or parse_phone(text)


def parse_time(text: str | None, intent: str | None = None) -> str | None:
    """Preferred time of day: "vormittags", "nachmittags" or "egal"; None if unclear.

    A "no" (intent ``deny``) means no preference.
    """
    if intent == "deny":
        return TIME_ANY
    if not text:
        return None
    lowered = f" {text.casefold()} "
    found = [value for value, words in _TIME_WORDS.items() if any(w in lowered for w in words)]
    return found[0] if len(found) == 1 else None


def consent_from_intent(intent: str | None) -> bool | None:
    """Explicit consent only: ``affirm`` -> True, ``deny`` -> False, anything else -> None."""
    return {"affirm": True, "deny": False}.get(intent or "")


def stored_time(value: str | None) -> str | None:
    """What is stored for a preferred time: nothing for "no preference"."""
    return value if value in (TIME_MORNING, TIME_AFTERNOON) else None


def situation_value(tags: Iterable[str]) -> str | None:
    """The situation tags as one stored value ("anerkennung,arbeitslos"), None if none."""
    joined = ",".join(sorted(set(tags)))
    return joined[:100] or None


# ------------------------------------------------------------------------------- texts
# Templates: message catalogue (:mod:`i18n`, keys ``callback.*``); the fixed "could not be
# stored" text is the domain response ``utter_callback_store_failed``.


def _text(key: str, style: str, **values: object) -> str:
    return i18n.text(f"callback.{key}", style, **values)


def offer_text(recipient: str, style: str = STYLE_DE) -> str:
    return _text("offer", style, recipient=recipient)


def offer_buttons(style: str = STYLE_DE) -> list[dict[str, str]]:
    return [
        {"title": _text("offer_yes", style), "payload": "/request_callback"},
        {"title": _text("offer_no", style), "payload": "/deny"},
    ]


def consent_text(recipient: str, retention_days: int, style: str = STYLE_DE) -> str:
    """What is stored, who reads it and how long it is kept."""
    return _text("consent", style, recipient=recipient, days=retention_days)


def consent_buttons(style: str = STYLE_DE) -> list[dict[str, str]]:
    return [
        {"title": _text("consent_yes", style), "payload": "/affirm"},
        {"title": _text("consent_no", style), "payload": "/deny"},
    ]


def stored_text(
    contact: Contact,
    time: str | None,
    recipient: str,
    retention_days: int,
    style: str = STYLE_DE,
) -> str:
    time_keys = {TIME_MORNING: "time_morning", TIME_AFTERNOON: "time_afternoon"}
    time_text = (
        _text("stored_time", style, time=_text(time_keys[time], style)) if time in time_keys else ""
    )
    return _text(
        "stored",
        style,
        channel=_text(contact.kind, style),
        contact=contact.value,
        time=time_text,
        recipient=recipient,
        days=retention_days,
    )
