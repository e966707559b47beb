"""The questions plan and drift will ask the history, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests import cabm
from wa_templates.channel.remote import parse
from wa_templates.history.events import parse_event
from wa_templates.history.queries import CategoryChange, History, Recollection
from wa_templates.history.store import HistoryStore

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def stamp(hours: float) -> str:
    return at(hours).isoformat().replace("+00:00", "Z")


def webhook(store: HistoryStore, event: dict[str, Any], hours: float, target: str = "prod") -> None:
    event["timestamp"] = stamp(hours)
    assert store.ingest(parse_event(cabm.body(event)), target, at(hours))


def listing(store: HistoryStore, hours: float, *items: dict[str, Any]) -> None:
    store.record_listing("prod", "plan", [parse(item) for item in items], at(hours))


def item(status: str, category: str = "UTILITY", language: str = "en_US") -> dict[str, Any]:
    return {
        "templateName": "order_update",
        "language": language,
        "status": status,
        "category": category,
    }


def test_the_approved_then_rejected_case_is_known_with_its_time(store: HistoryStore) -> None:
    listing(store, 0, item("PENDING"))
    webhook(store, cabm.status("APPROVED", reason="NONE"), 1)
    webhook(store, cabm.status("REJECTED", reason="INCORRECT_CATEGORY"), 2)
    history = History(store, "prod")
    assert history.ever_approved("order_update") == at(1)
    assert history.ever_approved("order_update", "en_US") == at(1)
    assert history.ever_approved("order_update", "es_MX") is None
    assert History(store, "staging").ever_approved("order_update") is None
    latest = history.latest_status("order_update", "en_US")
    assert latest is not None
    assert (latest.status, latest.reason) == ("REJECTED", "INCORRECT_CATEGORY")


def test_a_name_only_ever_pending_or_rejected_was_never_approved(store: HistoryStore) -> None:
    listing(store, 0, item("PENDING"))
    webhook(store, cabm.status("REJECTED", reason="INVALID_FORMAT"), 1)
    assert History(store, "prod").ever_approved("order_update") is None


def test_a_live_status_in_a_listing_counts_as_approved(store: HistoryStore) -> None:
    listing(store, 3, item("PAUSED", language="es_MX"))
    assert History(store, "prod").ever_approved("order_update") == at(3)


def test_latest_status_keeps_the_webhooks_details_across_a_later_listing(
    store: HistoryStore,
) -> None:
    webhook(store, cabm.status("FLAGGED", disableInfo={"disableDate": "2026-03-09"}), 1)
    listing(store, 2, item("FLAGGED"))
    latest = History(store, "prod").latest_status("order_update", "en_US")
    assert latest is not None
    assert (latest.status, latest.disable_date, latest.source) == ("FLAGGED", "2026-03-09", "list")


def test_latest_status_does_not_borrow_details_from_an_earlier_spell(store: HistoryStore) -> None:
    webhook(store, cabm.paused("FIRST_PAUSE"), 1)
    webhook(store, cabm.status("APPROVED", otherInfo={"title": "UNPAUSE"}), 4)
    listing(store, 5, item("PAUSED"))
    latest = History(store, "prod").latest_status("order_update", "en_US")
    assert latest is not None
    assert (latest.status, latest.pause_title) == ("PAUSED", None)


def test_latest_status_after_a_delete_is_absent(store: HistoryStore) -> None:
    listing(store, 0, item("APPROVED"))
    listing(store, 1)
    history = History(store, "prod")
    latest = history.latest_status("order_update", "en_US")
    assert latest is not None and latest.kind == "absent"
    assert history.latest_status("other", "en_US") is None


def test_pauses_count_quality_pauses_only(store: HistoryStore) -> None:
    webhook(store, cabm.paused("RATE_LIMITING_PAUSE"), 0)
    webhook(store, cabm.status("APPROVED", otherInfo={"title": "UNPAUSE"}), 1)
    webhook(store, cabm.paused("FIRST_PAUSE"), 2)
    listing(store, 3, item("PAUSED"))  # the same pause, seen by a plan: not a second one
    webhook(store, cabm.status("APPROVED", otherInfo={"title": "UNPAUSE"}), 5)
    webhook(store, cabm.paused("SECOND_PAUSE"), 6)
    history = History(store, "prod")
    assert history.pauses("order_update", "en_US") == 2
    assert history.pauses("order_update", "es_MX") == 0


def test_quality_is_the_latest_score(store: HistoryStore) -> None:
    history = History(store, "prod")
    assert history.quality("order_update", "en_US") is None
    webhook(store, cabm.quality("UNKNOWN", "GREEN"), 1)
    webhook(store, cabm.quality("GREEN", "RED"), 2)
    score = history.quality("order_update", "en_US")
    assert score is not None
    assert (score.quality, score.previous_quality, score.at) == ("RED", "GREEN", at(2))


def test_category_changes_from_events_and_listings_with_their_times(store: HistoryStore) -> None:
    listing(store, 0, item("APPROVED", "UTILITY"))
    webhook(store, cabm.category("UTILITY", "MARKETING"), 1)
    listing(store, 2, item("APPROVED", "MARKETING"))  # agrees with the event: no change
    listing(store, 3, item("APPROVED", "UTILITY"))  # changed with no event heard
    assert History(store, "prod").category_changes("order_update", "en_US") == [
        CategoryChange(at(1), "UTILITY", "MARKETING", "webhook"),
        CategoryChange(at(3), "MARKETING", "UTILITY", "list"),
    ]


def test_last_heard_counts_later_listings_that_still_had_it(store: HistoryStore) -> None:
    history = History(store, "prod")
    assert history.last_heard("order_update", "en_US") is None
    webhook(store, cabm.quality("UNKNOWN", "GREEN"), 1)
    assert history.last_heard("order_update", "en_US") == at(1)
    listing(store, 2, item("APPROVED"))
    listing(store, 7, item("APPROVED"))  # unchanged: no row, but it was heard of
    assert history.last_heard("order_update", "en_US") == at(7)
    listing(store, 9)  # gone
    listing(store, 12)
    assert history.last_heard("order_update", "en_US") == at(9)


def test_phone_number_tier_and_flag(store: HistoryStore) -> None:
    history = History(store, "prod")
    assert history.phone() is None
    webhook(store, cabm.phone("UPGRADE", currentLimit="TIER_10K", oldLimit="TIER_1K"), 1)
    webhook(store, cabm.phone("FLAGGED", reason="QUALITY_DECREASE"), 2)
    phone = history.phone()
    assert phone is not None
    assert (phone.tier, phone.flagged, phone.last_event, phone.at) == (
        "TIER_10K",
        True,
        "FLAGGED",
        at(2),
    )
    webhook(store, cabm.phone("UNFLAGGED"), 3)
    webhook(store, cabm.phone("DOWNGRADE", maxDailyConversationsPerBusiness="TIER_2K"), 4)
    phone = history.phone()
    assert phone is not None
    assert (phone.tier, phone.flagged, phone.phone_number) == ("TIER_2K", False, "15550783881")


def test_timeline_is_oldest_first_across_sources_and_as_json(store: HistoryStore) -> None:
    listing(store, 5, item("APPROVED"), item("APPROVED", language="es_MX"))
    webhook(store, cabm.status("APPROVED", reason="NONE"), 1)
    webhook(
        store,
        cabm.template_event(
            "template_correct_category_detection",
            {"category": "UTILITY", "correctCategory": "MARKETING"},
        ),
        6,
    )
    history = History(store, "prod")
    entries = history.timeline("order_update", "en_US")
    assert [(e.at, e.kind) for e in entries] == [
        (at(1), "status"),
        (at(5), "listed"),
        (at(6), "category_detection"),
    ]
    assert entries[2].previous_category == "UTILITY" and entries[2].category == "MARKETING"
    assert len(history.timeline("order_update")) == 4
    data = entries[0].as_json()
    assert data["at"] == "2026-03-01T13:00:00+00:00"
    assert "quality" not in data


def test_an_approval_before_the_name_was_gone_does_not_count_for_a_new_template(
    store: HistoryStore,
) -> None:
    listing(store, 0, item("APPROVED"))
    listing(store, 1)  # deleted: locked for 30 days, then created again
    listing(store, 24 * 31, item("REJECTED"))
    history = History(store, "prod")
    assert history.ever_approved("order_update") is None
    webhook(store, cabm.status("APPROVED", reason="NONE"), 24 * 32)
    assert history.ever_approved("order_update", "en_US") == at(24 * 32)


def test_recollection_answers_what_history_answers_one_name_at_a_time_or_all_at_once(
    store: HistoryStore,
) -> None:
    names = [f"t{i}" for i in range(5)]
    listing(store, 0, *({**item("APPROVED"), "templateName": name} for name in names))
    for number, name in enumerate(names):
        webhook(store, cabm.paused("FIRST_PAUSE", name=name), number + 0.5)
        webhook(store, cabm.quality("GREEN", "RED", name=name), number + 0.6)
    webhook(store, cabm.phone("DOWNGRADE", maxDailyConversationsPerBusiness="TIER_250"), 9)
    history = History(store, "prod")
    one_by_one = Recollection(history)
    all_at_once = Recollection(history)
    all_at_once.BULK_AFTER = 2
    for name in names:
        known = one_by_one.recall(name, "en_US")
        assert known is not None
        assert known == all_at_once.recall(name, "en_US")
        assert (known.status, known.pause_title, known.pauses) == ("PAUSED", "FIRST_PAUSE", 1)
        assert (known.quality, known.previous_quality) == ("RED", "GREEN")
        assert known.approved_at == history.ever_approved(name, "en_US")
        assert known.last_heard == history.last_heard(name, "en_US")
    assert one_by_one.recall("t0", "es_MX") is None and all_at_once.recall("nope", "en_US") is None
    phone = all_at_once.phone()
    assert phone is not None and phone.tier == "TIER_250"
    assert one_by_one.description == store.description
