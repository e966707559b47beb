"""8x8's Business Management webhook events (type CABM), checked and parsed.

The shapes are 8x8's documented ones (whatsapp-template-change-webhook.md,
whatsapp-phone-number-quality-change-webhook.md, whatsapp-account-update-webhook.md): an envelope
of `eventId`, `timestamp`, `provider`, `businessAccountId`, `accountId`, `eventType` and
`eventDetails`. The envelope and the fields this tool relies on are required; anything else 8x8
adds later is kept (the raw body is stored whole) and ignored here.

A body that is not JSON, or not this shape, is `MalformedEvent`; a well-formed envelope with an
event type this version does not know is `UnknownEventType`, which carries the parsed envelope so
the receiver can keep it raw and flagged (see `webhook.app`).

Nothing in a request is trusted. Its JSON is parsed by pydantic-core, as saved plans are
(`plan.saved`): its parser stops at 200 levels of nesting (an event has 4), so a deeply nested
body is one `MalformedEvent`, never a RecursionError. A template event's name and language are
checked as a template file's and a saved plan's are (WA101, WA103): Meta names no template
`../x` or language `EN-us`, so such an event is not 8x8's, and is not stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError, from_json

from wa_templates.rules.structure import language_problem, name_problem

TEMPLATE_TYPES = frozenset(
    {
        "template_status_update",
        "template_category_update",
        "template_quality_update",
        "template_correct_category_detection",
    }
)
PHONE_TYPE = "phone_number_quality_update"
ACCOUNT_TYPE = "account_update"
KNOWN_TYPES = TEMPLATE_TYPES | {PHONE_TYPE, ACCOUNT_TYPE}


class MalformedEvent(ValueError):
    """Not one of 8x8's CABM events: not JSON, or a required field missing or of the wrong type."""


class UnknownEventType(ValueError):
    """A well-formed envelope whose `eventType` this version does not know."""

    def __init__(self, envelope: Envelope) -> None:
        super().__init__(f"unknown event type '{envelope.event_type}'")
        self.envelope = envelope


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Envelope(_Strict):
    """The fields every CABM event carries."""

    event_id: str = Field(alias="eventId", min_length=1, max_length=200)
    timestamp: datetime
    provider: str | None = None
    business_account_id: str = Field(alias="businessAccountId", min_length=1, max_length=200)
    account_id: str = Field(alias="accountId", min_length=1, max_length=200)
    event_type: str = Field(alias="eventType", min_length=1, max_length=100)
    event_details: dict[str, Any] = Field(alias="eventDetails")

    @field_validator("business_account_id", "account_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # 8x8's samples show the WABA id unquoted: a number is the same id.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("timestamp", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        # ISO 8601 text only: pydantic would also take a number as Unix time.
        if not isinstance(value, str):
            raise ValueError("expected an ISO 8601 timestamp")
        return value

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Info(_Strict):
    title: str | None = None
    description: str | None = None


class _Disable(_Strict):
    disable_date: str | None = Field(default=None, alias="disableDate")


class TemplateMeta(_Strict):
    status: str | None = None
    reason: str | None = None
    other_info: _Info | None = Field(default=None, alias="otherInfo")
    disable_info: _Disable | None = Field(default=None, alias="disableInfo")
    previous_category: str | None = Field(default=None, alias="previousCategory")
    new_category: str | None = Field(default=None, alias="newCategory")
    previous_quality: str | None = Field(default=None, alias="previousQualityScore")
    new_quality: str | None = Field(default=None, alias="newQualityScore")
    category: str | None = None
    correct_category: str | None = Field(default=None, alias="correctCategory")


class TemplateDetails(_Strict):
    template_id: str | None = Field(default=None, alias="templateId", max_length=64)
    template_name: str = Field(alias="templateName", min_length=1, max_length=512)
    template_language: str = Field(alias="templateLanguage", min_length=1, max_length=20)
    meta: TemplateMeta

    @field_validator("template_id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        # Documented as a long; kept as text so no JSON number is rounded on the way.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("template_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _checked(value, name_problem)

    @field_validator("template_language")
    @classmethod
    def _language(cls, value: str) -> str:
        # A code Meta added after this tool's list is still a code: refusing it would lose every
        # event of those templates once 8x8's four retries are spent. Only what no language
        # code can look like (`../x`, `EN-us`) is refused.
        return value if _LANGUAGE_SHAPE.fullmatch(value) else _checked(value, language_problem)


_LANGUAGE_SHAPE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2}|_[A-Z][a-z]{3})?")
"""How Meta's template language codes are written: `en`, `fil`, `en_US`, `zh_Hant`."""


