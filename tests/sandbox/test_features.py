"""Templates the file format does not model, on the sandbox: accepted on create with the
structure Meta documents, listed back in 8x8's list shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import TEMPLATES, error_code, item, listed
from wa_templates.channel.remote import parse
from wa_templates.files.model import Language
from wa_templates.sandbox import errors as codes

BODY = {
    "type": "BODY",
    "text": "Good news, {{1}}! Use code {{2}} today.",
    "examples": ["Ana", "X1"],
}
OFFER = {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Expiring offer!"}}
COPY = {"type": "COPY_CODE", "examples": ["CARIBE25"]}
URL = {"type": "URL", "text": "Book now!", "url": "https://x.example/{{1}}", "examples": ["a"]}
CATALOG = {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]}
MPM = {"type": "BUTTONS", "buttons": [{"type": "MPM", "text": "View items"}]}
SPM = {"type": "BUTTONS", "buttons": [{"type": "SPM", "text": "View"}]}
PRODUCT = {"type": "HEADER", "format": "PRODUCT"}


def product_card(button: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "components": [
            PRODUCT,
            {"type": "BUTTONS", "buttons": [button or {"type": "SPM", "text": "View"}]},
        ]
    }


FEATURES = {
    "offer": [
        {"type": "HEADER", "format": "IMAGE", "examples": ["https://x.example/a.png"]},
        {**OFFER, "limited_time_offer": {"text": "Expiring offer!", "has_expiration": True}},
        BODY,
        {"type": "BUTTONS", "buttons": [COPY, URL]},
    ],
    "catalog": [BODY, {"type": "FOOTER", "text": "Best deals"}, CATALOG],
    "multi_product": [{"type": "HEADER", "format": "TEXT", "text": "Our picks"}, BODY, MPM],
    "single_product": [PRODUCT, BODY, SPM],
    "product_cards": [
        BODY,
        {"type": "CAROUSEL", "cards": [product_card(), product_card()]},
    ],
}


def create(client: httpx.Client, name: str, components: list[Any], **extra: Any) -> httpx.Response:
    body = {
        "name": name,
        "language": "en_US",
        "category": "MARKETING",
        "components": components,
        **extra,
    }
    return client.post(TEMPLATES, json=body)


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_a_documented_feature_is_created_reviewed_and_listed_back(
    client: httpx.Client, name: str
) -> None:
    components = FEATURES[name]
    response = create(client, name, components)
    assert response.status_code == 200, response.text
    listed_item = item(client, name)
    # Nothing judged by the format's rules: Meta's review approves it.
    assert listed_item["status"] == "APPROVED"
    template = parse(listed_item)
    assert template.unreadable is None
    assert template.model() == Language(components=_created(components))


def _created(components: list[Any]) -> list[Any]:
    # The list holds the sandbox's own handle for a media sample, not the URL sent.
    return [
        {**c, "examples": c["examples"]} if c.get("format") == "IMAGE" else c for c in components
    ]


def test_the_list_shape_of_a_feature_is_8x8s(client: httpx.Client) -> None:
    assert create(client, "offer", FEATURES["offer"]).status_code == 200
    components = item(client, "offer")["components"]
    assert components[0] == {
        "type": "HEADER",
        "format": "Image",
        "example": {"headerHandle": ["https://x.example/a.png"]},
    }
    assert components[1] == {
        "type": "LIMITED_TIME_OFFER",
        "limited_time_offer": {"text": "Expiring offer!", "has_expiration": True},
    }
    assert components[2]["example"] == {"bodyText": ["Ana", "X1"]}
    assert components[3]["buttons"][0] == {"type": "COPY_CODE", "example": ["CARIBE25"]}


@pytest.mark.parametrize(
    ("components", "category", "says"),
    [
        (FEATURES["offer"], "UTILITY", "limited-time offer templates are MARKETING only"),
        ([OFFER, BODY, {"type": "FOOTER", "text": "x"}], "MARKETING", "takes no FOOTER"),
        (
            [{**OFFER, "limited_time_offer": {"text": "Seventeen chars!!"}}, BODY],
            "MARKETING",
            "limited_time_offer.text is 17 characters; at most 16",
        ),
        (
            [{**OFFER, "limited_time_offer": {"text": "x", "has_expiration": "yes"}}, BODY],
            "MARKETING",
            "has_expiration must be true or false",
        ),
        (
            [{**OFFER, "limited_time_offer": {"text": "x", "ends": 1}}, BODY],
            "MARKETING",
            "limited_time_offer has unknown key(s): ends",
        ),
        (
            [
                {"type": "HEADER", "format": "DOCUMENT", "examples": ["https://x/a.pdf"]},
                OFFER,
                BODY,
            ],
            "MARKETING",
            "header is IMAGE or VIDEO",
        ),
        (
            [OFFER, {**BODY, "text": "x" * 601}],
            "MARKETING",
            "body is 601 characters; at most 600",
        ),
        (
            [OFFER, BODY, {"type": "BUTTONS", "buttons": [{**COPY, "examples": ["X" * 16]}]}],
            "MARKETING",
            "offer code sample is 16 characters; at most 15",
        ),
        (
            [BODY, {"type": "BUTTONS", "buttons": [*CATALOG["buttons"], URL]}],
            "MARKETING",
            "a CATALOG button must be the template's only button",
        ),
        (
            [{"type": "HEADER", "format": "TEXT", "text": "Hi"}, BODY, CATALOG],
            "MARKETING",
            "no HEADER",
        ),
        ([BODY, MPM], "MARKETING", "needs a TEXT header"),
        ([BODY, SPM], "MARKETING", "needs a PRODUCT header"),
        ([PRODUCT, BODY], "MARKETING", "a PRODUCT header goes with an SPM button"),
        ([{**PRODUCT, "text": "x"}, BODY, SPM], "MARKETING", "takes no text or sample"),
        ([BODY, {"type": "BUTTONS", "buttons": [{"type": "MPM"}]}], "MARKETING", "needs its text"),
        (
            [BODY, {"type": "BUTTONS", "buttons": [{"type": "SPM", "text": "View", "x": 1}]}],
            "MARKETING",
            "a SPM button has unknown key(s): x",
        ),
        (
            [BODY, {"type": "CAROUSEL", "cards": [product_card(), product_card(URL)]}],
            "MARKETING",
            "every product card has the same button",
        ),
        (
            [BODY, {"type": "CAROUSEL", "cards": [product_card()] * 11}],
            "MARKETING",
            "at most 10 cards, not 11",
        ),
        (
            [
                BODY,
                {
                    "type": "CAROUSEL",
                    "cards": [{"components": [{"type": "HEADER", "format": "IMAGE"}, SPM]}],
                },
            ],
            "MARKETING",
            "product card 1 needs a PRODUCT header",
        ),
        (
            [BODY, {"type": "CAROUSEL", "cards": [{"components": [PRODUCT, CATALOG]}]}],
            "MARKETING",
            "product card 1 needs exactly one button, SPM or URL",
        ),
        (
            [BODY, {"type": "CAROUSEL", "cards": [{"components": [PRODUCT, {"type": "FOOTER"}]}]}],
            "MARKETING",
            "unknown component type 'FOOTER' on a card",
        ),
    ],
)
def test_what_meta_documents_as_wrong_is_refused_at_create(
    client: httpx.Client, components: list[Any], category: str, says: str
) -> None:
    response = create(client, "feature", components, category=category)
    assert error_code(response) == (400, codes.INVALID_PARAMETER)
    assert says in response.json()["message"]
    assert listed(client) == {}


@pytest.mark.parametrize(
    ("component", "says"),
    [
        ({"type": "BUTTONS", "buttons": [{"type": "URL", "txt": "typo"}]}, "unknown key(s): txt"),
        ({"type": "HEADER", "format": "HOLOGRAM"}, "unknown header format 'HOLOGRAM'"),
        ({"type": "BUTTONS", "buttons": [{"type": "SPIN"}]}, "unknown button type 'SPIN'"),
    ],
)
def test_a_payload_without_any_feature_is_refused_as_before(
    client: httpx.Client, component: dict[str, Any], says: str
) -> None:
    response = create(client, "plain", [BODY, component])
    assert error_code(response) == (400, codes.INVALID_PARAMETER)
    assert says in response.json()["message"]
