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
    # revision 0005: the format wish, the employment status and the age band (only as the
    # bot's funding questions collect them: a band of ``knowledge.vocabulary.AGE_BANDS``, never
    # an age), and whether the row comes from a signed demo conversation (``staff.demo_data``)
    sa.Column("format", sa.String(20)),
    sa.Column("employment_status", sa.String(20)),
    sa.Column("age_band", sa.String(20)),
    sa.Column("simulated", sa.Boolean, nullable=False, server_default=sa.false(), index=True),
    #: closed-vocabulary term of a search that found nothing (knowledge.search_terms), else NULL
    sa.Column("search_term", sa.String(40)),
    # the monitoring pages filtered by municipality (docs/benchmarks.md, monitoring queries)
    sa.Index("ix_demand_records_municipality_day", "municipality", "day"),
)

#: Monthly counts of demand rows older than the retention (``DEMAND_RETENTION_MONTHS``): the
#: retention adds a month's rows here before it deletes them (``appdb/demand_retention.py``).
#: ``target_group`` = the first four digits of the target KldB code (enough for the fields and
#: the shortage codes the monitoring shows); no day, nothing about a single request.
demand_monthly = sa.Table(
    "demand_monthly",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.Date, nullable=False, index=True),
    sa.Column("municipality", sa.String(100)),
    sa.Column("goal", sa.String(40)),
    sa.Column("target_group", sa.String(4)),
    sa.Column("time_model", sa.String(40)),
    # revision 0005: the new dimensions of demand_records (kept as keys, so that the views by
    # month filter by them before and after the retention) and the demo-data flag (so that
    # ``python -m staff.demo_data remove`` removes their share of the aggregates too)
    sa.Column("format", sa.String(20)),
    sa.Column("employment_status", sa.String(20)),
    sa.Column("age_band", sa.String(20)),
    sa.Column("simulated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("search_term", sa.String(40)),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("unmet", sa.Integer, nullable=False),
    sa.Column("no_offer", sa.Integer, nullable=False),
    sa.Column("human", sa.Integer, nullable=False),
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
    # the office whose counsellors see the request (staff app: STAFF_CALLBACK_OFFICES maps the
    # recipient to an office); NULL until assigned, then visible to that office only
    sa.Column(
        "office_id",
        sa.Integer,
        sa.ForeignKey("offices.id", name="fk_callback_requests_office_id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("done_at", sa.DateTime),  # UTC; marked done in the staff app's inbox
    sa.Column(
        "done_by",
        sa.Integer,
        sa.ForeignKey(
            "staff_accounts.id", name="fk_callback_requests_done_by", ondelete="SET NULL"
        ),
    ),
)

#: Tables whose rows belong to one conversation (column ``sender_id``): deleting a conversation
#: deletes its rows here (:mod:`appdb.deletion`). A new per-conversation table is added here.
CONVERSATION_TABLES: tuple[sa.Table, ...] = (callback_requests,)

# ---------------------------------------------------------------- staff app (staff/, issue 13)
# Times are naive UTC (``DateTime`` without zone), the same on SQLite and PostgreSQL.

#: Office kinds (an office is a counselling place whose staff use the staff app).
OFFICE_KINDS = ("bildungsberatung", "agentur", "jobcenter", "vhs", "sonstige")
#: Staff roles; an account has one or more.
STAFF_ROLES = ("counsellor", "editor", "analyst", "admin")

offices = sa.Table(
    "offices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.UniqueConstraint("code", name="uq_offices_code"),
)

#: Staff accounts: local ones have a password hash (argon2), accounts of the district's identity
#: provider an issuer and subject instead. Accounts are disabled, never deleted (the access log
#: refers to them).
staff_accounts = sa.Table(
    "staff_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False),  # lower case
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column(
        "office_id",
        sa.Integer,
        sa.ForeignKey("offices.id", name="fk_staff_accounts_office_id"),
        nullable=False,
        index=True,
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

staff_roles = sa.Table(
    "staff_roles",
    metadata,
    sa.Column(
        "account_id",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_staff_roles_account_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("role", sa.String(20), primary_key=True),
)

#: Signed-in sessions (server side). The cookie holds a random token; only its SHA-256 is stored.
staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "account_id",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_staff_sessions_account_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("auth_method", sa.String(10), nullable=False),  # local | oidc
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
)

#: Failed sign-ins for the lockout (per account and per address); kept for the lockout window.
#: ``account_key`` is the SHA-256 of the lower-cased e-mail typed, existing account or not.
staff_signin_failures = sa.Table(
    "staff_signin_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account_key", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
)

#: Identity-provider sign-ins in progress (state, nonce, PKCE verifier), single use, 10 minutes.
staff_login_flows = sa.Table(
    "staff_login_flows",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
)

#: Which account opened which record when; no content. Visible to admins, kept
#: ``STAFF_ACCESS_LOG_RETENTION_DAYS`` (default 365).
staff_access_log = sa.Table(
    "staff_access_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column(
        "account_id",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_staff_access_log_account_id"),
        nullable=False,
        index=True,
    ),
    sa.Column("record_kind", sa.String(30), nullable=False),  # e.g. callback_request
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # view | done
)

# ------------------------------------------- consultations and plans (staff/, issue 13, part 2)
# A consultation is opened by the citizen's handover in the chat (origin "chat": a snapshot taken
# with the citizen's explicit yes, reached by a code) or started by a counsellor without a code
# (origin "staff": profile typed in). JSON columns are ``Text`` holding JSON (same on SQLite and
# PostgreSQL, readable by SQLAlchemy 1.4 in the bot env).

#: Consultations: the consented snapshot and the counsellor's working profile.
consultations = sa.Table(
    "consultations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # SHA-256 (hex) of the normalised handover code; NULL for consultations started by staff
    sa.Column("code_hash", sa.String(64)),
    # the chat conversation the snapshot came from (deleting it deletes or anonymises this row);
    # NULL for origin "staff" and after anonymisation; never shown
    sa.Column("sender_id", sa.String(255), index=True),
    sa.Column("origin", sa.String(10), nullable=False),  # chat | staff
    # JSON: what the citizen agreed to hand over (profile, offers and path shown, checklist, and
    # the chat text only when includes_chat_text); written once, never read back from Rasa
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("includes_chat_text", sa.Boolean, nullable=False),
    # JSON: the working profile (starts as the snapshot's profile; the counsellor corrects it)
    sa.Column("profile", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    # code expiry; an unclaimed snapshot is deleted after it (STAFF_HANDOVER_TTL_DAYS, default 7)
    sa.Column("expires_at", sa.DateTime, index=True),
    sa.Column("claimed_at", sa.DateTime),
    sa.Column(
        "claimed_by",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_consultations_claimed_by", ondelete="SET NULL"),
    ),
    # the office whose counsellors see the consultation (the claimer's office); NULL = unclaimed
    sa.Column(
        "office_id",
        sa.Integer,
        sa.ForeignKey("offices.id", name="fk_consultations_office_id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("anonymised_at", sa.DateTime),
    sa.UniqueConstraint("code_hash", name="uq_consultations_code_hash"),
)

#: Failed code lookups (rate limit of "open by code" per account and per address).
consultation_lookup_failures = sa.Table(
    "consultation_lookup_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account_key", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
)

#: Plans built by a counsellor for one consultation (kept STAFF_PLAN_RETENTION_DAYS after the
#: last change, default 90).
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "consultation_id",
        sa.Integer,
        sa.ForeignKey("consultations.id", name="fk_plans_consultation_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "office_id",
        sa.Integer,
        sa.ForeignKey("offices.id", name="fk_plans_office_id"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "created_by",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_plans_created_by", ondelete="SET NULL"),
    ),
    sa.Column("title", sa.String(200), nullable=False),
    # JSON: the funding checklist for the profile from the rule engine (items with source,
    # Stand and deciding office), taken when attached
    sa.Column("checklist", sa.Text),
    # JSON: contacts shown on the plan (the office's contact first)
    sa.Column("contacts", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False, index=True),
    sa.Column("anonymised_at", sa.DateTime),
)

#: The ordered steps of a plan: an offer (a copy of what the plan shows) or a learning-path step.
plan_steps = sa.Table(
    "plan_steps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "plan_id",
        sa.Integer,
        sa.ForeignKey("plans.id", name="fk_plan_steps_plan_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("offer_id", sa.String(100)),  # catalogue id, NULL for a step without an offer
    # JSON: title, provider, place, link, why it fits (as shown when the step was added)
    sa.Column("offer", sa.Text, nullable=False),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
)

#: Notes on a plan: internal unless marked for the citizen.
plan_notes = sa.Table(
    "plan_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "plan_id",
        sa.Integer,
        sa.ForeignKey("plans.id", name="fk_plan_notes_plan_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("for_citizen", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column(
        "created_by",
        sa.Integer,
        sa.ForeignKey("staff_accounts.id", name="fk_plan_notes_created_by", ondelete="SET NULL"),
    ),
)

#: Read-only citizen links to a plan (page + PDF): SHA-256 of a >= 128-bit token, with expiry.
plan_links = sa.Table(
    "plan_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "plan_id",
        sa.Integer,
        sa.ForeignKey("plans.id", name="fk_plan_links_plan_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    sa.Column("revoked_at", sa.DateTime),
)
