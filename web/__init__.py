"""Web chat page of the Bildungslotse: the page, its FastAPI server, conversation retention."""
