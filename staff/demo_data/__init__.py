"""Demo data for the Bildungsmonitoring: simulated citizens talk to the real bot (issue 14).

``python -m staff.demo_data generate --conversations N`` / ``remove``; docs/monitoring.md.
"""
