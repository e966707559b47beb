"""What Meta does to a template by itself, on the sandbox clock, and the event 8x8 sends for each
change: reviews, pauses that lift after 3 h and 6 h, the third pause that disables, flagged
templates disabled at their date unless quality recovers, deletion through PENDING_DELETION;
phone-number quality and tier; account updates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.cabm import check_event
from tests.sandbox.conftest import (
    ADMIN_TEMPLATES,
    TEMPLATES,
    admin_item,
    advance,
    create,
    error_code,
    freeze,
    item,
    listed,
    register,
)
from tests.sandbox.receiver import Receiver
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.state import Store

HOUR = 3600
PATCH_URL = ADMIN_TEMPLATES + "/order_shipped/en_US"
PHONE = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}/phone-number"
ACCOUNT_UPDATES = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/account-updates"


class Meta:
    """The in-process sandbox on a stopped clock, with a receiver registered for its events."""

    def __init__(self, client: httpx.Client, receiver: Receiver) -> None:
        self.client = client
        self.receiver = receiver
        freeze(client)
        register(client, receiver.url)

    def patch(self, url: str = PATCH_URL, **changes: Any) -> dict[str, Any]:
        response = self.client.patch(url, json=changes)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def advance(self, seconds: float) -> datetime:
        return moment(advance(self.client, seconds))

    def status(self, name: str = "order_shipped") -> str:
        return str(item(self.client, name)["status"])

    def take(self) -> list[dict[str, Any]]:
        """The events received since the last call, each checked against 8x8's shapes."""
        events = self.receiver.events
        self.receiver.received.clear()
        for event in events:
            check_event(event)
        return events


@pytest.fixture
def meta(client: httpx.Client, receiver: Receiver) -> Iterator[Meta]:
    yield Meta(client, receiver)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def metas(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event["eventDetails"]["meta"] for event in events]


def status_of(event: dict[str, Any]) -> tuple[str, str | None]:
    meta = event["eventDetails"]["meta"]
    return meta["status"], meta.get("otherInfo", {}).get("title")


# --- reviews ---------------------------------------------------------------------------------


def test_review_outcomes_are_status_events(meta: Meta) -> None:
    create(meta.client)
    create(meta.client, name="code", text="Your verification code is {{1}}, valid ten minutes.")
    create(meta.client, name="promo", text="Big sale: 50% off everything this weekend only.")
    events = meta.take()
    assert [(e["eventDetails"]["templateName"], e["eventType"]) for e in events] == [
        ("order_shipped", "template_status_update"),
        ("code", "template_status_update"),
        ("promo", "template_category_update"),
        ("promo", "template_status_update"),
    ]
    assert metas(events) == [
        {"status": "APPROVED", "reason": "NONE"},
        {"status": "REJECTED", "reason": "INCORRECT_CATEGORY"},
        {"previousCategory": "UTILITY", "newCategory": "MARKETING"},
        {"status": "APPROVED", "reason": "NONE"},
    ]
    ids = [e["eventDetails"]["templateId"] for e in events]
    assert ids[2] == ids[3] and len(set(ids)) == 3


def test_a_delayed_review_is_announced_when_it_completes(meta: Meta, state_path: Path) -> None:
    Store(state_path).configure(review_delay_minutes=30)
    created = meta.advance(0)
    create(meta.client)
    assert meta.take() == []
    meta.advance(HOUR)
    [approved] = meta.take()
    # The review finished at created + 30 min, however late the clock was looked at.
    assert moment(approved["timestamp"]) - created == timedelta(minutes=30)
    assert moment(item(meta.client)["updatedAt"]) - created == timedelta(minutes=30)


# --- pauses ------------------------------------------------------------------------------------


