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
from wa_templates.channel.payload import PayloadError, body_samples, language_from_components
from wa_templates.files.model import MEDIA_FORMATS, Body, Button, Card, Footer, Header, Language

Canonical = dict[str, Any]

UNCONFIRMABLE = (
    "allow_category_change",
    "message_send_ttl_seconds",
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
