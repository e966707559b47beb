"""The history store's databases for tests: a SQLite file, and an emptied PostgreSQL database.

PostgreSQL comes from WA_TEMPLATES_TEST_POSTGRES, a URL to a server this test run may create
databases on (`scripts/test` starts a throwaway cluster and sets it). Without it the PostgreSQL
variants are skipped, unless WA_TEMPLATES_TEST_POSTGRES_REQUIRED (set in CI) says they must run:
then a missing server fails them.

CREATE DATABASE takes about a second on a busy machine, so each test process creates one
database, migrates it once, and empties its tables for every test that asks for one.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from wa_templates.history import schema
from wa_templates.history.store import open_store

POSTGRES_ENV = "WA_TEMPLATES_TEST_POSTGRES"
REQUIRED_ENV = "WA_TEMPLATES_TEST_POSTGRES_REQUIRED"
BACKENDS = ["sqlite", "postgresql"]


def postgres_base() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    message = f"{POSTGRES_ENV} is not set: no PostgreSQL to test the history store against"
    if os.environ.get(REQUIRED_ENV) or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    base = make_url(postgres_base())
    name = f"wa_test_{uuid.uuid4().hex[:16]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


_shared: list[str] = []


def _emptied_postgres() -> str:
    if not _shared:
        manager = postgres_database()
        url = manager.__enter__()
        atexit.register(manager.__exit__, None, None, None)
        open_store(url).close()
        _shared.append(url)
    url = _shared[0]
    tables = sql.SQL(", ").join(sql.Identifier(t.name) for t in schema.metadata.sorted_tables)
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(tables))
    return url


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """A history store URL of the given backend, migrated or not, with no rows."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'history.db'}"
        return
    yield _emptied_postgres()
