"""Normalise: one canonical form for a language of a template, whether from a file or the channel.

Plan, import and drift compare only canonical forms, so every difference that is not a real
difference has to disappear here, and nowhere else:
- text: line endings folded to \\n and surrounding whitespace stripped (Meta trims it; a YAML
  block scalar `|` adds a trailing newline);
- AUTHENTICATION: Meta's preset wording collapsed into the options that produce it
  (add_security_recommendation false when absent);
- body samples as one flat list in placeholder order (a named mapping is flattened);
- media header samples dropped: Meta re-hosts the file, so the channel never returns our URL;
- defaults and empty values dropped, keys in one order (the model's);
- a language in the raw form (`components:`) compared as the format's keys when they can hold
  it, so writing a template either way makes no difference, and otherwise as its array
  (`channel.raw.canonical`, on the same terms).
The create-only options (allow_category_change, message_send_ttl_seconds) are not part of a
language at all; `UNCONFIRMABLE` names them for the plan to say once.
"""

from __future__ import annotations

from typing import Any

from wa_templates.channel import raw
from wa_templates.channel.auth_presets import collapse
from wa_templates.channel.payload import (
    Payload,
    PayloadError,
    body_samples,
    components_of,
    is_media_header,
    language_from_components,
)
from wa_templates.files.model import MEDIA_FORMATS, Body, Button, Card, Footer, Header, Language

Canonical = dict[str, Any]

CREATE_ONLY = ("allow_category_change", "message_send_ttl_seconds")
"""A create payload's options that are no part of a language (see `sent_only`)."""
UNCONFIRMABLE = (
    *CREATE_ONLY,
    "media header samples (Meta re-hosts the file)",
    "samples, OTP button options, carousel cards and call permission requests, where the "
    "channel's list leaves them out",
)
SAMPLE_KEYS = (
    "examples",
    "otp_type",
    "autofill_text",
    "supported_apps",
    "zero_tap_terms_accepted",
    "carousel",
    "call_permission_request",
)
"""Keys 8x8's documented list schema does not promise to return: compared only when it does."""


def canonical(lang: Language, category: str) -> Canonical:
    components = lang.components
    if components is not None:
        try:
            lang = language_from_components(components, strict=True)
        except PayloadError:
            return raw.canonical(components, category)
    if category.upper() == "AUTHENTICATION":
        lang = collapse(lang)
    out: Canonical = {}
    if lang.header is not None:
        out["header"] = _header(lang.header)
    if lang.body is not None:
        out["body"] = _body(lang.body, category)
    if lang.footer is not None:
        out["footer"] = _footer(lang.footer)
    if lang.buttons:
        out["buttons"] = [_button(b) for b in lang.buttons]
    if lang.carousel is not None:
        out["carousel"] = [_card(c) for c in lang.carousel]
    if lang.call_permission_request:
        out["call_permission_request"] = True
    return out


def sent_only(payload: Payload) -> list[tuple[str, Any]]:
    """What a create payload sends that its canonical form leaves out, as (where, value): the
    create-only options, media header samples and, outside AUTHENTICATION (where validate
    refuses it, WA508), a body's add_security_recommendation. The canonical form is what plan
    compares and shows as the content; a plan shows these beside it, read from the payload, so
    that nothing apply sends goes unseen."""
    sent = [(key, payload[key]) for key in CREATE_ONLY if payload.get(key) is not None]
    auth = str(payload.get("category", "")).upper() == "AUTHENTICATION"
    for where, component in components_of(payload.get("components")):
        if is_media_header(component) and component.get("examples"):
            sent.append((f"{where}.examples", component["examples"]))
        security = component.get("add_security_recommendation")
        if not auth and where.endswith("body") and security is not None:
            sent.append((f"{where}.add_security_recommendation", security))
    return sent


def from_list_components(components: Any, category: str) -> Canonical | None:
    """The canonical form read straight from a list item's components, or None.

    Parsing a full channel through the file model builds some 60,000 pydantic models only to
    turn them into this form. The shapes nearly every template has (a TEXT header, a body, a
    footer, QUICK_REPLY, URL and PHONE_NUMBER buttons, every value a string, one component of
    each type) need no model: they are read here, into exactly what `canonical` would give,
    key order included. Anything else (AUTHENTICATION's presets, media, carousels, other
    buttons, odd values, the shapes the model refuses) is None, and the caller converts it
    through the model as before. Tests hold both ways to the same result.
    """
    if category.upper() == "AUTHENTICATION":
        return None
    components = components or []
    if type(components) is not list:
        return None
    read: Canonical = {}
    seen: set[str] = set()
    for component in components:
        if type(component) is not dict:
            return None
        kind = component.get("type", "BODY")
        if not isinstance(kind, str):
            return None
        kind = kind.upper()
        reader = _LIST_READERS.get(kind)
        if reader is None or kind in seen:
            return None
        seen.add(kind)
        value = reader(component)
        if value is None:
            return None
        if value or kind != "BUTTONS":  # no buttons is no "buttons" key, as in `canonical`
            read[kind.lower()] = value
    return {key: read[key] for key in ("header", "body", "footer", "buttons") if key in read}


def _listed_header(component: dict[str, Any]) -> Canonical | None:
    fmt = component.get("format") or "TEXT"
    if not isinstance(fmt, str) or fmt.upper() != "TEXT":
        return None
    return _listed_text(component, "headerText", {"format": "TEXT"})


def _listed_body(component: dict[str, Any]) -> Canonical | None:
    security = component.get("add_security_recommendation")
    if not (security is None or isinstance(security, bool)):
        return None
    # A named body's samples become a mapping in the model, then come back in placeholder
    # order, which is the order they are listed in: the same list either way.
    return _listed_text(component, "bodyText", {})


