"""Conversion between one language of a file and 8x8's shapes.

Three shapes meet here (see RULES.md, "Shapes"):
- the file model (`TemplateFile` with one entry in `languages`),
- the create payload sent to `POST .../templates`,
- an item of the list response from `GET .../templates`.

`to_payload` and `from_payload` are inverse: payload -> model -> payload is the identity after
this normalisation, which is all that 8x8 itself treats as equal:
- component and button types, header formats and otp_type are upper-cased;
- components are ordered HEADER, BODY, FOOTER, BUTTONS, CAROUSEL, CALL_PERMISSION_REQUEST;
- a button sample given as `example` is emitted as `examples`;
- empty sample lists, empty button lists and null values are omitted;
- keys come out in one fixed order.
Import, plan and apply all go through these functions, so they agree on what a template is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wa_templates.model import Body, Button, Card, Footer, Header, Language, TemplateFile

Payload = dict[str, Any]

NAMED_PLACEHOLDER = re.compile(r"\{\{([a-z_][a-z0-9_]*)\}\}")

AUTH_BODY = "*{{1}}* is your verification code."
AUTH_SECURITY = " For your security, do not share this code."
AUTH_FOOTER = "This code expires in {n} minutes."
_AUTH_FOOTER_RE = re.compile(r"^This code expires in (\d+) minutes?\.$")

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


class PayloadError(ValueError):
    """A payload or list item this tool cannot represent."""


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
    order = unique_named(body.text or "")
    ordered = [body.examples[name] for name in order if name in body.examples]
    ordered += [value for key, value in body.examples.items() if key not in order]
    return ordered


def unique_named(text: str) -> list[str]:
    return list(dict.fromkeys(NAMED_PLACEHOLDER.findall(text)))


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


# --- create payload -> model ---------------------------------------------------------------


def from_payload(payload: Payload) -> TemplateFile:
    """A single-language TemplateFile from a create payload."""
    try:
        name = payload["name"]
        language = payload["language"]
        category = payload["category"]
        components = payload["components"]
    except KeyError as exc:
        raise PayloadError(f"payload has no '{exc.args[0]}'") from None
    lang = language_from_components(components)
    return TemplateFile(
        name=name,
        category=category,
        allow_category_change=payload.get("allow_category_change"),
        message_send_ttl_seconds=payload.get("message_send_ttl_seconds"),
        languages={language: lang},
    )


def language_from_components(components: list[Payload]) -> Language:
    fields: dict[str, Any] = {}
    for component in components:
        kind = str(component.get("type", "BODY")).upper()
        if kind in fields or (kind == "BUTTONS" and "buttons" in fields):
            raise PayloadError(f"more than one {kind} component")
        if kind == "HEADER":
            fields["header"] = _header_from(component)
        elif kind == "BODY":
            fields["body"] = _body_from(component)
        elif kind == "FOOTER":
            fields["footer"] = Footer(
                text=component.get("text"),
                code_expiration_minutes=component.get("code_expiration_minutes"),
            )
        elif kind == "BUTTONS":
            fields["buttons"] = [_button_from(b) for b in component.get("buttons") or []]
        elif kind == "CAROUSEL":
            fields["carousel"] = [_card_from(c) for c in component.get("cards") or []]
        elif kind == "CALL_PERMISSION_REQUEST":
            fields["call_permission_request"] = True
        else:
            raise PayloadError(f"unknown component type '{component.get('type')}'")
    return Language(**fields)


def _samples(component: Payload, list_key: str) -> list[str]:
    """Samples from either shape: create's flat `examples`, or list's `example.<list_key>`."""
    raw: Any = component.get("examples")
    if raw is None:
        example = component.get("example")
        raw = example.get(list_key) if isinstance(example, dict) else example
    if raw is None:
        return []
    # Meta's Graph shape nests body samples one level deeper: [["a", "b"]].
    if raw and all(isinstance(item, list) for item in raw):
        raw = [value for group in raw for value in group]
    return [str(value) for value in raw]


def _header_from(component: Payload) -> Header:
    fmt = str(component.get("format") or "TEXT").upper()
    key = "headerText" if fmt == "TEXT" else "headerHandle"
    return Header(format=fmt, text=component.get("text"), examples=_samples(component, key))


def _body_from(component: Payload) -> Body:
    text = component.get("text")
    samples = _samples(component, "bodyText")
    examples: list[str] | dict[str, str] = samples
    names = unique_named(text or "")
    if names and len(names) == len(samples):
        examples = dict(zip(names, samples, strict=True))
    return Body(
        text=text,
        examples=examples,
        add_security_recommendation=component.get("add_security_recommendation"),
    )


def _button_from(raw: Payload) -> Button:
    fields: dict[str, Any] = {"type": str(raw.get("type", "")).upper()}
    for field, key in _BUTTON_FIELDS:
        value = raw.get(key)
        if field == "examples":
            value = _samples(raw, "") or None
        if value is not None:
            fields[field] = value
    return Button(**fields)


def _card_from(raw: Payload) -> Card:
    lang = language_from_components(raw.get("components") or [])
    return Card(header=lang.header, body=lang.body, buttons=lang.buttons)


# --- list response item -> model -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemoteTemplate:
    """One name+language as the channel reports it."""

    name: str
    language: str
    category: str
    status: str
    content: Language
    reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


def from_list_item(item: Payload) -> RemoteTemplate:
    category = str(item.get("category", "")).upper()
    lang = language_from_components(item.get("components") or [])
    if category == "AUTHENTICATION":
        lang = collapse_auth_presets(lang)
    return RemoteTemplate(
        name=str(item["templateName"]),
        language=str(item["language"]),
        category=category,
        status=str(item.get("status", "")).upper(),
        content=lang,
        reason=item.get("reason") or item.get("rejectedReason"),
        created_at=item.get("createdAt"),
        updated_at=item.get("updatedAt"),
    )


def expand_auth_presets(lang: Language) -> Language:
    """What Meta stores for an AUTHENTICATION template: its preset wording spelled out."""
    update: dict[str, Any] = {}
    body = lang.body or Body()
    if body.text is None:
        text = AUTH_BODY + (AUTH_SECURITY if body.add_security_recommendation else "")
        update["body"] = Body(text=text)
    footer = lang.footer
    if footer is not None and footer.text is None and footer.code_expiration_minutes is not None:
        update["footer"] = Footer(text=AUTH_FOOTER.format(n=footer.code_expiration_minutes))
    return lang.model_copy(update=update)


def collapse_auth_presets(lang: Language) -> Language:
    """Inverse of `expand_auth_presets`: Meta's wording back to the options that produce it."""
    update: dict[str, Any] = {}
    if lang.body is not None and lang.body.text in (AUTH_BODY, AUTH_BODY + AUTH_SECURITY):
        update["body"] = Body(add_security_recommendation=lang.body.text != AUTH_BODY)
    if lang.footer is not None and lang.footer.text is not None:
        match = _AUTH_FOOTER_RE.match(lang.footer.text)
        if match:
            update["footer"] = Footer(code_expiration_minutes=int(match.group(1)))
    return lang.model_copy(update=update)
