"""Input guard for the Rasa NLU pipeline: flags unusable user input before anything else runs.

Two components live here:

``InputGuard`` (first in the pipeline, before ``SpacyNLP``; registered as MESSAGE_FEATURIZER so
the default recipe runs it in pipeline order at training and prediction time) classifies every
message:

- ``empty``: nothing but whitespace;
- ``markup``: HTML/script markup; tags (and script/style bodies) are stripped for downstream
  components;
- ``too_long``: more than ``max_chars`` (1000) characters; the text is truncated for downstream
  components;
- ``emoji_only``: no letters or digits at all (emoji, symbols, punctuation);
- ``foreign_language``: clearly neither German nor English (py3langid plus word checks: short
  messages, messages with German or English function words, KldB/place words or umlauts never
  count; text mostly in a non-Latin script always counts).

The kind is stored as message property ``input_issue`` (top level of the parse output), as
``input_issue_blocking`` (bool) and as an entity ``{"entity": "input_issue", "value": kind}``.
Training data is left untouched.

English is a supported reply language, not an input issue: for usable input the guard also
decides the language to answer in (``reply_language``: ``de``/``en``, from German and English
marker words, see :func:`detect_reply_language`). Messages that give no clear signal ("Haar",
"ok", "Pflege", gibberish) get none, so the conversation keeps its language.

``InputIssueIntentOverride`` (INTENT_CLASSIFIER, after DIETClassifier) sets the intent to
``out_of_scope`` with confidence 1.0 when the issue is blocking: empty, emoji_only, too_long,
foreign_language, and markup that left no words. Markup around real words is not blocking.
It also adds the entity ``{"entity": "reply_language", "value": "de"|"en"}`` that fills the
slot of the same name (entities set before DIETClassifier do not survive it reliably).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

INPUT_ISSUE = "input_issue"
INPUT_ISSUE_BLOCKING = "input_issue_blocking"
ORIGINAL_LENGTH = "input_original_length"
REPLY_LANGUAGE = "reply_language"

EMPTY = "empty"
TOO_LONG = "too_long"
EMOJI_ONLY = "emoji_only"
MARKUP = "markup"
FOREIGN = "foreign_language"
BLOCKING_KINDS = frozenset({EMPTY, TOO_LONG, EMOJI_ONLY, FOREIGN})

MAX_CHARS = 1000

_SCRIPT_RE = re.compile(
    r"<\s*(script|style)\b[^>]*>.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")
_JS_RE = re.compile(r"\bjavascript\s*:", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Words that make a message German or English whatever a statistical detector says.
GERMAN_WORDS = frozenset(
    """aber alle als also am an auch auf aus bei bin bis bitte bist da danke das dass dem den der
    des
    die dir doch du ein eine einem einen einer er es etwas für gern gerne gibt habe haben hallo hat
    ich ihr im in ist ja kann kein keine kurs kurse mal mein meine mich mir mit möchte nach nein
    nicht
    noch nur oder ohne schon sehr sie sind so suche und uns vom von vor war was weiterbildung wenn
    wie will wir wo wohne zu zum zur über umschulung beruf job arbeit arbeite tschüss servus moin
    grüß gott okay ok alles egal weiß weiss ahnung wurscht format präsenz vollzeit teilzeit""".split()
)
ENGLISH_WORDS = frozenset(
    """a about am an and are as at be but can course courses do for from have hello hi how i i'm if
    in is it looking me my need no not of on or please thanks thank the this to training want we
    what where which with work would yes you your job matter mind idea know sure care whatever
    doesn don""".split()
)
# Words that decide the reply language. Words in both lists ("am", "in", "so", "job") count for
# neither; "hi", "ok", "online", "training" are used in German chats too and are left out.
ENGLISH_MARKERS = frozenset(
    """a about and are as at be bye can could course courses do does find for from get goodbye
    have hello help hey how i if is it like live looking me my need no not of on or our please
    thanks thank the there this to want we what when where which who why with work working would
    yes you your part full time evening evenings weekend retraining nurse nursing career""".split()
)
GERMAN_MARKERS = GERMAN_WORDS | frozenset(
    """einfach einfacher leichte leichter sprache verstehe guten tag morgen abend wohne suche
    möchte moechte gerne ich""".split()
)
NEUTRAL_WORDS = frozenset({"ok", "okay", "hi", "online", "training"})
GERMAN_ONLY = GERMAN_MARKERS - ENGLISH_MARKERS - NEUTRAL_WORDS
ENGLISH_ONLY = ENGLISH_MARKERS - GERMAN_MARKERS
ACCEPTED_LANGUAGES = frozenset({"de", "en"})
MIN_WORDS_FOR_DETECTION = 2
MIN_LETTERS_FOR_DETECTION = 10
MAX_ACCEPTED_PROBABILITY = 0.05  # foreign only if German+English together are this unlikely


@dataclass(frozen=True)
class GuardResult:
    """Outcome of the guard: ``kind`` is None for ordinary input; ``text`` goes downstream."""

    kind: str | None
    text: str
    blocking: bool


def strip_markup(text: str) -> str:
    """Remove script/style bodies, tags and ``javascript:``; unescape entities; tidy whitespace."""
    text = _SCRIPT_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text)
    text = _JS_RE.sub(" ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def has_markup(text: str) -> bool:
    """True when the text contains HTML tags or a ``javascript:`` URL."""
    return bool(_TAG_RE.search(text) or _JS_RE.search(text))


def is_symbol_only(text: str) -> bool:
    """True when no character is a letter or digit (emoji, symbols, punctuation, spaces)."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _latin_share(letters: str) -> float:
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters) if letters else 1.0


