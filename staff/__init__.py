"""The staff web app of Bildungslotse (issue 13): sign-in for counsellors, editors, analysts and
admins of the district's counselling offices, the callback inbox and the access log.

Server-rendered German pages (FastAPI + Jinja2, ``staff/templates``), no inline script or style;
runs as the process ``staff`` on 127.0.0.1:``STAFF_PORT`` behind the proxy under ``/staff/``.
Data lives in the application database (:mod:`appdb.schema`). Accounts are created with
``python -m staff users add``; see docs/staff.md.
"""
