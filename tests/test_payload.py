"""Properties of the model <-> 8x8 conversion: lossless both ways, deterministic, idempotent.

`normalise` below is written from the rules in payload.py's docstring, not from its code: the
property is that the conversion does exactly what the docstring promises, and no more.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import Payload, create_payloads, shuffled_keys
from wa_templates.channel import auth_presets
from wa_templates.channel import payload as conv
from wa_templates.channel.remote import ListShapeError, parse
from wa_templates.files.model import Body, Footer, Language

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
# Each example here draws the payload twice over; fewer of them cover as much.
REORDER = settings(PROPERTY, max_examples=100)

ORDER = ("HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "CALL_PERMISSION_REQUEST")


# --- the documented normalisation, test-side ------------------------------------------------


def normalise(payload: Payload) -> Payload:
    out = _no_nulls(payload)
    out["category"] = out["category"].upper()
    out["components"] = _components(out["components"])
    return out


def _no_nulls(mapping: Payload) -> Payload:
    return {key: value for key, value in mapping.items() if value is not None}


def _components(components: list[Payload]) -> list[Payload]:
    out = [c for c in (_component(c) for c in components) if c is not None]
    return sorted(out, key=lambda c: ORDER.index(c["type"]))


def _component(raw: Payload) -> Payload | None:
    component = _no_nulls(raw)
    component["type"] = component.get("type", "BODY").upper()
    if "format" in component:
        component["format"] = component["format"].upper()
    _samples(component)
    if component["type"] == "BUTTONS":
        component["buttons"] = [_button(b) for b in component.get("buttons", [])]
        if not component["buttons"]:
            return None
    if component["type"] == "CAROUSEL":
        component["cards"] = [{"components": _components(c["components"])} for c in raw["cards"]]
    return component


def _button(raw: Payload) -> Payload:
    button = _no_nulls(raw)
    button["type"] = button["type"].upper()
    if "otp_type" in button:
        button["otp_type"] = button["otp_type"].upper()
    _samples(button)
    return button


def _samples(mapping: Payload) -> None:
    if "example" in mapping:
        mapping["examples"] = mapping.pop("example")
    if mapping.get("examples") == []:
        del mapping["examples"]


# --- create payload -> model -> create payload ----------------------------------------------


def roundtrip(payload: Payload) -> Payload:
    return conv.to_payload(conv.from_payload(payload), payload["language"])


@PROPERTY
@given(create_payloads())
def test_payload_model_payload_is_the_documented_normalisation(payload: Payload) -> None:
    original = copy.deepcopy(payload)
    emitted = roundtrip(payload)
    assert emitted == normalise(payload)
    assert payload == original  # the conversion never mutates its input
    # Idempotent: a model read from a payload survives another trip unchanged, and so does
    # the normalised payload.
    model = conv.from_payload(payload)
    assert conv.from_payload(emitted) == model
    assert roundtrip(emitted) == emitted


@st.composite
def deep_shuffled(draw: st.DrawFn, value: Any) -> Any:
    """The same payload with every mapping's keys (and the component array) reordered."""
    if isinstance(value, dict):
        items = {k: draw(deep_shuffled(v)) for k, v in value.items()}
        if "components" in items:
            items["components"] = draw(st.permutations(items["components"]))
        return draw(shuffled_keys(items))
    if isinstance(value, list):
        return [draw(deep_shuffled(v)) for v in value]
    return value


@REORDER
@given(st.data())
def test_to_payload_is_deterministic_whatever_the_input_order(data: st.DataObject) -> None:
    payload = data.draw(create_payloads())
    reordered = data.draw(deep_shuffled(payload))
    first = json.dumps(roundtrip(payload))
    assert json.dumps(roundtrip(payload)) == first
    # Not just equal dicts: the same keys in the same order, so files and diffs are stable.
    assert json.dumps(roundtrip(reordered)) == first


# --- list item -> model ---------------------------------------------------------------------

LIST_ONLY = {
    "channelId": "ec36a867-3dd4-e911-814a-02d85f55fce8",
    "channelName": "My WhatsApp instance",
    "languageName": "English (US)",
    "categoryName": "Utility",
    "statusName": "Approved",
    "createdAt": "2024-11-19T07:51:38.09Z",
    "updatedAt": "2024-11-28T02:16:42.82Z",
}


