"""What a history adds to the meaning of a status (`statuses`), and its own words (`signals`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wa_templates.channel.known import Known, PhoneState
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.channel.signals import pauses_note, phone_state_finding
from wa_templates.channel.statuses import (
    may_have_been_approved,
    status_findings,
    why_live,
    with_known,
)

CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SEEN_APPROVED = Known(approved_at=CREATED + timedelta(minutes=30), status="REJECTED")


def template(status: str, after: timedelta = timedelta(hours=1), **details: str) -> ChannelTemplate:
    return ChannelTemplate(
        "ship", "en_US", "UTILITY", status, None, None, CREATED, CREATED + after, **details
    )


@pytest.mark.parametrize(
    ("status", "after", "known", "expected"),
    [
        ("REJECTED", timedelta(hours=1), None, False),  # in review time: taken as never
        ("REJECTED", timedelta(hours=1), SEEN_APPROVED, True),  # the history knows better
        ("REJECTED", timedelta(hours=1), Known(status="REJECTED"), False),
        ("REJECTED", timedelta(days=5), None, True),  # after the review window: may have been
        # A history that never saw it approved may have started late: the rule still stands.
        ("REJECTED", timedelta(days=5), Known(status="REJECTED"), True),
        ("PENDING", timedelta(0), None, False),
        ("PENDING", timedelta(0), Known(approved_at=CREATED, status="PENDING"), True),
        ("APPROVED", timedelta(0), None, True),
    ],
)
def test_may_have_been_approved(
    status: str, after: timedelta, known: Known | None, expected: bool
) -> None:
    assert may_have_been_approved(template(status, after), known) is expected


def test_why_live_names_what_it_rests_on() -> None:
    assert why_live(template("PAUSED")) == "en_US PAUSED"
    assert why_live(template("REJECTED", timedelta(days=5))) == (
        "en_US REJECTED after its review window"
    )
    assert why_live(template("REJECTED"), SEEN_APPROVED) == (
        "en_US REJECTED, approved 2026-03-01 (history)"
    )


def test_the_history_fills_in_what_8x8s_list_leaves_out_for_the_same_status_only() -> None:
    paused = template("PAUSED")
    known = Known(status="PAUSED", pause_title="FIRST_PAUSE", reason="NONE")
    filled = with_known(paused, known)
    assert (filled.pause_title, filled.reason, filled.status) == ("FIRST_PAUSE", "NONE", "PAUSED")
    assert with_known(paused, Known(status="APPROVED", pause_title="UNPAUSE")) is paused
    assert with_known(paused, None) is paused
    listed = template("PAUSED", pause_title="SECOND_PAUSE")
    assert with_known(listed, known).pause_title == "SECOND_PAUSE"  # the channel's own word wins
    [finding] = status_findings(paused, "UTILITY", None, known)
    assert finding.message == "paused by Meta (FIRST_PAUSE): not sendable"


def test_pauses_note() -> None:
    assert [pauses_note(n) for n in range(5)] == [
        None,
        "1st pause: a 3rd disables it",
        "2nd pause: a 3rd disables it",
        "3rd pause: Meta disables it",
        "4th pause: Meta disables it",
    ]


def test_the_phone_number_as_last_heard() -> None:
    at = CREATED
    flagged = phone_state_finding(PhoneState("15550783881", "FLAGGED", at, "TIER_2K", True))
    assert (flagged.kind, flagged.severity) == ("phone_flagged", "warning")
    assert (
        flagged.message
        == "phone number 15550783881 flagged for low quality; messaging limit TIER_2K"
    )
    fine = phone_state_finding(PhoneState(None, "UPGRADE", at, "TIER_10K", False))
    assert (fine.severity, fine.message) == (
        "info",
        "the phone number: messaging limit TIER_10K; not flagged",
    )
    unknown = phone_state_finding(PhoneState(None, "ONBOARDING", at, None, None))
    assert unknown.message == (
        "the phone number: messaging limit not reported; quality not reported"
    )
