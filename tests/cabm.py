"""8x8's CABM events as its documentation shows them, for tests (fresh eventIds each call)."""

from __future__ import annotations

import json
import uuid
from typing import Any

ACCOUNT = "8a0e7f4c-2b6d-4c1e-9f3a-5d7b1e2c4a60"
WABA = "950523421983857"


def envelope(event_type: str, details: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    event = {
        "eventId": str(uuid.uuid4()),
        "timestamp": "2025-01-01T00:00:00.00Z",
        "provider": "WhatsApp",
        "businessAccountId": WABA,
        "accountId": ACCOUNT,
        "eventType": event_type,
        "eventDetails": details,
    }
    event.update(overrides)
    return event


def template_event(
    event_type: str,
    meta: dict[str, Any],
    name: str = "order_update",
    language: str = "en_US",
    **overrides: Any,
) -> dict[str, Any]:
    details = {
        "templateId": 1234567890123456,
        "templateName": name,
        "templateLanguage": language,
        "meta": meta,
    }
    return envelope(event_type, details, **overrides)


def status(status: str, **kwargs: Any) -> dict[str, Any]:
    """template_status_update; keyword `meta` extras (reason, otherInfo, disableInfo) and
    envelope overrides (timestamp, name, language)."""
    meta: dict[str, Any] = {"status": status}
    for key in ("reason", "otherInfo", "disableInfo"):
        if key in kwargs:
            meta[key] = kwargs.pop(key)
    return template_event("template_status_update", meta, **kwargs)


def paused(title: str = "FIRST_PAUSE", **kwargs: Any) -> dict[str, Any]:
    info = {"title": title, "description": "Pause description"}
    return status("PAUSED", reason="NONE", otherInfo=info, **kwargs)


def category(previous: str, new: str, **kwargs: Any) -> dict[str, Any]:
    meta = {"previousCategory": previous, "newCategory": new}
    return template_event("template_category_update", meta, **kwargs)


def quality(previous: str, new: str, **kwargs: Any) -> dict[str, Any]:
    meta = {"previousQualityScore": previous, "newQualityScore": new}
    return template_event("template_quality_update", meta, **kwargs)


def phone(event: str, **meta: Any) -> dict[str, Any]:
    details = {"displayPhoneNumber": "15550783881", "meta": {"event": event, **meta}}
    return envelope("phone_number_quality_update", details)


def account_update() -> dict[str, Any]:
    details = {
        "event": "ACCOUNT_VIOLATION",
        "phoneNumber": "16505552771",
        "violationInfo": {"violationType": "USER_INITIATED_CALLS_LOW_PICKUP_RATE"},
    }
    return envelope("account_update", details)


def target_table(name: str = "prod", **keys: str) -> str:
    """A `[targets.NAME]` table for this account (TOML), with `keys` added or replaced."""
    settings = {
        "account_id": ACCOUNT,
        "channel_id": "c",
        "region": "eu",
        "api_key_env": "WA_TEST_UNUSED_KEY",
        **keys,
    }
    lines = "".join(f'{key} = "{value}"\n' for key, value in settings.items())
    return f"[targets.{name}]\n{lines}"


def body(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()
