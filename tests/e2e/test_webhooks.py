"""End to end over real HTTP: `sandbox serve` playing 8x8 and Meta, the receiver, and a local
server standing in for Slack. Register, apply, Meta approves, an admin pauses the template: the
events are stored, one notification arrives, and history shows the timeline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Chat
from tests.e2e.conftest import ACCOUNT, Project, Sandbox, simple
from wa_templates.history import schema
from wa_templates.history.store import HistoryStore, open_store
from wa_templates.provider.retry import RetryPolicy
from wa_templates.webhook.accounts import Account, Accounts
from wa_templates.webhook.app import create_app
from wa_templates.webhook.deliver import Notifier
from wa_templates.webhook.serve import start_in_thread

SECRET = "e2e-webhook-secret-0123456789"


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = open_store(f"sqlite:///{tmp_path / 'history.db'}")
    yield store
    store.close()


def statuses(store: HistoryStore, count: int, timeout: float = 30.0) -> list[tuple[str, str]]:
    """(template, status) of the stored status events, once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        o = schema.observations
        with store.transaction() as connection:
            rows = connection.execute(
                select(o.c.name, o.c.status).where(o.c.source == "webhook").order_by(o.c.at, o.c.id)
            ).all()
        if len(rows) >= count:
            return [(r.name, r.status) for r in rows]
        assert time.monotonic() < deadline, rows
        time.sleep(0.05)


@pytest.mark.e2e
def test_register_apply_approve_pause_is_stored_and_told_once(
    linked: Project,
    sandbox: Sandbox,
    history: HistoryStore,
    chat: Chat,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instant = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)
    notifier = Notifier(history, {"slack": chat.url}, policy=instant)
    accounts = Accounts([Account("local", frozenset({ACCOUNT}))])
    app = create_app(history, accounts, f"Bearer {SECRET}", {"slack": chat.url}, notifier=notifier)
    receiver = start_in_thread(app)
    try:
        monkeypatch.setenv("WA_TEMPLATES_WEBHOOK_SECRET", SECRET)
        url = f"{receiver.url}/webhooks/8x8"
        registered = linked.run("webhook", "register", "--auto-approve", "--url", url)
        assert registered.code == 0, registered.out + registered.err
        assert "+ create CABM subAccountId=*" in registered.out
        again = linked.run("webhook", "register", "--auto-approve", "--url", url)
        assert "No changes: already registered." in again.out

        linked.write("order_update", simple("order_update"))
        applied = linked.run("apply", "--auto-approve")
        assert applied.code == 0, applied.out + applied.err
        assert statuses(history, 1) == [("order_update", "APPROVED")]
        assert chat.received == []  # an approval tells no one

        sandbox.patch("order_update", status="PAUSED")
        assert statuses(history, 2) == [("order_update", "APPROVED"), ("order_update", "PAUSED")]
        (told,) = chat.wait_for(1)
        assert told["text"].startswith(
            ":warning: local: template order_update [en_US]: paused by Meta"
        )
    finally:
        receiver.stop()
    assert len(chat.received) == 1

    db = f"sqlite:///{history.engine.url.database}"
    shown = linked.run("history", "order_update", "--target", "local", "--history", db)
    assert shown.code == 0, shown.err
    assert "8x8 event    status APPROVED" in shown.out
    assert "8x8 event    status PAUSED" in shown.out
