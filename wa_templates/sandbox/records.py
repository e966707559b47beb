"""What the state file keeps beside the templates: registered webhooks, the webhook outbox, and
each channel's phone number.

The outbox is on disk because a sandbox process may not live to retry: the CLI's in-process
sandbox is gone seconds after its command, so whichever sandbox process next opens the state file
(another command, or `sandbox serve`) delivers what is still due.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

WEBHOOK_TYPES = ("CADR", "MSG", "CABM")
BUSINESS_MANAGEMENT = "CABM"
"""The webhook type that carries template, phone-number quality and account update events."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class OAuth(Record):
    """OAuth 2.0 client credentials a webhook authenticates with instead of a static header."""

    url: str
    client_id: str
    client_secret: str
    credentials_location: str
    """`header` (HTTP Basic) or `body` (form fields), as 8x8 names them."""
    scope: str | None = None


class Webhook(Record):
    """One webhook as registered through 8x8's Webhook Configuration API."""

    type: str
    sub_account_id: str
    url: str
    enabled: bool = True
    http_authorization: str | None = None
    oauth: OAuth | None = None


class Delivery(Record):
    """One event still to be delivered to one webhook (account, subAccountId, type CABM)."""

    event_id: str
    event: dict[str, Any]
    account_id: str
    sub_account_id: str
    created: datetime
    next_attempt: datetime
    """Sandbox clock: the first attempt is due at once, retries 1, 10, 30 and 90 s after the
    attempt before them failed."""
    attempts: int = 0
    errors: list[str] = Field(default_factory=list)
    claimed_until: datetime | None = None
    """Wall clock: a process is attempting it until then; another may take it over after."""
    claim: str | None = None


class Finished(Record):
    """A delivery that left the outbox: delivered, given up after its retries, or dropped
    because its webhook was removed or disabled meanwhile."""

    event_id: str
    event_type: str
    sub_account_id: str
    url: str
    outcome: str
    attempts: int
    errors: list[str]
    finished: datetime


class PhoneNumber(Record):
    """The channel's business phone number as Meta rates it."""

    display_phone_number: str
    quality_rating: str = "UNKNOWN"
    messaging_limit: str = "TIER_250"


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as an aware moment (a date is midnight UTC), else None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digits(seed: str, count: int) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return str(number % 10**count).rjust(count, "0")


def account_key(account_id: str) -> str:
    """One spelling of an accountId: 8x8's pattern allows the UUID with or without hyphens."""
    return account_id.replace("-", "").lower()


def business_account_id(account_id: str) -> str:
    """The sandbox account's WhatsApp Business Account id: 15 digits derived from the accountId,
    so every sandbox on the same account agrees without storing it."""
    return "1" + _digits("waba:" + account_key(account_id), 14)


def display_phone_number(account_id: str, channel_id: str) -> str:
    """A channel's phone number before the admin API sets one: +1 555 and 7 derived digits."""
    return "1555" + _digits(f"phone:{account_key(account_id)}/{channel_id}", 7)
