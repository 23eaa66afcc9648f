"""Demand rows: an index on (municipality, day) for the monitoring queries filtered by
municipality, and monthly aggregates that keep the counts of raw rows removed by the retention
(``DEMAND_RETENTION_MONTHS``, docs/monitoring.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_demand_records_municipality_day", "demand_records", ["municipality", "day"])
    op.create_table(
        "demand_monthly",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("municipality", sa.String(100)),
        sa.Column("goal", sa.String(40)),
        sa.Column("target_group", sa.String(4)),
        sa.Column("time_model", sa.String(40)),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("unmet", sa.Integer, nullable=False),
        sa.Column("no_offer", sa.Integer, nullable=False),
        sa.Column("human", sa.Integer, nullable=False),
    )
    op.create_index("ix_demand_monthly_month", "demand_monthly", ["month"])


def downgrade() -> None:
    op.drop_index("ix_demand_monthly_month", table_name="demand_monthly")
    op.drop_table("demand_monthly")
    op.drop_index("ix_demand_records_municipality_day", table_name="demand_records")
