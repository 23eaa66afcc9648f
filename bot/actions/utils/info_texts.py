"""Phrase templates of the information answers in the three reply styles (pure, no I/O).

The answers (funding checklist, recognition, language courses, shortage occupations, human
counselling) are templates around knowledge-base data: the facts themselves (office names,
conditions, amounts, sources, "Stand" dates) come from ``knowledge/`` and stay as they are, in
German. Only the framing changes with the style (see :mod:`bot.actions.utils.formatting`):

- ``STYLE_DE``: formal German ("Sie"), as before;
- ``STYLE_PLAIN``: einfache Sprache - short sentences, one statement each, no abbreviations;
- ``STYLE_EN``: English; proper names are not translated and German details are marked
  "(in German)", so English users know what follows is quoted from the German sources.
"""

from __future__ import annotations

from typing import Any

from bot.actions.utils.formatting import STYLE_DE, STYLE_EN, STYLE_PLAIN
from knowledge import funding

TEXTS: dict[str, dict[str, str]] = {
    STYLE_DE: {
        # facts: checklist renderers
        "disclaimer": (
            "Das ist eine Orientierung, keine Zusage – die Entscheidung trifft die genannte "
            "Stelle."
        ),
        "decision_discretionary": "Ermessens- oder Auswahlentscheidung – keine Zusage.",
        "decision_entitlement": (
            "Rechtsanspruch, wenn alle Voraussetzungen erfüllt sind – die Stelle prüft sie."
        ),
        "source_one": "Quelle: {urls} (Stand: {stand})",
        "source_many": "Quellen: {urls} (Stand: {stand})",
        "item_status": "{title}: {status}",
        "met": "Nach Ihren Angaben erfüllt:",
        "failed": "Spricht nach Ihren Angaben dagegen:",
        "to_confirm": "Noch zu prüfen:",
        "amounts": "Leistungen und Beträge:",
        "note": "Hinweis: {text}",
        "who_decides": "Wer entscheidet: {office}",
        "overview": "Ihre Förder-Checkliste nach Ihren bisherigen Angaben (keine Zusage):",
        "unlikely_one": "{count} weiteres Programm passt nach Ihren Angaben eher nicht.",
        "unlikely_many": "{count} weitere Programme passen nach Ihren Angaben eher nicht.",
        "none_excluded": "Nach Ihren Angaben ist kein Programm ausgeschlossen.",
        "unlikely_overview": (
            "Diese Programme passen nach Ihren bisherigen Angaben eher nicht (keine "
            "Entscheidung):"
        ),
        "conditions": "Voraussetzungen:",
        "topic_title": "{title}",
        "checklist": "Checkliste:",
        "shortage_hint": (
            "Hinweis: Ihr Zielberuf gehört zu einer Engpass-Berufsgruppe ({title}; Ebene "
            "{level}, Jahr {year}; Quelle: {url}) – das kann für § 81 Abs. 2 SGB III eine Rolle "
            "spielen."
        ),
        # recognition
        "body_note": "{note} (Quelle: {sources})",
        "recognition_offers": (
            "Anpassungsqualifizierungen aus unserem Katalog (Beispieldaten, Termine bitte beim "
            "Anbieter prüfen):"
        ),
        # language courses
        "language_offers": (
            "Integrations- und Berufssprachkurse{where} aus unserem Katalog (Beispieldaten, "
            "Termine bitte beim Anbieter prüfen):"
        ),
        "near": " in der Nähe von {place}",
        "vhs_unknown": (
            "Für {municipality} ist mir keine zuständige Volkshochschule bekannt – die "
            "Nachbar-VHS oder das Bildungsportal Bayern helfen weiter."
        ),
        "vhs": "Volkshochschule für {municipality}: {name}{caveat}.",
        "vhs_caveat": " (Zuordnung nicht sicher bestätigt)",
        # shortage occupations
        "shortage_line": (
            "• {title}: {statement} (Ebene: {level}, Jahr {year}; Quelle: {url}, Stand: {stand})"
        ),
        "shortage_known": "Das weiß ich zur Fachkräftelage bei „{title}“:",
        "shortage_unknown": "Zu „{title}“ habe ich keinen Eintrag in meiner Engpassliste.",
        "shortage_list": "Engpassberufe laut meinen Quellen (Berufsgruppen):",
        "shortage_caveat": (
            "„Engpass“ beschreibt den Arbeitsmarkt, nicht Ihre persönliche Chance auf eine "
            "Stelle oder Förderung."
        ),
        # human counselling
        "human_intro": "Gern – hier bekommen Sie persönliche, kostenlose Beratung.",
        "human_first": "Für Ihre Situation ist die erste Adresse:",
        "human_also": "Außerdem:",
        "contact": "• {name}: {what}{url}",
    },
    STYLE_PLAIN: {
        "disclaimer": (
            "Das ist nur eine Hilfe. Das ist keine Zusage. Die Entscheidung trifft das "
            "genannte Amt."
        ),
        "decision_discretionary": "Das Amt entscheidet. Sie haben kein festes Recht darauf.",
        "decision_entitlement": (
            "Sie haben ein Recht darauf. Aber nur, wenn alles passt. Das Amt prüft das."
        ),
        "source_one": "Quelle: {urls}. Stand: {stand}.",
        "source_many": "Quellen: {urls}. Stand: {stand}.",
        "item_status": "{title}: {status}",
        "met": "Das passt bei Ihnen:",
        "failed": "Das passt bei Ihnen nicht:",
        "to_confirm": "Das müssen Sie noch klären:",
        "amounts": "So viel Geld gibt es:",
        "note": "Wichtig: {text}",
        "who_decides": "Das entscheidet: {office}",
        "overview": "Diese Förderungen passen vielleicht zu Ihnen. Das ist keine Zusage.",
        "unlikely_one": "{count} weitere Förderung passt eher nicht.",
        "unlikely_many": "{count} weitere Förderungen passen eher nicht.",
        "none_excluded": "Alle Förderungen passen vielleicht.",
        "unlikely_overview": "Diese Förderungen passen eher nicht. Das ist keine Entscheidung.",
        "conditions": "Das wird geprüft:",
        "topic_title": "Thema: {title}",
        "checklist": "Das ist wichtig:",
        "shortage_hint": (
            "Wichtig: In Ihrem Wunsch-Beruf fehlen Fachkräfte. Berufsgruppe: {title}. Ebene: "
            "{level}. Jahr: {year}. Quelle: {url}. Das kann für die Förderung helfen."
        ),
        "body_note": "{note} Quelle: {sources}.",
        "recognition_offers": (
            "Diese Kurse helfen bei der Anerkennung. Die Termine sind Beispiele. Bitte fragen "
            "Sie beim Anbieter."
        ),
        "language_offers": (
            "Hier sind Deutschkurse{where}. Die Termine sind Beispiele. Bitte fragen Sie beim "
            "Anbieter."
        ),
        "near": " in der Nähe von {place}",
        "vhs_unknown": (
            "Ich kenne keine Volkshochschule für {municipality}. Fragen Sie bei einer "
            "Volkshochschule in der Nähe."
        ),
        "vhs": "Ihre Volkshochschule in {municipality}: {name}{caveat}.",
        "vhs_caveat": ". Das ist nicht ganz sicher",
        "shortage_line": (
            "• {title}: {statement}. Ebene: {level}. Jahr: {year}. Quelle: {url}. Stand: {stand}."
        ),
        "shortage_known": "Das weiß ich über den Beruf „{title}“:",
        "shortage_unknown": "Über den Beruf „{title}“ weiß ich leider nichts.",
        "shortage_list": "In diesen Berufen fehlen Fachkräfte:",
        "shortage_caveat": (
            "Das sagt etwas über den Arbeitsmarkt. Es sagt nichts über Ihre Chance auf eine "
            "Stelle."
        ),
        "human_intro": "Gern. Hier bekommen Sie Beratung. Die Beratung ist kostenlos.",
        "human_first": "Hier fragen Sie am besten zuerst:",
        "human_also": "Sie können auch hier fragen:",
        "contact": "• {name}: {what}{url}",
    },
    STYLE_EN: {
        "disclaimer": "This is guidance, not a promise – the office named decides.",
        "decision_discretionary": "Discretionary or selection decision – no promise.",
        "decision_entitlement": (
            "Legal entitlement if all conditions are met – the office checks them."
        ),
        "source_one": "Source: {urls} (as of / Stand: {stand})",
        "source_many": "Sources: {urls} (as of / Stand: {stand})",
        "item_status": "{title} (German name): {status}",
        "met": "Met according to what you told me (in German):",
        "failed": "Against it according to what you told me (in German):",
        "to_confirm": "Still to check (in German):",
        "amounts": "Benefits and amounts (in German):",
        "note": "Note (in German): {text}",
        "who_decides": "Who decides (German office name): {office}",
        "overview": (
            "Your funding checklist based on what you told me so far (no promise; programme "
            "names and details are in German):"
        ),
        "unlikely_one": "{count} more programme rather does not fit, based on your details.",
        "unlikely_many": "{count} more programmes rather do not fit, based on your details.",
        "none_excluded": "Based on your details, no programme is ruled out.",
        "unlikely_overview": (
            "These programmes rather do not fit based on your details so far (not a decision; "
            "names in German):"
        ),
        "conditions": "Conditions (in German):",
        "topic_title": "{title} (information from German official sources, quoted in German)",
        "checklist": "Checklist (in German):",
        "shortage_hint": (
            "Note: your target occupation belongs to a shortage occupation group ({title}; "
            "level {level}, year {year}; source: {url}) – this can matter for § 81 (2) SGB III "
            "(German: Sozialgesetzbuch III)."
        ),
        "body_note": "{note} (source: {sources})",
        "recognition_offers": (
            "Adaptation courses (German: Anpassungsqualifizierungen) from our catalogue "
            "(sample data, please check dates with the provider):"
        ),
        "language_offers": (
            "Integration courses and job-related German courses (German: Integrationskurse, "
            "Berufssprachkurse){where} from our catalogue (sample data, please check dates "
            "with the provider):"
        ),
        "near": " near {place}",
        "vhs_unknown": (
            "I do not know which adult education centre (Volkshochschule) is responsible for "
            "{municipality} – a neighbouring VHS or the Bildungsportal Bayern can help."
        ),
        "vhs": "Adult education centre (Volkshochschule) for {municipality}: {name}{caveat}.",
        "vhs_caveat": " (assignment not confirmed)",
        "shortage_line": (
            "• {title}: {statement} (level: {level}, year {year}; source: {url}, "
            "as of / Stand: {stand})"
        ),
        "shortage_known": (
            "This is what I know about the skilled-labour situation for \"{title}\" "
            "(details in German):"
        ),
        "shortage_unknown": "I have no entry for \"{title}\" in my shortage list.",
        "shortage_list": (
            "Shortage occupations according to my sources (occupational groups; details in "
            "German):"
        ),
        "shortage_caveat": (
            "\"Shortage\" (German: Engpass) describes the labour market, not your personal "
            "chance of a job or of funding."
        ),
        "human_intro": (
            "Of course – here you can get personal counselling free of charge (the "
            "descriptions are in German):"
        ),
        "human_first": "For your situation, the first place to go is:",
        "human_also": "Also:",
        "contact": "• {name}: {what}{url}",
    },
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    STYLE_PLAIN: {
        funding.LIKELY: "passt wahrscheinlich",
        funding.POSSIBLE: "passt vielleicht. Bitte fragen Sie nach",
        funding.UNLIKELY: "passt eher nicht",
        funding.NOTE: "Wichtig",
    },
    STYLE_EN: {
        funding.LIKELY: "likely to fit",
        funding.POSSIBLE: "possible – please check",
        funding.UNLIKELY: "rather does not fit",
        funding.NOTE: "note",
    },
}


def text(key: str, style: str = STYLE_DE, **values: Any) -> str:
    """The template ``key`` in ``style`` (German if the style is unknown), filled in."""
    template = TEXTS.get(style, TEXTS[STYLE_DE])[key]
    return template.format(**values) if values else template


def status_label(status: str, style: str = STYLE_DE) -> str:
    """A checklist status ("wahrscheinlich passend", ...) in ``style``."""
    return STATUS_LABELS.get(style, {}).get(status, status)

