"""The first schema: events, observations, runs, phone_numbers, deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("business_account_id", sa.String(200), nullable=False),
        sa.Column("occurred_at", _TIME, nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
        sa.Column("template_name", sa.String(512)),
        sa.Column("template_language", sa.String(20)),
        sa.Column("template_id", sa.String(64)),
        sa.Column("flag", sa.String(100)),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("parsed", sa.Text),
    )
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("command", sa.String(20)),
        sa.Column("event_id", sa.String(200)),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("template_id", sa.String(64)),
        sa.Column("status", sa.String(100)),
        sa.Column("reason", sa.String(200)),
        sa.Column("pause_title", sa.String(100)),
        sa.Column("pause_description", sa.Text),
        sa.Column("disable_date", sa.String(100)),
        sa.Column("category", sa.String(100)),
        sa.Column("previous_category", sa.String(100)),
        sa.Column("quality", sa.String(100)),
        sa.Column("previous_quality", sa.String(100)),
    )
    op.create_index(
        "ix_observations_template", "observations", ["target", "name", "language", "at"]
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("command", sa.String(20), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("templates", sa.Integer, nullable=False),
    )
    op.create_index("ix_runs_target_at", "runs", ["target", "at"])
    op.create_table(
        "phone_numbers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("phone_number", sa.String(40)),
        sa.Column("event", sa.String(100), nullable=False),
        sa.Column("current_limit", sa.String(100)),
        sa.Column("old_limit", sa.String(100)),
        sa.Column("max_daily", sa.String(100)),
        sa.Column("reason", sa.String(200)),
    )
    op.create_index("ix_phone_numbers_target_at", "phone_numbers", ["target", "at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("destination", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("lease_until", _TIME),
        sa.Column("delivered_at", _TIME),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.String(300)),
        sa.UniqueConstraint("event_id", "destination", name="uq_deliveries_event_destination"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])


def downgrade() -> None:
    for table in ("deliveries", "phone_numbers", "runs", "observations", "events"):
        op.drop_table(table)