def _checked(value: str, problem_of: Callable[[str], str | None]) -> str:
    problem = problem_of(value)
    if problem:
        # A custom error: its message is the problem as the rules word it, quoted value and all.
        raise PydanticCustomError("event_value", "{problem}", {"problem": problem})
    return value


class PhoneMeta(_Strict):
    event: str = Field(min_length=1, max_length=100)
    current_limit: str | None = Field(default=None, alias="currentLimit")
    old_limit: str | None = Field(default=None, alias="oldLimit")
    max_daily: str | None = Field(default=None, alias="maxDailyConversationsPerBusiness")
    reason: str | None = None


class PhoneDetails(_Strict):
    display_phone_number: str | None = Field(default=None, alias="displayPhoneNumber")
    meta: PhoneMeta


class AccountDetails(_Strict):
    event: str = Field(min_length=1, max_length=100)


_REQUIRED = {
    "template_category_update": ("new_category",),
    "template_status_update": ("status",),
    "template_quality_update": ("new_quality",),
    "template_correct_category_detection": ("correct_category",),
}
"""The meta fields without which a template event says nothing."""


@dataclass(frozen=True, slots=True)
class Event:
    """One checked event: its envelope, its typed details, and the body as received."""

    envelope: Envelope
    raw: str
    template: TemplateDetails | None = None
    phone: PhoneDetails | None = None
    account: AccountDetails | None = None
    parsed: dict[str, Any] = field(default_factory=dict)
    """The typed details as plain JSON (for the store's `parsed` column)."""

    @property
    def event_id(self) -> str:
        return self.envelope.event_id

    @property
    def event_type(self) -> str:
        return self.envelope.event_type


def parse_envelope(body: bytes) -> tuple[Envelope, str]:
    """The envelope and the body as text; `MalformedEvent` when it is not one."""
    try:
        text = body.decode("utf-8")
        # Not json.loads: it recurses once per level and raises RecursionError, and the
        # stdlib has no depth limit to set.
        data = from_json(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedEvent(f"the body is not JSON: {_short(exc)}") from None
    if not isinstance(data, dict):
        raise MalformedEvent("the body is not a JSON object")
    try:
        return Envelope.model_validate(data), text
    except ValidationError as exc:
        raise MalformedEvent(_describe(exc)) from None


def parse_event(body: bytes) -> Event:
    """The event in `body`; `MalformedEvent` or `UnknownEventType` when it is not usable."""
    envelope, text = parse_envelope(body)
    kind, details = envelope.event_type, envelope.event_details
    try:
        if kind in TEMPLATE_TYPES:
            template = TemplateDetails.model_validate(details)
            missing = [f for f in _REQUIRED[kind] if getattr(template.meta, f) in (None, "")]
            if missing:
                alias = TemplateMeta.model_fields[missing[0]].alias or missing[0]
                raise MalformedEvent(f"eventDetails.meta.{alias}: required for {kind}")
            return Event(envelope, text, template=template, parsed=_plain(template))
        if kind == PHONE_TYPE:
            phone = PhoneDetails.model_validate(details)
            return Event(envelope, text, phone=phone, parsed=_plain(phone))
        if kind == ACCOUNT_TYPE:
            account = AccountDetails.model_validate(details)
            return Event(envelope, text, account=account, parsed=_plain(account))
    except ValidationError as exc:
        raise MalformedEvent(_describe(exc, "eventDetails.")) from None
    raise UnknownEventType(envelope)


def _plain(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _describe(exc: ValidationError, prefix: str = "") -> str:
    error = exc.errors(include_input=False)[0]
    # pydantic names fields by alias in `loc`: the names 8x8's documentation uses.
    where = prefix + ".".join(str(part) for part in error["loc"])
    message = error["msg"]
    # Only the first letter: the rest may quote the event's own text or a code like 'en_US'.
    return f"{where}: {message[:1].lower()}{message[1:]}"


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
