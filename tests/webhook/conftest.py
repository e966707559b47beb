"""The receiver on a real socket, a local HTTP server standing in for Slack (and for the
generic JSON destination), and the store it writes to, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests import cabm
from wa_templates.history import schema
from wa_templates.history.store import HistoryStore, open_store
from wa_templates.provider.retry import RetryPolicy
from wa_templates.webhook.accounts import Account, Accounts
from wa_templates.webhook.app import create_app
from wa_templates.webhook.deliver import Notifier
from wa_templates.webhook.serve import start_in_thread

SECRET = "s3cret-webhook-value-0123456789"
AUTH = f"Bearer {SECRET}"
INSTANT = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0, jitter=lambda: 0.0)
"""The notifier's retries without their waiting: a test never waits on a clock."""


ACCOUNTS = Accounts([Account("prod", frozenset({cabm.ACCOUNT}), cabm.WABA)])


@dataclass
class Receiver:
    url: str
    store: HistoryStore
    http: httpx.Client

    def post(
        self, event: dict[str, Any] | bytes, auth: str | bytes | None = AUTH
    ) -> httpx.Response:
        body = event if isinstance(event, bytes) else cabm.body(event)
        headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
        if auth is not None:
            headers["Authorization"] = auth
        return self.http.post("/webhooks/8x8", content=body, headers=headers)

    def rows(self, table: schema.Table) -> list[Any]:
        with self.store.transaction() as connection:
            return list(connection.execute(select(table).order_by(table.c.id)))

    def settled(self, timeout: float = 20.0) -> list[Any]:
        """The delivery log once nothing is pending any more."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.rows(schema.deliveries)
            if all(r.state != "pending" for r in rows):
                return rows
            assert time.monotonic() < deadline, [(r.state, r.attempts) for r in rows]
            time.sleep(0.02)


Start = Callable[..., Receiver]


@pytest.fixture
def start_receiver(store: HistoryStore) -> Iterator[Start]:
    """Receivers writing to the store, on SQLite and on PostgreSQL."""
    yield from _receivers(store)


@pytest.fixture
def start_sqlite_receiver(tmp_path: Path) -> Iterator[Start]:
    """Receivers on SQLite only, for tests of what is said rather than of what is stored."""
    store = open_store(f"sqlite:///{tmp_path / 'wording.db'}")
    yield from _receivers(store)
    store.close()


def _receivers(store: HistoryStore) -> Iterator[Start]:
    stops: list[Callable[[], None]] = []
    clients: list[httpx.Client] = []

    def start(destinations: dict[str, str] | None = None, **options: Any) -> Receiver:
        notifier = Notifier(store, destinations or {}, policy=INSTANT) if destinations else None
        app = create_app(store, ACCOUNTS, AUTH, destinations, notifier=notifier, **options)
        running = start_in_thread(app)
        stops.append(running.stop)
        http = httpx.Client(base_url=running.url, timeout=10)
        clients.append(http)
        return Receiver(running.url, store, http)

    yield start
    for http in clients:
        http.close()
    for stop in stops:
        stop()
