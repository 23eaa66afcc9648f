"""Tables of the application database as SQLAlchemy Core ``Table`` definitions.

The single description of the schema: the clients (bot env, SQLAlchemy 1.4), the deletion module
and the Alembic migrations (app env, SQLAlchemy 2) use these objects; a test proves that the
migrations create exactly these tables. A change here needs a new migration
(``appdb/migrations/versions``).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Anonymous demand records for the district's Bildungsmonitoring (one row per recommendation
#: turn; no message text, no sender id: nothing links a row to a conversation).
demand_records = sa.Table(
    "demand_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("municipality", sa.String(100)),
    sa.Column("goal", sa.String(40)),
    sa.Column("target_kldb", sa.String(5)),
    sa.Column("time_model", sa.String(40)),
    sa.Column("offers_found", sa.Integer, nullable=False),
    sa.Column("asked_for_human", sa.Boolean, nullable=False),
)

#: Callback requests for the counselling staff (stored only with the user's consent).
#: ``sender_id`` keys a row to its conversation so deleting the conversation deletes it.
callback_requests = sa.Table(
    "callback_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("contact_kind", sa.String(10), nullable=False),
    sa.Column("contact", sa.String(254), nullable=False),
    sa.Column("preferred_time", sa.String(20)),
    sa.Column("situation", sa.String(100)),
    sa.Column("recipient", sa.String(200), nullable=False),
)

#: Tables whose rows belong to one conversation (column ``sender_id``): deleting a conversation
#: deletes its rows here (:mod:`appdb.deletion`). A new per-conversation table is added here.
CONVERSATION_TABLES: tuple[sa.Table, ...] = (callback_requests,)
