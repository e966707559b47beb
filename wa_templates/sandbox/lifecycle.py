"""What Meta does to a template after it is submitted, on the sandbox clock, each change with the
webhook event 8x8 sends for it.

- A review completes at `review_due`: a category change (if Meta moved it) then the verdict.
- Quality RED pauses an APPROVED template, as Meta's template pausing does: the first pause lifts
  after 3 h and the second after 6 h, each with an APPROVED event titled UNPAUSE; the third
  disables the template (DISABLED, otherInfo title DISABLED). A RATE_LIMITING_PAUSE (pacing of a
  new marketing template) counts toward none of this and lifts only when unpaused by hand.
- A FLAGGED template is disabled at its disable date (7 days after it was flagged unless given)
  unless its quality recovers to GREEN or YELLOW first, which makes it APPROVED again: Meta's
  rule that a flagged template whose rating returns to medium or high is active again.
- A name deleted through the API is PENDING_DELETION (one event per language) until the
  configured deletion delay has passed (at once by default), then gone.
- An ARCHIVED template (archived for inactivity, set through the admin API) is deleted by Meta
  28 days later unless it is unarchived first; it was approved, so its name is then locked for
  30 days, as after any deletion. REINSTATED, LOCKED and UNARCHIVED are live statuses of an
  approved template; LIMIT_EXCEEDED is one of a template never created (the account was full).
Every request settles what fell due first; `sandbox serve` also settles in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from wa_templates.sandbox import events
from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.review import CREATION_WINDOW, Outcome, review
from wa_templates.sandbox.state import Channel, SandboxState, Template

APPROVED, REJECTED, PAUSED, DISABLED = "APPROVED", "REJECTED", "PAUSED", "DISABLED"
FLAGGED, PENDING, PENDING_DELETION = "FLAGGED", "PENDING", "PENDING_DELETION"
ARCHIVED = "ARCHIVED"
APPROVED_ONCE = frozenset({APPROVED, "REINSTATED", "LOCKED", ARCHIVED, "UNARCHIVED"})
"""Statuses only an approved template reaches."""
ARCHIVE_DELETION = timedelta(days=28)
DELETION_LOCK = timedelta(days=30)
QUALITY_SCORES = ("GREEN", "YELLOW", "RED", "UNKNOWN")
RECOVERED = frozenset({"GREEN", "YELLOW"})
PAUSE_LENGTHS = {"FIRST_PAUSE": timedelta(hours=3), "SECOND_PAUSE": timedelta(hours=6)}
PAUSE_TITLES = (*PAUSE_LENGTHS, "RATE_LIMITING_PAUSE")
DISABLING_PAUSE = 3
FLAGGED_GRACE = timedelta(days=7)
_REASONED = frozenset({APPROVED, REJECTED, PAUSED})
"""Statuses whose event carries `reason` (NONE when there is none), as in 8x8's samples."""


def change_status(
    state: SandboxState,
    channel: Channel,
    template: Template,
    status: str,
    at: datetime,
    *,
    reason: str | None = None,
    title: str | None = None,
    disable_at: datetime | None = None,
) -> None:
    """Set a status as Meta would, and emit its template_status_update."""
    if status == APPROVED and template.status == PAUSED and title is None:
        title = "UNPAUSE"
    template.status = status
    template.reason = reason
    template.pause_title = title if status in (PAUSED, DISABLED) else None
    template.review_due = template.resume_at = template.delete_at = None
    template.disable_at = disable_at if status == FLAGGED else None
    template.updated_at = at
    if status in APPROVED_ONCE:
        template.ever_approved = True
    meta: dict[str, object] = {"status": status}
    if reason or status in _REASONED:
        meta["reason"] = reason or "NONE"
    if title:
        meta["otherInfo"] = events.other_info(title)
    if template.disable_at is not None:
        meta["disableInfo"] = {"disableDate": timestamp(template.disable_at)}
    events.template_event(state, channel, template, events.STATUS_UPDATE, meta, at)


def pause(
    state: SandboxState,
    channel: Channel,
    template: Template,
    at: datetime,
    title: str | None = None,
) -> None:
    """A quality pause, numbered by the pauses before it (the third disables), or the one named."""
    if title is None:
        number = template.pauses + 1
        if number >= DISABLING_PAUSE:
            change_status(state, channel, template, DISABLED, at, title=DISABLED)
            template.pauses = DISABLING_PAUSE
            return
        title = "FIRST_PAUSE" if number == 1 else "SECOND_PAUSE"
    change_status(state, channel, template, PAUSED, at, title=title)
    if title in PAUSE_LENGTHS:
        template.pauses = 1 if title == "FIRST_PAUSE" else 2
        template.resume_at = at + PAUSE_LENGTHS[title]


def flag(
    state: SandboxState,
    channel: Channel,
    template: Template,
    at: datetime,
    disable_at: datetime | None = None,
) -> None:
    change_status(
        state, channel, template, FLAGGED, at, disable_at=disable_at or at + FLAGGED_GRACE
    )


