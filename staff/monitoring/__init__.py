"""Bildungsmonitoring pages of the staff app (role ``analyst``, issue 14; docs/monitoring.md)."""
