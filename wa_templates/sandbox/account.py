"""Meta's changes to a channel's phone number and to the WhatsApp Business Account, as the admin
API makes them, with the events 8x8 sends for them.

phone_number_quality_update (8x8's docs, whatsapp-phone-number-quality-change-webhook.md):
- a higher messaging limit is UPGRADE (THROUGHPUT_UPGRADE into TIER_UNLIMITED), a lower one
  DOWNGRADE;
- quality rating RED is FLAGGED, and leaving RED is UNFLAGGED; GREEN <-> YELLOW sends nothing,
  as Meta's webhook has no event for it.
Each carries `maxDailyConversationsPerBusiness`; `currentLimit`/`oldLimit` were removed in
February 2026, as 8x8 announced, so the sandbox does not send them.

account_update (whatsapp-account-update-webhook.md): the admin API posts the `eventDetails`,
checked against the fields 8x8 documents, and the sandbox sends them as they are.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from wa_templates.sandbox import errors as codes
from wa_templates.sandbox import events
from wa_templates.sandbox.errors import ApiError
from wa_templates.sandbox.operations import choice, invalid
from wa_templates.sandbox.records import PhoneNumber, business_account_id
from wa_templates.sandbox.state import Channel, SandboxState

PHONE_QUALITY = ("GREEN", "YELLOW", "RED", "UNKNOWN")
MESSAGING_LIMITS = (
    "TIER_NOT_SET",
    "TIER_50",
    "TIER_250",
    "TIER_2K",
    "TIER_10K",
    "TIER_100K",
    "TIER_UNLIMITED",
)
"""Meta's messaging limit tiers, lowest first."""
_PHONE_KEYS = ("quality_rating", "messaging_limit", "display_phone_number")
_DIGITS = re.compile(r"^[1-9][0-9]{5,14}$")
_EVENT_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


def phone_view(channel: Channel) -> dict[str, Any]:
    phone = channel.phone_number()
    return {
        "business_account_id": business_account_id(channel.account_id),
        "display_phone_number": phone.display_phone_number,
        "quality_rating": phone.quality_rating,
        "messaging_limit": phone.messaging_limit,
    }


def patch_phone(state: SandboxState, channel: Channel, body: Any, now: datetime) -> PhoneNumber:
    if not isinstance(body, dict) or not body or set(body) - set(_PHONE_KEYS):
        raise _bad(f"Invalid request: give any of {', '.join(_PHONE_KEYS)}, and nothing else")
    quality = choice(body, "quality_rating", PHONE_QUALITY)
    limit = choice(body, "messaging_limit", MESSAGING_LIMITS)
    number = body.get("display_phone_number")
    if number is not None and not (isinstance(number, str) and _DIGITS.match(number)):
        raise _bad("Invalid parameter 'display_phone_number': 6 to 15 digits, no '+'")
    phone = channel.phone_number()
    if number is not None:
        phone.display_phone_number = number
    if quality is not None and quality != phone.quality_rating:
        before, phone.quality_rating = phone.quality_rating, quality
        if "RED" in (before, quality):
            flagged = "FLAGGED" if quality == "RED" else "UNFLAGGED"
            _phone_event(state, channel, flagged, now)
    if limit is not None and limit != phone.messaging_limit:
        before, phone.messaging_limit = phone.messaging_limit, limit
        if limit == "TIER_UNLIMITED":
            change = "THROUGHPUT_UPGRADE"
        elif MESSAGING_LIMITS.index(limit) > MESSAGING_LIMITS.index(before):
            change = "UPGRADE"
        else:
            change = "DOWNGRADE"
        _phone_event(state, channel, change, now)
    return phone


def _phone_event(state: SandboxState, channel: Channel, kind: str, now: datetime) -> None:
    meta = {
        "event": kind,
        "maxDailyConversationsPerBusiness": channel.phone_number().messaging_limit,
    }
    events.phone_event(state, channel, meta, now)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Verification(_Strict):
    businessId: str
    verificationStatus: str
    rejectionReasons: list[str] = []


class _Violation(_Strict):
    violationType: str
    remediation: str | None = None


class _Restriction(_Strict):
    restrictionType: str
    expiration: str | None = None
    remediation: str | None = None


class _AccountUpdate(_Strict):
    event: str
    phoneNumber: str | None = None
    businessVerificationInfo: _Verification | None = None
    violationInfo: _Violation | None = None
    restrictionInfo: list[_Restriction] | None = None


def account_update(
    state: SandboxState, account_id: str, body: Any, now: datetime
) -> dict[str, Any] | None:
    """Send `body` as the eventDetails of an account_update; the event, or None if no CABM
    webhook of the account listens."""
    if not isinstance(body, dict):
        raise _bad("Invalid request: the body must be the event's eventDetails object")
    try:
        _AccountUpdate.model_validate(body)
    except ValidationError as exc:
        raise invalid(exc) from None
    if not _EVENT_NAME.match(body["event"]):
        raise _bad(f"Invalid parameter 'event': {body['event']!r} is not an event name")
    return events.emit(state, account_id, events.ACCOUNT_UPDATE, body, now)


def _bad(message: str) -> ApiError:
    return ApiError(400, codes.INVALID_PARAMETER, message)
