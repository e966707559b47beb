"""Conversion between one language of a file and 8x8's shapes.

Three shapes meet here (see RULES.md, "Shapes"):
- the file model (`TemplateFile` with one entry in `languages`),
- the create payload sent to `POST .../templates`,
- an item of the list response from `GET .../templates`.

`to_payload` and `from_payload` are inverse: payload -> model -> payload is the identity after
this normalisation, which is all that 8x8 itself treats as equal:
- the category, component and button types, header formats and otp_type are upper-cased;
- a component without `type` is a BODY (the API's default);
- components are ordered HEADER, BODY, FOOTER, BUTTONS, CAROUSEL, CALL_PERMISSION_REQUEST, and a
  card's components HEADER, BODY, BUTTONS;
- a sample given as `example` is emitted as `examples`: the API's button key (`example: [...]`),
  the list response's `example.headerText` / `example.bodyText` / `example.headerHandle`, and
  Meta's nested `[["a", "b"]]`, which is flattened;
- samples are strings (a number sample is written out as text);
- empty sample lists, null values and a BUTTONS component without buttons are omitted;
- keys come out in one fixed order.
What the file format has no place for (an unknown key, component type, button type or header
format, a card component other than HEADER, BODY or BUTTONS) is never dropped: the model holds
such a language in its raw form, `components` (`files.components`), and `to_payload` sends that
array as written. Only what even the raw form cannot hold is refused with `PayloadError`: a
component that is not a mapping or has no type, a second component of a type, a value of the
wrong shape (`files.components.problems` says which).

A list item (`remote.parse` reads its identity, this module its components) is read leniently
(8x8 adds display fields such as `languageName`, and may add more), and it lacks what only the
create request carries: `allow_category_change` and `message_send_ttl_seconds`. For
AUTHENTICATION, Meta stores its preset wording, which `auth_presets.collapse` maps back to the
options; as Meta keeps no trace of `add_security_recommendation: false`, that option comes back
absent.

Import, plan and apply all go through these functions, so they agree on what a template is.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from wa_templates.files import components as structure
from wa_templates.files.model import (
    BUTTON_TYPES,
    HEADER_FORMATS,
    MEDIA_FORMATS,
    Body,
    Button,
    Card,
    Footer,
    Header,
    Language,
    TemplateFile,
)
from wa_templates.files.placeholders import named

Payload = dict[str, Any]


# (file field, payload key) for button fields, in emission order.
_BUTTON_FIELDS = (
    ("text", "text"),
    ("url", "url"),
    ("phone_number", "phoneNumber"),
    ("country", "country"),
    ("examples", "examples"),
    ("otp_type", "otp_type"),
    ("autofill_text", "autofill_text"),
    ("supported_apps", "supported_apps"),
    ("zero_tap_terms_accepted", "zero_tap_terms_accepted"),
    ("flow_id", "flowId"),
    ("flow_action", "flowAction"),
    ("navigate_screen", "navigateScreen"),
    ("ttl_minutes", "ttlMinutes"),
)
_COMPONENT_ORDER = ("HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "CALL_PERMISSION_REQUEST")
# Component type -> the Language field it fills.
_COMPONENT_FIELD = {
    "HEADER": "header",
    "BODY": "body",
    "FOOTER": "footer",
    "BUTTONS": "buttons",
    "CAROUSEL": "carousel",
    "CALL_PERMISSION_REQUEST": "call_permission_request",
}
_CARD_COMPONENTS = ("HEADER", "BODY", "BUTTONS")

# Keys a create payload may hold; a list item is not held to these.
_PAYLOAD_KEYS = frozenset(
    {
        "name",
        "language",
        "category",
        "components",
        "allow_category_change",
        "message_send_ttl_seconds",
    }
)
COMPONENT_KEYS = {
    "HEADER": frozenset({"type", "format", "text", "examples", "example"}),
    "BODY": frozenset({"type", "text", "examples", "example", "add_security_recommendation"}),
    "FOOTER": frozenset({"type", "text", "code_expiration_minutes"}),
    "BUTTONS": frozenset({"type", "buttons"}),
    "CAROUSEL": frozenset({"type", "cards"}),
    "CALL_PERMISSION_REQUEST": frozenset({"type"}),
}
BUTTON_KEYS = frozenset({"type", "example", *(key for _, key in _BUTTON_FIELDS)})
_CARD_KEYS = frozenset({"components"})


class PayloadError(ValueError):
    """A payload or list item this tool cannot represent. Raised only by this module's own checks
    (and for pydantic's verdict on a value), never for a bug: callers catch exactly this."""


# --- model -> create payload ---------------------------------------------------------------


def to_payload(template: TemplateFile, language: str) -> Payload:
    lang = template.languages[language]
    payload: Payload = {"name": template.name, "language": language, "category": template.category}
    if template.allow_category_change is not None:
        payload["allow_category_change"] = template.allow_category_change
    if template.message_send_ttl_seconds is not None:
        payload["message_send_ttl_seconds"] = template.message_send_ttl_seconds
    payload["components"] = language_components(lang)
    return payload


def language_components(lang: Language) -> list[Payload]:
    if lang.components is not None:
        return copy.deepcopy(lang.components)  # the raw form, as written
    components: list[Payload] = []
    if lang.header is not None:
        components.append(_header(lang.header))
    if lang.body is not None:
        components.append(_body(lang.body))
    if lang.footer is not None:
        footer: Payload = {"type": "FOOTER"}
        if lang.footer.text is not None:
            footer["text"] = lang.footer.text
        if lang.footer.code_expiration_minutes is not None:
            footer["code_expiration_minutes"] = lang.footer.code_expiration_minutes
        components.append(footer)
    if lang.buttons:
        components.append({"type": "BUTTONS", "buttons": [_button(b) for b in lang.buttons]})
    if lang.carousel is not None:
        components.append({"type": "CAROUSEL", "cards": [_card(c) for c in lang.carousel]})
    if lang.call_permission_request:
        components.append({"type": "CALL_PERMISSION_REQUEST"})
    return components


def _header(header: Header) -> Payload:
    out: Payload = {"type": "HEADER", "format": header.format}
    if header.text is not None:
        out["text"] = header.text
    if header.examples:
        out["examples"] = list(header.examples)
    return out


def _body(body: Body) -> Payload:
    out: Payload = {"type": "BODY"}
    if body.text is not None:
        out["text"] = body.text
    samples = body_samples(body)
    if samples:
        out["examples"] = samples
    if body.add_security_recommendation is not None:
        out["add_security_recommendation"] = body.add_security_recommendation
    return out


def body_samples(body: Body) -> list[str]:
    """Samples in the order 8x8 expects: a named mapping follows the placeholders' order."""
    if isinstance(body.examples, list):
        return list(body.examples)
    order = named(body.text)
    ordered = [body.examples[name] for name in order if name in body.examples]
    ordered += [value for key, value in body.examples.items() if key not in order]
    return ordered


def _button(button: Button) -> Payload:
    out: Payload = {"type": button.type}
    for field, key in _BUTTON_FIELDS:
        value = getattr(button, field)
        if value is None or (field == "examples" and not value):
            continue
        if field == "supported_apps":
            value = [app.model_dump() for app in value]
        elif field == "examples":
            value = list(value)
        out[key] = value
    return out


def _card(card: Card) -> Payload:
    components: list[Payload] = []
    if card.header is not None:
        components.append(_header(card.header))
    if card.body is not None:
        components.append(_body(card.body))
    if card.buttons:
        components.append({"type": "BUTTONS", "buttons": [_button(b) for b in card.buttons]})
    return {"components": components}


def components_of(components: Any, where: str = "") -> list[tuple[str, Payload]]:
    """Each component of a payload's components that is a mapping, carousel cards' included,
    with where it is in file terms (`header`, `carousel[1].body`): for what apply uploads (media
    samples) and what a plan shows beside the canonical form (`normalise.sent_only`). Read as
    leniently as apply reads it; the type as written."""
    found: list[tuple[str, Payload]] = []
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "BODY")).upper()  # no type: a BODY (the API's default)
        found.append((f"{where}{kind.lower()}", component))
        if kind == "CAROUSEL":
            for index, card in enumerate(component.get("cards") or []):
                if isinstance(card, dict):
                    found += components_of(card.get("components"), f"{where}carousel[{index}].")
    return found