def test_quality_pauses_lift_after_3_then_6_hours_and_the_third_disables(meta: Meta) -> None:
    create(meta.client)
    meta.take()
    paused_at = meta.advance(0)
    assert meta.patch(quality="RED")["status"] == "PAUSED"
    quality, paused = meta.take()
    assert metas([quality]) == [{"previousQualityScore": "UNKNOWN", "newQualityScore": "RED"}]
    assert metas([paused])[0] == {
        "status": "PAUSED",
        "reason": "NONE",
        "otherInfo": {
            "title": "FIRST_PAUSE",
            "description": metas([paused])[0]["otherInfo"]["description"],
        },
    }
    meta.advance(3 * HOUR - 1)
    assert meta.status() == "PAUSED" and meta.take() == []
    meta.advance(1)
    assert meta.status() == "APPROVED"
    [unpaused] = meta.take()
    assert status_of(unpaused) == ("APPROVED", "UNPAUSE")
    assert moment(unpaused["timestamp"]) - paused_at == timedelta(hours=3)

    meta.patch(quality="GREEN")
    meta.patch(quality="RED")
    assert [status_of(e) for e in meta.take()[1:] if "status" in e["eventDetails"]["meta"]] == [
        ("PAUSED", "SECOND_PAUSE")
    ]
    meta.advance(6 * HOUR - 1)
    assert meta.status() == "PAUSED"
    meta.advance(1)
    assert [status_of(e) for e in meta.take()] == [("APPROVED", "UNPAUSE")]

    meta.patch(quality="YELLOW")
    meta.patch(quality="RED")
    assert status_of(meta.take()[-1]) == ("DISABLED", "DISABLED")
    meta.advance(30 * 24 * HOUR)
    assert meta.status() == "DISABLED" and meta.take() == []
    assert admin_item(meta.client)["otherInfo"]["title"] == "DISABLED"


