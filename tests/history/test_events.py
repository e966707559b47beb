from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests import cabm
from wa_templates.history.events import (
    MalformedEvent,
    UnknownEventType,
    parse_envelope,
    parse_event,
)


def test_documented_status_event_parses_with_everything_it_says() -> None:
    event = parse_event(cabm.body(cabm.paused("SECOND_PAUSE", name="spring_sale")))
    assert event.event_type == "template_status_update"
    assert event.envelope.timestamp == datetime(2025, 1, 1, tzinfo=UTC)
    assert event.template is not None
    assert event.template.template_name == "spring_sale"
    assert event.template.template_id == "1234567890123456"
    assert event.template.meta.other_info is not None
    assert event.template.meta.other_info.title == "SECOND_PAUSE"
    assert event.parsed["meta"]["otherInfo"]["title"] == "SECOND_PAUSE"


@pytest.mark.parametrize(
    "event",
    [
        cabm.category("UTILITY", "MARKETING"),
        cabm.quality("UNKNOWN", "GREEN"),
        cabm.status("FLAGGED", disableInfo={"disableDate": "2026-12-09"}),
        cabm.template_event(
            "template_correct_category_detection",
            {"category": "UTILITY", "correctCategory": "MARKETING"},
        ),
        cabm.phone("UPGRADE", currentLimit="TIER_10K", oldLimit="TIER_1K"),
        cabm.phone("ONBOARDING", maxDailyConversationsPerBusiness="TIER_10K"),
        cabm.account_update(),
    ],
)
def test_every_documented_type_parses(event: dict[str, object]) -> None:
    parsed = parse_event(cabm.body(event))
    assert parsed.event_id == event["eventId"]
    assert json.loads(parsed.raw) == event


def test_a_numeric_waba_id_as_in_8x8s_samples_is_the_same_id() -> None:
    event = parse_event(cabm.body(cabm.status("APPROVED", businessAccountId=950523421983857)))
    assert event.envelope.business_account_id == "950523421983857"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "the body is not JSON"),
        (b"\xff\xfe", "the body is not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (cabm.body({**cabm.status("APPROVED"), "eventId": ""}), "eventId"),
        (cabm.body({**cabm.status("APPROVED"), "timestamp": "yesterday"}), "timestamp"),
        (
            cabm.body({k: v for k, v in cabm.status("APPROVED").items() if k != "accountId"}),
            "accountId: field required",
        ),
        (
            cabm.body(cabm.template_event("template_status_update", {"reason": "NONE"})),
            "eventDetails.meta.status: required",
        ),
        (
            cabm.body(cabm.envelope("template_status_update", {"templateName": "x"})),
            "eventDetails.templateLanguage",
        ),
        (
            cabm.body(cabm.envelope("phone_number_quality_update", {"meta": {}})),
            "eventDetails.meta.event",
        ),
    ],
)
def test_malformed_events_say_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(MalformedEvent, match=message):
        parse_event(body)


def test_an_unknown_type_carries_its_envelope() -> None:
    body = cabm.body(cabm.envelope("template_components_update", {"anything": 1}))
    with pytest.raises(UnknownEventType) as caught:
        parse_event(body)
    assert caught.value.envelope.event_type == "template_components_update"
    assert parse_envelope(body)[1] == body.decode()
