"""One end-to-end check against the REAL search service (skipped when it is not running).

Start it with ``uvicorn search.app.main:app`` (app env) or set SEARCH_URL to a running instance.
"""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import constants as c
from bot.actions.recommend import ActionRecommendOffers

pytestmark = pytest.mark.integration


async def test_recommendations_from_real_service(real_search_url, tracker_from, domain):
    dispatcher = CollectingDispatcher()
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    # a career changer first gets the learning path (local knowledge base), then the offers
    path, message = dispatcher.messages
    assert path["custom"]["type"] == c.PAYLOAD_LEARNING_PATH
    assert message.get("response") != c.UTTER_SEARCH_UNAVAILABLE
    if message.get("response") == c.UTTER_NO_RESULTS:
        pytest.fail("the real catalogue should hold Teilzeit Altenpflege offers near Unterhaching")
    payload = message["custom"]
    assert payload["type"] == "recommendations"
    assert 1 <= len(payload["items"]) <= c.MAX_RESULTS
    for item in payload["items"]:
        assert tuple(item) == c.RECOMMENDATION_ITEM_KEYS
        assert item["time_model"] in ("teilzeit", "berufsbegleitend")
        assert any(code.startswith("821") for code in item["kldb_targets"])