def test_admin_pauses_count_like_metas(meta: Meta) -> None:
    create(meta.client)
    meta.patch(status="PAUSED")
    meta.patch(status="APPROVED")  # unpaused by hand
    meta.patch(status="PAUSED")
    meta.advance(6 * HOUR)
    meta.patch(status="PAUSED")
    assert [status_of(e) for e in meta.take()[1:]] == [
        ("PAUSED", "FIRST_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("PAUSED", "SECOND_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("DISABLED", "DISABLED"),
    ]


def test_a_named_pause_sets_the_count_and_a_pacing_pause_waits_for_a_hand(meta: Meta) -> None:
    create(meta.client)
    meta.patch(status="PAUSED", reason="SECOND_PAUSE")
    meta.advance(6 * HOUR)
    meta.patch(status="PAUSED", reason="RATE_LIMITING_PAUSE")
    meta.advance(7 * 24 * HOUR)
    assert meta.status() == "PAUSED"  # Meta's pacing pause lifts only in WhatsApp Manager
    meta.patch(status="APPROVED")
    meta.patch(quality="RED")  # the pacing pause did not count: this is the third
    assert [status_of(e) for e in meta.take()[1:] if "status" in e["eventDetails"]["meta"]] == [
        ("PAUSED", "SECOND_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("PAUSED", "RATE_LIMITING_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("DISABLED", "DISABLED"),
    ]


def test_red_quality_leaves_other_statuses_alone(meta: Meta) -> None:
    create(meta.client, text="Your verification code is {{1}}, valid for ten minutes.")
    meta.patch(quality="RED")
    assert meta.status() == "REJECTED"
    # A status given with the quality decides instead of Meta's reaction.
    create(meta.client, name="other")
    meta.patch(ADMIN_TEMPLATES + "/other/en_US", quality="RED", status="FLAGGED")
    assert meta.status("other") == "FLAGGED"


# --- flagged -----------------------------------------------------------------------------------


def test_flagged_is_disabled_at_its_date(meta: Meta) -> None:
    create(meta.client)
    flagged_at = meta.advance(0)
    meta.patch(status="FLAGGED")
    [_, flagged] = meta.take()
    disable = moment(flagged["eventDetails"]["meta"]["disableInfo"]["disableDate"])
    assert disable - flagged_at == timedelta(days=7)
    meta.advance(7 * 24 * HOUR - 1)
    assert meta.status() == "FLAGGED"
    meta.advance(1)
    assert meta.status() == "DISABLED"
    [disabled] = meta.take()
    assert metas([disabled]) == [{"status": "DISABLED"}]
    assert moment(disabled["timestamp"]) == disable


def test_flagged_with_a_date_given(meta: Meta) -> None:
    create(meta.client)
    now = meta.advance(0)
    date = (now + timedelta(days=2)).date().isoformat()
    meta.patch(status="FLAGGED", reason=date)
    assert metas(meta.take()[1:]) == [
        {"status": "FLAGGED", "disableInfo": {"disableDate": f"{date}T00:00:00.00Z"}}
    ]
    meta.advance(2 * 24 * HOUR)
    assert meta.status() == "DISABLED"


@pytest.mark.parametrize("quality", ["GREEN", "YELLOW"])
def test_flagged_recovers_when_quality_returns_to_medium_or_high(meta: Meta, quality: str) -> None:
    create(meta.client)
    meta.patch(quality="RED", status="FLAGGED")
    meta.patch(quality="UNKNOWN")
    assert meta.status() == "FLAGGED"
    meta.patch(quality=quality)
    assert meta.status() == "APPROVED"
    assert status_of(meta.take()[-1]) == ("APPROVED", None)
    meta.advance(8 * 24 * HOUR)
    assert meta.status() == "APPROVED"


# --- deletion ----------------------------------------------------------------------------------


def test_a_deleted_name_passes_through_pending_deletion(meta: Meta) -> None:
    create(meta.client)
    create(meta.client, language="es")
    meta.take()
    assert meta.client.delete(TEMPLATES + "/order_shipped").status_code == 200
    events = meta.take()
    assert [(e["eventDetails"]["templateLanguage"], status_of(e)) for e in events] == [
        ("en_US", ("PENDING_DELETION", None)),
        ("es", ("PENDING_DELETION", None)),
    ]
    assert listed(meta.client) == {}  # no deletion delay: gone at once


def test_with_a_deletion_delay_the_name_is_listed_as_pending_deletion(
    meta: Meta, state_path: Path
) -> None:
    Store(state_path).configure(deletion_delay_minutes=30)
    create(meta.client, text="Your verification code is {{1}}, valid for ten minutes.")
    meta.client.delete(TEMPLATES + "/order_shipped")
    assert item(meta.client)["status"] == "PENDING_DELETION"
    assert item(meta.client)["statusName"] == "Pending deletion"
    # Being deleted: no new content, and a second delete says so (the client takes it as done).
    assert error_code(create(meta.client)) == (409, 3060)
    assert error_code(meta.client.delete(TEMPLATES + "/order_shipped")) == (409, 3060)
    meta.advance(30 * 60)
    assert listed(meta.client) == {}
    # Never approved: no 30-day lock once it is gone.
    assert create(meta.client).status_code == 200
    assert [status_of(e) for e in meta.take()] == [
        ("REJECTED", None),
        ("PENDING_DELETION", None),
        ("APPROVED", None),
    ]


def test_an_approved_name_stays_locked_after_its_deletion(meta: Meta) -> None:
    create(meta.client)
    meta.client.delete(TEMPLATES + "/order_shipped")
    meta.advance(HOUR)
    assert error_code(create(meta.client)) == (409, 3060)


# --- category ------------------------------------------------------------------------------------


def test_category_changes_and_detections(meta: Meta) -> None:
    create(meta.client)
    meta.patch(category="MARKETING")
    meta.patch(category="MARKETING")  # no change, no event
    meta.patch(correct_category="UTILITY")
    assert item(meta.client)["category"] == "MARKETING"  # a detection changes nothing
    assert metas(meta.take()[1:]) == [
        {"previousCategory": "UTILITY", "newCategory": "MARKETING"},
        {"category": "MARKETING", "correctCategory": "UTILITY"},
    ]


def test_admin_view_shows_quality_and_id(meta: Meta) -> None:
    create(meta.client)
    meta.patch(quality="YELLOW")
    found = admin_item(meta.client)
    assert found["qualityScore"] == "YELLOW"
    assert found["templateId"] == meta.take()[0]["eventDetails"]["templateId"]
    assert error_code(meta.client.get(ADMIN_TEMPLATES + "/nothing/en_US")) == (404, 3038)


# --- phone number and account --------------------------------------------------------------------


def test_phone_number_quality_and_tier(meta: Meta) -> None:
    phone = meta.client.get(PHONE).json()
    assert (phone["quality_rating"], phone["messaging_limit"]) == ("UNKNOWN", "TIER_250")
    assert phone["display_phone_number"].startswith("1555")
    assert phone["business_account_id"].isdigit()
    steps = [
        ({"quality_rating": "GREEN"}, None),
        ({"quality_rating": "YELLOW"}, None),
        ({"quality_rating": "RED"}, ("FLAGGED", "TIER_250")),
        ({"messaging_limit": "TIER_50"}, ("DOWNGRADE", "TIER_50")),
        ({"quality_rating": "YELLOW"}, ("UNFLAGGED", "TIER_50")),
        ({"messaging_limit": "TIER_10K"}, ("UPGRADE", "TIER_10K")),
        ({"messaging_limit": "TIER_UNLIMITED"}, ("THROUGHPUT_UPGRADE", "TIER_UNLIMITED")),
        ({"messaging_limit": "TIER_UNLIMITED"}, None),
    ]
    for change, expected in steps:
        meta.patch(PHONE, **change)
        events = meta.take()
        got = [(m["event"], m["maxDailyConversationsPerBusiness"]) for m in metas(events)]
        assert got == ([expected] if expected else []), change
    meta.patch(PHONE, display_phone_number="15550783881")
    meta.patch(PHONE, quality_rating="RED")
    [flagged] = meta.take()
    assert flagged["eventDetails"]["displayPhoneNumber"] == "15550783881"
    assert meta.client.get(PHONE).json()["quality_rating"] == "RED"


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        {"quality_rating": "PURPLE"},
        {"messaging_limit": "TIER_1K"},
        {"display_phone_number": "+15550783881"},
        {"tier": "TIER_50"},
    ],
)
def test_phone_number_refuses_bad_input(client: httpx.Client, body: Any) -> None:
    assert error_code(client.patch(PHONE, json=body)) == (400, 1000)


