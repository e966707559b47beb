"""Simulated Meta review: the validator's verdict, and Meta's category checks, decide the outcome.

Meta's reviewers are not deterministic; the sandbox is, so tests can rely on it:
- any validator error -> REJECTED, reason INVALID_FORMAT;
- one-time-code wording outside AUTHENTICATION -> REJECTED, reason INCORRECT_CATEGORY;
- promotional wording in UTILITY -> moved to MARKETING and approved when allow_category_change is
  true (8x8's default), otherwise REJECTED, reason INCORRECT_CATEGORY;
- anything else -> APPROVED.
A review completes once the sandbox clock reaches the template's `review_due` (lifecycle.settle,
which every request runs first, so advancing the clock completes reviews).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wa_templates.channel.payload import Payload, PayloadError, from_payload
from wa_templates.files.diagnostics import Severity
from wa_templates.rules.category_utility import otp_wording, promotional_words, texts
from wa_templates.rules.check import check_template
from wa_templates.sandbox.state import Template

CREATION_WINDOW = timedelta(hours=1)
# A media sample uploaded to a sandbox served over plain http on this machine: on 8x8 the same
# upload would be an https URL, so the review judges it as one (WA703 wants https).
_SANDBOX_UPLOAD = re.compile(r"^http://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?/files/")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    category: str
    reason: str | None = None


def review(template: Template) -> Outcome:
    """What Meta's review makes of one name + language."""
    payload: Payload = {
        "name": template.name,
        "language": template.language,
        "category": template.category,
        "components": [_as_hosted(component) for component in template.components],
    }
    if template.allow_category_change is not None:
        payload["allow_category_change"] = template.allow_category_change
    if template.message_send_ttl_seconds is not None:
        payload["message_send_ttl_seconds"] = template.message_send_ttl_seconds
    try:
        model = from_payload(payload)
    except PayloadError:
        # The create route refuses what cannot be converted; components edited through the
        # admin API are checked the same way, so this is only reached by a hand-edited state file.
        return Outcome("REJECTED", template.category, "INVALID_FORMAT")
    if any(d.severity is Severity.ERROR for d in check_template(model, template.name)):
        return Outcome("REJECTED", template.category, "INVALID_FORMAT")
    lang = model.languages[template.language]
    words = [text for _, text in texts(lang)]
    if template.category != "AUTHENTICATION" and any(otp_wording(text) for text in words):
        return Outcome("REJECTED", template.category, "INCORRECT_CATEGORY")
    if template.category == "UTILITY" and any(promotional_words(text) for text in words):
        if template.allow_category_change is False:
            return Outcome("REJECTED", template.category, "INCORRECT_CATEGORY")
        return Outcome("APPROVED", "MARKETING")
    return Outcome("APPROVED", template.category)


def _as_hosted(component: dict[str, Any]) -> dict[str, Any]:
    kind = str(component.get("type", "")).upper()
    if kind == "HEADER" and isinstance(component.get("examples"), list):
        samples = [
            "https://" + value[len("http://") :]
            if isinstance(value, str) and _SANDBOX_UPLOAD.match(value)
            else value
            for value in component["examples"]
        ]
        return dict(component, examples=samples)
    if kind == "CAROUSEL" and isinstance(component.get("cards"), list):
        cards = [
            dict(
                card,
                components=[
                    _as_hosted(c) if isinstance(c, dict) else c for c in card["components"]
                ],
            )
            if isinstance(card, dict) and isinstance(card.get("components"), list)
            else card
            for card in component["cards"]
        ]
        return dict(component, cards=cards)
    return component
