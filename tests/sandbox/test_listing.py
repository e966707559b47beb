"""The list response's shape: what 8x8 returns, not what was sent."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse

from tests.sandbox.conftest import (
    ADMIN_TEMPLATES,
    TEMPLATES,
    admin_item,
    item,
    older_data,
    payload,
)
from wa_templates.channel.payload import from_payload
from wa_templates.channel.remote import parse
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.listing import ListCache, list_response
from wa_templates.sandbox.state import Channel, Template

RICH = {
    "name": "order_ready",
    "language": "en_GB",
    "category": "UTILITY",
    "allow_category_change": True,
    "message_send_ttl_seconds": 3600,
    "components": [
        {"type": "HEADER", "format": "IMAGE", "examples": ["https://example.com/parcel.png"]},
        {
            "type": "BODY",
            "text": "Hi {{1}}, order {{2}} is ready for collection at the desk.",
            "examples": ["Ana", "A-17"],
        },
        {"type": "FOOTER", "text": "Parcel desk"},
        {
            "type": "BUTTONS",
            "buttons": [
                {
                    "type": "URL",
                    "text": "Track it",
                    "url": "https://example.com/t/{{1}}",
                    "examples": ["A-17"],
                },
                {"type": "PHONE_NUMBER", "text": "Call us", "phoneNumber": "+441234567890"},
            ],
        },
    ],
}
AUTH: dict[str, Any] = {
    "name": "login_code",
    "language": "en",
    "category": "AUTHENTICATION",
    "message_send_ttl_seconds": 300,
    "components": [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 10},
        {
            "type": "BUTTONS",
            "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}],
        },
    ],
}


def test_list_item_carries_8x8s_fields_and_no_create_only_options(client: httpx.Client) -> None:
    assert client.post(TEMPLATES, json=RICH).status_code == 200
    found = item(client, "order_ready", "en_GB")
    assert list(found) == [
        "channelId",
        "channelName",
        "templateName",
        "language",
        "languageName",
        "components",
        "category",
        "categoryName",
        "status",
        "statusName",
        "createdAt",
        "updatedAt",
    ]
    assert found["channelId"] == SANDBOX_CHANNEL_ID
    assert found["languageName"] == "English (UK)"
    assert found["createdAt"].endswith("Z") and len(found["createdAt"]) == 23


def test_components_in_list_shape(client: httpx.Client) -> None:
    client.post(TEMPLATES, json=RICH)
    header, body, footer, buttons = item(client, "order_ready", "en_GB")["components"]
    assert header == {
        "type": "HEADER",
        "format": "Image",
        "example": {"headerHandle": ["https://example.com/parcel.png"]},
    }
    assert body == {
        "type": "BODY",
        "text": RICH["components"][1]["text"],
        "example": {"bodyText": ["Ana", "A-17"]},
    }
    assert footer == {"type": "FOOTER", "text": "Parcel desk"}
    assert buttons["buttons"][0] == {
        "type": "URL",
        "text": "Track it",
        "url": "https://example.com/t/{{1}}",
        "example": ["A-17"],
    }


def test_text_header_sample_is_header_text(client: httpx.Client) -> None:
    body = payload()
    body["components"].insert(
        0, {"type": "HEADER", "format": "text", "text": "Order {{1}}", "examples": ["A-17"]}
    )
    client.post(TEMPLATES, json=body)
    assert item(client)["components"][0] == {
        "type": "HEADER",
        "format": "Text",
        "text": "Order {{1}}",
        "example": {"headerText": ["A-17"]},
    }


def test_list_item_reads_back_as_the_created_content(client: httpx.Client) -> None:
    client.post(TEMPLATES, json=RICH)
    remote = parse(item(client, "order_ready", "en_GB"))
    assert remote.model() == from_payload(RICH).languages["en_GB"]


@pytest.mark.parametrize(
    ("security", "body_text"),
    [
        (True, "*{{1}}* is your verification code. For your security, do not share this code."),
        (False, "*{{1}}* is your verification code."),
    ],
)
def test_authentication_presets_come_back_expanded(
    client: httpx.Client, security: bool, body_text: str
) -> None:
    auth = dict(
        AUTH,
        components=[
            dict(AUTH["components"][0], add_security_recommendation=security),
            *AUTH["components"][1:],
        ],
    )
    assert client.post(TEMPLATES, json=auth).status_code == 200
    found = item(client, "login_code", "en")
    body, footer, buttons = found["components"]
    assert body == {"type": "BODY", "text": body_text}
    assert footer == {"type": "FOOTER", "text": "This code expires in 10 minutes."}
    assert buttons["buttons"] == [{"type": "OTP", "text": "Copy code", "otp_type": "COPY_CODE"}]
    assert "message_send_ttl_seconds" not in found
    collapsed = parse(found).model()
    assert collapsed.footer is not None and collapsed.footer.code_expiration_minutes == 10


def test_carousel_cards_are_in_list_shape(client: httpx.Client) -> None:
    card = {
        "components": [
            {"type": "HEADER", "format": "IMAGE", "examples": ["https://example.com/a.png"]},
            {"type": "BODY", "text": "A fine pair of shoes for the rainy season."},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "More"}]},
        ]
    }
    body = {
        "name": "shoes",
        "language": "en",
        "category": "MARKETING",
        "components": [
            {"type": "BODY", "text": "Look at these new shoes. Reply STOP to opt out."},
            {"type": "CAROUSEL", "cards": [card, card]},
        ],
    }
    assert client.post(TEMPLATES, json=body).status_code == 200
    carousel = item(client, "shoes", "en")["components"][1]
    assert carousel["cards"][0]["components"][0] == {
        "type": "HEADER",
        "format": "Image",
        "example": {"headerHandle": ["https://example.com/a.png"]},
    }


def test_list_is_sorted_by_name_then_language(client: httpx.Client) -> None:
    for name, language in (("b", "en"), ("a", "fr"), ("a", "de")):
        client.post(TEMPLATES, json=payload(name, language=language))
    names = [(t["templateName"], t["language"]) for t in client.get(TEMPLATES).json()["templates"]]
    assert names == [("a", "de"), ("a", "fr"), ("b", "en")]


# --- status details: webhooks only, unless switched on for older data --------------------------


def _patch(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    """The admin change, answered with the admin view (status details, quality, id)."""
    response = client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json=body)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    assert found == admin_item(client)
    return found


STATUS_DETAILS = {"reason", "otherInfo", "disableInfo"}


@pytest.mark.parametrize(
    "change",
    [
        {"status": "PAUSED", "reason": "FIRST_PAUSE"},
        {"status": "FLAGGED", "reason": "2031-07-01"},
        {"status": "REJECTED", "reason": "SCAM"},
    ],
)
def test_the_list_keeps_8x8s_shape_without_status_details(
    client: httpx.Client, change: dict[str, Any]
) -> None:
    client.post(TEMPLATES, json=payload())
    admin = _patch(client, change)
    assert STATUS_DETAILS & set(admin)
    listed = item(client)
    assert not STATUS_DETAILS & set(listed)
    assert listed == {key: admin[key] for key in listed}
    assert set(admin) - set(listed) == (STATUS_DETAILS & set(admin)) | {
        "qualityScore",
        "templateId",
    }


def test_older_data_lists_a_pause_title_as_other_info(client: httpx.Client) -> None:
    older_data(client)
    client.post(TEMPLATES, json=payload())
    found = _patch(client, {"status": "PAUSED", "reason": "FIRST_PAUSE"})
    listed = item(client)
    assert (listed["status"], listed["statusName"]) == ("PAUSED", "Paused")
    assert listed["otherInfo"] == found["otherInfo"]
    assert listed["otherInfo"]["title"] == "FIRST_PAUSE"
    assert "3 hours" in listed["otherInfo"]["description"]
    assert "reason" not in listed and "disableInfo" not in listed


def test_older_data_lists_a_disable_date_as_disable_info(client: httpx.Client) -> None:
    older_data(client)
    client.post(TEMPLATES, json=payload())
    _patch(client, {"status": "FLAGGED", "reason": "2031-07-01"})
    listed = item(client)
    assert listed["disableInfo"] == {"disableDate": "2031-07-01T00:00:00.00Z"}
    assert "reason" not in listed and "otherInfo" not in listed


def test_older_data_lists_a_rejection_reason(client: httpx.Client) -> None:
    older_data(client)
    client.post(TEMPLATES, json=payload())
    _patch(client, {"status": "REJECTED", "reason": "SCAM"})
    assert (item(client)["status"], item(client)["reason"]) == ("REJECTED", "SCAM")
    _patch(client, {"reason": "ABUSIVE_CONTENT"})  # a reason alone restates the status
    assert (item(client)["status"], item(client)["reason"]) == ("REJECTED", "ABUSIVE_CONTENT")
    _patch(client, {"status": "APPROVED"})
    assert "reason" not in item(client)
    client.patch("/_sandbox/config", json={"list_extras": False})
    _patch(client, {"status": "REJECTED", "reason": "SCAM"})
    assert "reason" not in item(client)


# --- ListCache: items rendered once, and again whenever what they show changes ----------------

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def stored(body: dict[str, Any], **fields: Any) -> Template:
    return Template(
        name=body["name"],
        language=body["language"],
        category=body["category"],
        components=copy.deepcopy(body["components"]),
        created_at=NOW,
        updated_at=NOW,
        **fields,
    )


def channel_of(*templates: Template) -> Channel:
    return Channel(account_id=SANDBOX_ACCOUNT_ID, channel_id="c1", templates=list(templates))


def expected(channel: Channel, extras: bool = False) -> bytes:
    return bytes(JSONResponse(list_response(channel, extras)).body)


def test_cached_response_is_byte_for_byte_what_json_response_makes() -> None:
    channel = channel_of(
        stored(RICH, status="APPROVED"),
        stored(AUTH),
        stored(payload("zulu", text="Olá {{1}}, «ça va» 🙂", language="pt_BR"), reason="SCAM"),
        stored(payload("alpha"), status="PAUSED", pause_title="FIRST_PAUSE"),
        stored(payload("bravo"), status="FLAGGED", disable_at=NOW + timedelta(days=7)),
    )
    cache = ListCache()
    first = cache.response(channel)
    assert first == expected(channel)
    assert cache.response(channel) == first
    # Status details are listed only for older data; the cache tells the two apart.
    with_extras = cache.response(channel, extras=True)
    assert with_extras == expected(channel, extras=True) != first
    assert b'"otherInfo"' in with_extras and b'"disableInfo"' in with_extras
    assert cache.response(channel) == first
    assert cache.response(None) == bytes(JSONResponse({"templates": []}).body)


def test_an_in_place_change_to_components_is_rendered_afresh() -> None:
    template = stored(RICH)
    channel = channel_of(template)
    cache = ListCache()
    cache.response(channel)
    template.components[3]["buttons"][0]["text"] = "Follow it"
    template.components[1]["examples"].append("spare")
    assert cache.response(channel) == expected(channel)
    assert b"Follow it" in cache.response(channel)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "order_later"),
        ("language", "fr"),
        ("category", "MARKETING"),
        ("status", "REJECTED"),
        ("reason", "INVALID_FORMAT"),
        ("pause_title", "SECOND_PAUSE"),
        ("disable_at", NOW + timedelta(days=1)),
        ("created_at", NOW - timedelta(days=1)),
        ("updated_at", NOW + timedelta(seconds=1)),
        ("components", [{"type": "BODY", "text": "Something else altogether."}]),
    ],
)
def test_a_change_to_any_shown_field_is_rendered_afresh(field: str, value: Any) -> None:
    template = stored(RICH, status="PAUSED")
    if field == "disable_at":
        template.status = "FLAGGED"
    channel = channel_of(template)
    cache = ListCache()
    before = cache.response(channel, extras=True)
    setattr(template, field, value)
    assert cache.response(channel, extras=True) == expected(channel, extras=True) != before


def test_channel_fields_and_removals_are_rendered_afresh() -> None:
    first, second = stored(RICH), stored(payload("zulu"))
    channel = channel_of(first, second)
    cache = ListCache()
    cache.response(channel)
    channel.channel_name = "Renamed channel"
    assert cache.response(channel) == expected(channel)
    channel.templates.remove(first)
    assert cache.response(channel) == expected(channel)
    # A state parsed afresh holds new objects with the same content: rendered the same.
    reparsed = Channel.model_validate_json(channel.model_dump_json())
    assert cache.response(reparsed) == expected(channel)


def test_an_authentication_template_is_listed_in_its_own_language(client: httpx.Client) -> None:
    body = {
        "name": "login_code",
        "category": "AUTHENTICATION",
        "components": [
            {"type": "BODY", "add_security_recommendation": True, "examples": ["482913"]},
            {"type": "FOOTER", "code_expiration_minutes": 5},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
        ],
    }
    for language in ("en_US", "es_MX", "pt_BR"):
        assert client.post(TEMPLATES, json={**body, "language": language}).status_code == 200
    texts = {
        language: [c.get("text") for c in item(client, "login_code", language)["components"][:2]]
        for language in ("en_US", "es_MX", "pt_BR")
    }
    assert texts["es_MX"] == [
        "Tu código de verificación es *{{1}}*. Por tu seguridad, no lo compartas.",
        "Este código caduca en 5 minutos.",
    ]
    # Meta documents no Portuguese wording: the sandbox lists the English one.
    assert (
        texts["pt_BR"]
        == texts["en_US"]
        == [
            "*{{1}}* is your verification code. For your security, do not share this code.",
            "This code expires in 5 minutes.",
        ]
    )
