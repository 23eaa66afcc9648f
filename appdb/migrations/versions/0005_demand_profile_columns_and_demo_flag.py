"""Demand rows and monthly aggregates: format wish, employment status, age band (where the bot
collects them) and the flag of signed demo conversations (``staff.demo_data``, docs/monitoring.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NEW = ("format", "employment_status", "age_band")


def upgrade() -> None:
    for table in ("demand_records", "demand_monthly"):
        for name in NEW:
            op.add_column(table, sa.Column(name, sa.String(20)))
        # existing rows come from real conversations: NOT NULL with the default false
        op.add_column(
            table, sa.Column("simulated", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_index("ix_demand_records_simulated", "demand_records", ["simulated"])


def downgrade() -> None:
    op.drop_index("ix_demand_records_simulated", table_name="demand_records")
    for table in ("demand_monthly", "demand_records"):
        # SQLite drops columns by copying the table (batch mode); PostgreSQL alters in place
        with op.batch_alter_table(table) as batch:
            for name in (*NEW, "simulated"):
                batch.drop_column(name)
