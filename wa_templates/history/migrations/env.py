"""Alembic's entry point: runs on the connection `store.migrate` hands it, never from a URL.

On PostgreSQL an advisory lock makes concurrent first opens (a receiver and a CI job starting
together) take turns instead of both creating the tables; SQLite's write lock does the same.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from wa_templates.history.schema import metadata

MIGRATION_LOCK = 0x5741_5454
"""An arbitrary advisory-lock key for this store's migrations ('WATT')."""

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.run_migrations()
