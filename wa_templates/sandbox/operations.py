"""What the sandbox does for each request, on the state: 8x8's checks and the platform's rules.

8x8 refuses at create time what is structurally wrong (no name, an unknown language or
component type, a payload it cannot read); everything Meta judges (lengths, placeholders,
categories) is accepted and decided by the simulated review. Components the file format does not
model (limited-time offers, catalog, multi- and single-product buttons, product carousels) are
accepted with the structure Meta documents for them (`features`). Platform rules: a name + language
exists once; a channel holds `max_templates` names (languages of a name share one slot); at most
100 creations per rolling hour; deleting a name removes all its languages and, if any of them was
ever approved, locks the name for 30 days. What Meta does is in `lifecycle`, which also emits
the webhook events.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from wa_templates.channel.payload import (
    Payload,
    PayloadError,
    from_payload,
    language_from_components,
)
from wa_templates.files.model import CATEGORIES
from wa_templates.rules.structure import LANGUAGES, NAME
from wa_templates.sandbox import errors as codes
from wa_templates.sandbox import features, lifecycle
from wa_templates.sandbox.errors import ApiError
from wa_templates.sandbox.lifecycle import DELETION_LOCK, PAUSE_TITLES, QUALITY_SCORES
from wa_templates.sandbox.records import parse_moment
from wa_templates.sandbox.review import CREATION_WINDOW, review
from wa_templates.sandbox.state import Channel, Faults, SandboxState, Template

CREATIONS_PER_HOUR = 100
MAX_NAME_LENGTH = 512
ADMIN_STATUSES = (
    "APPROVED",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "FLAGGED",
    "IN_APPEAL",
    "PENDING_DELETION",
    # The rest of Meta's message_template_status_update statuses.
    "REINSTATED",
    "LOCKED",
    "ARCHIVED",
    "UNARCHIVED",
    "LIMIT_EXCEEDED",
)
_COMPONENT_TYPES = (
    "HEADER",
    "BODY",
    "FOOTER",
    "BUTTONS",
    "CAROUSEL",
    "CALL_PERMISSION_REQUEST",
    features.OFFER,
)
_PATCH_KEYS = ("status", "reason", "category", "components", "quality", "correct_category")


def bad_request(code: int, message: str) -> ApiError:
    return ApiError(400, code, message)


def invalid(exc: ValidationError) -> ApiError:
    """The 400 for the first thing pydantic found wrong with an admin body."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return bad_request(codes.INVALID_PARAMETER, f"Invalid parameter '{where}': {error['msg']}")


def not_found(name: str) -> ApiError:
    return ApiError(404, codes.TEMPLATE_NOT_FOUND, f"Template not found: '{name}'")


def existing(channel: Channel | None, name: str, language: str) -> Template:
    """The name + language on the channel, or 404 code 3038."""
    template = channel.find(name, language) if channel else None
    if template is None:
        raise ApiError(
            404, codes.TEMPLATE_NOT_FOUND, f"Template not found: '{name}' in '{language}'"
        )
    return template


# --- create ----------------------------------------------------------------------------------


def check_payload(body: Any) -> Payload:
    """The create payload, or the 400 8x8 answers for it. Category comes back upper-cased."""
    if not isinstance(body, dict):
        raise bad_request(codes.INVALID_PARAMETER, "Invalid request: the body must be an object")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request(codes.INVALID_NAME, "Invalid Template Name: 'name' is required")
    if len(name) > MAX_NAME_LENGTH:
        raise bad_request(
            codes.NAME_LENGTH,
            f"Invalid Template Name Length: {len(name)} characters, at most {MAX_NAME_LENGTH}",
        )
    if not NAME.match(name):
        raise bad_request(
            codes.INVALID_NAME,
            f"Invalid Template Name '{name}': use lower-case letters, digits and underscores",
        )
    language = body.get("language")
    if language is None or language == "":
        raise bad_request(codes.EMPTY_LANGUAGE, "Empty Template language: 'language' is required")
    if not isinstance(language, str) or language not in LANGUAGES:
        raise bad_request(codes.INVALID_LANGUAGE, f"Invalid Template language '{language}'")
    category = body.get("category")
    if not isinstance(category, str) or category.upper() not in CATEGORIES:
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'category': {category!r} is not one of {', '.join(CATEGORIES)}",
        )
    # pydantic would read "yes" as true; 8x8's JSON binding refuses a string for a boolean.
    change = body.get("allow_category_change")
    if change is not None and not isinstance(change, bool):
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'allow_category_change': {change!r} is not a boolean",
        )
    ttl = body.get("message_send_ttl_seconds")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int)):
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'message_send_ttl_seconds': {ttl!r} is not an integer",
        )
    payload = dict(body, category=category.upper())
    components = payload["components"] = check_components(body.get("components"))
    try:
        language_from_components(components, strict=True)
    except PayloadError as exc:
        # Not the format's: a documented feature it does not model, or something 8x8 refuses.
        found = features.problem(category, components)
        if found is None and not features.used(components):
            found = str(exc)
        if found:
            raise bad_request(codes.INVALID_PARAMETER, f"Invalid parameter: {found}") from None
    try:
        from_payload(payload)
    except PayloadError as exc:
        raise bad_request(codes.INVALID_PARAMETER, f"Invalid parameter: {exc}") from None
    return payload


