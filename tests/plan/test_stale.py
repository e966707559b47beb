"""plan.stale: a saved plan is refused when anything it touches changed on the channel."""

from __future__ import annotations

from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build, stale_changes
from wa_templates.plan.model import Plan

OLD = source(simple("changing", body="Hello {{1}}, the old words."))
NEW = source(simple("changing", body="Hello {{1}}, the new words."))
FRESH = source(simple("fresh"))
BYSTANDER = source(simple("bystander"))


def saved() -> tuple[Plan, list[dict[str, object]]]:
    items = listed(OLD, status="REJECTED") + listed(BYSTANDER)
    return build([NEW, FRESH, BYSTANDER], items, made_for("t")), items


def test_unchanged_channel_is_not_stale() -> None:
    plan, items = saved()
    assert stale_changes(plan, list(reversed(items))) == []


def test_status_change_of_a_touched_template_is_stale() -> None:
    plan, items = saved()
    now = listed(OLD, status="APPROVED") + listed(BYSTANDER)
    assert stale_changes(plan, now) == ["changing[en_US]: changed on the channel (now APPROVED)"]
    assert items != now


def test_content_edit_of_a_touched_template_is_stale() -> None:
    plan, _ = saved()
    edited = listed(
        source(simple("changing", body="Hello {{1}}, edited by hand.")), status="REJECTED"
    )
    assert stale_changes(plan, edited + listed(BYSTANDER)) == [
        "changing[en_US]: changed on the channel (now REJECTED)"
    ]


def test_appeared_and_disappeared() -> None:
    plan, _ = saved()
    now = listed(FRESH, status="PENDING") + listed(BYSTANDER)
    assert stale_changes(plan, now) == [
        "changing[en_US]: no longer on the channel",
        "fresh[en_US]: appeared on the channel (PENDING)",
    ]


def test_changes_to_names_the_plan_does_not_touch_do_not_matter() -> None:
    plan, _ = saved()
    now = listed(OLD, status="REJECTED") + listed(BYSTANDER, status="PAUSED")
    now += listed(source(simple("newcomer")))
    assert stale_changes(plan, now) == []
