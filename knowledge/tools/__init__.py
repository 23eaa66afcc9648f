"""Offline maintenance tools for the knowledge base (run by data staff, not at run time)."""
