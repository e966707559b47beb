"""8x8's CABM event shapes as JSON Schema, written from its docs (shared/reference/8x8-docs:
whatsapp-template-change-webhook.md, whatsapp-phone-number-quality-change-webhook.md,
whatsapp-account-update-webhook.md), so delivery tests check every event the sandbox sends
against what 8x8 documents rather than against the sandbox's own code."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
QUALITY = {"enum": ["GREEN", "YELLOW", "RED", "UNKNOWN"]}
CATEGORY = {"enum": ["AUTHENTICATION", "MARKETING", "UTILITY"]}
TIERS = {
    "enum": [
        "TIER_50",
        "TIER_250",
        "TIER_2K",
        "TIER_10K",
        "TIER_100K",
        "TIER_NOT_SET",
        "TIER_UNLIMITED",
    ]
}


def _closed(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _template(event_type: str, meta: dict[str, Any]) -> dict[str, Any]:
    details = _closed(
        {
            "templateId": {"type": "integer"},
            "templateName": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "templateLanguage": {"type": "string"},
            "meta": meta,
        },
        ["templateId", "templateName", "templateLanguage", "meta"],
    )
    return {"properties": {"eventType": {"const": event_type}, "eventDetails": details}}


STATUS_META = _closed(
    {
        # PENDING, DISABLED and IN_APPEAL beside the template doc's list: 8x8's webhooks
        # reference lists PENDING and DISABLED, Meta's webhook IN_APPEAL.
        "status": {
            "enum": [
                "APPROVED",
                "REJECTED",
                "FLAGGED",
                "PAUSED",
                "PENDING_DELETION",
                "PENDING",
                "DISABLED",
                "IN_APPEAL",
            ]
        },
        "reason": {"type": "string", "minLength": 1},
        "disableInfo": _closed({"disableDate": {"type": "string"}}, ["disableDate"]),
        "otherInfo": _closed(
            {
                "title": {
                    "enum": [
                        "FIRST_PAUSE",
                        "SECOND_PAUSE",
                        "RATE_LIMITING_PAUSE",
                        "UNPAUSE",
                        "DISABLED",
                    ]
                },
                "description": {"type": "string"},
            },
            ["title", "description"],
        ),
    },
    ["status"],
)

PHONE = {
    "properties": {
        "eventType": {"const": "phone_number_quality_update"},
        "eventDetails": _closed(
            {
                "displayPhoneNumber": {"type": "string", "pattern": r"^\d+$"},
                "meta": _closed(
                    {
                        "event": {
                            "enum": [
                                "DOWNGRADE",
                                "FLAGGED",
                                "ONBOARDING",
                                "THROUGHPUT_UPGRADE",
                                "UNFLAGGED",
                                "UPGRADE",
                            ]
                        },
                        "currentLimit": TIERS,
                        "oldLimit": TIERS,
                        "maxDailyConversationsPerBusiness": TIERS,
                    },
                    ["event"],
                ),
            },
            ["displayPhoneNumber", "meta"],
        ),
    }
}

ACCOUNT = {
    "properties": {
        "eventType": {"const": "account_update"},
        "eventDetails": _closed(
            {
                "event": {"type": "string"},
                "phoneNumber": {"type": "string"},
                "businessVerificationInfo": _closed(
                    {
                        "businessId": {"type": "string"},
                        "verificationStatus": {"type": "string"},
                        "rejectionReasons": {"type": "array", "items": {"type": "string"}},
                    },
                    ["businessId", "verificationStatus"],
                ),
                "violationInfo": _closed(
                    {"violationType": {"type": "string"}, "remediation": {"type": "string"}},
                    ["violationType"],
                ),
                "restrictionInfo": {
                    "type": "array",
                    "items": _closed(
                        {
                            "restrictionType": {"type": "string"},
                            "expiration": {"type": "string", "pattern": TIMESTAMP},
                            "remediation": {"type": "string"},
                        },
                        ["restrictionType"],
                    ),
                },
            },
            ["event"],
        ),
    }
}

EVENT = {
    **_closed(
        {
            "eventId": {"type": "string", "pattern": UUID},
            "timestamp": {"type": "string", "pattern": TIMESTAMP},
            "provider": {"const": "WhatsApp"},
            "businessAccountId": {"type": "string", "pattern": r"^\d+$"},
            "accountId": {"type": "string"},
            "eventType": {"type": "string"},
            "eventDetails": {"type": "object"},
        },
        [
            "eventId",
            "timestamp",
            "provider",
            "businessAccountId",
            "accountId",
            "eventType",
            "eventDetails",
        ],
    ),
    "oneOf": [
        _template("template_status_update", STATUS_META),
        _template(
            "template_category_update",
            _closed(
                {"previousCategory": CATEGORY, "newCategory": CATEGORY},
                ["previousCategory", "newCategory"],
            ),
        ),
        _template(
            "template_quality_update",
            _closed(
                {"previousQualityScore": QUALITY, "newQualityScore": QUALITY},
                ["previousQualityScore", "newQualityScore"],
            ),
        ),
        _template(
            "template_correct_category_detection",
            _closed(
                {"category": CATEGORY, "correctCategory": CATEGORY}, ["category", "correctCategory"]
            ),
        ),
        PHONE,
        ACCOUNT,
    ],
}

_VALIDATOR = Draft202012Validator(EVENT)


def check_event(event: dict[str, Any]) -> None:
    """Fail with every way `event` departs from 8x8's documented shape."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _VALIDATOR.iter_errors(event)]
    assert errors == [], (errors, event)
