"""What drift adds from a history store: per template, what 8x8's list cannot say.

With a store (`channel.known.Memory`), each managed template gets its history's facts: the
status with the reason and pause title Meta gave (worded by `statuses`, in the findings), the
disable date, the quality score (RED is a finding, YELLOW a note: `signals.quality_finding`),
category changes with their time, how many quality pauses it has had (`signals.pauses_note`),
and when it was last heard of; and the channel its phone number's quality and messaging-limit
tier. Without one, drift says once what it cannot know.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wa_templates.channel.known import Known, PhoneState
from wa_templates.channel.signals import pauses_note, quality_finding
from wa_templates.channel.statuses import StatusFinding

CANNOT_KNOW = (
    "rejection reasons",
    "pause titles",
    "disable dates",
    "quality scores",
    "when a category changed",
    "how many times a template was paused",
    "whether a rejected template was approved first",
    "the phone number's quality and messaging limit",
)
"""What 8x8's list does not carry, so drift without a history store cannot show."""


def cannot_know() -> str:
    """What drift says once per report when there is no history store."""
    return (
        "No history store, so drift cannot show what 8x8's list leaves out: "
        + ", ".join(CANNOT_KNOW)
        + ". To know them, set `history` for the target (or pass --history) and run "
        "`wa-templates webhook serve`."
    )


def when(at: datetime) -> str:
    """A moment as drift shows it: to the minute, in UTC."""
    return at.strftime("%Y-%m-%d %H:%MZ")


def quality_signal(known: Known | None) -> StatusFinding | None:
    """A finding for a worrying quality score: RED (a warning) or YELLOW (a note)."""
    if known is None or known.quality not in ("RED", "YELLOW"):
        return None
    return quality_finding(known.previous_quality, known.quality)


def category_changed_at(known: Known | None, category: str) -> datetime | None:
    """When the template last became `category`, if the history saw it happen."""
    if known is None:
        return None
    changes = [c for c in known.category_changes if c.new == category]
    return changes[-1].at if changes else None


def facts(known: Known | None) -> list[str]:
    """What the history adds of a template, in a few words each, for text and markdown."""
    if known is None:
        return ["nothing recorded yet"]
    said = []
    if known.approved_at is not None:
        said.append(f"approved {when(known.approved_at)}")
    if known.quality is not None:
        was = f", was {known.previous_quality}" if known.previous_quality else ""
        since = f" since {when(known.quality_at)}" if known.quality_at else ""
        said.append(f"quality {known.quality}{since}{was}")
    note = pauses_note(known.pauses)
    if note:
        said.append(note)
    for change in known.category_changes:
        said.append(f"category {change.previous or '?'} -> {change.new} {when(change.at)}")
    if known.last_heard is not None:
        said.append(f"last heard {when(known.last_heard)}")
    return said


def known_json(known: Known | None) -> dict[str, Any] | None:
    """The history's facts of a template in drift's JSON; None when it holds nothing."""
    if known is None:
        return None

    def moment(at: datetime | None) -> str | None:
        return at.isoformat() if at is not None else None

    return {
        "approved_at": moment(known.approved_at),
        "status": known.status,
        "status_at": moment(known.status_at),
        "reason": known.reason,
        "pause_title": known.pause_title,
        "disable_date": known.disable_date,
        "quality": known.quality,
        "previous_quality": known.previous_quality,
        "quality_at": moment(known.quality_at),
        "pauses": known.pauses,
        "pauses_note": pauses_note(known.pauses),
        "category_changes": [
            {"at": c.at.isoformat(), "from": c.previous, "to": c.new, "source": c.source}
            for c in known.category_changes
        ],
        "last_heard": moment(known.last_heard),
    }


def phone_json(phone: PhoneState | None) -> dict[str, Any] | None:
    if phone is None:
        return None
    return {
        "phone_number": phone.phone_number,
        "messaging_limit": phone.tier,
        "flagged": phone.flagged,
        "last_event": phone.last_event,
        "at": phone.at.isoformat(),
    }