def check_components(components: Any) -> list[dict[str, Any]]:
    if not isinstance(components, list) or not components:
        raise bad_request(codes.EMPTY_TEMPLATE, "Empty Template: 'components' is required")
    seen: set[str] = set()
    for component in components:
        if not isinstance(component, dict):
            raise bad_request(
                codes.INVALID_COMPONENT_TYPE,
                "Invalid Template Component type: a component must be an object",
            )
        kind = component.get("type", "BODY")
        if not isinstance(kind, str) or kind.upper() not in _COMPONENT_TYPES:
            raise bad_request(
                codes.INVALID_COMPONENT_TYPE, f"Invalid Template Component type {kind!r}"
            )
        if kind.upper() in seen:
            raise bad_request(
                codes.COMPONENT_COMBINATION,
                f"Invalid template components combination: more than one {kind}",
            )
        seen.add(kind.upper())
    if "BODY" not in seen:
        raise bad_request(
            codes.COMPONENT_COMBINATION,
            "Invalid template components combination: a BODY is required",
        )
    return components


def create(state: SandboxState, channel: Channel, payload: Payload, now: datetime) -> Template:
    name, language = payload["name"], payload["language"]
    deleting = any(t.name == name and t.delete_at is not None for t in channel.templates)
    if name in channel.locks or deleting:
        until = channel.locks.get(name)
        days = max(1, math.ceil((until - now) / timedelta(days=1))) if until else 0
        when = f"in {days} days" if days else "later"
        raise ApiError(
            409,
            codes.BEING_DELETED,
            f"New content for '{name}' can't be added while the existing content is being "
            f"deleted. Try again {when} or consider creating a new message template.",
        )
    if channel.find(name, language) is not None:
        raise bad_request(
            codes.ALREADY_EXISTS,
            f"Template '{name}' already exists in language '{language}'",
        )
    if len(channel.creations) >= CREATIONS_PER_HOUR:
        wait = channel.creations[0] + CREATION_WINDOW - now
        retry = max(1, math.ceil(wait.total_seconds()))
        raise ApiError(
            429,
            codes.LIMIT_REACHED,
            f"Too many requests: at most {CREATIONS_PER_HOUR} templates can be created per hour",
            {"Retry-After": str(retry)},
        )
    names = channel.names()
    limit = state.config.max_templates
    if name not in names and len(names) >= limit:
        raise bad_request(
            codes.LIMIT_REACHED,
            f"Template limit reached: the channel already has {len(names)} templates "
            f"(at most {limit})",
        )
    delay = timedelta(minutes=state.config.review_delay_minutes)
    template = Template(
        name=name,
        language=language,
        category=payload["category"],
        components=payload["components"],
        allow_category_change=payload.get("allow_category_change"),
        message_send_ttl_seconds=payload.get("message_send_ttl_seconds"),
        created_at=now,
        updated_at=now,
        review_due=now + delay,
        template_id=state.new_template_id(),
    )
    if delay <= timedelta(0):
        lifecycle.finish_review(state, channel, template, review(template), now)
    channel.templates.append(template)
    channel.creations.append(now)
    return template


# --- delete ----------------------------------------------------------------------------------


def delete(state: SandboxState, channel: Channel | None, name: str, now: datetime) -> None:
    doomed = [t for t in channel.templates if t.name == name] if channel else []
    if channel is None or not doomed:
        raise not_found(name)
    if all(t.delete_at is not None for t in doomed):
        raise ApiError(409, codes.BEING_DELETED, f"Template '{name}' is already being deleted")
    if any(t.ever_approved for t in doomed):
        channel.locks[name] = now + DELETION_LOCK
    lifecycle.delete_name(state, channel, name, now)


# --- admin -----------------------------------------------------------------------------------


