"""What the history knows about a template, for `history`, and for plan and drift to ask.

Webhook events and listings are merged into one timeline per template, ordered by when each
thing happened (an event's own timestamp; a listing's time). The questions plan and drift need
answered are methods here, each computed from that timeline:

- `ever_approved`: the first time a language was seen live (APPROVED, PAUSED, FLAGGED, DISABLED);
- `latest_status`: the newest status, with the reason, pause title and disable date that the
  webhooks gave for it (8x8's list carries none of them);
- `quality`, `category_changes`, `pauses` (quality pauses: the third disables), `last_heard`;
- `phone`: the phone number's messaging-limit tier and whether it is flagged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from wa_templates.channel.statuses import LIVE
from wa_templates.history import schema
from wa_templates.history.store import HistoryStore

_STATUS_KINDS = ("status", "listed", "absent")
_DETAILS = ("reason", "pause_title", "pause_description", "disable_date")
NOT_A_QUALITY_PAUSE = "RATE_LIMITING_PAUSE"
"""Meta's pacing pause of new marketing templates: it does not count towards disabling."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a template's timeline."""

    at: datetime
    name: str
    language: str
    source: str
    """'webhook' (an 8x8 event) or 'list' (what a plan, apply or drift saw)."""
    kind: str
    """status, category, quality, category_detection (webhook); listed, absent (list)."""
    command: str | None = None
    event_id: str | None = None
    template_id: str | None = None
    status: str | None = None
    reason: str | None = None
    pause_title: str | None = None
    pause_description: str | None = None
    disable_date: str | None = None
    category: str | None = None
    previous_category: str | None = None
    quality: str | None = None
    previous_quality: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True, slots=True)
class CategoryChange:
    at: datetime
    previous: str | None
    new: str
    source: str


@dataclass(frozen=True, slots=True)
class PhoneState:
    """The channel's phone number as the webhooks last described it."""

    phone_number: str | None
    last_event: str
    at: datetime
    tier: str | None
    """TIER_50 ... TIER_UNLIMITED (maxDailyConversationsPerBusiness, else currentLimit)."""
    flagged: bool | None
    """True after FLAGGED, False after UNFLAGGED, None when neither was heard."""


class History:
    """The read side of a history store, for one target."""

    def __init__(self, store: HistoryStore, target: str) -> None:
        self.store = store
        self.target = target

    def timeline(self, name: str, language: str | None = None) -> list[Entry]:
        """Everything known about a name (one language, or all), oldest first."""
        o = schema.observations
        query = select(o).where(o.c.target == self.target, o.c.name == name)
        if language is not None:
            query = query.where(o.c.language == language)
        with self.store.transaction() as connection:
            rows = connection.execute(query.order_by(o.c.at, o.c.id)).all()
        fields = Entry.__dataclass_fields__
        return [Entry(**{k: v for k, v in row._mapping.items() if k in fields}) for row in rows]

    def ever_approved(self, name: str, language: str | None = None) -> datetime | None:
        """When a language of the name (or this language) was first seen live; None if never."""
        for entry in self.timeline(name, language):
            if entry.status in LIVE:
                return entry.at
        return None

    def latest_status(self, name: str, language: str) -> Entry | None:
        """The newest status (kind 'absent' when the last listing did not have it), with the
        reason, pause title and description, and disable date heard for that same status."""
        statuses = [e for e in self.timeline(name, language) if e.kind in _STATUS_KINDS]
        if not statuses:
            return None
        latest = statuses[-1]
        details = {key: getattr(latest, key) for key in _DETAILS}
        for entry in reversed(statuses[:-1]):
            if entry.status != latest.status or entry.kind == "absent":
                break
            for key in _DETAILS:
                if details[key] is None:
                    details[key] = getattr(entry, key)
        return replace(latest, **details)

    def quality(self, name: str, language: str) -> Entry | None:
        """The newest quality score (GREEN, YELLOW, RED, UNKNOWN) and the one before it."""
        scores = [e for e in self.timeline(name, language) if e.kind == "quality"]
        return scores[-1] if scores else None

    def category_changes(self, name: str, language: str) -> list[CategoryChange]:
        """Category changes, oldest first: Meta's events, and changes between two listings."""
        changes: list[CategoryChange] = []
        listed: str | None = None
        for entry in self.timeline(name, language):
            if entry.kind == "category" and entry.category:
                changes.append(
                    CategoryChange(entry.at, entry.previous_category, entry.category, "webhook")
                )
                listed = entry.category
            elif entry.kind == "listed" and entry.category:
                if listed is not None and entry.category != listed:
                    changes.append(CategoryChange(entry.at, listed, entry.category, "list"))
                listed = entry.category
        return changes

    def pauses(self, name: str, language: str) -> int:
        """Quality pauses so far: each move into PAUSED, except Meta's pacing pause."""
        count = 0
        previous: str | None = None
        for entry in self.timeline(name, language):
            if entry.kind not in _STATUS_KINDS:
                continue
            if (
                entry.status == "PAUSED"
                and previous != "PAUSED"
                and entry.pause_title != NOT_A_QUALITY_PAUSE
            ):
                count += 1
            previous = entry.status
        return count

    def last_heard(self, name: str, language: str) -> datetime | None:
        """The last time anything was heard of it: an event, or a listing that still had it."""
        entries = self.timeline(name, language)
        if not entries:
            return None
        heard = max(e.at for e in entries)
        listings = [e for e in entries if e.source == "list"]
        if listings and listings[-1].kind == "listed":
            r = schema.runs
            with self.store.transaction() as connection:
                last_run: datetime | None = connection.execute(
                    select(func.max(r.c.at)).where(r.c.target == self.target)
                ).scalar()
            if last_run is not None:
                heard = max(heard, last_run)
        return heard

    def phone(self) -> PhoneState | None:
        """The phone number's tier and flag from phone_number_quality_update events."""
        p = schema.phone_numbers
        with self.store.transaction() as connection:
            rows = connection.execute(
                select(p).where(p.c.target == self.target).order_by(p.c.at, p.c.id)
            ).all()
        if not rows:
            return None
        tier: str | None = None
        flagged: bool | None = None
        for row in rows:
            tier = row.max_daily or row.current_limit or tier
            if row.event in ("FLAGGED", "UNFLAGGED"):
                flagged = row.event == "FLAGGED"
        last = rows[-1]
        return PhoneState(last.phone_number, last.event, last.at, tier, flagged)
