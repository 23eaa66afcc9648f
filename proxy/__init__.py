"""The public entry: nginx configuration generator and launcher (see docs/security.md)."""
