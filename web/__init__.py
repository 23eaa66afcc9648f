"""Web chat page of the Bildungslotse: static page, its FastAPI server and conversation retention."""