def _listed_text(component: dict[str, Any], samples_key: str, out: Canonical) -> Canonical | None:
    """`out` with the component's text and samples as `canonical` writes them; None unless
    the text and every sample are strings."""
    value = component.get("text")
    samples = _listed_samples(component, samples_key)
    if samples is None or (value is not None and not isinstance(value, str)):
        return None
    if value is not None:
        out["text"] = text(value)
    if samples:
        out["examples"] = [text(s) for s in samples]
    return out


def _listed_footer(component: dict[str, Any]) -> Canonical | None:
    value = component.get("text")
    if component.get("code_expiration_minutes") is not None:
        return None
    if value is None:
        return {}
    return {"text": text(value)} if isinstance(value, str) else None


_PLAIN_BUTTONS = frozenset({"QUICK_REPLY", "URL", "PHONE_NUMBER"})
_PLAIN_BUTTON_KEYS = (("text", "text"), ("url", "url"), ("phoneNumber", "phone_number"))
_OTHER_BUTTON_KEYS = (
    "country",
    "otp_type",
    "autofill_text",
    "supported_apps",
    "zero_tap_terms_accepted",
    "flowId",
    "flowAction",
    "navigateScreen",
    "ttlMinutes",
)


def _listed_buttons(component: dict[str, Any]) -> list[Canonical] | None:
    buttons = component.get("buttons") or []
    if type(buttons) is not list:
        return None
    out: list[Canonical] = []
    for button in buttons:
        if type(button) is not dict:
            return None
        kind = button.get("type")
        if not isinstance(kind, str) or kind.upper() not in _PLAIN_BUTTONS:
            return None
        if any(button.get(key) is not None for key in _OTHER_BUTTON_KEYS):
            return None
        read: Canonical = {"type": kind.upper()}
        for key, field in _PLAIN_BUTTON_KEYS:
            value = button.get(key)
            if value is not None:
                if not isinstance(value, str):
                    return None
                read[field] = text(value) if field == "text" else value
        samples = _listed_samples(button, "")
        if samples is None:
            return None
        if samples:
            read["examples"] = list(samples)
        out.append(read)
    return out


def _listed_samples(component: dict[str, Any], key: str) -> list[str] | None:
    """Samples as `payload` reads them (`examples`, or the list's `example.<key>`), if every one
    is a string; None for any other shape (numbers, Meta's nested lists)."""
    raw = component.get("examples")
    if raw is None:
        example = component.get("example")
        raw = example.get(key) if isinstance(example, dict) else example
    if raw is None:
        return []
    if type(raw) is not list or not all(type(value) is str for value in raw):
        return None
    return raw


_LIST_READERS: dict[str, Any] = {
    "HEADER": _listed_header,
    "BODY": _listed_body,
    "FOOTER": _listed_footer,
    "BUTTONS": _listed_buttons,
}


def align_samples(local: Canonical, remote: Canonical) -> tuple[Canonical, Canonical]:
    """Drop from `local` what the channel does not report for the same component.

    8x8's list schema carries samples only when Meta returns them and documents no OTP button
    options, carousel cards or call permission request; what the channel does not report can be
    neither confirmed nor denied, so it must not show up as a change (UNCONFIRMABLE says so).
    """
    if local == remote:  # nearly every template of a plan: skip the walk
        return local, remote
    return _strip_missing(local, remote), remote


def _strip_missing(local: Any, remote: Any) -> Any:
    if isinstance(local, dict):
        remote_dict = remote if isinstance(remote, dict) else {}
        result = {}
        for key, value in local.items():
            if key in SAMPLE_KEYS and key not in remote_dict:
                continue
            result[key] = _strip_missing(value, remote_dict.get(key))
        return result
    if isinstance(local, list):
        remote_list = remote if isinstance(remote, list) else []
        return [
            _strip_missing(item, remote_list[i] if i < len(remote_list) else None)
            for i, item in enumerate(local)
        ]
    return local


def text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _header(header: Header) -> Canonical:
    out: Canonical = {"format": header.format}
    if header.text is not None:
        out["text"] = text(header.text)
    if header.examples and header.format not in MEDIA_FORMATS:
        out["examples"] = [text(e) for e in header.examples]
    return out


def _body(body: Body, category: str) -> Canonical:
    out: Canonical = {}
    if body.text is not None:
        out["text"] = text(body.text)
    samples = body_samples(body)
    if samples:
        out["examples"] = [text(s) for s in samples]
    if category.upper() == "AUTHENTICATION":
        out["add_security_recommendation"] = bool(body.add_security_recommendation)
    return out


def _footer(footer: Footer) -> Canonical:
    out: Canonical = {}
    if footer.text is not None:
        out["text"] = text(footer.text)
    if footer.code_expiration_minutes is not None:
        out["code_expiration_minutes"] = footer.code_expiration_minutes
    return out


def _button(button: Button) -> Canonical:
    out: Canonical = button.model_dump(exclude_none=True, exclude_defaults=True)
    out["type"] = button.type
    if "text" in out:
        out["text"] = text(out["text"])
    # 8x8 documents these defaults; a file that omits them asks for the same thing.
    if button.type == "FLOW" and out.setdefault("flow_action", "navigate") == "navigate":
        out.setdefault("navigate_screen", "FIRST_ENTRY_SCREEN")
    return out


def _card(card: Card) -> Canonical:
    out: Canonical = {}
    if card.header is not None:
        out["header"] = _header(card.header)
    if card.body is not None:
        out["body"] = _body(card.body, "MARKETING")
    if card.buttons:
        out["buttons"] = [_button(b) for b in card.buttons]
    return out
