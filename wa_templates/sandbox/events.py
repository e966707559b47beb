"""8x8's Business Management (CABM) events, in the shapes its docs give, queued for delivery.

8x8 wraps what Meta reports (template status, category and quality changes, phone-number quality
and messaging-limit changes, account updates) in one envelope: `eventId`, `timestamp`,
`provider`, `businessAccountId` (the WABA), `accountId`, `eventType`, `eventDetails`. An event is
queued once for every enabled CABM webhook of its account (the sandbox does not know which
subaccount a channel belongs to, so a CABM webhook's subAccountId scope filters nothing); with
none registered nothing is built, as 8x8 keeps no event for a webhook added later.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.records import (
    BUSINESS_MANAGEMENT,
    Delivery,
    account_key,
    business_account_id,
)
from wa_templates.sandbox.state import Channel, SandboxState, Template

PROVIDER = "WhatsApp"
STATUS_UPDATE = "template_status_update"
CATEGORY_UPDATE = "template_category_update"
QUALITY_UPDATE = "template_quality_update"
CATEGORY_DETECTION = "template_correct_category_detection"
PHONE_QUALITY_UPDATE = "phone_number_quality_update"
ACCOUNT_UPDATE = "account_update"

OTHER_INFO = {
    "FIRST_PAUSE": "Paused for 3 hours because of low quality (negative feedback from users).",
    "SECOND_PAUSE": "Paused for 6 hours because of low quality for a second time.",
    "RATE_LIMITING_PAUSE": "Paused by Meta's pacing of a new MARKETING template; unpause it in "
    "WhatsApp Manager.",
    "UNPAUSE": "The template was unpaused.",
    "DISABLED": "The template was disabled after repeated pauses.",
}
"""otherInfo titles 8x8 documents, with the description the sandbox gives each."""


def other_info(title: str) -> dict[str, str]:
    return {"title": title, "description": OTHER_INFO.get(title, "The template was paused.")}


def receivers(state: SandboxState, account_id: str) -> list[str]:
    """The subAccountIds of the account's enabled CABM webhooks."""
    return [
        hook.sub_account_id
        for hook in state.webhooks.get(account_key(account_id), [])
        if hook.type == BUSINESS_MANAGEMENT and hook.enabled
    ]


def emit(
    state: SandboxState, account_id: str, event_type: str, details: dict[str, Any], at: datetime
) -> dict[str, Any] | None:
    """Queue one event for the account's CABM webhooks; the event, or None if none listens."""
    targets = receivers(state, account_id)
    if not targets:
        return None
    event = {
        "eventId": str(uuid.uuid4()),
        "timestamp": timestamp(at),
        "provider": PROVIDER,
        "businessAccountId": business_account_id(account_id),
        "accountId": account_id,
        "eventType": event_type,
        "eventDetails": details,
    }
    now = state.now()
    for sub_account_id in targets:
        state.outbox.append(
            Delivery(
                event_id=event["eventId"],
                event=event,
                account_id=account_id,
                sub_account_id=sub_account_id,
                created=now,
                next_attempt=now,
            )
        )
    return event


def template_event(
    state: SandboxState,
    channel: Channel,
    template: Template,
    event_type: str,
    meta: dict[str, Any],
    at: datetime,
) -> None:
    if not receivers(state, channel.account_id):
        return
    if template.template_id is None:
        template.template_id = state.new_template_id()
    details = {
        "templateId": template.template_id,
        "templateName": template.name,
        "templateLanguage": template.language,
        "meta": meta,
    }
    emit(state, channel.account_id, event_type, details, at)


def phone_event(state: SandboxState, channel: Channel, meta: dict[str, Any], at: datetime) -> None:
    details = {"displayPhoneNumber": channel.phone_number().display_phone_number, "meta": meta}
    emit(state, channel.account_id, PHONE_QUALITY_UPDATE, details, at)