def test_account_updates_are_sent_as_given(meta: Meta) -> None:
    details = {
        "event": "BUSINESS_VERIFICATION_STATUS_UPDATE",
        "businessVerificationInfo": {
            "businessId": "2729063412676005",
            "verificationStatus": "FAILED",
            "rejectionReasons": ["LEGAL_NAME_NOT_FOUND_IN_DOCUMENTS"],
        },
    }
    answer = meta.client.post(ACCOUNT_UPDATES, json=details).json()
    [event] = meta.take()
    assert answer["event"] == event and event["eventDetails"] == details
    restriction = {
        "event": "ACCOUNT_RESTRICTION",
        "restrictionInfo": [
            {
                "restrictionType": "RESTRICTED_DIRECT_SEND_UTILITY_TEMPLATES",
                "expiration": "2026-01-26T13:50:20.00Z",
            }
        ],
        "violationInfo": {"violationType": "DIRECT_SEND_UTILITY_CATEGORY_ABUSE_STRIKE_1"},
    }
    meta.client.post(ACCOUNT_UPDATES, json=restriction)
    assert meta.take()[0]["eventDetails"] == restriction


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"event": "lower"},
        {"event": 5},
        {"event": "X", "extra": 1},
        {"event": "ACCOUNT_VIOLATION", "violationInfo": {}},
        {"event": "ACCOUNT_RESTRICTION", "restrictionInfo": {"restrictionType": "R"}},
    ],
)
def test_account_updates_refuse_bad_input(client: httpx.Client, body: Any) -> None:
    assert error_code(client.post(ACCOUNT_UPDATES, json=body)) == (400, 1000)


def test_without_a_webhook_an_account_update_goes_nowhere(client: httpx.Client) -> None:
    response = client.post(ACCOUNT_UPDATES, json={"event": "ACCOUNT_DELETED"})
    assert (response.status_code, response.json()) == (200, {"event": None})


# --- state from before webhooks ------------------------------------------------------------------


def test_a_state_from_before_webhooks_keeps_its_pause_title_and_disable_date(
    state_path: Path,
) -> None:
    now = "2026-01-01T00:00:00Z"
    common = {
        "language": "en",
        "category": "UTILITY",
        "components": [],
        "created_at": now,
        "updated_at": now,
    }
    templates = [
        {**common, "name": "paused", "status": "PAUSED", "reason": "SECOND_PAUSE"},
        {**common, "name": "flagged", "status": "FLAGGED", "reason": "2030-01-31"},
        {**common, "name": "flagged_why", "status": "FLAGGED", "reason": "LOW"},
        {**common, "name": "rejected", "status": "REJECTED", "reason": "SCAM"},
    ]
    channel = {
        "account_id": SANDBOX_ACCOUNT_ID,
        "channel_id": SANDBOX_CHANNEL_ID,
        "templates": templates,
    }
    version_1 = {"version": 1, "channels": {f"{SANDBOX_ACCOUNT_ID}/{SANDBOX_CHANNEL_ID}": channel}}
    state_path.parent.mkdir(parents=True)
    state_path.write_text(json.dumps(version_1))
    state = Store(state_path).read()
    assert state.version == 2
    found = {t.name: t for t in state.channels[next(iter(state.channels))].templates}
    assert (found["paused"].pause_title, found["paused"].reason) == ("SECOND_PAUSE", None)
    assert found["flagged"].reason is None and found["flagged"].disable_at is not None
    assert found["flagged"].disable_at.isoformat() == "2030-01-31T00:00:00+00:00"
    assert (found["flagged_why"].reason, found["flagged_why"].disable_at) == ("LOW", None)
    assert found["rejected"].reason == "SCAM"
