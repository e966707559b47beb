"""channel.remote: 8x8's list items parsed once, at the boundary, into typed templates."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wa_templates.channel import remote
from wa_templates.channel.normalise import canonical
from wa_templates.channel.payload import PayloadError
from wa_templates.channel.remote import ListShapeError, by_name, fingerprint, parse, parse_list
from wa_templates.files.model import Body, Language

BODY = {"type": "BODY", "text": "Hi {{1}}, your order shipped.", "example": {"bodyText": ["Ann"]}}


def item(**overrides: Any) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "templateName": "order_update",
        "language": "en_US",
        "category": "utility",
        "status": "approved",
        "components": [BODY],
        "createdAt": "2024-05-01T12:00:00.00Z",
        "updatedAt": "2024-05-03T08:30:00",
    }
    listed.update(overrides)
    return listed


def test_identity_status_timestamps_and_content_are_typed() -> None:
    template = parse(item())
    assert (template.name, template.language) == ("order_update", "en_US")
    assert (template.category, template.status) == ("UTILITY", "APPROVED")
    assert template.created_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    # A timestamp without a zone is read as UTC, so the two can be subtracted.
    assert template.updated_at == datetime(2024, 5, 3, 8, 30, tzinfo=UTC)
    assert template.content == {"body": {"text": BODY["text"], "examples": ["Ann"]}}
    assert template.model() == Language(body=Body(text=BODY["text"], examples=["Ann"]))
    assert template.unreadable is None
    assert template.address == "template.order_update[en_US]"


def test_extras_the_list_may_carry_are_read_and_junk_is_left_out() -> None:
    template = parse(
        item(
            status="PAUSED",
            rejectedReason="SCAM",
            otherInfo={"title": "FIRST_PAUSE"},
            disableInfo={"disableDate": "2024-06-01"},
            createdAt="yesterday",
        )
    )
    assert (template.reason, template.pause_title, template.disable_date) == (
        "SCAM",
        "FIRST_PAUSE",
        "2024-06-01",
    )
    assert template.created_at is None
    junk = parse(item(otherInfo="x", disableInfo=3, status=None, category=None, updatedAt=5))
    assert (junk.pause_title, junk.disable_date, junk.updated_at) == (None, None, None)
    assert (junk.status, junk.category) == ("", "")


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("components", "reason"),
    [
        # Shapes 8x8's list schema allows (components are objects with a type, samples and
        # buttons are open) that not even the raw form can hold.
        ([BODY, BODY], "more than one BODY component"),
        ([BODY, {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {}}], "needs its `text`"),
        ([{"type": "BODY", "text": "Hi {{1}}", "example": {"bodyText": [{"a": 1}]}}], "samples"),
        ([BODY, {"type": "BUTTONS", "buttons": [{"text": "Go"}]}], "a button has no type"),
        ([BODY, {"type": "STICKER", "limits": float("nan")}], "not a number JSON can carry"),
        # A template file holds at most 64 levels: three of them around the components.
        ([BODY, {"type": "STICKER", "deep": _nested(60)}], "nest deeper than 61 levels"),
    ],
)
def test_a_shape_not_even_the_raw_form_can_hold_is_unreadable_with_the_reason(
    components: list[dict[str, Any]], reason: str
) -> None:
    template = parse(item(components=components))
    assert template.content is None
    assert template.unreadable is not None and reason in template.unreadable
    with pytest.raises(PayloadError, match=reason):
        template.model()
    # Still a template of its name: plan protects it, and a saved plan notices it change.
    assert (template.name, template.status) == ("order_update", "APPROVED")
    changed = parse(item(components=[*components, {"type": "FOOTER", "text": "x"}]))
    assert template.fingerprint != changed.fingerprint


OFFER = {
    "type": "LIMITED_TIME_OFFER",
    "limited_time_offer": {"text": "Ends soon!", "has_expiration": True},
}


@pytest.mark.parametrize(
    "extra",
    [
        OFFER,
        {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]},
        {"type": "CAROUSEL", "cards": [{"components": [{"type": "FOOTER", "text": "x"}]}]},
        {"type": "STICKER", "deep": _nested(59)},
    ],
)
def test_what_the_format_has_no_keys_for_is_read_in_the_raw_form(extra: dict[str, Any]) -> None:
    template = parse(item(components=[BODY, extra]))
    assert template.unreadable is None
    # The create payload's shape: the list's `example.bodyText` is the file's `examples`.
    created = {"type": "BODY", "text": BODY["text"], "examples": ["Ann"]}
    assert template.model() == Language(components=[created, extra])
    assert template.content == canonical(template.model(), "UTILITY")
    assert template.content is not None and template.content["components"][0] == created


@pytest.mark.parametrize(
    "error", [KeyError("type"), TypeError("unhashable"), AttributeError("no get")]
)
@pytest.mark.parametrize("reader", ["from_list_components", "language_from_components"])
def test_a_bug_in_the_parser_propagates_and_is_never_unreadable(
    monkeypatch: pytest.MonkeyPatch, error: Exception, reader: str
) -> None:
    def broken(*args: object) -> None:
        raise error

    if reader == "language_from_components":  # the model's turn: the direct reading declines
        monkeypatch.setattr(remote, "from_list_components", lambda *args: None)
    monkeypatch.setattr(remote, reader, broken)
    with pytest.raises(type(error)):
        parse(item())


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("order_update", "a template must be an object, not str"),
        ({"language": "en_US"}, "templateName must be a name, not missing"),
        ({"templateName": 7, "language": "en_US"}, "templateName must be a name, not int"),
        ({"templateName": "t"}, "language of 't' must be a code, not missing"),
    ],
)
def test_an_item_that_names_no_template_refuses_the_list(bad: Any, says: str) -> None:
    with pytest.raises(ListShapeError, match=f"^templates\\[1\\]: {says}$"):
        parse_list([item(), bad])


def test_by_name_groups_languages_under_their_name() -> None:
    listed = parse_list([item(), item(language="es_MX"), item(templateName="other")])
    grouped = by_name(listed)
    assert sorted(grouped) == ["order_update", "other"]
    assert sorted(grouped["order_update"]) == ["en_US", "es_MX"]
    assert grouped["other"]["en_US"] is listed[2]


def test_the_list_fingerprint_ignores_order_and_sees_every_change() -> None:
    items = [item(), item(language="es_MX")]
    assert fingerprint(parse_list(items)) == fingerprint(parse_list(reversed(items)))
    assert fingerprint(parse_list(items)) != fingerprint(parse_list([item(), item()]))
    # The per-template fingerprint follows what plan compares, not display fields.
    display = item(languageName="English (US)", channelName="Northwind", statusName="Approved")
    assert parse(item()).fingerprint == parse(display).fingerprint
    assert parse(item()).fingerprint != parse(item(status="PAUSED")).fingerprint


def test_the_list_fingerprint_is_the_hash_of_every_item_as_listed_in_name_order() -> None:
    """Each item is kept as its own JSON; joined, they must hash exactly as the whole sorted
    list always has, or every plan saved before would look stale."""
    items = [
        item(language="es_MX", components=[{**BODY, "text": "¡Hola {{1}}! 🚚"}]),
        item(templateName="another", score=1.5, paused=None, tags=["a", {"z": 1, "b": [2]}]),
        item(),
    ]
    ordered = sorted(items, key=lambda i: (i["templateName"], i["language"]))
    dumped = json.dumps(ordered, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    expected = "sha256:" + hashlib.sha256(dumped.encode()).hexdigest()
    assert fingerprint(parse_list(items)) == expected
    assert [t.raw for t in parse_list(items)] == items


# --- whatever the channel sends, reading it is never an accident ------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
component_keys = st.sampled_from(
    ["type", "format", "text", "example", "examples", "buttons", "cards", "components", "url"]
)
component_types = st.sampled_from(
    ["HEADER", "body", "FOOTER", "BUTTONS", "CAROUSEL", "CALL_PERMISSION_REQUEST", "WIDGET"]
)
components = st.lists(
    st.dictionaries(component_keys, json_values | component_types, max_size=4), max_size=4
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(components, json_values),
    st.one_of(st.sampled_from(["AUTHENTICATION", "MARKETING", "UTILITY"]), json_values),
    json_values,
)
def test_any_content_is_read_or_unreadable_never_a_crash(
    content: Any, category: Any, extra: Any
) -> None:
    # Nothing but PayloadError is caught now, so an odd shape that crashed the conversion
    # (a TypeError on a list where a dict was expected) would stop every command: it must not.
    template = parse(
        item(components=content, category=category, status=extra, otherInfo=extra, createdAt=extra)
    )
    assert (template.content is None) == (template.unreadable is not None)
    if template.content is not None:
        assert canonical(template.model(), template.category) == template.content
    assert template.fingerprint