def accepted_language_probability(text: str) -> float:
    """Normalised py3langid probability that ``text`` is German or English (1.0 if unavailable)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # pragma: no cover - dependency is pinned in requirements/bot.txt
        return 1.0
    ranking = _identifier(LanguageIdentifier, MODEL_FILE).rank(text)
    return float(sum(prob for lang, prob in ranking if lang in ACCEPTED_LANGUAGES))


def detect_reply_language(text: str) -> str | None:
    """``"en"`` or ``"de"`` when the message clearly is English or German, else None.

    Only marker words decide (umlauts count as German): statistical detection flips short
    gibberish ("xyzzy plugh") to English, and a neutral message should keep the conversation's
    language anyway.
    """
    words = [w.lower() for w in _WORD_RE.findall(text or "")]
    german = sum(w in GERMAN_ONLY for w in words) + any(ch in "äöüß" for w in words for ch in w)
    english = sum(w in ENGLISH_ONLY for w in words)
    if german == english:
        return None
    return "de" if german > english else "en"


_IDENTIFIER: Any = None


def _identifier(cls: Any, model_file: str) -> Any:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = cls.from_pickled_model(model_file, norm_probs=True)
    return _IDENTIFIER


@lru_cache(maxsize=1)
def domain_vocabulary() -> frozenset[str]:
    """Lower-cased words (>= 4 letters) of KldB titles and place names: German domain words."""
    from knowledge.gazetteer import surface_forms
    from knowledge.kldb import load_kldb

    texts = [*surface_forms()]
    for occ in load_kldb():
        texts.extend((occ.title, occ.short_title, *occ.job_titles))
    return frozenset(w.lower() for t in texts for w in _WORD_RE.findall(t) if len(w) >= 4)


def is_foreign_language(text: str) -> bool:
    """True only for text that is clearly neither German nor English."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    letters = "".join(words)
    if not words:
        return False
    if _latin_share(letters) < 0.5:  # Cyrillic, Arabic, CJK ... even a single word
        return True
    if len(words) < MIN_WORDS_FOR_DETECTION or len(letters) < MIN_LETTERS_FOR_DETECTION:
        return False
    if any(w in GERMAN_WORDS or w in ENGLISH_WORDS for w in words):
        return False
    if any(w in domain_vocabulary() for w in words):
        return False
    if any(ch in letters for ch in "äöüß"):
        return False
    return accepted_language_probability(text) < MAX_ACCEPTED_PROBABILITY


