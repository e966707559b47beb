from __future__ import annotations

from typing import Any

import pytest

from wa_templates.channel.remote import parse
from wa_templates.provider import compare

UTILITY: dict[str, Any] = {
    "name": "order_update",
    "language": "en_US",
    "category": "UTILITY",
    "allow_category_change": False,
    "message_send_ttl_seconds": 3600,
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "examples": ["A-1"]},
        {"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped.", "examples": ["Ann", "A-1"]},
        {"type": "FOOTER", "text": "Acme"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]},
    ],
}


def item(**overrides: Any) -> dict[str, Any]:
    """UTILITY as 8x8 lists it: capitalised format, samples under `example`, display fields."""
    listed: dict[str, Any] = {
        "channelId": "ec36a867-3dd4-e911-814a-02d85f55fce8",
        "templateName": "order_update",
        "language": "en_US",
        "languageName": "English (US)",
        "category": "UTILITY",
        "status": "APPROVED",
        "components": [
            {
                "type": "HEADER",
                "format": "Text",
                "text": "Order {{1}}",
                "example": {"headerText": ["A-1"]},
            },
            {
                "type": "BODY",
                "text": "Hi {{1}}, order {{2}} shipped.",
                "example": {"bodyText": ["Ann", "A-1"]},
            },
            {"type": "FOOTER", "text": "Acme"},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]},
        ],
    }
    listed.update(overrides)
    return listed


def same_content(payload: dict[str, Any], listed: dict[str, Any]) -> bool:
    """`compare.same_content` of the template the provider parses from `listed`."""
    return compare.same_content(payload, parse(listed))


def test_the_list_shape_of_the_same_template_is_the_same() -> None:
    assert same_content(UTILITY, item())


def test_meta_recategorising_does_not_make_it_someone_elses() -> None:
    assert same_content(UTILITY, item(category="MARKETING"))


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c[1].update(text="Hi {{1}}, order {{2}} is late."),
        lambda c: c[1].update(example={"bodyText": ["Bob", "A-1"]}),
        lambda c: c.pop(2),
        lambda c: c[3]["buttons"].append({"type": "QUICK_REPLY", "text": "Stop"}),
    ],
)
def test_any_content_difference_is_different(change: Any) -> None:
    other = item()
    change(other["components"])
    assert not same_content(UTILITY, other)


def test_media_header_samples_are_not_compared() -> None:
    payload = {
        **UTILITY,
        "components": [
            {"type": "HEADER", "format": "IMAGE", "examples": ["https://cdn.example/a.png"]},
            UTILITY["components"][1],
        ],
    }
    listed = item(
        components=[
            {
                "type": "HEADER",
                "format": "Image",
                "example": {"headerHandle": ["https://scontent.whatsapp.net/v/t61/abc"]},
            },
            item()["components"][1],
        ]
    )
    assert same_content(payload, listed)
    listed["components"][0]["format"] = "Video"
    assert not same_content(payload, listed)


def test_carousel_card_media_samples_are_not_compared() -> None:
    def card(url: str) -> dict[str, Any]:
        return {
            "components": [
                {"type": "HEADER", "format": "IMAGE", "examples": [url]},
                {"type": "BODY", "text": "Card"},
                {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Buy"}]},
            ]
        }

    payload = {
        **UTILITY,
        "category": "MARKETING",
        "components": [
            {"type": "BODY", "text": "Our picks"},
            {"type": "CAROUSEL", "cards": [card("https://cdn.example/1.png")]},
        ],
    }
    listed = {
        **item(category="MARKETING"),
        "components": [
            {"type": "BODY", "text": "Our picks"},
            {"type": "CAROUSEL", "cards": [card("https://scontent.whatsapp.net/1")]},
        ],
    }
    assert same_content(payload, listed)


AUTH: dict[str, Any] = {
    "name": "login_code",
    "language": "en",
    "category": "AUTHENTICATION",
    "components": [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 10},
        {
            "type": "BUTTONS",
            "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}],
        },
    ],
}


def auth_item(body: str, footer: str) -> dict[str, Any]:
    return {
        "templateName": "login_code",
        "language": "en",
        "category": "AUTHENTICATION",
        "status": "APPROVED",
        "components": [
            {"type": "BODY", "text": body},
            {"type": "FOOTER", "text": footer},
            {
                "type": "BUTTONS",
                "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}],
            },
        ],
    }


SECURE = "*{{1}}* is your verification code. For your security, do not share this code."
PLAIN = "*{{1}}* is your verification code."


def test_authentication_presets_match_metas_expanded_wording() -> None:
    assert same_content(AUTH, auth_item(SECURE, "This code expires in 10 minutes."))
    assert not same_content(AUTH, auth_item(PLAIN, "This code expires in 10 minutes."))
    assert not same_content(AUTH, auth_item(SECURE, "This code expires in 5 minutes."))


def test_an_absent_or_false_security_recommendation_match_the_plain_wording() -> None:
    for flag in (False, None):
        body: dict[str, Any] = {"type": "BODY"}
        if flag is not None:
            body["add_security_recommendation"] = flag
        payload = {**AUTH, "components": [body, *AUTH["components"][1:]]}
        assert same_content(payload, auth_item(PLAIN, "This code expires in 10 minutes."))


@pytest.mark.parametrize(
    "bad",
    [
        {"templateName": "order_update", "language": "en_US", "components": "nope"},
        {"templateName": "order_update", "language": "en_US", "components": [{"type": "WIDGET"}]},
        {"templateName": "order_update", "language": "en_US", "components": [{"type": 5}]},
    ],
)
def test_an_unreadable_list_item_is_never_taken_for_ours(bad: dict[str, Any]) -> None:
    assert not same_content(UTILITY, bad)


def test_a_payload_that_cannot_be_read_matches_nothing() -> None:
    assert not same_content({"name": "x"}, item())


@pytest.mark.parametrize(
    ("overrides", "live"),
    [
        ({}, True),
        ({"status": "REJECTED"}, True),
        ({"status": None}, True),
        ({"status": "DELETED"}, False),
        ({"status": "pending_deletion"}, False),
        ({"language": "en_GB"}, False),
        ({"templateName": "order_update2"}, False),
    ],
)
def test_is_listed(overrides: dict[str, Any], live: bool) -> None:
    assert compare.is_listed(parse(item(**overrides)), "order_update", "en_US") is live
