"""Demand rows and monthly aggregates: the closed-vocabulary term of a search that found nothing
(``knowledge.search_terms``; never free text).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("demand_records", "demand_monthly"):
        op.add_column(table, sa.Column("search_term", sa.String(40)))


def downgrade() -> None:
    for table in ("demand_monthly", "demand_records"):
        # SQLite drops columns by copying the table (batch mode); PostgreSQL alters in place
        with op.batch_alter_table(table) as batch:
            batch.drop_column("search_term")
