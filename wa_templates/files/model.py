"""The template file format as pydantic models.

One file is one template name with every language of it, because 8x8 deletes a name with all its
languages. Keys are plain (header, body, footer, buttons, carousel) rather than the API's component
array so that a diff reads like the message. The models accept anything structurally sound and
leave judgement (lengths, categories, placeholders) to the rules, which can say far more precisely
what is wrong than a type error can. Types and formats are upper-cased on the way in because 8x8
compares them case-insensitively.

What a file says is what Meta gets: YAML 1.1 would read an unquoted `02134` as 1116, so the loader
hands over every unquoted number, boolean, null or date as the text written (`scalar.Scalar`),
and each field decides here what that text may mean:
- text fields (every `str`: texts, samples, urls, phone numbers, names, types) keep the characters
  written, `on`, `no`, `12:30`, `0x1F`, `null` and `~` included;
- whole-number fields accept plain decimal digits only (`-1`, `0`, `3600`): a leading zero,
  `_`, hexadecimal, base 60 (`1:00:00`), a fraction or quotes is WA004 with the number to write;
- boolean fields accept `true` and `false` only (also `True`, `TRUE`...: YAML 1.2's booleans);
  `yes`, `no`, `on`, `off` are booleans only in YAML 1.1, so they are WA004, as is a quoted word;
- where a mapping, a list or an option belongs, `null` and `~` mean the key is absent, as an empty
  value does everywhere;
- the raw form (`components`, 8x8's component array) holds JSON: `true` and `false`, `null` and
  `~`, plain decimal numbers and decimals such as `1.5` are those values (`json_values`); a date
  is its text; an unquoted value only YAML 1.1 reads as a boolean or number (`yes`, `0x1F`,
  `010`, `.inf`) stays a `Scalar`, for WA108 to ask for it in JSON or in quotes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from wa_templates.files.scalar import Scalar

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


def _absent_if_null(value: Any) -> Any:
    return None if isinstance(value, Scalar) and value.tag == "null" else value


_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DIGITS = re.compile(r"[-+]?[0-9]+")
_OTHER_BASES = (
    (re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+"), "in base 60"),
    (re.compile(r"[-+]?0x[0-9a-fA-F_]+"), "in hexadecimal"),
    (re.compile(r"[-+]?0b[01_]+"), "in binary"),
    (re.compile(r"[-+]?0[0-7_]+"), "in octal"),
)
_TRUE_FALSE = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))


def _whole_number(value: Any) -> Any:
    if isinstance(value, Scalar):
        if value.tag == "null":
            return None
        if value.tag == "int" and _DECIMAL.fullmatch(value):
            return value.value
        raise PydanticCustomError("written_number", "{message}", {"message": _number_hint(value)})
    if isinstance(value, str):
        message = f"must be a whole number, not the text '{value}'"
        if _DIGITS.fullmatch(value):  # `"3600"` in quotes, or `09`, which YAML 1.1 leaves text
            message += f"; write {int(value)}, without quotes or leading zeros"
        raise PydanticCustomError("written_number", "{message}", {"message": message})
    return value


def _number_hint(value: Scalar) -> str:
    if value.tag != "int":
        message = f"must be a whole number, not {value.described()}"
        if value.tag == "float" and float(value.value).is_integer():
            message += f"; write {int(value.value)}"
        return message
    message = f"must be a whole number in plain decimal digits, not '{value}'"
    form = next((name for pattern, name in _OTHER_BASES if pattern.fullmatch(value)), "")
    if form == "in octal" and "_" not in value:
        sign = "-" if value.startswith("-") else ""
        digits = value.lstrip("+-").lstrip("0")
        return (
            f"{message}: YAML 1.1 reads a leading zero as octal ({value.value}), other readers "
            f"as {sign}{digits}; write the number without the zero"
        )
    reading = f"{value.value} {form}".rstrip()
    return f"{message}, which YAML 1.1 reads as {reading}; write {value.value}"


def _true_or_false(value: Any) -> Any:
    if isinstance(value, Scalar):
        if value.tag == "null":
            return None
        if value.tag == "bool" and value in _TRUE_FALSE:
            return value.value
        message = f"must be true or false, not {value.described()}"
        if value.tag == "bool":
            reading = "true" if value.value else "false"
            message += f", which only YAML 1.1 reads as {reading}; write {reading}"
        raise PydanticCustomError("written_boolean", "{message}", {"message": message})
    if isinstance(value, str):
        hint = "; remove the quotes" if value in _TRUE_FALSE else ""
        message = f"must be true or false, not the text '{value}'{hint}"
        raise PydanticCustomError("written_boolean", "{message}", {"message": message})
    return value


_JSON_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?")


def json_values(value: Any) -> Any:
    """A raw component array's values as JSON means them (see the module's doc); a value only
    YAML 1.1 types stays a `Scalar`, which `files.components` reports."""
    if isinstance(value, Scalar):
        if value.tag == "null":
            return None
        if value.tag == "bool" and value in _TRUE_FALSE:
            return value.value
        if value.tag == "int" and _DECIMAL.fullmatch(value):
            return value.value
        if value.tag == "float" and _JSON_DECIMAL.fullmatch(value):
            return float(value)
        return str(value) if value.tag == "timestamp" else value
    if isinstance(value, dict):
        return {str(key): json_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_values(item) for item in value]
    return value


# The validators wrap the whole union: inside it, `null` would be refused by both members.
WholeNumber = Annotated[StrictInt | None, BeforeValidator(_whole_number)]
"""A whole number written in plain decimal digits, or absent."""
TrueFalse = Annotated[StrictBool, BeforeValidator(_true_or_false)]
"""A boolean written `true` or `false`."""
MaybeTrueFalse = Annotated[StrictBool | None, BeforeValidator(_true_or_false)]
"""A boolean written `true` or `false`, or absent."""
Absent = BeforeValidator(_absent_if_null)
"""Put on a mapping, list or option field: `null` and `~` there mean the key is absent."""
RawComponents = Annotated[list[dict[str, Any]] | None, BeforeValidator(json_values), Absent]
"""8x8's component array, holding JSON values (`json_values`), or absent."""


