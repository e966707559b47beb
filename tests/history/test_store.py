"""The store on SQLite and PostgreSQL: migrations, idempotent events, listings, delivery log."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests import cabm
from wa_templates.channel.remote import ChannelTemplate, parse
from wa_templates.history import schema
from wa_templates.history.events import parse_envelope, parse_event
from wa_templates.history.store import HistoryStore, StoreError, database_url, open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def count(store: HistoryStore, table: schema.Table) -> int:
    with store.transaction() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_migrations_create_exactly_the_schema(store: HistoryStore) -> None:
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    assert diff == []


def test_opening_again_migrates_nothing_and_keeps_the_data(store_url: str) -> None:
    first = open_store(store_url)
    first.ingest(parse_event(cabm.body(cabm.status("APPROVED"))), "prod", T0)
    first.close()
    again = open_store(store_url)
    assert count(again, schema.events) == 1
    again.close()


def test_an_event_is_stored_once_whatever_8x8_retries(store: HistoryStore) -> None:
    event = parse_event(cabm.body(cabm.paused()))
    notes = [("slack", {"text": "paused"})]
    assert store.ingest(event, "prod", T0, notes) is True
    assert store.ingest(event, "prod", T0 + timedelta(seconds=1), notes) is False
    assert count(store, schema.events) == 1
    assert count(store, schema.observations) == 1
    assert count(store, schema.deliveries) == 1
    assert store.has_event(event.event_id)
    assert not store.has_event("another")


def test_concurrent_retries_of_one_event_store_it_once(store: HistoryStore) -> None:
    event = parse_event(cabm.body(cabm.paused()))
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def deliver() -> None:
        barrier.wait()
        results.append(store.ingest(event, "prod", T0, [("notify", {"n": 1})]))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert count(store, schema.deliveries) == 1


def test_raw_and_parsed_are_both_kept(store: HistoryStore) -> None:
    event = parse_event(cabm.body(cabm.phone("DOWNGRADE", currentLimit="TIER_1K")))
    store.ingest(event, "prod", T0)
    with store.transaction() as connection:
        row = connection.execute(select(schema.events)).one()
        phone = connection.execute(select(schema.phone_numbers)).one()
    assert row.raw == event.raw
    assert '"event": "DOWNGRADE"' in row.parsed
    assert row.occurred_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert row.received_at == T0
    assert (phone.event, phone.current_limit, phone.target) == ("DOWNGRADE", "TIER_1K", "prod")


def test_an_unknown_event_is_kept_raw_and_flagged_once(store: HistoryStore) -> None:
    body = cabm.body(cabm.envelope("brand_new_type", {"x": 1}))
    envelope, raw = parse_envelope(body)
    assert store.keep_flagged(envelope, raw, "prod", T0, "unknown_event_type")
    assert not store.keep_flagged(envelope, raw, "prod", T0, "unknown_event_type")
    with store.transaction() as connection:
        row = connection.execute(select(schema.events)).one()
    assert (row.flag, row.raw, row.parsed) == ("unknown_event_type", raw, None)
    assert count(store, schema.observations) == 0


def listed(status: str, category: str = "UTILITY", **extra: object) -> ChannelTemplate:
    """A template as 8x8's list gives it, parsed as the provider parses it."""
    item = {
        "templateName": "order_update",
        "language": "en_US",
        "status": status,
        "category": category,
        **extra,
    }
    return parse(item)


def test_a_listing_records_changes_only_and_what_disappeared(store: HistoryStore) -> None:
    assert store.record_listing("prod", "plan", [listed("PENDING")], T0) == 1
    assert store.record_listing("prod", "drift", [listed("PENDING")], T0 + timedelta(1)) == 0
    assert store.record_listing("prod", "apply", [listed("APPROVED")], T0 + timedelta(2)) == 1
    assert store.record_listing("prod", "plan", [], T0 + timedelta(3)) == 1
    assert store.record_listing("prod", "plan", [], T0 + timedelta(4)) == 0
    assert store.record_listing("staging", "plan", [listed("APPROVED")], T0) == 1
    with store.transaction() as connection:
        rows = connection.execute(
            select(schema.observations)
            .where(schema.observations.c.target == "prod")
            .order_by(schema.observations.c.id)
        ).all()
    assert [(r.kind, r.status, r.command) for r in rows] == [
        ("listed", "PENDING", "plan"),
        ("listed", "APPROVED", "apply"),
        ("absent", None, "plan"),
    ]
    assert count(store, schema.runs) == 6


