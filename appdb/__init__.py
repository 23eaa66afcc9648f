"""The application database of Bildungslotse (``APP_DB_URL``; SQLite file ``app.db`` by default,
PostgreSQL in production).

It holds what the project itself stores (anonymous demand records, callback requests, the staff
app's offices, accounts, sessions, sign-in failures and access log), separate from Rasa's tracker
database. Used by both environments: the
table definitions (:mod:`appdb.schema`), the engine helper (:mod:`appdb.engine`) and the deletion
module (:mod:`appdb.deletion`) work with SQLAlchemy 1.4 (bot env, pinned by Rasa 3.6) and 2.x
(app env). The schema is created and changed only by the Alembic migrations in
``appdb/migrations`` (``python -m appdb upgrade``, app env), never when a process starts.
"""
