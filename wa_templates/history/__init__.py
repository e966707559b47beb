"""History: the channel's memory. 8x8's CABM webhook events parsed (`events`), and a store
(`store`, `rows`, `queries`) of every event and every status a plan, apply or drift saw, in
SQLite or PostgreSQL through SQLAlchemy Core with Alembic migrations; `recording` feeds it
from the CLI."""