def list_item(payload: Payload, status: str = "APPROVED") -> Payload:
    """What 8x8's list reports for a created payload: its own key names and example shapes."""
    template = conv.from_payload(payload)
    lang = template.languages[payload["language"]]
    if template.category == "AUTHENTICATION":
        lang = auth_presets.expand(lang, payload["language"])
    return {
        **LIST_ONLY,
        "templateName": payload["name"],
        "language": payload["language"],
        "category": template.category,
        "status": status,
        "components": [_listed(c) for c in conv.language_components(lang)],
    }


def _listed(component: Payload) -> Payload:
    out = {k: v for k, v in component.items() if k not in ("examples", "cards", "buttons")}
    # Create-only options: the list schema has no place for them.
    out.pop("add_security_recommendation", None)
    out.pop("code_expiration_minutes", None)
    samples = component.get("examples")
    if component["type"] == "HEADER":
        out["format"] = component["format"].capitalize()  # the list says "Image", "Text"
        key = "headerText" if component["format"] == "TEXT" else "headerHandle"
        if samples:
            out["example"] = {key: samples}
    elif component["type"] == "BODY" and samples:
        out["example"] = {"bodyText": samples}
    if "buttons" in component:
        out["buttons"] = [_listed_button(b) for b in component["buttons"]]
    if "cards" in component:
        out["cards"] = [
            {"components": [_listed(c) for c in card["components"]]} for card in component["cards"]
        ]
    return out


def _listed_button(button: Payload) -> Payload:
    out = dict(button)
    if "examples" in out:
        out["example"] = out.pop("examples")  # the list schema's button key
    return out


def remote_view(lang: Language) -> Language:
    """What a list item can tell: Meta keeps no `add_security_recommendation: false`."""
    if lang.body is not None and lang.body.add_security_recommendation is False:
        return lang.model_copy(
            update={"body": lang.body.model_copy(update={"add_security_recommendation": None})}
        )
    return lang


@PROPERTY
@given(create_payloads(), st.sampled_from(("APPROVED", "PENDING", "rejected")))
def test_list_item_recovers_the_language_of_the_payload(payload: Payload, status: str) -> None:
    remote = parse(list_item(payload, status))
    created = conv.from_payload(payload)
    assert remote.model() == remote_view(created.languages[payload["language"]])
    assert (remote.name, remote.language) == (payload["name"], payload["language"])
    assert (remote.category, remote.status) == (created.category, status.upper())


# --- documented normalisations and refusals, by example -------------------------------------


def _payload(*components: Payload, category: str = "UTILITY") -> Payload:
    return {"name": "t", "language": "en_US", "category": category, "components": list(components)}


def test_named_samples_become_a_mapping_in_the_file_and_a_list_in_the_payload() -> None:
    body = {
        "type": "BODY",
        "text": "Hi {{name}}, order {{order_id}} for {{name}}.",
        "examples": ["Ana", "A-1"],
    }
    template = conv.from_payload(_payload(body))
    lang_body = template.languages["en_US"].body
    assert lang_body is not None and lang_body.examples == {"name": "Ana", "order_id": "A-1"}
    assert roundtrip(_payload(body))["components"] == [body]


def test_list_shape_and_graph_shape_samples_are_read_and_emitted_as_examples() -> None:
    header = {
        "type": "HEADER",
        "format": "Text",
        "text": "Order {{1}}",
        "example": {"headerText": ["A-1"]},
    }
    body = {"type": "BODY", "text": "Hi {{1}}, {{2}} here.", "examples": [["Ana", 42]]}
    out = roundtrip(_payload(header, body))["components"]
    assert out == [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "examples": ["A-1"]},
        {"type": "BODY", "text": "Hi {{1}}, {{2}} here.", "examples": ["Ana", "42"]},
    ]


def test_authentication_presets_expand_and_collapse() -> None:
    lang = Language(
        body=Body(add_security_recommendation=True, examples=["123456"]),
        footer=Footer(code_expiration_minutes=10),
    )
    expanded = auth_presets.expand(lang, "en_US")
    assert expanded.body == Body(
        text="*{{1}}* is your verification code. For your security, do not share this code.",
        examples=["123456"],
    )
    assert expanded.footer == Footer(text="This code expires in 10 minutes.")
    assert auth_presets.collapse(expanded) == lang


