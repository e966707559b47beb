"""A saved plan's payloads are held to what their changes show (`plan.sent`): genuine plans of
every shape the format has (media samples, carousels, AUTHENTICATION presets, the raw
`components:` form, create-only options) are read back as they were written, creates and
recreates alike, and a payload that says anything else is refused naming the change."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build
from wa_templates.channel.remote import ListItem
from wa_templates.files.load import Source, load_paths
from wa_templates.plan.model import Plan
from wa_templates.plan.saved import PlanFormatError, parse_plan

REPO = Path(__file__).resolve().parents[2]

RAW = """\
name: summer_offer
category: MARKETING
allow_category_change: true
languages:
  en_US:
    components:
      - type: HEADER
        format: IMAGE
        examples: [media/summer.png]
      - type: LIMITED_TIME_OFFER
        limited_time_offer: {text: "Expiring offer!", has_expiration: true}
      - type: BODY
        text: "Good news, {{1}}! Use code {{2}} today."
        examples: [Ana, X1]
      - type: BUTTONS
        buttons:
          - {type: COPY_CODE, examples: [CARIBE25]}
          - {type: URL, text: Book, url: "https://x.example/{{1}}", examples: [a]}
"""


def _shipped() -> list[Source]:
    loaded = load_paths([REPO / "templates"], REPO)
    assert loaded.sources and not [d for d in loaded.diagnostics if d.severity == "error"]
    return [*loaded.sources, source(RAW, "templates/marketing/summer_offer.yaml")]


def _round_trip(plan: Plan) -> Plan:
    return parse_plan(json.dumps(plan.document()))


def _changed_on_channel(sources: list[Source]) -> list[ListItem]:
    """Each template listed PENDING (so never approved: plan recreates it) with other body text
    or, where it has none to change, another category."""
    items = []
    for src in sources:
        for item in listed(src, status="PENDING"):
            bodies = [c for c in item["components"] if c.get("type") == "BODY" and "text" in c]
            if bodies and src.template.category != "AUTHENTICATION":
                bodies[0]["text"] += " Older words."
            else:
                item["category"] = "UTILITY" if item["category"] != "UTILITY" else "MARKETING"
            items.append(item)
    return items


def test_a_genuine_plan_of_creates_of_every_shape_is_read_back_as_written() -> None:
    sources = _shipped()
    plan = build(sources, [], made_for())
    creates = {c.name for c in plan.pending if c.action.value == "create"}
    assert {"spring_sale", "product_carousel", "login_code", "summer_offer"} <= creates
    assert _round_trip(plan).document() == plan.document()
    recorded = {c.name: c.change.sent_only for c in plan.changes}
    assert recorded["spring_sale"] == {
        "message_send_ttl_seconds": 86400,
        "header.examples": ["https://chatapps.8x8.com/files/samples/spring-sale-banner.jpg"],
    }
    assert recorded["summer_offer"] == {
        "allow_category_change": True,
        "header.examples": ["media/summer.png"],
    }
    assert "carousel[2].header.examples" in recorded["product_carousel"]


def test_a_genuine_plan_of_recreates_of_every_shape_is_read_back_as_written() -> None:
    sources = _shipped()
    plan = build(sources, _changed_on_channel(sources), made_for())
    recreated = {c.name for c in plan.pending if c.action.value == "recreate"}
    assert recreated == {s.template.name for s in sources}
    assert all(c.change.fields for c in plan.pending)
    assert _round_trip(plan).document() == plan.document()


def _refusal(plan: Plan, edit: Any) -> str:
    data = copy.deepcopy(plan.document())
    [change] = [c for c in data["resource_changes"] if c["action"] in ("create", "recreate")]
    edit(change)
    with pytest.raises(PlanFormatError) as caught:
        parse_plan(json.dumps(data))
    return str(caught.value)


def _body(change: dict[str, Any]) -> dict[str, Any]:
    [body] = [c for c in change["payload"]["components"] if c["type"] == "BODY"]
    return body


def test_a_recreate_whose_diff_is_not_plans_is_refused() -> None:
    old = source(simple("fix", body="Hello {{1}}, old words."))
    plan = build([source(simple("fix"))], listed(old, status="PENDING"), made_for())

    def hidden(change: dict[str, Any]) -> None:
        _body(change)["text"] = change["change"]["after"]["body"]["text"] = "Evil {{1}}"

    assert _refusal(plan, hidden) == (
        "resource_changes[0].change.fields are not the diff of change.before and change.after "
        "(template.fix[en_US])"
    )


def test_a_plain_create_cannot_show_a_diff_in_place_of_its_content() -> None:
    plan = build([source(simple("fresh"))], [], made_for())

    def cover(change: dict[str, Any]) -> None:
        change["change"]["fields"] = [{"path": "footer.text", "before": None, "after": "Hi"}]

    assert _refusal(plan, cover) == (
        "resource_changes[0].change.fields must be empty for a create of a name not on the "
        "channel (template.fresh[en_US])"
    )


def test_a_2_1_plan_without_sent_only_is_still_read_and_its_payload_still_checked() -> None:
    plan = build([source(simple("fresh", message_send_ttl_seconds=600))], [], made_for())
    data = copy.deepcopy(plan.document())
    data["format_version"] = "2.1"
    del data["resource_changes"][0]["change"]["sent_only"]
    read = parse_plan(json.dumps(data))
    assert read.changes[0].payload == plan.changes[0].payload
    _body(data["resource_changes"][0])["text"] = "Evil {{1}}"
    with pytest.raises(PlanFormatError, match=r"body\.text is \"Evil \{\{1\}\}\" in the payload"):
        parse_plan(json.dumps(data))
