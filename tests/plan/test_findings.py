"""Status findings: what Meta did to a template, reported with a next step, never a change."""

from __future__ import annotations

from typing import Any

import pytest

from wa_templates.channel.remote import ChannelTemplate, parse
from wa_templates.channel.statuses import (
    LIVE,
    SENDABLE,
    StatusFinding,
    may_have_been_approved,
    status_findings,
)


def listed(item: dict[str, Any], status: str, category: str = "UTILITY") -> ChannelTemplate:
    """`item`'s extras on a template as the provider parses it from the list."""
    return parse(
        {"templateName": "t", "language": "en_US", "status": status, "category": category, **item}
    )


def findings(
    item: dict[str, Any],
    status: str,
    category: str = "UTILITY",
    local: str | None = None,
    source: str | None = None,
) -> list[StatusFinding]:
    return status_findings(listed(item, status, category), local, source)


def kinds(
    item: dict[str, Any], status: str, category: str = "UTILITY", local: str | None = None
) -> list[tuple[str, str]]:
    return [(f.kind, f.severity) for f in findings(item, status, category, local, "t.yaml")]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("APPROVED", []),
        ("PENDING", [("pending_review", "info")]),
        ("REJECTED", [("rejected", "error")]),
        ("PAUSED", [("paused", "warning")]),
        ("DISABLED", [("disabled", "error")]),
        ("FLAGGED", [("flagged", "warning")]),
        ("IN_APPEAL", [("in_appeal", "info")]),
        ("PENDING_DELETION", [("pending_deletion", "warning")]),
        ("REINSTATED", [("reinstated", "info")]),
        ("UNARCHIVED", [("unarchived", "info")]),
        ("LOCKED", [("locked", "info")]),
        ("ARCHIVED", [("archived", "error")]),
        ("LIMIT_EXCEEDED", [("limit_exceeded", "error")]),
        ("LIMBO", [("unknown_status", "warning")]),
        ("", [("unknown_status", "warning")]),
    ],
)
def test_each_status_has_its_finding(status: str, expected: list[tuple[str, str]]) -> None:
    assert kinds({}, status) == expected


def test_rejection_reason_and_its_own_next_step() -> None:
    [f] = findings({"reason": "INCORRECT_CATEGORY"}, "REJECTED", "UTILITY", "UTILITY")
    assert "INCORRECT_CATEGORY" in f.message and "category" in f.next_step
    assert f.health == "Degraded"
    [unknown] = findings({}, "REJECTED")
    assert "reason not reported" in unknown.message


def test_pause_title_picks_the_step() -> None:
    item = {"otherInfo": {"title": "SECOND_PAUSE", "description": "..."}}
    [f] = findings(item, "PAUSED")
    assert "SECOND_PAUSE" in f.message and "6 h" in f.next_step
    [pacing] = findings({}, "PAUSED", "MARKETING")
    assert "pacing" in pacing.next_step


def test_flagged_names_the_disable_date() -> None:
    item = {"disableInfo": {"disableDate": "2024-06-01"}}
    [f] = findings(item, "FLAGGED")
    assert "2024-06-01" in f.message


def test_category_changed_by_meta_on_a_live_template_is_a_finding() -> None:
    assert kinds({}, "APPROVED", "MARKETING", "UTILITY") == [("category_changed", "warning")]
    [f] = findings({}, "APPROVED", "MARKETING", "UTILITY", "templates/t.yaml")
    assert "category: MARKETING" in f.next_step and "templates/t.yaml" in f.next_step
    # Not live: the difference is the file's to fix (plan recreates), not Meta's doing.
    assert kinds({}, "REJECTED", "MARKETING", "UTILITY") == [("rejected", "error")]
    # Unmanaged: nothing to compare with.
    assert kinds({}, "APPROVED", "MARKETING", None) == []


def test_extras_of_the_wrong_shape_are_left_out() -> None:
    junk = listed({"otherInfo": "x", "disableInfo": 3}, "PAUSED")
    assert (junk.reason, junk.pause_title, junk.disable_date) == (None, None, None)
    assert listed({"rejectedReason": "SCAM"}, "REJECTED").reason == "SCAM"


# --- Meta's message_template_status_update statuses ----------------------------------------------


def test_reinstated_and_unarchived_are_sendable_again() -> None:
    for status in ("REINSTATED", "UNARCHIVED"):
        [f] = findings({}, status)
        assert f.health == "Healthy" and "sendable" in f.message
        assert "not sendable" not in f.message
        assert status in SENDABLE and status in LIVE


def test_locked_cannot_be_edited_and_is_not_called_unsendable() -> None:
    [f] = findings({}, "LOCKED")
    assert f.message == ("locked by Meta: it cannot be edited (Meta does not say it stops sending)")
    assert f.health == "Healthy" and "LOCKED" in SENDABLE


def test_archived_warns_loudly_that_the_name_will_vanish() -> None:
    [f] = findings({"updatedAt": "2025-03-01T09:00:00Z"}, "ARCHIVED")
    assert f.severity == "error" and f.health == "Degraded"
    assert "deletes it on 2025-03-29 (28 days after archiving it)" in f.message
    assert "unless it is unarchived" in f.message and "vanishes" in f.message
    assert "unarchive it in WhatsApp Manager" in f.next_step
    [undated] = findings({}, "ARCHIVED")
    assert "deletes it 28 days after archiving it" in undated.message
    # Archived for inactivity means it was approved once: deleting it would lock the name.
    assert may_have_been_approved(listed({}, "ARCHIVED"))


def test_limit_exceeded_says_the_account_is_full_and_never_blocks_a_recreate() -> None:
    [f] = findings({}, "LIMIT_EXCEEDED")
    assert f.message.startswith("not created: the account is at its template limit")
    assert "250" in f.message and "6,000" in f.message
    assert "not sendable" not in f.message
    # Never created, so never approved: the name may be deleted and created again.
    template = listed(
        {"createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-06-01T00:00:00Z"},
        "LIMIT_EXCEEDED",
    )
    assert not may_have_been_approved(template)
