"""The template file format as pydantic models.

One file is one template name with every language of it, because 8x8 deletes a name with all its
languages. Keys are plain (header, body, footer, buttons, carousel) rather than the API's component
array so that a diff reads like the message. The models accept anything structurally sound and
leave judgement (lengths, categories, placeholders) to the rules, which can say far more precisely
what is wrong than a type error can. Types and formats are upper-cased on the way in because 8x8
compares them case-insensitively.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

CATEGORIES = ("AUTHENTICATION", "MARKETING", "UTILITY")
HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "GIF")
MEDIA_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT", "GIF")
BUTTON_TYPES = (
    "QUICK_REPLY",
    "URL",
    "PHONE_NUMBER",
    "OTP",
    "COPY_CODE",
    "FLOW",
    "VOICE_CALL",
    "REQUEST_CONTACT_INFO",
)
OTP_TYPES = ("COPY_CODE", "ONE_TAP", "ZERO_TAP")


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


Upper = Annotated[str, BeforeValidator(_upper)]


def _enum(*values: str) -> dict[str, Any]:
    # The field stays a str so rules can explain a bad value; editors still get the choices.
    return {"enum": list(values)}


class _Strict(BaseModel):
    # Samples written as bare numbers (`examples: [12345]`) are meant as text.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Header(_Strict):
    format: Upper = Field("TEXT", json_schema_extra=_enum(*HEADER_FORMATS))
    text: str | None = Field(None, description="TEXT header, at most 60 characters, one {{1}}.")
    examples: list[str] = Field(
        default_factory=list,
        description="TEXT: the sample for its variable. Media: an HTTPS URL or a local file path.",
    )


class Body(_Strict):
    text: str | None = Field(None, description="Message text, at most 1024 characters.")
    examples: list[str] | dict[str, str] = Field(
        default_factory=list,
        description="Samples: a list for {{1}}.. placeholders, a mapping for named ones.",
    )
    add_security_recommendation: bool | None = Field(
        None, description="AUTHENTICATION only: Meta appends its security sentence."
    )


class Footer(_Strict):
    text: str | None = None
    code_expiration_minutes: StrictInt | None = Field(
        None, description="AUTHENTICATION only: Meta's footer 'This code expires in N minutes.'"
    )


class SupportedApp(_Strict):
    package_name: str
    signature_hash: str


class Button(_Strict):
    type: Upper = Field(json_schema_extra=_enum(*BUTTON_TYPES))
    text: str | None = None
    url: str | None = None
    phone_number: str | None = None
    country: str | None = None
    examples: list[str] = Field(default_factory=list)
    otp_type: Upper | None = Field(None, json_schema_extra=_enum(*OTP_TYPES))
    autofill_text: str | None = None
    supported_apps: list[SupportedApp] | None = None
    zero_tap_terms_accepted: bool | None = None
    flow_id: str | None = None
    flow_action: str | None = Field(None, json_schema_extra=_enum("navigate", "data_exchange"))
    navigate_screen: str | None = None
    ttl_minutes: StrictInt | None = None


class Card(_Strict):
    header: Header | None = None
    body: Body | None = None
    buttons: list[Button] = Field(default_factory=list)


class Language(_Strict):
    """One language of a template: what 8x8 calls a template (name + language)."""

    header: Header | None = None
    body: Body | None = None
    footer: Footer | None = None
    buttons: list[Button] = Field(default_factory=list)
    carousel: list[Card] | None = Field(None, description="MARKETING only: 1 to 10 cards.")
    call_permission_request: bool = Field(
        False, description="Adds a CALL_PERMISSION_REQUEST component."
    )


class TemplateFile(_Strict):
    """A whole file: one template name and all of its languages."""

    name: str = Field(description="Lower-case letters, digits and underscores.")
    category: Upper = Field(json_schema_extra=_enum(*CATEGORIES))
    allow_category_change: bool | None = Field(
        None, description="Let Meta recategorise instead of rejecting (8x8 default: true)."
    )
    message_send_ttl_seconds: StrictInt | None = None
    ignore: dict[str, str] = Field(
        default_factory=dict, description="Rule ids to suppress for this template, with a reason."
    )
    versioning: Literal["suffix"] | None = Field(
        None,
        description="suffix: a changed approved template is created as name_v2, name_v3, ...",
    )
    languages: dict[str, Language] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    schema = TemplateFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wa-templates template file"
    return schema
