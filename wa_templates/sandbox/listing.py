"""The stored state as 8x8's list response: `GET .../templates` -> `{"templates": [...]}`.

The list differs from the create payload (RULES.md, "Shapes"): header formats are capitalised,
samples move under `example.headerText` / `example.bodyText` / `example.headerHandle` (and a
button's under `example`), display names are added, the create-only options are absent, and
AUTHENTICATION templates carry Meta's preset wording instead of the options that produce it.

8x8's list has no rejection reason, pause title or disable date: those reach a client through
the CABM webhooks (events.py), as in production. For tests of data written before that, the
`list_extras` setting still adds them, as Meta's status webhooks carry them: `reason` (e.g. a
rejection reason), `otherInfo: {title, description}` for a PAUSED template (or one DISABLED by
its third pause) and `disableInfo: {disableDate}` for a FLAGGED one.

Carousel and CALL_PERMISSION_REQUEST components are listed although 8x8's list schema enumerates
only HEADER, BODY, FOOTER and BUTTONS: they are the template's content, which no webhook carries,
and leaving them out would make every carousel template look edited. So are the components the
file format does not model (a limited-time offer, CATALOG, MPM and SPM buttons, PRODUCT headers,
product cards): in the list's shape where a key has one (format capitalised, samples under
`example`), every other key as it was sent.

AUTHENTICATION templates are listed with Meta's preset wording in the template's own language
(`channel.auth_presets`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wa_templates.channel import auth_presets
from wa_templates.channel.payload import (
    Payload,
    PayloadError,
    language_components,
    language_from_components,
)
from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.events import other_info
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
    "REINSTATED": "Reinstated",
    "LOCKED": "Locked",
    "ARCHIVED": "Archived",
    "UNARCHIVED": "Unarchived",
    "LIMIT_EXCEEDED": "Limit exceeded",
}


def list_response(channel: Channel | None, extras: bool = False) -> dict[str, Any]:
    if channel is None:
        return {"templates": []}
    return {"templates": [list_item(channel, t, extras) for t in _ordered(channel)]}


class ListCache:
    """The list response as JSON, reusing the items of templates that have not changed.

    Rendering an item goes through the payload model (about 0.1 ms), over a second for a
    channel of 12,000. A `Store` keeps its parsed state, and so its Template objects, from
    request to request until the file changes, so an app keeps one ListCache and renders each
    template once. An item is reused only for the very object it was rendered from, with the
    same shown fields and components equal to a copy taken then: a change made in place is seen
    too. (Equality is Python's, which takes 1, 1.0 and true for one another; nothing changes
    components in place anyway, they are replaced.)

    Callers serialise calls per channel (the app renders under the Store's lock).
    """

    def __init__(self) -> None:
        self._channels: dict[tuple[str, str], dict[int, _Rendered]] = {}

    def response(self, channel: Channel | None, extras: bool = False) -> bytes:
        """`list_response(channel, extras)` encoded as JSONResponse encodes it."""
        if channel is None:
            return _encode({"templates": []})
        key = (channel.account_id, channel.channel_id)
        before = self._channels.get(key, {})
        after: dict[int, _Rendered] = {}
        parts: list[bytes] = []
        for template in _ordered(channel):
            shown = _shown(channel, template, extras)
            rendered = before.get(id(template))
            if (
                rendered is None
                or rendered.template is not template
                or rendered.shown != shown
                or rendered.components != template.components
            ):
                rendered = _Rendered(
                    template,
                    shown,
                    _copy(template.components),
                    _encode(list_item(channel, template, extras)),
                )
            after[id(template)] = rendered
            parts.append(rendered.json)
        # Only the templates listed now stay: deleted ones, and a whole state parsed afresh
        # after another process wrote the file, leave with this.
        self._channels[key] = after
        return b'{"templates":[' + b",".join(parts) + b"]}"


@dataclass(frozen=True, slots=True)
class _Rendered:
    template: Template
    """Held so that its id() is not reused while the entry lives."""
    shown: tuple[Any, ...]
    components: list[dict[str, Any]]
    json: bytes


def _shown(channel: Channel, template: Template, extras: bool) -> tuple[Any, ...]:
    """Everything but the components that `list_item` reads."""
    return (
        extras,
        channel.channel_id,
        channel.channel_name,
        template.name,
        template.language,
        template.category,
        template.status,
        template.reason,
        template.pause_title,
        template.disable_at,
        template.created_at,
        template.updated_at,
    )


def _ordered(channel: Channel) -> list[Template]:
    return sorted(channel.templates, key=lambda t: (t.name, t.language))


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (copy.deepcopy is several times slower)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _encode(content: Any) -> bytes:
    # Exactly what starlette's JSONResponse.render does.
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def list_item(channel: Channel, template: Template, extras: bool = False) -> dict[str, Any]:
    # A field read here that is not a component belongs in _shown too.
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
    if extras:
        item.update(_status_details(template))
    return item


def admin_item(channel: Channel, template: Template) -> dict[str, Any]:
    """The admin API's view: the list item with its status details, quality and Meta's id."""
    item = list_item(channel, template, extras=True)
    item["qualityScore"] = template.quality
    item["templateId"] = template.template_id
    return item


def list_components(template: Template) -> list[Payload]:
    try:
        lang = language_from_components(template.components)
    except PayloadError:
        # The raw form: components the file format does not model, listed as they were sent.
        return [_component(c) if isinstance(c, dict) else c for c in template.components]
    if template.category == "AUTHENTICATION":
        lang = auth_presets.expand(lang, template.language)
    return [_component(component) for component in language_components(lang)]


# add_security_recommendation and code_expiration_minutes are create-only options; for
# AUTHENTICATION they have already become text.
_CREATE_ONLY = frozenset(
    {"type", "examples", "add_security_recommendation", "code_expiration_minutes"}
)
_SAMPLES = {"HEADER": "headerText", "BODY": "bodyText"}


def _component(component: Payload) -> Payload:
    kind = str(component.get("type", "BODY")).upper()
    out: Payload = {"type": kind}
    for key, value in component.items():
        if key in _CREATE_ONLY:
            continue
        if kind == "HEADER" and key == "format":
            value = str(value).capitalize()
        elif kind == "BUTTONS" and key == "buttons" and isinstance(value, list):
            value = [_button(button) if isinstance(button, dict) else button for button in value]
        elif kind == "CAROUSEL" and key == "cards" and isinstance(value, list):
            value = [_card(card) for card in value]
        out[key] = value
    samples = component.get("examples")
    if samples and kind in _SAMPLES:
        fmt = str(component.get("format", "TEXT")).upper()
        key = "headerHandle" if kind == "HEADER" and fmt != "TEXT" else _SAMPLES[kind]
        out["example"] = {key: list(samples)}
    return out


def _card(card: Any) -> Any:
    if not isinstance(card, dict) or not isinstance(card.get("components"), list):
        return card
    parts = card["components"]
    return {**card, "components": [_component(c) if isinstance(c, dict) else c for c in parts]}


def _button(button: Payload) -> Payload:
    return {("example" if key == "examples" else key): value for key, value in button.items()}


def _status_details(template: Template) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if template.reason:
        details["reason"] = template.reason
    if template.pause_title and template.status in ("PAUSED", "DISABLED"):
        details["otherInfo"] = other_info(template.pause_title)
    if template.disable_at is not None and template.status == "FLAGGED":
        details["disableInfo"] = {"disableDate": timestamp(template.disable_at)}
    return details