def is_media_header(component: Payload) -> bool:
    kind = str(component.get("type", "")).upper()
    return kind == "HEADER" and str(component.get("format", "")).upper() in MEDIA_FORMATS


# --- create payload -> model ---------------------------------------------------------------


def from_payload(payload: Payload) -> TemplateFile:
    """A single-language TemplateFile from a create payload."""
    payload = _mapping(payload, "the payload")
    _known_keys(payload, _PAYLOAD_KEYS, "the payload")
    for key in ("name", "language", "category", "components"):
        if payload.get(key) is None:
            raise PayloadError(f"payload has no '{key}'")
    lang = language_or_raw(payload["components"], strict=True)
    try:
        return TemplateFile(
            name=payload["name"],
            category=payload["category"],
            allow_category_change=payload.get("allow_category_change"),
            message_send_ttl_seconds=payload.get("message_send_ttl_seconds"),
            languages={_text(payload["language"], "language"): lang},
        )
    except ValidationError as exc:
        raise PayloadError(_first_error(exc)) from None


def language_or_raw(components: Any, *, strict: bool = False) -> Language:
    """The language in the format's keys where they can hold it, else in its raw form;
    `PayloadError` when not even the raw form can (the first structural problem)."""
    try:
        return language_from_components(components, strict=strict)
    except PayloadError:
        return raw_language(components)


