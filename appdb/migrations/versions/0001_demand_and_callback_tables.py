"""Demand records and callback requests (moved out of Rasa's tracker database).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demand_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("municipality", sa.String(100)),
        sa.Column("goal", sa.String(40)),
        sa.Column("target_kldb", sa.String(5)),
        sa.Column("time_model", sa.String(40)),
        sa.Column("offers_found", sa.Integer, nullable=False),
        sa.Column("asked_for_human", sa.Boolean, nullable=False),
    )
    op.create_index("ix_demand_records_day", "demand_records", ["day"])
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("contact_kind", sa.String(10), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        sa.Column("preferred_time", sa.String(20)),
        sa.Column("situation", sa.String(100)),
        sa.Column("recipient", sa.String(200), nullable=False),
    )
    op.create_index("ix_callback_requests_sender_id", "callback_requests", ["sender_id"])
    op.create_index("ix_callback_requests_day", "callback_requests", ["day"])


def downgrade() -> None:
    op.drop_index("ix_callback_requests_day", table_name="callback_requests")
    op.drop_index("ix_callback_requests_sender_id", table_name="callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_demand_records_day", table_name="demand_records")
    op.drop_table("demand_records")