def classify_text(text: str | None, max_chars: int = MAX_CHARS) -> GuardResult:
    """Classify one user message; pure function used by ``InputGuard``."""
    text = text or ""
    if not text.strip():
        return GuardResult(EMPTY, "", True)
    if has_markup(text):
        cleaned = strip_markup(text)[:max_chars]
        return GuardResult(MARKUP, cleaned, not _WORD_RE.search(cleaned))
    if len(text) > max_chars:
        return GuardResult(TOO_LONG, text[:max_chars], True)
    if is_symbol_only(text):
        return GuardResult(EMOJI_ONLY, text, True)
    if is_foreign_language(text):
        return GuardResult(FOREIGN, text, True)
    return GuardResult(None, text, False)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class InputGuard(GraphComponent):
    """Flags empty, over-long, emoji-only, markup and foreign-language input (see module
    docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``max_chars``: longer messages are flagged ``too_long`` and truncated."""
        return {"max_chars": MAX_CHARS}

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_chars = int(config.get("max_chars", MAX_CHARS))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        """Creates the component (no persisted state) and warms the word lists."""
        domain_vocabulary()
        accepted_language_probability("Guten Tag")  # loads the py3langid model once
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are curated: passed through unchanged."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Classify each message, clean its text and record the issue."""
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        """Classify one message in place."""
        original = message.get(TEXT) or ""
        result = classify_text(original, self._max_chars)
        if not result.blocking:
            language = detect_reply_language(result.text)
            if language:
                message.set(REPLY_LANGUAGE, language)
        if result.kind is None:
            return
        message.set(TEXT, result.text)
        message.set(INPUT_ISSUE, result.kind, add_to_output=True)
        message.set(INPUT_ISSUE_BLOCKING, result.blocking, add_to_output=True)
        message.set(ORIGINAL_LENGTH, len(original), add_to_output=True)
        ensure_issue_entity(message)


def ensure_language_entity(message: Message) -> None:
    """Add the ``reply_language`` entity for the detected language unless it is already there."""
    language = message.get(REPLY_LANGUAGE)
    entities = message.get(ENTITIES, []) or []
    if not language or any(e.get("entity") == REPLY_LANGUAGE for e in entities):
        return
    entity = {
        "entity": REPLY_LANGUAGE,
        "value": language,
        "start": 0,
        "end": len(message.get(TEXT) or ""),
        "confidence_entity": 1.0,
        "extractor": InputGuard.__name__,
    }
    message.set(ENTITIES, [*entities, entity], add_to_output=True)


def ensure_issue_entity(message: Message) -> None:
    """Add the ``input_issue`` entity for the message's issue unless it is already there."""
    kind = message.get(INPUT_ISSUE)
    entities = message.get(ENTITIES, []) or []
    if not kind or any(e.get("entity") == INPUT_ISSUE for e in entities):
        return
    entity = {
        "entity": INPUT_ISSUE,
        "value": kind,
        "start": 0,
        "end": len(message.get(TEXT) or ""),
        "confidence_entity": 1.0,
        "extractor": InputGuard.__name__,
    }
    message.set(ENTITIES, [*entities, entity], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputIssueIntentOverride(GraphComponent):
    """Forces intent ``out_of_scope`` (confidence 1.0) for blocking input issues.

    Place it after DIETClassifier (and ideally after FallbackClassifier) so nothing overrides it.
    It also restores the ``input_issue`` entity, which DIETClassifier drops for empty texts, and
    adds the ``reply_language`` entity detected by ``InputGuard``.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``intent``: the intent to force."""
        return {"intent": "out_of_scope"}

    def __init__(self, config: dict[str, Any]) -> None:
        self._intent = config.get("intent", "out_of_scope")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputIssueIntentOverride:
        """Creates the component."""
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of messages with a blocking input issue."""
        for message in messages:
            ensure_issue_entity(message)
            ensure_language_entity(message)
            if message.get(INPUT_ISSUE_BLOCKING):
                intent = {"name": self._intent, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
