"""Names shared with the Rasa domain (slots, intents, entities, responses, payload types).

Must match ``bot/domain/*.yml`` and the bot contract in ``docs/architecture.md``.
"""

from __future__ import annotations

from knowledge import vocabulary

# Slots
SLOT_CURRENT_OCCUPATION = "current_occupation"
SLOT_CURRENT_KLDB = "current_kldb"
SLOT_TARGET_OCCUPATION = "target_occupation"
SLOT_TARGET_KLDB = "target_kldb"
SLOT_MUNICIPALITY = "municipality"
SLOT_GOAL = "goal"
SLOT_TIME_MODEL = "time_model"
SLOT_FORMAT = "format"
SLOT_SHOWN_OFFER_IDS = "shown_offer_ids"
SLOT_LAST_SEARCH = "last_search"
SLOT_OUTSIDE_AREA = "outside_area"
SLOT_REPLY_LANGUAGE = "reply_language"  # "de" | "en", set from the input guard's entity
SLOT_PLAIN_LANGUAGE = "plain_language"  # einfache Sprache requested (bool)
SLOT_FOREIGN_QUALIFICATION = "foreign_qualification"  # a qualification from abroad (bool)
SLOT_GERMAN_LEVEL = "german_level"  # stated German level: a1..c2 or "wenig"
SLOT_SITUATION_NEWS = "situation_news"  # what the latest message newly showed (rules)
REQUESTED_SLOT = "requested_slot"

PROFILE_SLOTS = (
    SLOT_CURRENT_OCCUPATION,
    SLOT_CURRENT_KLDB,
    SLOT_TARGET_OCCUPATION,
    SLOT_TARGET_KLDB,
    SLOT_MUNICIPALITY,
    SLOT_GOAL,
    SLOT_TIME_MODEL,
    SLOT_FORMAT,
)

# Form
PROFILE_FORM = "profile_form"
PROFILE_FORM_REQUIRED = (
    SLOT_CURRENT_OCCUPATION,
    SLOT_MUNICIPALITY,
    SLOT_GOAL,
    SLOT_TIME_MODEL,
    SLOT_FORMAT,
)

# Intents the actions look for in the conversation history
INTENT_REQUEST_HUMAN = "request_human"
INTENT_REQUEST_CALLBACK = "request_callback"
INTENT_REQUEST_PLAIN_LANGUAGE = "request_plain_language"
INTENT_REQUEST_CONSULTATION = "request_consultation"

# Entities and roles
ENTITY_OCCUPATION = "occupation"
ENTITY_MUNICIPALITY = "municipality"
ENTITY_GOAL = "goal"
ENTITY_TIME_MODEL = "time_model"
ENTITY_FORMAT = "format"
ENTITY_TOPIC = "topic"
ENTITY_INPUT_ISSUE = "input_issue"
ENTITY_REPLY_LANGUAGE = "reply_language"
ROLE_CURRENT = "current"
ROLE_TARGET = "target"

# Canonical values
# Canonical values: knowledge.vocabulary (the one vocabulary)
GOALS = tuple(vocabulary.GOALS)
TIME_MODELS = tuple(vocabulary.TIME_MODELS)
FORMATS = vocabulary.PROFILE_FORMATS
FORMAT_ANY = vocabulary.FORMAT_ANY

# Responses (defined in the domain)
UTTER_OUTSIDE_LANDKREIS = "utter_outside_landkreis"
UTTER_SEARCH_UNAVAILABLE = "utter_search_unavailable"
UTTER_NO_RESULTS = "utter_no_results"
UTTER_OUT_OF_SCOPE = "utter_out_of_scope"
UTTER_ASK_REPHRASE = "utter_ask_rephrase"
UTTER_PLAIN_LANGUAGE_ON = "utter_plain_language_on"
REPLY_LANGUAGES = vocabulary.REPLY_LANGUAGES
INPUT_ISSUE_RESPONSES = {
    "empty": "utter_input_empty",
    "too_long": "utter_input_too_long",
    "emoji_only": "utter_input_emoji_only",
    "markup": "utter_input_markup",
    "foreign_language": "utter_input_foreign_language",
}

# Custom actions implemented in this package (bot contract)
CUSTOM_ACTIONS = (
    "validate_profile_form",
    "action_recommend_offers",
    "action_more_results",
    "action_explain_recommendation",
    "action_shortage_occupations",
    "action_funding_info",
    "action_recognition_info",
    "action_language_courses",
    "action_request_human",
    "action_delete_my_data",
    "action_handle_out_of_scope",
    "validate_funding_form",
    "action_check_funding_questions",
    "action_offer_callback",
    "action_ask_callback_consent",
    "validate_callback_form",
    "action_submit_callback",
    "action_read_situation",
    "action_recognition_details",
    "action_accept_plain_language",
    "action_offer_consultation",
    "action_store_consultation",
)

# Custom payload types (bot -> channel)
PAYLOAD_RECOMMENDATIONS = "recommendations"
PAYLOAD_DELETE_CONVERSATION = "delete_conversation"
PAYLOAD_LEARNING_PATH = "learning_path"

# Recommendation payload item keys (docs/architecture.md "Recommendation payload")
RECOMMENDATION_ITEM_KEYS = (
    "offer_id",
    "title",
    "provider",
    "municipality",
    "format",
    "time_model",
    "kldb_targets",
    "shortage_occupation",
    "url",
    "next_start",
    "distance_km",
    "reasons",
)

# Recommendation sizes: ``min_results`` and ``limit`` of the search request; below MIN_RESULTS
# hits the search service widens the request itself (``relax``, see search/service.py)
MIN_RESULTS = 3
MAX_RESULTS = 5
