"""Pure helpers for callback requests: contact validation, preferred time, consent, texts.

No I/O, no tracker access. The texts that name the recipient and the retention period are
rendered here in the three reply styles (German, einfache Sprache, English, see
:mod:`bot.actions.utils.formatting`); fixed questions are domain responses.

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

from bot.actions.utils.formatting import STYLE_DE, STYLE_EN, STYLE_PLAIN

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
        "egal", "jederzeit", "ganztags", "immer", "keine", "kein ", "nein", "no preference",
        "any time", "anytime", "doesn't matter", "does not matter", "whenever", "dont mind",
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
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION,
                                                 leniency=phonenumbers.Leniency.VALID):
        return Contact(KIND_PHONE, phonenumbers.format_number(
            match.number, phonenumbers.PhoneNumberFormat.E164))
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
TEXTS: dict[str, dict[str, str]] = {
    STYLE_DE: {
        "offer": (
            "Wenn Sie möchten, meldet sich die Beratungsstelle „{recipient}“ bei Ihnen – per "
            "Telefon oder E-Mail. "
            "Möchten Sie einen Rückruf anfragen?"
        ),
        "offer_yes": "Ja, Rückruf anfragen",
        "offer_no": "Nein, danke",
        "consent": (
            "Bevor Sie mir Ihre Kontaktdaten geben – so gehe ich damit um:\n"
            "• Gespeichert werden nur: Ihre Telefonnummer oder E-Mail-Adresse, Ihre Wunschzeit "
            "(falls Sie eine nennen), Ihr Anliegen als Stichwort (z. B. Anerkennung) und das "
            "Datum.\n"
            "• Lesen dürfen das nur die Beraterinnen und Berater der Beratungsstelle "
            "„{recipient}“, um Sie zu kontaktieren.\n"
            "• Nach {days} Tagen wird Ihr Rückrufwunsch automatisch gelöscht. Mit „Meine Daten "
            "löschen“ können Sie ihn jederzeit vorher löschen.\n"
            "Sind Sie damit einverstanden?"
        ),
        "consent_yes": "Ja, einverstanden",
        "consent_no": "Nein",
        "time_morning": "vormittags",
        "time_afternoon": "nachmittags",
        "phone": "Telefon",
        "email": "E-Mail",
        "stored": (
            "Danke! Ihr Rückrufwunsch ist gespeichert ({channel}: {contact}{time}). "
            "Die Beratungsstelle „{recipient}“ meldet sich bei Ihnen. Nach {days} Tagen wird er "
            "automatisch gelöscht, mit „Meine Daten löschen“ jederzeit vorher."
        ),
        "stored_time": ", {time}",
        "store_failed": (
            "Ihr Rückrufwunsch konnte gerade leider nicht gespeichert werden. Bitte wenden Sie "
            "sich direkt an eine der genannten Stellen."
        ),
    },
    STYLE_PLAIN: {
        "offer": (
            "Möchten Sie einen Anruf oder eine E-Mail? Dann meldet sich die Beratungsstelle "
            "„{recipient}“ bei Ihnen."
        ),
        "offer_yes": "Ja, bitte melden",
        "offer_no": "Nein, danke",
        "consent": (
            "Dafür brauche ich Ihre Telefonnummer oder Ihre E-Mail-Adresse. Vorher sage ich "
            "Ihnen, was ich speichere:\n"
            "• Ich speichere Ihre Telefonnummer oder E-Mail-Adresse. Ich speichere, wann Sie "
            "Zeit haben. Ich speichere Ihr Thema, zum Beispiel Anerkennung. Und das Datum.\n"
            "• Nur die Beratungsstelle „{recipient}“ liest das.\n"
            "• Nach {days} Tagen lösche ich alles. Sie können es auch vorher löschen. "
            "Schreiben Sie dann: Meine Daten löschen.\n"
            "Sind Sie einverstanden?"
        ),
        "consent_yes": "Ja, einverstanden",
        "consent_no": "Nein",
        "time_morning": "am Vormittag",
        "time_afternoon": "am Nachmittag",
        "phone": "Telefon",
        "email": "E-Mail",
        "stored": (
            "Danke! Ich habe Ihren Wunsch gespeichert. {channel}: {contact}{time}. "
            "Die Beratungsstelle „{recipient}“ meldet sich bei Ihnen. Nach {days} Tagen lösche "
            "ich Ihre Angaben."
        ),
        "stored_time": ". Zeit: {time}",
        "store_failed": (
            "Das Speichern hat leider nicht geklappt. Bitte rufen Sie selbst bei einer "
            "Beratungsstelle an."
        ),
    },
    STYLE_EN: {
        "offer": (
            "If you like, the counselling service \"{recipient}\" can contact you – by phone or "
            "e-mail. "
            "Would you like to request a callback?"
        ),
        "offer_yes": "Yes, request a callback",
        "offer_no": "No, thanks",
        "consent": (
            "Before you give me your contact details – this is how I handle them:\n"
            "• Only this is stored: your phone number or e-mail address, your preferred time "
            "(if you name one), your topic as a keyword (e.g. recognition) and the date.\n"
            "• Only the counsellors of \"{recipient}\" may read it, to contact you.\n"
            "• Your callback request is deleted automatically after {days} days. With "
            "\"Delete my data\" you can delete it earlier at any time.\n"
            "Do you agree?"
        ),
        "consent_yes": "Yes, I agree",
        "consent_no": "No",
        "time_morning": "mornings",
        "time_afternoon": "afternoons",
        "phone": "phone",
        "email": "e-mail",
        "stored": (
            "Thank you! Your callback request has been stored ({channel}: {contact}{time}). "
            "The counselling service \"{recipient}\" will contact you. It is deleted "
            "automatically after {days} days, or earlier with \"Delete my data\"."
        ),
        "stored_time": ", {time}",
        "store_failed": (
            "Your callback request could not be stored just now. Please contact one of the "
            "places above directly."
        ),
    },
}


def _texts(style: str) -> dict[str, str]:
    return TEXTS.get(style, TEXTS[STYLE_DE])


def offer_text(recipient: str, style: str = STYLE_DE) -> str:
    return _texts(style)["offer"].format(recipient=recipient)


def offer_buttons(style: str = STYLE_DE) -> list[dict[str, str]]:
    texts = _texts(style)
    return [
        {"title": texts["offer_yes"], "payload": "/request_callback"},
        {"title": texts["offer_no"], "payload": "/deny"},
    ]


def consent_text(recipient: str, retention_days: int, style: str = STYLE_DE) -> str:
    """What is stored, who reads it and how long it is kept."""
    return _texts(style)["consent"].format(recipient=recipient, days=retention_days)


def consent_buttons(style: str = STYLE_DE) -> list[dict[str, str]]:
    texts = _texts(style)
    return [
        {"title": texts["consent_yes"], "payload": "/affirm"},
        {"title": texts["consent_no"], "payload": "/deny"},
    ]


def stored_text(
    contact: Contact, time: str | None, recipient: str, retention_days: int,
    style: str = STYLE_DE,
) -> str:
    texts = _texts(style)
    time_label = {TIME_MORNING: texts["time_morning"], TIME_AFTERNOON: texts["time_afternoon"]}
    time_text = texts["stored_time"].format(time=time_label[time]) if time in time_label else ""
    return texts["stored"].format(
        channel=texts[contact.kind], contact=contact.value, time=time_text,
        recipient=recipient, days=retention_days,
    )


def store_failed_text(style: str = STYLE_DE) -> str:
    return _texts(style)["store_failed"]
