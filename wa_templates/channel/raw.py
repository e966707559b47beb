"""The raw form of a language (`components:`) on the channel side: read, compared, described.

A language the file format cannot hold (`files.components`) is kept as 8x8's component array.
This module gives that array what the modelled form gets from `payload` and `normalise`:
- `from_list`: a list item's components in the create payload's shape, which is what a file
  holds and what is sent (samples under `examples`, not the list's `example.bodyText`; types
  and header formats upper-cased; AUTHENTICATION's preset wording back to its options), so an
  imported raw template plans as "no changes";
- `canonical`: one comparable form of a raw array, whichever shape it came in, on the same terms
  as `normalise` (text trimmed, media samples dropped, empty values left out);
- `features`: what in the array the format has no keys for, by the names people know them by
  (limited-time offer, CATALOG button, ...): the one warning validate gives a raw language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wa_templates.channel import auth_presets
from wa_templates.channel.payload import Payload, PayloadError, language_from_components
from wa_templates.files.components import component_type
from wa_templates.files.model import BUTTON_TYPES, HEADER_FORMATS, MEDIA_FORMATS

Canonical = dict[str, Any]

KNOWN_COMPONENTS = ("HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "CALL_PERMISSION_REQUEST")
PRODUCT_BUTTONS = {"CATALOG": "CATALOG button", "MPM": "MPM button", "SPM": "SPM button"}
# The list's sample keys by component (8x8's list schema), and Meta's own spelling of them.
_SAMPLE_KEYS = {"HEADER": ("headerText", "headerHandle"), "BODY": ("bodyText",)}


# --- list shape -> create shape --------------------------------------------------------------


def from_list(components: list[Any], category: str) -> list[Payload]:
    """The components of a list item in the create payload's shape (see the module's doc).

    Only what 8x8's list adds is changed; every other key and component stays as listed.
    Idempotent: an array already in the create shape comes back equal.
    """
    auth = category.upper() == "AUTHENTICATION"
    return [_created(c, auth) if isinstance(c, Mapping) else c for c in components]


def _created(component: Mapping[str, Any], auth: bool) -> Payload:
    out: Payload = dict(component)
    kind = component_type(component)
    if kind:
        out["type"] = kind
    if kind == "HEADER" and isinstance(out.get("format"), str):
        out["format"] = out["format"].upper()
    if kind in _SAMPLE_KEYS and "examples" not in out:
        samples = _listed_samples(out.get("example"), _SAMPLE_KEYS[kind])
        if samples is not None:
            del out["example"]
            out["examples"] = samples
    if kind == "BUTTONS" and isinstance(out.get("buttons"), list):
        out["buttons"] = [_button(b) for b in out["buttons"]]
    if kind == "CAROUSEL" and isinstance(out.get("cards"), list):
        out["cards"] = [
            {**card, "components": from_list(card["components"], "MARKETING")}
            if isinstance(card, Mapping) and isinstance(card.get("components"), list)
            else card
            for card in out["cards"]
        ]
    if auth and kind in ("BODY", "FOOTER"):
        _collapse(out, kind)
    return _type_first(out)


def _type_first(mapping: Payload) -> Payload:
    # An item's keys may come back sorted (a list item is kept as sorted JSON text); a file
    # reads best, and as 8x8's docs write it, with each component's and button's type first.
    if "type" not in mapping:
        return mapping
    return {"type": mapping["type"], **{k: v for k, v in mapping.items() if k != "type"}}


def _listed_samples(example: Any, keys: tuple[str, ...]) -> list[Any] | None:
    if not isinstance(example, Mapping) or len(example) != 1:
        return None
    key, samples = next(iter(example.items()))
    if key not in keys or not isinstance(samples, list):
        return None
    # Meta's Graph shape nests body samples one level deeper: [["a", "b"]].
    if samples and all(isinstance(group, list) for group in samples):
        samples = [value for group in samples for value in group]
    return list(samples)


def _button(button: Any) -> Any:
    if not isinstance(button, Mapping):
        return button
    out = dict(button)
    if isinstance(out.get("type"), str):
        out["type"] = out["type"].upper()
    if "examples" not in out and isinstance(out.get("example"), list):
        out["examples"] = out.pop("example")
    return _type_first(out)


def _collapse(component: Payload, kind: str) -> None:
    """AUTHENTICATION: Meta's preset wording back to the option that produces it."""
    text = component.get("text")
    if not isinstance(text, str):
        return
    if kind == "BODY":
        secure = auth_presets.security_of(text)
        if secure is not None:
            del component["text"]
            component["add_security_recommendation"] = secure
    else:
        minutes = auth_presets.minutes_of(text)
        if minutes is not None:
            del component["text"]
            component["code_expiration_minutes"] = minutes


