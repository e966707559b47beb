"""End to end over real HTTP, on SQLite and on PostgreSQL: `sandbox serve` playing 8x8 and Meta,
the receiver, and a local server standing in for Slack.

Register, apply, Meta approves, an admin pauses the template: the event is stored and one
notification arrives; drift shows the pause title and the quality score; plan blocks a name
that was approved and then rejected. And the receiver down for 20 s of sandbox clock: 8x8's
retries (1, 10, 30 s after each failure) deliver every event, stored once and told once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import Chat
from tests.e2e.conftest import ACCOUNT, Project, Sandbox, simple
from wa_templates.history import schema
from wa_templates.history.store import HistoryStore
from wa_templates.provider.retry import RetryPolicy
from wa_templates.sandbox.serve import Running
from wa_templates.webhook.accounts import Account, Accounts
from wa_templates.webhook.app import create_app
from wa_templates.webhook.deliver import Notifier
from wa_templates.webhook.serve import start_in_thread

SECRET = "e2e-webhook-secret-0123456789"
INSTANT = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)
TWO_LANGUAGES = simple(
    "welcome",
    body="Welcome {{1}}, your account is ready to use.",
    es="Hola {{1}}, tu cuenta está lista para usar.",
)


def eventually(found: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """What `found` returns once it is truthy: the servers work in their own threads."""
    deadline = time.monotonic() + timeout
    while not (value := found()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def statuses(store: HistoryStore, count: int) -> list[tuple[str, str, str]]:
    """(template, language, status) of the stored status events, once there are `count`."""

    def stored() -> list[tuple[str, str, str]] | None:
        o = schema.observations
        with store.transaction() as connection:
            rows = connection.execute(
                select(o.c.name, o.c.language, o.c.status)
                .where(o.c.source == "webhook", o.c.kind == "status")
                .order_by(o.c.at, o.c.id)
            ).all()
        return [(r.name, r.language, r.status) for r in rows] if len(rows) >= count else None

    found: list[tuple[str, str, str]] = eventually(stored, f"{count} status events")
    return found


def stored_events(store: HistoryStore) -> tuple[int, int]:
    """How many events the store holds, and how many distinct eventIds."""
    e = schema.events
    with store.transaction() as connection:
        row = connection.execute(
            select(func.count(), func.count(func.distinct(e.c.event_id)))
        ).one()
    return row[0], row[1]


@contextmanager
def receiving(store: HistoryStore, chat: Chat, port: int = 0) -> Iterator[Running]:
    """The receiver on 127.0.0.1 (`port` 0: any free one), telling `chat` (Slack's stand-in)."""
    notifier = Notifier(store, {"slack": chat.url}, policy=INSTANT)
    accounts = Accounts([Account("local", frozenset({ACCOUNT}))])
    app = create_app(store, accounts, f"Bearer {SECRET}", {"slack": chat.url}, notifier=notifier)
    receiver = start_in_thread(app, port=port)
    try:
        yield receiver
    finally:
        receiver.stop()


def register(linked: Project, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WA_TEMPLATES_WEBHOOK_SECRET", SECRET)
    registered = linked.run("webhook", "register", "--auto-approve", "--url", url)
    assert registered.code == 0, registered.out + registered.err
    assert "+ create CABM subAccountId=*" in registered.out
    again = linked.run("webhook", "register", "--auto-approve", "--url", url)
    assert "No changes: already registered." in again.out


@pytest.mark.e2e
def test_pause_is_told_once_drift_shows_it_and_plan_blocks_an_approved_then_rejected_name(
    linked: Project,
    sandbox: Sandbox,
    store: HistoryStore,
    store_url: str,
    chat: Chat,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with receiving(store, chat) as receiver:
        register(linked, f"{receiver.url}/webhooks/8x8", monkeypatch)

        linked.write("order_update", simple("order_update"))
        linked.write("welcome", TWO_LANGUAGES)
        applied = linked.run("apply", "--auto-approve", "--history", store_url)
        assert applied.code == 0, applied.out + applied.err
        assert sorted(statuses(store, 3)) == [
            ("order_update", "en_US", "APPROVED"),
            ("welcome", "en_US", "APPROVED"),
            ("welcome", "es_ES", "APPROVED"),
        ]
        assert chat.received == []  # an approval tells no one

        sandbox.patch("order_update", status="PAUSED")
        assert statuses(store, 4)[-1] == ("order_update", "en_US", "PAUSED")
        (told,) = chat.wait_for(1)
        assert told["text"].startswith(
            ":warning: local: template order_update [en_US]: paused by Meta (FIRST_PAUSE)"
        )
        sandbox.patch("order_update", quality="YELLOW")
        eventually(lambda: "quality" in _kinds(store), "the quality event")

        # 8x8's list says PAUSED and nothing more; the history has the title and the score.
        drift = linked.run("drift", "--history", store_url)
        assert drift.code == 2, drift.out + drift.err
        assert "paused by Meta (FIRST_PAUSE): not sendable" in drift.out
        assert "info    quality: quality YELLOW (was UNKNOWN)" in drift.out
        assert "1st pause: a 3rd disables it" in drift.out
        assert "No history store" not in drift.out
        plain = linked.run("drift")
        assert "paused by Meta: not sendable" in plain.out
        assert plain.out.count("No history store") == 1

        # Meta rejects both languages an hour (here: seconds) after approving them.
        for language in ("en_US", "es_ES"):
            sandbox.patch("welcome", language, status="REJECTED", reason="INCORRECT_CATEGORY")
        rejected = chat.wait_for(3)[1:]
        told_rejected = sorted(r["text"].split("\n")[0] for r in rejected)
        for language, text in zip(("en_US", "es_ES"), told_rejected, strict=True):
            assert re.fullmatch(
                rf":red_circle: local: template welcome \[{language}\]: rejected by Meta after "
                r"it was approved on \d{4}-\d\d-\d\d: INCORRECT_CATEGORY",
                text,
            ), text
        linked.write("welcome", TWO_LANGUAGES.replace("is ready to use", "is ready"))
        blocked = linked.run("plan", "--history", store_url)
        assert blocked.code == 3, blocked.out + blocked.err
        assert "! template.welcome[en_US]  blocked" in blocked.out
        assert "en_US REJECTED, approved" in blocked.out and "(history)" in blocked.out
        # Without the history, the 48-hour rule takes them as never approved, and says so.
        guessed = linked.run("plan", "--format", "json")
        assert '"action": "recreate"' in guessed.out
        assert '"rests_on_48h_rule": [\n    "welcome"\n  ]' in guessed.out
    assert len(chat.received) == 3

    shown = linked.run("history", "order_update", "--target", "local", "--history", store_url)
    assert shown.code == 0, shown.err
    assert "8x8 event    status APPROVED" in shown.out
    assert "8x8 event    status PAUSED (FIRST_PAUSE" in shown.out
    assert "8x8 event    quality UNKNOWN -> YELLOW" in shown.out


def _kinds(store: HistoryStore) -> set[str]:
    o = schema.observations
    with store.transaction() as connection:
        return set(connection.execute(select(o.c.kind).where(o.c.source == "webhook")).scalars())


def _deliveries(sandbox: Sandbox) -> dict[str, list[dict[str, Any]]]:
    response = sandbox.http.get("/_sandbox/webhooks/deliveries")
    assert response.status_code == 200, response.text
    found: dict[str, list[dict[str, Any]]] = response.json()
    return found


def _advance_seconds(sandbox: Sandbox, seconds: float) -> None:
    response = sandbox.http.post("/_sandbox/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200, response.text


@pytest.mark.e2e
def test_the_receiver_down_for_20_seconds_loses_nothing(
    linked: Project,
    sandbox: Sandbox,
    store: HistoryStore,
    chat: Chat,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The sandbox clock stands still: only `advance` moves it, so 8x8's retry schedule is
    # played exactly and no test waits 20 real seconds.
    response = sandbox.http.patch("/_sandbox/config", json={"clock_rate": 0})
    assert response.status_code == 200, response.text
    with receiving(store, chat) as receiver:
        port = int(receiver.url.rsplit(":", 1)[1])
        register(linked, f"{receiver.url}/webhooks/8x8", monkeypatch)

    # Down: everything 8x8 sends now fails to connect.
    linked.write("order_update", simple("order_update"))
    linked.write("welcome", TWO_LANGUAGES)
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    sandbox.patch("order_update", status="PAUSED")

    # 3 approvals and the pause, each attempted once and failed.
    def failed_once() -> set[str] | None:
        pending = _deliveries(sandbox)["pending"]
        tried = {d["event_id"] for d in pending if d["attempts"] == 1}
        return tried if len(tried) == 4 == len(pending) else None

    sent: set[str] = eventually(failed_once, "the first failed attempts")
    _advance_seconds(sandbox, 1)  # the retry after 1 s fails too
    eventually(
        lambda: all(d["attempts"] >= 2 for d in _deliveries(sandbox)["pending"]), "the 2nd try"
    )
    _advance_seconds(sandbox, 10)  # and the one 10 s later
    eventually(
        lambda: all(d["attempts"] >= 3 for d in _deliveries(sandbox)["pending"]), "the 3rd try"
    )
    _advance_seconds(sandbox, 9)  # 20 s after the first failure: nothing is due
    assert all(d["attempts"] == 3 for d in _deliveries(sandbox)["pending"])
    assert stored_events(store) == (0, 0) and chat.received == []

    with receiving(store, chat, port):  # back, on the URL 8x8 has
        _advance_seconds(sandbox, 21)  # the retry 30 s after the third failure
        eventually(lambda: not _deliveries(sandbox)["pending"], "the retries")
        finished = [d for d in _deliveries(sandbox)["finished"] if d["event_id"] in sent]
        assert {(d["outcome"], d["attempts"]) for d in finished} == {("delivered", 4)}
        assert stored_events(store) == (4, 4)
        (told,) = chat.wait_for(1)
        assert "paused by Meta" in told["text"]
    assert len(chat.received) == 1
