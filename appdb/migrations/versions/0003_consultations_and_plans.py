"""Consultations (handover snapshots and staff-started ones), code lookup failures, plans with
steps, notes and citizen links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("includes_chat_text", sa.Boolean, nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column(
            "claimed_by",
            sa.Integer,
            sa.ForeignKey(
                "staff_accounts.id", name="fk_consultations_claimed_by", ondelete="SET NULL"
            ),
        ),
        sa.Column(
            "office_id",
            sa.Integer,
            sa.ForeignKey("offices.id", name="fk_consultations_office_id", ondelete="SET NULL"),
        ),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("anonymised_at", sa.DateTime),
        sa.UniqueConstraint("code_hash", name="uq_consultations_code_hash"),
    )
    for column in ("sender_id", "created_at", "expires_at", "office_id"):
        op.create_index(f"ix_consultations_{column}", "consultations", [column])
    op.create_table(
        "consultation_lookup_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("account_key", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    for column in ("at", "account_key", "address"):
        op.create_index(
            f"ix_consultation_lookup_failures_{column}", "consultation_lookup_failures", [column]
        )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "consultation_id",
            sa.Integer,
            sa.ForeignKey("consultations.id", name="fk_plans_consultation_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "office_id",
            sa.Integer,
            sa.ForeignKey("offices.id", name="fk_plans_office_id"),
            nullable=False,
        ),
        sa.Column(
            "created_by",
            sa.Integer,
            sa.ForeignKey("staff_accounts.id", name="fk_plans_created_by", ondelete="SET NULL"),
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("checklist", sa.Text),
        sa.Column("contacts", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("anonymised_at", sa.DateTime),
    )
    for column in ("consultation_id", "office_id", "updated_at"):
        op.create_index(f"ix_plans_{column}", "plans", [column])
    op.create_table(
        "plan_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", name="fk_plan_steps_plan_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("offer_id", sa.String(100)),
        sa.Column("offer", sa.Text, nullable=False),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
    )
    op.create_index("ix_plan_steps_plan_id", "plan_steps", ["plan_id"])
    op.create_table(
        "plan_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", name="fk_plan_notes_plan_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("for_citizen", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column(
            "created_by",
            sa.Integer,
            sa.ForeignKey(
                "staff_accounts.id", name="fk_plan_notes_created_by", ondelete="SET NULL"
            ),
        ),
    )
    op.create_index("ix_plan_notes_plan_id", "plan_notes", ["plan_id"])
    op.create_table(
        "plan_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("plans.id", name="fk_plan_links_plan_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_index("ix_plan_links_plan_id", "plan_links", ["plan_id"])
    op.create_index("ix_plan_links_expires_at", "plan_links", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_links_expires_at", table_name="plan_links")
    op.drop_index("ix_plan_links_plan_id", table_name="plan_links")
    op.drop_table("plan_links")
    op.drop_index("ix_plan_notes_plan_id", table_name="plan_notes")
    op.drop_table("plan_notes")
    op.drop_index("ix_plan_steps_plan_id", table_name="plan_steps")
    op.drop_table("plan_steps")
    for column in ("consultation_id", "office_id", "updated_at"):
        op.drop_index(f"ix_plans_{column}", table_name="plans")
    op.drop_table("plans")
    for column in ("at", "account_key", "address"):
        op.drop_index(
            f"ix_consultation_lookup_failures_{column}", table_name="consultation_lookup_failures"
        )
    op.drop_table("consultation_lookup_failures")
    for column in ("sender_id", "created_at", "expires_at", "office_id"):
        op.drop_index(f"ix_consultations_{column}", table_name="consultations")
    op.drop_table("consultations")
