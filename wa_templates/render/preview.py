"""Preview: a template language as the recipient sees it, samples filled in.

`message_text` lays the message out as plain lines (header, body, footer, buttons, carousel
cards), keeping WhatsApp's formatting markers as written, so the same lines serve the terminal
(`terminal` turns the markers into ANSI) and the markdown plan (which shows them verbatim inside
a fence). It accepts a file model `Language` or the canonical dict a plan holds, which uses the
model's own field names. AUTHENTICATION's preset wording is spelled out in the template's own
language where Meta documents it (`channel.auth_presets`).

A language in the raw form (`components:`) is shown as far as its parts fit the format's keys
(`lenient`): a PRODUCT header or a CATALOG button still shows with its label, a limited-time
offer as a line of its own, a component nobody knows yet by its type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from wa_templates.channel.auth_presets import ENGLISH, Preset, preset
from wa_templates.files.components import component_type
from wa_templates.files.model import MEDIA_FORMATS, Body, Button, Card, Footer, Header, Language
from wa_templates.files.placeholders import fill
from wa_templates.untrusted import shown

SAMPLE_CODE = "123456"
"""The code shown in an AUTHENTICATION preview when the file gives no sample for it."""

# A marker after the label says what tapping the button does, as WhatsApp's icons do.
_BUTTON_ICONS = {
    "URL": "↗",
    "PHONE_NUMBER": "✆",
    "VOICE_CALL": "✆",
    "QUICK_REPLY": "↩",
    "COPY_CODE": "⧉",
    "OTP": "⧉",
    "FLOW": "☰",
    "REQUEST_CONTACT_INFO": "☺",
}
# WhatsApp's own labels for buttons whose text the sender does not choose (or may leave out);
# the OTP button's is Meta's preset, in the template's language.
_DEFAULT_LABELS = {
    "COPY_CODE": "Copy offer code",
    "VOICE_CALL": "Call on WhatsApp",
    "REQUEST_CONTACT_INFO": "Share contact info",
}


class PreviewError(ValueError):
    """Content that is not a template language (e.g. a hand-edited plan file)."""


def message_text(
    content: Language | Mapping[str, Any], category: str | None = None, language: str = "en"
) -> list[str]:
    """The message as lines. `category` and `language` only matter for AUTHENTICATION's preset
    wording (and the OTP button's label), which Meta words in the template's language."""
    lang, extra = lenient(_language(content))
    auth = _is_auth(lang, category)
    wording = preset(language)
    lines: list[str] = []
    if lang.header is not None:
        lines += _header(lang.header)
    lines += extra
    if lang.body is not None:
        lines += _body(lang.body, auth, wording)
    if lang.footer is not None:
        lines += _footer(lang.footer, wording)
    lines += [_button(b, wording) for b in lang.buttons]
    if lang.call_permission_request:
        lines.append("[ Allow calls ✆ ]  (call permission request)")
    cards = lang.carousel or []
    for number, card in enumerate(cards, 1):
        lines.append(f"── card {number} of {len(cards)} ──")
        lines += _card(card)
    return lines


def _language(content: Language | Mapping[str, Any]) -> Language:
    if isinstance(content, Language):
        return content
    if not isinstance(content, Mapping):
        raise PreviewError(f"not a template language: {type(content).__name__}")
    try:
        return Language.model_validate(dict(content))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(language)"
        raise PreviewError(f"not a template language: {where}: {error['msg']}") from None


def _is_auth(lang: Language, category: str | None) -> bool:
    if category is not None:
        return category.upper() == "AUTHENTICATION"
    # Without a category, the marks only AUTHENTICATION content carries (a canonical
    # AUTHENTICATION body always states add_security_recommendation).
    body, footer = lang.body, lang.footer
    return (
        (body is not None and body.add_security_recommendation is not None)
        or (footer is not None and footer.code_expiration_minutes is not None)
        or any(b.type == "OTP" for b in lang.buttons)
    )


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")


def _header(header: Header) -> list[str]:
    if header.format in MEDIA_FORMATS:
        # Media samples are dropped from a canonical form: Meta re-hosts the file.
        sample = f" {header.examples[0]}" if header.examples else ""
        return [f"[{header.format}]{sample}"]
    if header.format != "TEXT":
        return [f"[{header.format}]"]
    if header.text is None:
        return []
    return _lines(fill(header.text, header.examples))


def _body(body: Body, auth: bool, wording: Preset = ENGLISH) -> list[str]:
    if body.text is not None:
        return _lines(fill(body.text, body.examples))
    if not auth:
        return []
    # AUTHENTICATION: Meta supplies the wording; the file only chooses the options.
    samples = list(body.examples.values()) if isinstance(body.examples, dict) else body.examples
    text = wording.body_text(bool(body.add_security_recommendation))
    return _lines(fill(text, [samples[0] if samples else SAMPLE_CODE]))


def _footer(footer: Footer, wording: Preset = ENGLISH) -> list[str]:
    if footer.text is not None:
        return _lines(footer.text)
    if footer.code_expiration_minutes is not None:
        return [wording.footer_text(footer.code_expiration_minutes)]
    return []


def _button(button: Button, wording: Preset = ENGLISH) -> str:
    kind = button.type
    default = wording.copy_code if kind == "OTP" else _DEFAULT_LABELS.get(kind)
    label = button.text or default or kind.replace("_", " ").lower()
    if kind == "OTP" and button.otp_type in ("ONE_TAP", "ZERO_TAP"):
        label = button.autofill_text or wording.autofill
    label = " ".join(label.split())
    icon = _BUTTON_ICONS.get(kind)
    shown = f"[ {label} {icon} ]" if icon else f"[ {label} ]"
    target = _button_target(button)
    return f"{shown}  {target}" if target else shown


def _button_target(button: Button) -> str:
    kind = button.type
    if kind == "URL" and button.url:
        return fill(button.url, button.examples)
    if kind == "PHONE_NUMBER" and button.phone_number:
        return button.phone_number
    if kind == "COPY_CODE" and button.examples:
        return button.examples[0]
    if kind == "FLOW":
        return f"flow {button.flow_id}" if button.flow_id else ""
    if kind == "VOICE_CALL" and button.ttl_minutes:
        return f"valid {button.ttl_minutes} min"
    return ""


# --- the raw form ----------------------------------------------------------------------------


def lenient(lang: Language) -> tuple[Language, list[str]]:
    """A raw language as the format's keys, as far as its parts fit them, and a line for each
    part that does not (a limited-time offer, an unknown component); a modelled one unchanged."""
    if lang.components is None:
        return lang, []
    fields: dict[str, Any] = {}
    extra: list[str] = []
    for component in lang.components:
        kind = component_type(component)
        if kind == "LIMITED_TIME_OFFER":
            extra.append(_offer(component.get("limited_time_offer")))
        elif kind == "CALL_PERMISSION_REQUEST":
            fields["call_permission_request"] = True
        elif kind == "CAROUSEL":
            cards = component.get("cards")
            listed = cards if isinstance(cards, list) else []
            fields["carousel"] = [_card_of(card) for card in listed if isinstance(card, Mapping)]
        elif kind == "BUTTONS" and isinstance(component.get("buttons"), list):
            fields["buttons"] = [b for b in map(_button_of, component["buttons"]) if b]
        else:
            part = _part(kind, component)
            if part is None:
                extra.append(f"[{kind or 'component'}]")
            else:
                fields[kind.lower()] = part
    return Language(**fields), extra


_PARTS: dict[str, type[Header] | type[Body] | type[Footer]] = {
    "HEADER": Header,
    "BODY": Body,
    "FOOTER": Footer,
}


def _part(kind: str, component: Mapping[str, Any]) -> Header | Body | Footer | None:
    model = _PARTS.get(kind)
    if model is None:
        return None
    values = {k: v for k, v in component.items() if k in model.model_fields}
    try:
        return model.model_validate(values)
    except ValidationError:
        return None


def _button_of(raw: Any) -> Button | None:
    if not isinstance(raw, Mapping):
        return None
    values = {"phone_number": raw.get("phoneNumber")} | {
        k: v for k, v in raw.items() if k in ("type", "text", "url", "examples")
    }
    try:
        return Button.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError:
        return None


def _card_of(card: Mapping[str, Any]) -> Card:
    parts = card.get("components")
    inner, _ = lenient(Language(components=parts if isinstance(parts, list) else []))
    return Card(header=inner.header, body=inner.body, buttons=inner.buttons)


def _offer(offer: Any) -> str:
    text = offer.get("text") if isinstance(offer, Mapping) else None
    expires = isinstance(offer, Mapping) and offer.get("has_expiration") is True
    label = text if isinstance(text, str) else "limited-time offer"
    return f"⏱ {label}" + (" · offer expires" if expires else "")


def _card(card: Card) -> list[str]:
    lines: list[str] = []
    if card.header is not None:
        lines += _header(card.header)
    if card.body is not None:
        lines += _body(card.body, auth=False)
    lines += [_button(b) for b in card.buttons]
    return lines


# --- terminal ----------------------------------------------------------------------------

_MONO = re.compile(r"```(.+?)```", re.DOTALL)
# WhatsApp formats a span when the marker hugs non-space text and stands outside a word.
_INLINE = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^\n]*?\S)\1(?![\w*_~])")
_SGR = {"*": (1, 22), "_": (3, 23), "~": (9, 29), "```": (7, 27)}


def terminal(text: str, color: bool) -> str:
    """WhatsApp formatting as ANSI (bold, italic, strikethrough, inverse for mono).

    Without colour the markers stay as written, which is how WhatsApp's own plain-text
    fallbacks show them. Control and invisible characters a template could carry (from the
    channel, too) are spelled out either way: they must not drive the terminal or hide.
    """
    text = shown(text, keep="\t\n")
    if not color:
        return text
    out: list[str] = []
    last = 0
    for match in _MONO.finditer(text):
        out.append(_inline(text[last : match.start()]))
        out.append(_sgr("```", match.group(1)))  # nothing is formatted inside mono
        last = match.end()
    out.append(_inline(text[last:]))
    return "".join(out)


def _inline(text: str) -> str:
    return _INLINE.sub(lambda m: _sgr(m.group(1), _inline(m.group(2))), text)


def _sgr(marker: str, inner: str) -> str:
    on, off = _SGR[marker]
    return f"\x1b[{on}m{inner}\x1b[{off}m"
