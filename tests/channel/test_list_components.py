"""normalise.from_list_components: the direct reading of plain list items agrees with the model
path exactly (key order too), and leaves every other shape to it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.channel.test_remote import components as junk_components
from tests.strategies import Payload, create_payloads
from tests.test_payload import list_item
from wa_templates.channel.normalise import Canonical, canonical, from_list_components
from wa_templates.channel.payload import PayloadError, language_from_components

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)

PLAIN: list[Payload] = [
    {
        "type": "HEADER",
        "format": "Text",
        "text": "Update on your parcel {{1}}",
        "example": {"headerText": ["A-5"]},
    },
    {
        "type": "BODY",
        "text": "Hello {{1}}, parcel 5 is booked for {{2}}.\r\nReply if anything is wrong.\n",
        "example": {"bodyText": ["Maria", "Friday 10:00"]},
    },
    {"type": "FOOTER", "text": "Sent by Example Co "},
    {
        "type": "BUTTONS",
        "buttons": [
            {"type": "URL", "text": "View", "url": "https://x.example/{{1}}", "example": ["5"]},
            {"type": "PHONE_NUMBER", "text": "Call us", "phoneNumber": "+14155550100"},
            {"type": "quick_reply", "text": " All good "},
        ],
    },
]


def through_the_model(components: Any, category: str) -> Canonical | None:
    try:
        return canonical(language_from_components(components or []), category)
    except PayloadError:
        return None


def agrees(components: Any, category: str) -> None:
    direct = from_list_components(components, category)
    if direct is not None:  # what it reads, it reads exactly as the model path does
        modelled = through_the_model(components, category)
        assert modelled is not None
        assert json.dumps(direct) == json.dumps(modelled)


def test_the_plain_shapes_are_read_directly_and_exactly() -> None:
    for category in ("UTILITY", "MARKETING"):
        direct = from_list_components(PLAIN, category)
        assert direct is not None
        assert json.dumps(direct) == json.dumps(through_the_model(PLAIN, category))
    named = {"type": "body", "text": "Hi {{name}}, {{day}}", "examples": ["Ana", "Friday"]}
    assert from_list_components([named], "UTILITY") == {
        "body": {"text": "Hi {{name}}, {{day}}", "examples": ["Ana", "Friday"]}
    }
    assert from_list_components(None, "UTILITY") == {} == through_the_model(None, "UTILITY")
    agrees([{"type": "BUTTONS", "buttons": []}], "UTILITY")


@pytest.mark.parametrize(
    ("components", "category"),
    [
        (PLAIN, "AUTHENTICATION"),  # Meta's presets: the model collapses them
        ([{"type": "HEADER", "format": "IMAGE", "example": {"headerHandle": ["h"]}}], "UTILITY"),
        ([{"type": "BODY", "text": "Hi {{1}}", "example": {"bodyText": [["Ana"]]}}], "UTILITY"),
        ([{"type": "BODY", "text": "Hi {{1}}", "examples": [42]}], "UTILITY"),
        ([{"type": "BODY", "text": "Hi"}, {"type": "BODY", "text": "again"}], "UTILITY"),
        ([{"type": "FOOTER", "code_expiration_minutes": 5}], "UTILITY"),
        ([{"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Go"}]}], "MARKETING"),
        ([{"type": "BUTTONS", "buttons": [{"type": "URL", "country": "US"}]}], "MARKETING"),
        ([{"type": "CAROUSEL", "cards": []}], "MARKETING"),
        ([{"type": "CALL_PERMISSION_REQUEST"}], "MARKETING"),
        ([{"type": "BODY", "text": 7}], "UTILITY"),
        ([{"type": None}], "UTILITY"),
        ({"type": "BODY"}, "UTILITY"),
    ],
)
def test_every_other_shape_is_left_to_the_model(components: Any, category: str) -> None:
    assert from_list_components(components, category) is None


@settings(PROPERTY, max_examples=120)  # each example checks two shapes of a payload
@given(create_payloads())
def test_created_and_listed_templates_read_directly_as_through_the_model(payload: Payload) -> None:
    listed = list_item(payload)
    agrees(listed["components"], listed["category"])
    agrees(payload["components"], str(payload["category"]).upper())


@PROPERTY
@given(junk_components, st.sampled_from(["AUTHENTICATION", "MARKETING", "UTILITY"]))
def test_whatever_the_channel_sends_is_read_directly_only_as_the_model_would(
    components: Any, category: str
) -> None:
    agrees(components, category)
