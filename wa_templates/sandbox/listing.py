"""The stored state as 8x8's list response: `GET .../templates` -> `{"templates": [...]}`.

The list differs from the create payload (RULES.md, "Shapes"): header formats are capitalised,
samples move under `example.headerText` / `example.bodyText` / `example.headerHandle` (and a
button's under `example`), display names are added, the create-only options are absent, and
AUTHENTICATION templates carry Meta's preset wording instead of the options that produce it.

Three fields the real 8x8 list does not document but Meta's status webhooks carry are added
when set, so the tool's status reporting can be exercised: `reason` (e.g. a rejection reason),
`otherInfo: {title, description}` for a PAUSED template and `disableInfo: {disableDate}` for a
FLAGGED one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wa_templates.payload import (
    Payload,
    PayloadError,
    expand_auth_presets,
    language_components,
    language_from_components,
)
from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.languages import LANGUAGE_NAMES
from wa_templates.sandbox.state import Channel, Template

STATUS_NAMES = {
    "PENDING": "Pending",
    "APPROVED": "Approved",
    "REJECTED": "Rejected",
    "PAUSED": "Paused",
    "DISABLED": "Disabled",
    "FLAGGED": "Flagged",
    "IN_APPEAL": "In appeal",
    "PENDING_DELETION": "Pending deletion",
}
PAUSE_DESCRIPTIONS = {
    "FIRST_PAUSE": "Paused for 3 hours because of low quality (negative feedback from users).",
    "SECOND_PAUSE": "Paused for 6 hours because of low quality for a second time.",
    "RATE_LIMITING_PAUSE": "Paused by Meta's pacing of a new MARKETING template; unpause it in "
    "WhatsApp Manager.",
    "UNPAUSE": "The template was unpaused.",
    "DISABLED": "The template was disabled after repeated pauses.",
}


def list_response(channel: Channel | None) -> dict[str, Any]:
    if channel is None:
        return {"templates": []}
    ordered = sorted(channel.templates, key=lambda t: (t.name, t.language))
    return {"templates": [list_item(channel, template) for template in ordered]}


def list_item(channel: Channel, template: Template) -> dict[str, Any]:
    item: dict[str, Any] = {
        "channelId": channel.channel_id,
        "channelName": channel.channel_name,
        "templateName": template.name,
        "language": template.language,
        "languageName": LANGUAGE_NAMES.get(template.language, template.language),
        "components": list_components(template),
        "category": template.category,
        "categoryName": template.category.capitalize(),
        "status": template.status,
        "statusName": STATUS_NAMES.get(template.status, template.status.capitalize()),
        "createdAt": timestamp(template.created_at),
        "updatedAt": timestamp(template.updated_at),
    }
    item.update(_status_details(template))
    return item


def list_components(template: Template) -> list[Payload]:
    try:
        lang = language_from_components(template.components)
    except PayloadError:
        # Only a hand-edited state file gets here: show what is stored rather than fail the list.
        return [dict(component) for component in template.components]
    if template.category == "AUTHENTICATION":
        lang = expand_auth_presets(lang)
    return [_component(component) for component in language_components(lang)]


def _component(component: Payload) -> Payload:
    kind = component["type"]
    out: Payload = {"type": kind}
    if kind == "HEADER":
        fmt = str(component.get("format", "TEXT"))
        out["format"] = fmt.capitalize()
        if "text" in component:
            out["text"] = component["text"]
        if component.get("examples"):
            key = "headerText" if fmt.upper() == "TEXT" else "headerHandle"
            out["example"] = {key: list(component["examples"])}
    elif kind in ("BODY", "FOOTER"):
        # add_security_recommendation and code_expiration_minutes are create-only options;
        # for AUTHENTICATION they have already become text.
        if "text" in component:
            out["text"] = component["text"]
        if kind == "BODY" and component.get("examples"):
            out["example"] = {"bodyText": list(component["examples"])}
    elif kind == "BUTTONS":
        out["buttons"] = [_button(button) for button in component.get("buttons", [])]
    elif kind == "CAROUSEL":
        out["cards"] = [
            {"components": [_component(c) for c in card.get("components", [])]}
            for card in component.get("cards", [])
        ]
    return out


def _button(button: Payload) -> Payload:
    return {("example" if key == "examples" else key): value for key, value in button.items()}


def _status_details(template: Template) -> dict[str, Any]:
    reason = template.reason
    if not reason:
        return {}
    if template.status == "PAUSED":
        description = PAUSE_DESCRIPTIONS.get(reason, "The template was paused.")
        return {"otherInfo": {"title": reason, "description": description}}
    if template.status == "FLAGGED" and _is_date(reason):
        return {"disableInfo": {"disableDate": reason}}
    return {"reason": reason}


def _is_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