def test_an_authentication_list_item_without_the_security_sentence_has_no_option() -> None:
    item = {
        "templateName": "login",
        "language": "en_US",
        "category": "AUTHENTICATION",
        "components": [{"type": "BODY", "text": auth_presets.ENGLISH.body}],
    }
    assert parse(item).model().body == Body()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (_payload({"type": "BODY", "text": "a"}, {"type": "BODY", "text": "b"}), "more than one"),
        (
            _payload(
                {"type": "HEADER", "format": "TEXT", "text": "a"},
                {"type": "header", "format": "IMAGE"},
            ),
            "more than one HEADER",
        ),
        (
            _payload({"type": "CAROUSEL", "cards": []}, {"type": "CAROUSEL", "cards": []}),
            "more than one CAROUSEL",
        ),
        # The OpenAPI's flat card shape: not even the raw form reads it as a card.
        (
            _payload({"type": "CAROUSEL", "cards": [{"type": "HEADER", "format": "IMAGE"}]}),
            "needs `components`",
        ),
        (_payload({"type": "BODY", "text": ["not", "text"]}), "BODY"),
        (_payload({"type": "BODY", "text": "a", "examples": "not a list"}), "must be a list"),
        (_payload({"type": "BODY", "text": "a", "examples": [None]}), "sample"),
        (_payload({"type": "BUTTONS", "buttons": {"type": "URL"}}), "must be a list"),
        (_payload({"type": "BODY", "text": "a"}, {"text": "no type"}), "needs a `type`"),
        ({**_payload(), "components": ["BODY"]}, "must be a mapping"),
        ({**_payload({"type": "BODY", "text": "a"}), "extra": 1}, "extra"),
        ({"name": "t", "language": "en_US", "components": []}, "category"),
        ({**_payload({"type": "BODY", "text": "a"}), "language": 5}, "language"),
        ({**_payload({"type": "BODY", "text": "a"}), "name": None}, "name"),
        (
            {**_payload({"type": "BODY", "text": "a"}), "message_send_ttl_seconds": "soon"},
            "message_send_ttl_seconds",
        ),
        (["not", "a", "payload"], "must be an object"),
    ],
)
def test_what_cannot_be_represented_is_refused_not_dropped(payload: Any, message: str) -> None:
    with pytest.raises(conv.PayloadError, match=message):
        conv.from_payload(payload)


@pytest.mark.parametrize(
    "components",
    [
        [{"type": "STICKER"}, {"type": "BODY", "text": "a"}],
        [{"type": "BODY", "text": "a", "parameter_format": "NAMED"}],
        [
            {"type": "BODY", "text": "a"},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "txt": "x"}]},
        ],
        [{"type": "BODY", "text": "a"}, {"type": "BUTTONS", "buttons": [{"type": "CATALOG"}]}],
        [{"type": "HEADER", "format": "PRODUCT"}, {"type": "BODY", "text": "a"}],
        [
            {"type": "BODY", "text": "a"},
            {"type": "CAROUSEL", "cards": [{"components": [{"type": "FOOTER", "text": "x"}]}]},
        ],
    ],
)
def test_what_the_format_has_no_keys_for_is_held_raw_and_sent_as_written(
    components: list[Payload],
) -> None:
    payload = _payload(*components)
    template = conv.from_payload(payload)
    lang = template.languages[payload["language"]]
    assert lang.components == components
    assert lang.body is None and lang.buttons == []
    assert conv.to_payload(template, payload["language"]) == payload


def test_list_items_tolerate_display_fields_but_not_missing_identity() -> None:
    item = {
        "templateName": "t",
        "language": "en_US",
        "category": "utility",
        "status": "approved",
        "languageName": "English",
        "components": [{"type": "BODY", "text": "Hi", "someNewField": True}],
    }
    remote = parse(item)
    assert (remote.category, remote.status) == ("UTILITY", "APPROVED")
    assert remote.unreadable is None
    with pytest.raises(ListShapeError, match="templateName"):
        parse({"language": "en_US"})
