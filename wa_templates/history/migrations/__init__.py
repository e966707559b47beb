"""Alembic migrations of the history store, run by `store.open_store` on every open."""