def patch(
    state: SandboxState,
    channel: Channel | None,
    name: str,
    language: str,
    body: Any,
    now: datetime,
) -> Template:
    """An edit as if made in WhatsApp Manager, or a change as if made by Meta (with its events)."""
    template = existing(channel, name, language)
    assert channel is not None  # existing() raised otherwise
    allowed = ", ".join(_PATCH_KEYS)
    if not isinstance(body, dict) or not body:
        raise bad_request(codes.INVALID_PARAMETER, f"Invalid request: give any of {allowed}")
    unknown = sorted(set(body) - set(_PATCH_KEYS))
    if unknown:
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter(s): {', '.join(unknown)}; allowed: {allowed}",
        )
    status = choice(body, "status", ADMIN_STATUSES)
    category = choice(body, "category", CATEGORIES)
    quality = choice(body, "quality", QUALITY_SCORES)
    correct = choice(body, "correct_category", CATEGORIES)
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise bad_request(codes.INVALID_PARAMETER, "Invalid parameter 'reason': expected a string")
    # A reason alone restates the current status with it.
    if status is None and "reason" in body:
        status = template.status
    reason = reason or None
    if status == "PAUSED" and reason is not None and reason not in PAUSE_TITLES:
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'reason': a pause is one of {', '.join(PAUSE_TITLES)}",
        )
    disable_at = parse_moment(reason) if status == "FLAGGED" and reason else None
    if status == "FLAGGED" and reason and disable_at is None:
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter 'reason': {reason!r} is not a disable date (ISO 8601)",
        )
    if body.get("components") is not None:
        template.components = check_payload(
            {
                "name": name,
                "language": language,
                "category": category or template.category,
                "components": body["components"],
            }
        )["components"]
        template.updated_at = now
    if category is not None:
        lifecycle.recategorise(state, channel, template, category, now)
    if status == "PAUSED":
        lifecycle.pause(state, channel, template, now, reason)
    elif status == "FLAGGED":
        lifecycle.flag(state, channel, template, now, disable_at)
    elif status is not None:
        lifecycle.change_status(state, channel, template, status, now, reason=reason)
    if quality is not None:
        lifecycle.set_quality(state, channel, template, quality, now, consequences=not status)
    if correct is not None:
        lifecycle.detect_category(state, channel, template, correct, now)
    return template


def choice(body: dict[str, Any], key: str, choices: tuple[str, ...]) -> str | None:
    """`body[key]` if it is one of `choices` (None if absent), else 400."""
    value = body.get(key)
    if value is not None and value not in choices:
        raise bad_request(
            codes.INVALID_PARAMETER,
            f"Invalid parameter '{key}': {value!r} is not one of {', '.join(choices)}",
        )
    return value


_CLOCK_UNITS = {"advance_hours": 3600, "advance_seconds": 1}


def advance_clock(state: SandboxState, body: Any) -> datetime:
    """Move the clock forward by `advance_hours` or `advance_seconds`, or set it to `at` (an ISO
    8601 moment, earlier too: what already happened stays, as on a machine whose clock is set)."""
    [key] = body if isinstance(body, dict) and len(body) == 1 else [None]
    if key == "at":
        moment = parse_moment(body["at"]) if isinstance(body["at"], str) else None
        if moment is None:
            raise bad_request(
                codes.INVALID_PARAMETER,
                f"Invalid parameter 'at': {body['at']!r} is not an ISO 8601 moment",
            )
        state.clock_offset_seconds += (moment - state.now()).total_seconds()
        return state.now()
    amount = body[key] if key in _CLOCK_UNITS else None
    if (
        isinstance(amount, bool)
        or not isinstance(amount, int | float)
        or not math.isfinite(amount)
        or amount < 0
    ):
        raise bad_request(
            codes.INVALID_PARAMETER,
            'Invalid request: expected {"advance_hours": N} or {"advance_seconds": N}, N >= 0, '
            'or {"at": "ISO 8601 moment"}',
        )
    state.clock_offset_seconds += float(amount) * _CLOCK_UNITS[str(key)]
    return state.now()


def set_faults(state: SandboxState, body: Any) -> Faults:
    """PUT semantics: the body replaces every setting; one left out goes back to its default."""
    if not isinstance(body, dict):
        raise bad_request(codes.INVALID_PARAMETER, "Invalid request: the body must be an object")
    try:
        faults = Faults.model_validate(body, strict=True)
    except ValidationError as exc:
        raise invalid(exc) from None
    state.faults = faults
    return faults


def reset(state: SandboxState) -> None:
    """Empty channels, no uploads, webhooks or deliveries, no faults, the wall clock; the `serve`
    options (the config) stay."""
    state.channels = {}
    state.files = {}
    state.webhooks = {}
    state.outbox = []
    state.finished = []
    state.faults = Faults()
    state.reset_clock()
