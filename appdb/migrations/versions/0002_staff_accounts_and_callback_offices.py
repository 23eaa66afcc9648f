"""Staff app: offices, staff accounts and roles, sessions, sign-in failures, identity-provider
sign-ins in progress, the access log; callback requests get an office and a done mark.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.UniqueConstraint("code", name="uq_offices_code"),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column(
            "office_id",
            sa.Integer,
            sa.ForeignKey("offices.id", name="fk_staff_accounts_office_id"),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("oidc_issuer", sa.String(255)),
        sa.Column("oidc_subject", sa.String(255)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime),
        sa.UniqueConstraint("email", name="uq_staff_accounts_email"),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_staff_accounts_oidc"),
    )
    op.create_index("ix_staff_accounts_office_id", "staff_accounts", ["office_id"])
    op.create_table(
        "staff_roles",
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey(
                "staff_accounts.id", name="fk_staff_roles_account_id", ondelete="CASCADE"
            ),
            primary_key=True,
        ),
        sa.Column("role", sa.String(20), primary_key=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey(
                "staff_accounts.id", name="fk_staff_sessions_account_id", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("auth_method", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_signin_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("account_key", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    for column in ("at", "account_key", "address"):
        op.create_index(f"ix_staff_signin_failures_{column}", "staff_signin_failures", [column])
    op.create_table(
        "staff_login_flows",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_login_flows_created_at", "staff_login_flows", ["created_at"])
    op.create_table(
        "staff_access_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("staff_accounts.id", name="fk_staff_access_log_account_id"),
            nullable=False,
        ),
        sa.Column("record_kind", sa.String(30), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
    )
    op.create_index("ix_staff_access_log_at", "staff_access_log", ["at"])
    op.create_index("ix_staff_access_log_account_id", "staff_access_log", ["account_id"])
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table
    with op.batch_alter_table("callback_requests") as batch:
        batch.add_column(sa.Column("office_id", sa.Integer))
        batch.add_column(sa.Column("done_at", sa.DateTime))
        batch.add_column(sa.Column("done_by", sa.Integer))
        batch.create_foreign_key(
            "fk_callback_requests_office_id",
            "offices",
            ["office_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_callback_requests_done_by",
            "staff_accounts",
            ["done_by"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_callback_requests_office_id", ["office_id"])


def downgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_index("ix_callback_requests_office_id")
        batch.drop_constraint("fk_callback_requests_done_by", type_="foreignkey")
        batch.drop_constraint("fk_callback_requests_office_id", type_="foreignkey")
        batch.drop_column("done_by")
        batch.drop_column("done_at")
        batch.drop_column("office_id")
    op.drop_index("ix_staff_access_log_account_id", table_name="staff_access_log")
    op.drop_index("ix_staff_access_log_at", table_name="staff_access_log")
    op.drop_table("staff_access_log")
    op.drop_index("ix_staff_login_flows_created_at", table_name="staff_login_flows")
    op.drop_table("staff_login_flows")
    for column in ("at", "account_key", "address"):
        op.drop_index(f"ix_staff_signin_failures_{column}", table_name="staff_signin_failures")
    op.drop_table("staff_signin_failures")
    op.drop_index("ix_staff_sessions_account_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_roles")
    op.drop_index("ix_staff_accounts_office_id", table_name="staff_accounts")
    op.drop_table("staff_accounts")
    op.drop_table("offices")