# --- canonical form --------------------------------------------------------------------------


def canonical(components: list[Any], category: str) -> Canonical:
    """A raw array's canonical form: `{"components": [...]}`, as `normalise` would compare it."""
    auth = category.upper() == "AUTHENTICATION"
    return {"components": [_canonical_component(c, auth) for c in from_list(components, category)]}


def _canonical_component(component: Any, auth: bool) -> Any:
    if not isinstance(component, Mapping):
        return component
    kind = component_type(component)
    media = kind == "HEADER" and str(component.get("format", "")).upper() in MEDIA_FORMATS
    out: Canonical = {}
    for key, value in component.items():
        if value is None or value == [] or (media and key == "examples"):
            continue  # Meta re-hosts a media sample: the channel never returns ours
        if key == "buttons" and isinstance(value, list):
            value = [_canonical_component(b, False) for b in value]
        elif key == "cards" and isinstance(value, list):
            value = [
                {**card, "components": [_canonical_component(c, False) for c in card["components"]]}
                if isinstance(card, Mapping) and isinstance(card.get("components"), list)
                else card
                for card in value
            ]
        out[key] = _trimmed(key, value)
    if auth and kind == "BODY":
        out["add_security_recommendation"] = bool(out.get("add_security_recommendation"))
    return out


def _trimmed(key: str, value: Any) -> Any:
    """Text as `normalise.text` folds it: line endings to \\n, surrounding whitespace gone."""
    if key in ("text", "examples"):
        if isinstance(value, str):
            return _text(value)
        if isinstance(value, list):
            return [_text(v) if isinstance(v, str) else v for v in value]
    return value


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- what the file format cannot say -----------------------------------------------------------


def features(components: list[Any]) -> list[str]:
    """What in a raw array the file format has no keys for, once each, in order of appearance;
    empty when the format could say all of it."""
    found: dict[str, None] = {}
    for component in components:
        if isinstance(component, Mapping):
            for name in _component_features(component):
                found.setdefault(name, None)
    if not found:
        try:
            language_from_components(components, strict=True)
        except PayloadError as exc:
            found[str(exc)] = None
    return list(found)


def _component_features(component: Mapping[str, Any]) -> list[str]:
    kind = component_type(component)
    if kind == "LIMITED_TIME_OFFER":
        return ["limited-time offer"]
    if kind not in KNOWN_COMPONENTS:
        return [f"unknown component type {kind}"]
    if kind == "HEADER":
        fmt = str(component.get("format") or "TEXT").upper()
        if fmt == "PRODUCT":
            return ["PRODUCT header"]
        return [] if fmt in HEADER_FORMATS else [f"{fmt} header"]
    if kind == "BUTTONS":
        return _button_features(component.get("buttons"))
    if kind == "CAROUSEL":
        return _carousel_features(component.get("cards"))
    return []


def _button_features(buttons: Any) -> list[str]:
    out = []
    for button in buttons if isinstance(buttons, list) else []:
        kind = str(button.get("type", "")).upper() if isinstance(button, Mapping) else ""
        if kind in PRODUCT_BUTTONS:
            out.append(PRODUCT_BUTTONS[kind])
        elif kind not in BUTTON_TYPES:
            out.append(f"{kind} button")
    return out


def _carousel_features(cards: Any) -> list[str]:
    inside: list[str] = []
    for card in cards if isinstance(cards, list) else []:
        parts = card.get("components") if isinstance(card, Mapping) else None
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, Mapping):
                inside += _component_features(part)
    if "PRODUCT header" in inside or "SPM button" in inside:
        return ["product carousel"]
    return [f"carousel card {name}" for name in dict.fromkeys(inside)]