def test_one_listing_records_a_changed_template_and_a_vanished_one_together(
    store: HistoryStore,
) -> None:
    other = parse({**listed("APPROVED").raw, "templateName": "other"})
    assert store.record_listing("prod", "plan", [listed("PENDING"), other], T0) == 2
    # order_update approved, other deleted: both in one run (and one insert).
    assert store.record_listing("prod", "plan", [listed("APPROVED")], T0 + timedelta(1)) == 2
    with store.transaction() as connection:
        rows = connection.execute(
            select(schema.observations).order_by(schema.observations.c.id)
        ).all()
    assert [(r.name, r.kind, r.status) for r in rows][2:] == [
        ("order_update", "listed", "APPROVED"),
        ("other", "absent", None),
    ]


def test_a_listing_keeps_what_the_list_carries(store: HistoryStore) -> None:
    item = listed(
        "PAUSED",
        id=42,
        reason="NONE",
        otherInfo={"title": "FIRST_PAUSE", "description": "low quality"},
    )
    store.record_listing("prod", "drift", [item, item], T0)
    with store.transaction() as connection:
        row = connection.execute(select(schema.observations)).one()
    assert (row.status, row.reason, row.pause_title) == ("PAUSED", "NONE", "FIRST_PAUSE")


def test_deliveries_are_due_claimed_retried_and_finished(store: HistoryStore) -> None:
    event = parse_event(cabm.body(cabm.paused()))
    store.ingest(event, "prod", T0, [("notify", {"a": 1}), ("slack", {"text": "b"})])
    due = store.due_deliveries(T0)
    assert [(d.destination, d.payload, d.attempts) for d in due] == [
        ("notify", {"a": 1}, 0),
        ("slack", {"text": "b"}, 0),
    ]
    first, second = due
    lease = T0 + timedelta(seconds=30)
    assert store.claim(first.id, T0, lease)
    assert not store.claim(first.id, T0, lease), "a claimed delivery is not taken twice"
    assert [d.id for d in store.due_deliveries(T0)] == [second.id]
    later = T0 + timedelta(seconds=5)
    store.attempted(first.id, T0, delivered=False, status=503, error="HTTP 503", retry_at=later)
    assert store.next_due() == T0
    store.attempted(second.id, T0, delivered=True, status=200, error=None, retry_at=None)
    assert store.next_due() == later
    assert store.due_deliveries(T0) == []
    store.attempted(first.id, later, delivered=False, status=404, error="gone", retry_at=None)
    assert store.next_due() is None
    with store.transaction() as connection:
        rows = {r.destination: r for r in connection.execute(select(schema.deliveries))}
    assert (rows["slack"].state, rows["slack"].attempts) == ("delivered", 1)
    assert rows["slack"].delivered_at == T0
    assert (rows["notify"].state, rows["notify"].attempts, rows["notify"].last_status) == (
        "failed",
        2,
        404,
    )


def test_an_expired_lease_can_be_claimed_again(store: HistoryStore) -> None:
    store.ingest(parse_event(cabm.body(cabm.paused())), "prod", T0, [("notify", {})])
    (delivery,) = store.due_deliveries(T0)
    assert store.claim(delivery.id, T0, T0 + timedelta(seconds=30))
    assert store.due_deliveries(T0 + timedelta(seconds=10)) == []
    assert store.claim(delivery.id, T0 + timedelta(seconds=31), T0 + timedelta(seconds=61))


def test_naive_times_are_refused(store: HistoryStore) -> None:
    with pytest.raises(StoreError, match="time zone-aware"):
        store.record_listing("prod", "plan", [], datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is empty"),
        ("mysql://u@h/db", "unsupported history store 'mysql'"),
        ("sqlite://", "needs a file"),
        ("sqlite:///:memory:", "needs a file"),
        ("postgresql://u:pw@:bad", "invalid history store URL"),
    ],
)
def test_bad_store_urls_are_one_line(value: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        database_url(value)


def test_urls_and_paths(tmp_path: Path) -> None:
    assert database_url("h.db", tmp_path).database == str(tmp_path / "h.db")
    assert database_url("sqlite:///rel/h.db", tmp_path).database == str(tmp_path / "rel/h.db")
    assert database_url("/abs/h.db", tmp_path).database == "/abs/h.db"
    url = database_url("postgres://u:secret-password-1234@db.example/h")
    assert url.drivername == "postgresql+psycopg"


def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://u:secret-password-1234@/h?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert "cannot open the history store" in str(caught.value)
    assert "secret-password-1234" not in str(caught.value)


def test_a_sqlite_file_in_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(f"sqlite:///{blocker}/sub/h.db")