def set_quality(
    state: SandboxState,
    channel: Channel,
    template: Template,
    quality: str,
    at: datetime,
    *,
    consequences: bool = True,
) -> None:
    """A new quality score, with Meta's reaction unless `consequences` is off (a status given
    in the same admin change decides instead)."""
    before = template.quality
    if quality == before:
        return
    template.quality = quality
    meta = {"previousQualityScore": before, "newQualityScore": quality}
    events.template_event(state, channel, template, events.QUALITY_UPDATE, meta, at)
    if not consequences:
        return
    if quality == "RED" and template.status == APPROVED:
        pause(state, channel, template, at)
    elif quality in RECOVERED and template.status == FLAGGED:
        change_status(state, channel, template, APPROVED, at)


def recategorise(
    state: SandboxState, channel: Channel, template: Template, category: str, at: datetime
) -> None:
    before = template.category
    if category == before:
        return
    template.category = category
    template.updated_at = at
    meta = {"previousCategory": before, "newCategory": category}
    events.template_event(state, channel, template, events.CATEGORY_UPDATE, meta, at)


def detect_category(
    state: SandboxState, channel: Channel, template: Template, correct: str, at: datetime
) -> None:
    """Meta's advisory that messages belong in another category; the template stays as it is."""
    meta = {"category": template.category, "correctCategory": correct}
    events.template_event(state, channel, template, events.CATEGORY_DETECTION, meta, at)


def finish_review(
    state: SandboxState, channel: Channel, template: Template, outcome: Outcome, at: datetime
) -> None:
    recategorise(state, channel, template, outcome.category, at)
    change_status(state, channel, template, outcome.status, at, reason=outcome.reason)


def delete_name(state: SandboxState, channel: Channel, name: str, now: datetime) -> None:
    """Every language of the name to PENDING_DELETION, gone after the deletion delay."""
    delay = timedelta(minutes=state.config.deletion_delay_minutes)
    for template in channel.templates:
        if template.name == name and template.status != PENDING_DELETION:
            change_status(state, channel, template, PENDING_DELETION, now)
            template.delete_at = now + delay
    if delay <= timedelta(0):
        _remove_deleted(channel, now)


# --- the sandbox clock -------------------------------------------------------------------------


def due_at(template: Template) -> datetime | None:
    """When Meta next changes this template by itself, if it will."""
    status = template.status
    if status == PENDING:
        return template.review_due
    if status == PAUSED:
        return template.resume_at
    if status == FLAGGED:
        return template.disable_at
    if status == PENDING_DELETION:
        return template.delete_at
    if status == ARCHIVED:
        return template.updated_at + ARCHIVE_DELETION
    return None


def _finish(state: SandboxState, channel: Channel, template: Template, at: datetime) -> None:
    finish_review(state, channel, template, review(template), at)


def _resume(state: SandboxState, channel: Channel, template: Template, at: datetime) -> None:
    change_status(state, channel, template, APPROVED, at)


def _disable(state: SandboxState, channel: Channel, template: Template, at: datetime) -> None:
    change_status(state, channel, template, DISABLED, at)


def _delete_archived(
    state: SandboxState, channel: Channel, template: Template, at: datetime
) -> None:
    change_status(state, channel, template, PENDING_DELETION, at)
    template.delete_at = at
    channel.locks[template.name] = max(channel.locks.get(template.name, at), at + DELETION_LOCK)


_TRANSITIONS: dict[str, Callable[[SandboxState, Channel, Template, datetime], None]] = {
    PENDING: _finish,
    PAUSED: _resume,
    FLAGGED: _disable,
    ARCHIVED: _delete_archived,
}
"""PENDING_DELETION is not here: those are removed once every other transition is done."""


def settle(state: SandboxState, now: datetime) -> None:
    """Bring the state up to the sandbox clock: what Meta does by itself once its time has come
    (at that moment, oldest first), expired locks, the rolling hour of creations."""
    for channel in state.channels.values():
        due = [
            (moment, index, template)
            for index, template in enumerate(channel.templates)
            if (moment := due_at(template)) is not None and moment <= now
        ]
        for moment, _, template in sorted(due, key=lambda entry: entry[:2]):
            transition = _TRANSITIONS.get(template.status)
            if transition is not None:
                transition(state, channel, template, moment)
        _remove_deleted(channel, now)
        expired = [name for name, until in channel.locks.items() if until <= now]
        for name in expired:
            del channel.locks[name]
        recent = [moment for moment in channel.creations if moment > now - CREATION_WINDOW]
        if len(recent) != len(channel.creations):
            channel.creations = recent


def unsettled(state: SandboxState, now: datetime) -> bool:
    """Would `settle(state, now)` change anything? A read that answers False needs no write."""
    for channel in state.channels.values():
        for template in channel.templates:
            moment = due_at(template)
            if moment is not None and moment <= now:
                return True
        if any(until <= now for until in channel.locks.values()):
            return True
        if any(moment <= now - CREATION_WINDOW for moment in channel.creations):
            return True
    return False


def _remove_deleted(channel: Channel, now: datetime) -> None:
    kept = [
        template
        for template in channel.templates
        if not (
            template.status == PENDING_DELETION
            and template.delete_at is not None
            and template.delete_at <= now
        )
    ]
    if len(kept) != len(channel.templates):
        channel.templates = kept
