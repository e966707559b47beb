"""channel.raw: a raw component array read from the list, compared, and described."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from tests.strategies import create_payloads
from wa_templates.channel import raw
from wa_templates.channel.normalise import canonical
from wa_templates.channel.payload import from_payload
from wa_templates.channel.remote import parse
from wa_templates.files.model import Language

CREATED: list[dict[str, Any]] = [
    {"type": "HEADER", "format": "IMAGE", "examples": ["https://cdn.example.com/a.png"]},
    {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon!"}},
    {"type": "BODY", "text": "Use code {{1}} today.", "examples": ["SAVE10"]},
    {
        "type": "BUTTONS",
        "buttons": [
            {"type": "COPY_CODE", "examples": ["SAVE10"]},
            {"type": "URL", "text": "Shop", "url": "https://s.example/{{1}}", "examples": ["x"]},
        ],
    },
]
LISTED: list[dict[str, Any]] = [
    # What 8x8 lists for it: formats capitalised, samples under `example`, the offer as sent.
    {"type": "HEADER", "format": "Image", "example": {"headerHandle": ["https://h.example/a"]}},
    {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon!"}},
    {"type": "BODY", "text": "Use code {{1}} today.\n", "example": {"bodyText": [["SAVE10"]]}},
    {
        "type": "BUTTONS",
        "buttons": [
            {"type": "copy_code", "example": ["SAVE10"]},
            {"type": "URL", "text": "Shop", "url": "https://s.example/{{1}}", "example": ["x"]},
        ],
    },
]


def test_the_list_shape_becomes_the_create_shape_and_stays_it() -> None:
    created = raw.from_list(LISTED, "MARKETING")
    assert created[1:] == [
        CREATED[1],
        {"type": "BODY", "text": "Use code {{1}} today.\n", "examples": ["SAVE10"]},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "COPY_CODE", "examples": ["SAVE10"]},
                {
                    "type": "URL",
                    "text": "Shop",
                    "url": "https://s.example/{{1}}",
                    "examples": ["x"],
                },
            ],
        },
    ]
    assert created[0] == {
        "type": "HEADER",
        "format": "IMAGE",
        "examples": ["https://h.example/a"],
    }
    assert raw.from_list(created, "MARKETING") == created
    assert raw.from_list(CREATED, "MARKETING") == CREATED


def test_both_shapes_compare_equal_and_a_real_change_does_not() -> None:
    # Meta re-hosts the media sample and trims the text: neither is a difference.
    assert raw.canonical(LISTED, "MARKETING") == raw.canonical(CREATED, "MARKETING")
    edited = [*CREATED[:1], {**CREATED[1], "limited_time_offer": {"text": "Last day!"}}]
    assert raw.canonical(edited + CREATED[2:], "MARKETING") != raw.canonical(LISTED, "MARKETING")
    # What the file and the channel hold in the raw form plan as equal.
    item = {"templateName": "t", "language": "en_US", "category": "MARKETING", "components": LISTED}
    assert parse(item).content == canonical(Language(components=CREATED), "MARKETING")


def test_authentication_wording_in_the_raw_form_goes_back_to_its_options() -> None:
    listed = [
        {
            "type": "BODY",
            "text": "Tu código de verificación es *{{1}}*. Por tu seguridad, no lo compartas.",
            "example": {"bodyText": ["123456"]},
        },
        {"type": "FOOTER", "text": "Este código caduca en 10 minutos."},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
        {"type": "HOLOGRAM"},
    ]
    created = raw.from_list(listed, "AUTHENTICATION")
    assert created[:2] == [
        {"type": "BODY", "add_security_recommendation": True, "examples": ["123456"]},
        {"type": "FOOTER", "code_expiration_minutes": 10},
    ]
    # A file holding the options compares equal to the channel's wording.
    assert raw.canonical(created, "AUTHENTICATION") == raw.canonical(listed, "AUTHENTICATION")


def test_features_are_named_once_in_order() -> None:
    components = [
        {"type": "HEADER", "format": "PRODUCT"},
        {"type": "BODY", "text": "Hi"},
        {"type": "BUTTONS", "buttons": [{"type": "SPM", "text": "View"}, {"type": "SPM"}]},
        {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "x"}},
        {"type": "SURVEY"},
        {"type": "BUTTONS2"},
    ]
    assert raw.features(components) == [
        "PRODUCT header",
        "SPM button",
        "limited-time offer",
        "unknown component type SURVEY",
        "unknown component type BUTTONS2",
    ]
    cards = {
        "type": "CAROUSEL",
        "cards": [{"components": [{"type": "HEADER", "format": "PRODUCT"}]}],
    }
    assert raw.features([{"type": "BODY", "text": "Hi"}, cards]) == ["product carousel"]
    odd_card = {"type": "CAROUSEL", "cards": [{"components": [{"type": "FOOTER", "text": "x"}]}]}
    assert raw.features([{"type": "BODY", "text": "Hi"}, odd_card]) == [
        "a carousel card cannot hold a FOOTER component"
    ]
    assert raw.features([{"type": "BODY", "text": "Hi"}]) == []


@settings(max_examples=60, deadline=None)
@given(create_payloads())
def test_an_array_the_format_can_hold_compares_like_its_modelled_form(body: dict[str, Any]) -> None:
    modelled = from_payload(body).languages[body["language"]]
    as_raw = Language(components=body["components"])
    assert canonical(as_raw, body["category"]) == canonical(modelled, body["category"])
