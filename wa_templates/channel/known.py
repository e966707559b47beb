"""What a history knows of a template that the channel's list does not say.

8x8's list is a snapshot: a status and a category, no reason, pause title, disable date or
quality score, and nothing of what came before. A history store (`history.queries`) remembers
8x8's webhook events and every listing a run saw; it answers plan, apply and drift through the
small `Memory` protocol here, one name and language at a time. They take a `Memory` as an input
(None when no store is configured), so the lifecycle rules (`statuses`, `plan.lifecycle`) stay
written once, and the channel package knows nothing of databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CategoryChange:
    at: datetime
    previous: str | None
    new: str
    source: str
    """'webhook' (Meta's template_category_update) or 'list' (two listings disagreed)."""


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


@dataclass(frozen=True, slots=True)
class Known:
    """What the history holds of one name + language."""

    approved_at: datetime | None = None
    """When it was first seen live (APPROVED, PAUSED, FLAGGED, DISABLED) since it was last seen
    gone from the channel; None: never, as far as the history goes."""
    status: str | None = None
    """The newest status heard (a webhook's or a listing's); None when it was last seen gone."""
    status_at: datetime | None = None
    reason: str | None = None
    """The rejection reason, pause title and disable date heard for that same status."""
    pause_title: str | None = None
    disable_date: str | None = None
    quality: str | None = None
    """The newest quality score (GREEN, YELLOW, RED, UNKNOWN), and the one before it."""
    previous_quality: str | None = None
    quality_at: datetime | None = None
    category_changes: tuple[CategoryChange, ...] = ()
    """Oldest first."""
    pauses: int = 0
    """Quality pauses so far (Meta's pacing pause of new marketing templates is none)."""
    last_heard: datetime | None = None
    """The last event about it, or the last run whose listing still had it."""


class Memory(Protocol):
    """A history store's answers for one channel."""

    @property
    def description(self) -> str:
        """The store as output names it (never with a password)."""
        ...

    def recall(self, name: str, language: str) -> Known | None:
        """What is known of this template; None when the history holds nothing of it."""
        ...

    def phone(self) -> PhoneState | None:
        """The channel's phone number as last reported; None when nothing was heard."""
        ...