def raw_language(components: Any) -> Language:
    """The language in its raw form, or `PayloadError` naming its first structural problem."""
    found = structure.problems(components)
    if found:
        path, message = found[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
        raise PayloadError(f"{message} (at components{where})" if where else message)
    return Language(components=components)


def language_from_components(components: Any, *, strict: bool = False) -> Language:
    """One language in the format's keys. `strict` refuses keys a create payload cannot hold;
    types, formats and button types the format does not know are refused either way."""
    fields: dict[str, Any] = {}
    for component in _sequence(components, "components"):
        component = _mapping(component, "a component")
        kind = _kind(component)
        field = _COMPONENT_FIELD.get(kind)
        if field is None:
            raise PayloadError(f"unknown component type '{component.get('type')}'")
        if field in fields:
            raise PayloadError(f"more than one {kind} component")
        if strict:
            _known_keys(component, COMPONENT_KEYS[kind], f"a {kind} component")
        try:
            fields[field] = _component_value(kind, component, strict)
        except ValidationError as exc:
            raise PayloadError(f"{kind}: {_first_error(exc)}") from None
    return Language(**fields)


def _component_value(kind: str, component: Payload, strict: bool) -> Any:
    # Shapes are checked here; a value of the wrong type (a list for a text) is left to pydantic,
    # whose ValidationError the caller turns into a PayloadError naming the component.
    if kind == "HEADER":
        return _header_from(component)
    if kind == "BODY":
        return _body_from(component)
    if kind == "FOOTER":
        return Footer(
            text=component.get("text"),
            code_expiration_minutes=component.get("code_expiration_minutes"),
        )
    if kind == "BUTTONS":
        buttons = _sequence(component.get("buttons") or [], "buttons")
        return [_button_from(b, strict) for b in buttons]
    if kind == "CAROUSEL":
        return [_card_from(c, strict) for c in _sequence(component.get("cards") or [], "cards")]
    return True  # CALL_PERMISSION_REQUEST: its presence is all there is


def _kind(component: Payload) -> str:
    kind = component.get("type", "BODY")
    if not isinstance(kind, str):
        raise PayloadError(f"component type must be a string, not {kind!r}")
    return kind.upper()


def _samples(component: Payload, list_key: str) -> list[str]:
    """Samples from either shape: create's flat `examples`, or list's `example.<list_key>`."""
    raw: Any = component.get("examples")
    if raw is None:
        example = component.get("example")
        raw = example.get(list_key) if isinstance(example, dict) else example
    if raw is None:
        return []
    raw = _sequence(raw, "examples")
    # Meta's Graph shape nests body samples one level deeper: [["a", "b"]].
    if raw and all(isinstance(item, list) for item in raw):
        raw = [value for group in raw for value in group]
    for value in raw:
        if isinstance(value, dict | list) or value is None:
            raise PayloadError(f"a sample must be text, not {value!r}")
    return [value if isinstance(value, str) else _number_text(value) for value in raw]


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        raise PayloadError(f"a sample must be text, not {value!r}")
    return str(value)


def _header_from(component: Payload) -> Header:
    fmt = component.get("format") or "TEXT"
    fmt = _text(fmt, "header format").upper()
    if fmt not in HEADER_FORMATS:
        raise PayloadError(f"the file format has no {fmt} header")
    key = "headerText" if fmt == "TEXT" else "headerHandle"
    return Header(format=fmt, text=component.get("text"), examples=_samples(component, key))


def _body_from(component: Payload) -> Body:
    text = component.get("text")
    samples = _samples(component, "bodyText")
    examples: list[str] | dict[str, str] = samples
    names = named(text) if isinstance(text, str) else []
    if names and len(names) == len(samples):
        examples = dict(zip(names, samples, strict=True))
    return Body(
        text=text,
        examples=examples,
        add_security_recommendation=component.get("add_security_recommendation"),
    )


def _button_from(raw: Any, strict: bool) -> Button:
    raw = _mapping(raw, "a button")
    if strict:
        _known_keys(raw, BUTTON_KEYS, "a button")
    kind = raw.get("type")
    if kind is None:
        raise PayloadError("a button has no type")
    fields: dict[str, Any] = {"type": _text(kind, "button type").upper()}
    if fields["type"] not in BUTTON_TYPES:
        raise PayloadError(f"the file format has no {fields['type']} button")
    for field, key in _BUTTON_FIELDS:
        value = raw.get(key)
        if field == "examples":
            value = _samples(raw, "") or None
        elif field == "otp_type" and isinstance(value, str):
            value = value.upper()
        if value is not None:
            fields[field] = value
    return Button(**fields)


def _card_from(raw: Any, strict: bool) -> Card:
    raw = _mapping(raw, "a carousel card")
    if strict:
        _known_keys(raw, _CARD_KEYS, "a carousel card")
    components = _sequence(raw.get("components") or [], "card components")
    for component in components:
        kind = _kind(_mapping(component, "a card component"))
        if kind not in _CARD_COMPONENTS:
            raise PayloadError(f"a carousel card cannot hold a {kind} component")
    lang = language_from_components(components, strict=strict)
    return Card(header=lang.header, body=lang.body, buttons=lang.buttons)


def _mapping(value: Any, what: str) -> Payload:
    if not isinstance(value, Mapping):
        raise PayloadError(f"{what} must be an object, not {type(value).__name__}")
    return dict(value)


def _sequence(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise PayloadError(f"'{what}' must be an array, not {type(value).__name__}")
    return list(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise PayloadError(f"{what} must be a string, not {value!r}")
    return value


def _known_keys(value: Payload, allowed: frozenset[str], what: str) -> None:
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise PayloadError(f"{what} has unknown key(s): {', '.join(unknown)}")


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
