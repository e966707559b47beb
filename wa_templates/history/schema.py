"""The history store's tables, in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

The migrations (`migrations/versions/`) create exactly these; a test compares the two, so a
column added here without a migration fails.

Every time is UTC. SQLite keeps no time zone, so `UtcDateTime` stores naive UTC and hands back
aware UTC on both databases: the queries never compare a naive time with an aware one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

NAME = 512
"""A template name: Meta allows 512 characters."""
SHORT = 100
"""Statuses, kinds, categories, target names, ids."""


class UtcDateTime(TypeDecorator[datetime]):
    """A time zone-aware datetime stored as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the history store only takes time zone-aware datetimes")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("event_type", String(SHORT), nullable=False),
    Column("target", String(SHORT), nullable=False),
    Column("account_id", String(200), nullable=False),
    Column("business_account_id", String(200), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("template_name", String(NAME)),
    Column("template_language", String(20)),
    Column("template_id", String(64)),
    Column("flag", String(SHORT)),
    Column("raw", Text, nullable=False),
    Column("parsed", Text),
)
"""Every CABM event the receiver accepted, raw (the body as received) and parsed. `flag` is set
on events kept but not applied: 'unknown_event_type'."""

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(SHORT), nullable=False),
    Column("name", String(NAME), nullable=False),
    Column("language", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("source", String(20), nullable=False),
    Column("command", String(20)),
    Column("event_id", String(200)),
    Column("kind", String(30), nullable=False),
    Column("template_id", String(64)),
    Column("status", String(SHORT)),
    Column("reason", String(200)),
    Column("pause_title", String(SHORT)),
    Column("pause_description", Text),
    Column("disable_date", String(SHORT)),
    Column("category", String(SHORT)),
    Column("previous_category", String(SHORT)),
    Column("quality", String(SHORT)),
    Column("previous_quality", String(SHORT)),
    Index("ix_observations_template", "target", "name", "language", "at"),
)
"""The history of each template: what a webhook said (source 'webhook': kinds status,
category, quality, category_detection) and what a plan, apply or drift saw in the list (source
'list': kinds listed, absent), oldest first by `at`."""

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(SHORT), nullable=False),
    Column("command", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("templates", Integer, nullable=False),
    Index("ix_runs_target_at", "target", "at"),
)
"""Each listing a command recorded: a template listed then and not absent since was heard of."""

phone_numbers = Table(
    "phone_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(SHORT), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("phone_number", String(40)),
    Column("event", String(SHORT), nullable=False),
    Column("current_limit", String(SHORT)),
    Column("old_limit", String(SHORT)),
    Column("max_daily", String(SHORT)),
    Column("reason", String(200)),
    Index("ix_phone_numbers_target_at", "target", "at"),
)
"""phone_number_quality_update events: messaging-limit tier and FLAGGED/UNFLAGGED."""

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False),
    Column("destination", String(20), nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("last_status", Integer),
    Column("last_error", String(300)),
    UniqueConstraint("event_id", "destination", name="uq_deliveries_event_destination"),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
)
"""The notifier's delivery log and outbox: one row per event and destination, written in the
transaction that stores the event, so a retried event never notifies twice and a crash never
loses a notification (the next start delivers what is still pending). Destination URLs are not
stored: they are secrets and live in the environment."""
