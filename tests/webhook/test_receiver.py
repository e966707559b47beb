"""The receiver over real HTTP on 127.0.0.1, with a local server standing in for Slack."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests import cabm
from tests.conftest import Chat
from tests.webhook.conftest import AUTH, SECRET, Start
from wa_templates import __version__
from wa_templates.history import schema
from wa_templates.history.store import StoreError


def test_an_event_is_stored_and_acknowledged(start_receiver: Start) -> None:
    receiver = start_receiver()
    event = cabm.paused(name="spring_sale")
    response = receiver.post(event)
    assert response.status_code == 200
    assert response.json() == {"status": "stored", "eventId": event["eventId"]}
    (row,) = receiver.rows(schema.events)
    assert (row.event_id, row.target, row.flag) == (event["eventId"], "prod", None)
    assert json.loads(row.raw) == event
    (observed,) = receiver.rows(schema.observations)
    assert (observed.name, observed.status, observed.pause_title) == (
        "spring_sale",
        "PAUSED",
        "FIRST_PAUSE",
    )


def test_every_event_delivered_twice_is_stored_once_and_notified_once(
    start_receiver: Start, chat: Chat
) -> None:
    receiver = start_receiver({"slack": chat.url})
    events = [cabm.paused(name=f"t{i}") for i in range(5)] + [cabm.status("APPROVED")]
    for event in events + events:
        assert receiver.post(event).status_code == 200
    assert len(receiver.rows(schema.events)) == 6
    assert len(receiver.rows(schema.observations)) == 6
    deliveries = receiver.settled()
    assert [d.state for d in deliveries] == ["delivered"] * 5  # APPROVED needs no one
    assert sorted(m["text"].split(": ")[2] for m in chat.wait_for(5)) == [
        f"template t{i} [en_US]" for i in range(5)
    ]
    assert len(chat.received) == 5


def test_a_notification_says_what_happened_and_what_to_do_in_drifts_words(
    start_receiver: Start, chat: Chat
) -> None:
    receiver = start_receiver({"slack": chat.url, "notify": chat.url})
    event = cabm.paused("SECOND_PAUSE", name="spring_sale")
    receiver.post(event)
    receiver.settled()
    by_kind = {("slack" if "text" in m and len(m) == 1 else "notify"): m for m in chat.received}
    generic = by_kind["notify"]
    assert generic["target"] == "prod"
    assert generic["event_id"] == event["eventId"]
    assert generic["subject"] == {
        "template": "spring_sale",
        "language": "en_US",
        "template_id": "1234567890123456",
    }
    assert generic["kind"] == "paused"
    assert generic["message"] == "paused by Meta (SECOND_PAUSE): not sendable"
    assert generic["next_step"].startswith("second quality pause: auto-unpauses after 6 h")
    slack = by_kind["slack"]["text"]
    assert slack.startswith(":warning: prod: template spring_sale [en_US]: paused by Meta")
    assert "*Next:* second quality pause" in slack


TOLD = [
    (
        # Never seen approved (order_update is, in NOT_TOLD): rejected in its review.
        cabm.status("REJECTED", reason="INCORRECT_CATEGORY", name="new_offer"),
        "rejected by Meta: INCORRECT_CATEGORY",
    ),
    (
        cabm.status("FLAGGED", disableInfo={"disableDate": "2026-12-09"}),
        "flagged for low quality: will be disabled on 2026-12-09",
    ),
    (cabm.status("DISABLED"), "disabled by Meta for good: not sendable"),
    (cabm.category("UTILITY", "MARKETING"), "Meta recategorised it from UTILITY to MARKETING"),
    (cabm.category("MARKETING", "UTILITY"), "Meta changed its category from MARKETING to UTILITY"),
    (cabm.quality("GREEN", "RED"), "quality turned RED (was GREEN): recipients block or report it"),
    (
        cabm.phone("FLAGGED", reason="QUALITY_DECREASE"),
        "phone number 15550783881 flagged for low quality (QUALITY_DECREASE)",
    ),
    (
        cabm.phone("DOWNGRADE", currentLimit="TIER_1K", oldLimit="TIER_10K"),
        "phone number 15550783881 messaging limit lowered to TIER_1K (was TIER_10K)",
    ),
]
NOT_TOLD = [
    cabm.status("APPROVED", reason="NONE"),
    cabm.status("APPROVED", otherInfo={"title": "UNPAUSE"}),
    cabm.status("PENDING_DELETION"),
    cabm.quality("UNKNOWN", "GREEN"),
    cabm.quality("GREEN", "YELLOW"),
    cabm.phone("UPGRADE", currentLimit="TIER_10K"),
    cabm.phone("UNFLAGGED"),
    cabm.template_event(
        "template_correct_category_detection",
        {"category": "UTILITY", "correctCategory": "MARKETING"},
    ),
    cabm.account_update(),
]


def test_what_is_told_and_what_is_only_stored(start_sqlite_receiver: Start, chat: Chat) -> None:
    receiver = start_sqlite_receiver({"notify": chat.url})
    for event in NOT_TOLD:
        assert receiver.post(event).status_code == 200
    for number, (event, message) in enumerate(TOLD, start=1):
        assert receiver.post(event).status_code == 200
        told = chat.wait_for(number)[-1]
        assert (told["event_id"], told["message"]) == (event["eventId"], message)
        assert told["next_step"]
    assert len(receiver.rows(schema.events)) == len(TOLD) + len(NOT_TOLD)
    assert len(receiver.settled()) == len(TOLD)


def test_a_rejection_after_approval_is_told_as_drift_tells_it(
    start_sqlite_receiver: Start, chat: Chat
) -> None:
    receiver = start_sqlite_receiver({"notify": chat.url})
    approved = cabm.status("APPROVED", reason="NONE", timestamp="2026-03-01T12:00:00Z")
    rejected = cabm.status(
        "REJECTED", reason="INCORRECT_CATEGORY", timestamp="2026-03-01T13:00:00Z"
    )
    for event in (approved, rejected):
        assert receiver.post(event).status_code == 200
    (told,) = chat.wait_for(1)
    # Not "apply recreates it": deleting a name that was approved locks it for 30 days.
    assert told["message"] == (
        "rejected by Meta after it was approved on 2026-03-01: INCORRECT_CATEGORY"
    )
    assert told["next_step"].startswith("it was approved, so deleting it would lock the name")
    assert "recreate" not in told["next_step"]


def test_the_answer_never_waits_for_slack(start_receiver: Start, chat: Chat) -> None:
    chat.hold = threading.Event()
    receiver = start_receiver({"slack": chat.url})
    assert receiver.post(cabm.paused(name="first")).status_code == 200
    assert chat.arrived.wait(20), "the notifier never called Slack"
    # Slack is now stuck on the first notification; events are still acknowledged at once.
    for i in range(3):
        assert receiver.post(cabm.paused(name=f"next{i}")).status_code == 200
    assert len(receiver.rows(schema.events)) == 4
    chat.hold.set()
    chat.wait_for(4)


def test_delivery_is_retried_and_every_attempt_recorded(start_receiver: Start, chat: Chat) -> None:
    chat.answers = [503, 429]
    receiver = start_receiver({"slack": chat.url})
    receiver.post(cabm.paused())
    (delivery,) = receiver.settled()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None
    assert len(chat.received) == 3


def test_a_refusal_is_not_retried_and_exhausted_retries_fail(
    start_receiver: Start, chat: Chat
) -> None:
    chat.answers = [404, 500, 500, 500]
    receiver = start_receiver({"slack": chat.url, "notify": chat.url})
    receiver.post(cabm.paused())
    deliveries = receiver.settled()
    assert sorted((d.state, d.attempts, d.last_status) for d in deliveries) == [
        ("failed", 1, 404),
        ("failed", 3, 500),
    ]
    assert len(chat.received) == 4


def test_an_unreachable_destination_is_retried_then_failed(start_receiver: Start) -> None:
    receiver = start_receiver({"slack": "http://127.0.0.1:9/nothing-listens-here"})
    receiver.post(cabm.paused())
    (delivery,) = receiver.settled()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 3, None)
    assert delivery.last_error.startswith("ConnectError")


def test_a_wrong_or_missing_authorization_is_401_and_nothing_is_stored(
    start_receiver: Start, chat: Chat
) -> None:
    receiver = start_receiver({"slack": chat.url})
    for auth in [
        None,
        "",
        "Bearer wrong",
        SECRET,
        AUTH + "x",
        AUTH.lower(),
        "Bearer sécret".encode("latin-1"),
    ]:
        response = receiver.post(cabm.paused(), auth=auth)
        assert response.status_code == 401, auth
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert SECRET not in response.text
    assert receiver.rows(schema.events) == []
    assert receiver.rows(schema.deliveries) == []


DEEP = b"[" * 30_000 + b"]" * 30_000
"""Well under the 64 KiB cap, and thousands of levels deeper than json.loads can recurse."""


def _with_reason(raw: bytes) -> bytes:
    """A REJECTED event whose eventDetails.meta.reason is `raw` JSON (json.dumps cannot write
    what is nested this deep)."""
    return cabm.body(cabm.status("REJECTED", reason="@")).replace(b'"@"', raw)


BAD = [
    (DEEP, 400, "the body is not JSON: recursion limit exceeded"),
    (_with_reason(DEEP), 400, "the body is not JSON: recursion limit exceeded"),
    (_with_reason(b"[" * 150 + b"]" * 150), 422, "eventDetails.meta.reason"),
    (cabm.body(cabm.paused(name="../../x\u202e")), 422, "templateName: name '../../x\\u202e'"),
    (cabm.body(cabm.paused(name="Spring_Sale")), 422, "eventDetails.templateName"),
    (cabm.body(cabm.paused(language="EN-us")), 422, "did you mean 'en_US'?"),
    (cabm.body(cabm.paused(language="../x")), 422, "eventDetails.templateLanguage"),
    (cabm.body(cabm.paused(language="en_us")), 422, "did you mean 'en_US'?"),
    (b"{not json", 400, "the body is not JSON"),
    (b"", 400, "the body is not JSON"),
    (b'"a string"', 400, "the body is not a JSON object"),
    (cabm.body({**cabm.paused(), "timestamp": 5}), 422, "timestamp"),
    (cabm.body(cabm.template_event("template_status_update", {})), 422, "meta.status"),
    (cabm.body(cabm.paused(accountId="someone-else")), 403, "not a configured target"),
    (cabm.body(cabm.paused(businessAccountId="1")), 403, "WABA 1 is not a configured"),
    (cabm.body(cabm.paused(name="x" * 80_000)), 413, "body over 65536 bytes"),
]


def test_bad_input_is_4xx_and_nothing_is_stored(start_receiver: Start, chat: Chat) -> None:
    receiver = start_receiver({"slack": chat.url})
    for body, status, error in BAD:
        response = receiver.post(body)
        assert response.status_code == status, error
        assert error in response.json()["error"]
    assert receiver.rows(schema.events) == []
    assert receiver.rows(schema.observations) == []
    assert receiver.rows(schema.deliveries) == []


def test_a_language_meta_added_after_this_tool_is_still_stored(
    start_sqlite_receiver: Start,
) -> None:
    # Not in the tool's list, but shaped as Meta's codes are: refusing it would lose the event.
    receiver = start_sqlite_receiver()
    response = receiver.post(cabm.body(cabm.paused(language="xq_ZZ")))
    assert response.status_code == 200, response.text
    assert len(receiver.rows(schema.events)) == 1


def test_a_deeply_nested_body_is_one_line_of_refusal_and_no_traceback(
    start_sqlite_receiver: Start, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = start_sqlite_receiver()
    # uvicorn logs an app's exception on its own logger, which does not reach the root's.
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            for body in (DEEP, _with_reason(DEEP)):
                response = receiver.post(body)
                assert response.status_code == 400
                assert "\n" not in response.json()["error"]
    finally:
        uvicorn_log.removeHandler(caplog.handler)
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(": ")[0] for r in warned] == ["refused an event"] * 2
    assert not any(r.exc_info for r in caplog.records)
    assert receiver.rows(schema.events) == []


def test_an_oversize_body_without_a_length_is_cut_off(start_receiver: Start) -> None:
    receiver = start_receiver(max_body=1000)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b" " * 100

    response = receiver.http.post(
        "/webhooks/8x8", content=chunks(), headers={"Authorization": AUTH}
    )
    assert response.status_code == 413
    assert receiver.rows(schema.events) == []


def test_an_unknown_event_type_is_kept_raw_and_flagged_once(
    start_receiver: Start, chat: Chat
) -> None:
    receiver = start_receiver({"slack": chat.url})
    event = cabm.envelope("template_components_update", {"templateName": "x"})
    for _ in range(2):
        response = receiver.post(event)
        assert response.status_code == 422
        assert "kept raw and flagged" in response.json()["error"]
    (row,) = receiver.rows(schema.events)
    assert (row.flag, json.loads(row.raw)) == ("unknown_event_type", event)
    assert receiver.rows(schema.observations) == []
    assert receiver.rows(schema.deliveries) == []
    foreign = cabm.envelope("template_components_update", {}, accountId="someone-else")
    assert receiver.post(foreign).status_code == 403
    assert len(receiver.rows(schema.events)) == 1


def test_a_store_that_cannot_write_asks_8x8_to_retry(
    start_receiver: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = start_receiver()

    def broken(*args: object, **kwargs: object) -> bool:
        raise StoreError("history store x: database is locked")

    monkeypatch.setattr(receiver.store, "ingest", broken)
    monkeypatch.setattr(receiver.store, "keep_flagged", broken)
    assert receiver.post(cabm.paused()).status_code == 503
    assert receiver.post(cabm.envelope("new_type", {})).status_code == 503
    monkeypatch.setattr(receiver.store, "transaction", broken)
    health = receiver.http.get("/health")
    assert (health.status_code, health.json()["status"]) == (503, "store unavailable")


def test_health_and_version(start_receiver: Start) -> None:
    response = start_receiver().http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}