def _enum(*values: str) -> dict[str, Any]:
    # The field stays a str so rules can explain a bad value; editors still get the choices.
    return {"enum": list(values)}


class _Strict(BaseModel):
    # YAML's numbers arrive as text (see above); a number from the channel's JSON is text too.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        # Unpickled: the models of a large tree come back from the worker processes that check
        # it (`rules.check`), a dozen per template, each with its own set of the fields the file
        # set: at 6,000 templates, 15 MB of plan's peak in identical little sets. A model is
        # frozen, so its set never changes (a copy gets a copy of it): equal ones are shared.
        fields = state.get("__pydantic_fields_set__")
        if isinstance(fields, set):
            state["__pydantic_fields_set__"] = _FIELDS_SET.setdefault(frozenset(fields), fields)
        super().__setstate__(state)


_FIELDS_SET: dict[frozenset[str], set[str]] = {}
"""One set per distinct combination of fields set (a few dozen in any repository)."""


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
    add_security_recommendation: MaybeTrueFalse = Field(
        None, description="AUTHENTICATION only: Meta appends its security sentence."
    )


class Footer(_Strict):
    text: str | None = None
    code_expiration_minutes: WholeNumber = Field(
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
    supported_apps: Annotated[list[SupportedApp] | None, Absent] = None
    zero_tap_terms_accepted: MaybeTrueFalse = None
    flow_id: str | None = None
    flow_action: str | None = Field(None, json_schema_extra=_enum("navigate", "data_exchange"))
    navigate_screen: str | None = None
    ttl_minutes: WholeNumber = None


class Card(_Strict):
    header: Annotated[Header | None, Absent] = None
    body: Annotated[Body | None, Absent] = None
    buttons: list[Button] = Field(default_factory=list)


class Language(_Strict):
    """One language of a template: what 8x8 calls a template (name + language).

    Either the format's keys (header, body, footer, buttons, carousel, call_permission_request)
    or, for what they cannot express, `components`: 8x8's component array, sent as written (its
    structure is checked; Meta's rules cannot be).
    """

    header: Annotated[Header | None, Absent] = None
    body: Annotated[Body | None, Absent] = None
    footer: Annotated[Footer | None, Absent] = None
    buttons: list[Button] = Field(default_factory=list)
    carousel: Annotated[list[Card] | None, Absent] = Field(
        None, description="MARKETING only: 1 to 10 cards."
    )
    call_permission_request: TrueFalse = Field(
        False, description="Adds a CALL_PERMISSION_REQUEST component."
    )
    components: RawComponents = Field(
        None,
        description="The raw form, instead of the keys above: 8x8's create payload component "
        "array, sent as written, for what the format cannot express (limited-time offers, "
        "CATALOG, MPM and SPM buttons, PRODUCT headers, product carousels). Its structure is "
        "checked; Meta's rules are not.",
        json_schema_extra={
            "items": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string"}},
            }
        },
    )


class TemplateFile(_Strict):
    """A whole file: one template name and all of its languages."""

    name: str = Field(description="Lower-case letters, digits and underscores.")
    category: Upper = Field(json_schema_extra=_enum(*CATEGORIES))
    allow_category_change: MaybeTrueFalse = Field(
        None, description="Let Meta recategorise instead of rejecting (8x8 default: true)."
    )
    message_send_ttl_seconds: WholeNumber = None
    ignore: dict[str, str] = Field(
        default_factory=dict, description="Rule ids to suppress for this template, with a reason."
    )
    versioning: Annotated[Literal["suffix"] | None, Absent] = Field(
        None,
        description="suffix: a changed approved template is created as name_v2, name_v3, ...",
    )
    languages: dict[str, Language] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    schema = TemplateFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wa-templates template file"
    return schema
