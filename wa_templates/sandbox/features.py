"""Templates the file format does not model, as the sandbox accepts them on create.

8x8's create request takes whatever components Meta accepts; the file format has no keys for
some of them, so a repository sends those in the raw form (`components:`). The sandbox accepts
them with the structure Meta's documentation states (8x8's documents none of them), and refuses
the rest with 8x8's 400, as for any payload it cannot read:
- limited-time offer (a LIMITED_TIME_OFFER component): MARKETING only; no footer; the offer's
  `text` at most 16 characters, `has_expiration` true or false; a header, if any, IMAGE or
  VIDEO; body text at most 600 characters; the offer code sample at most 15 characters;
- catalog template (a CATALOG button): MARKETING; the only button; no header (Meta draws the
  catalog's own);
- multi-product template (an MPM button): MARKETING; the only button; a TEXT header;
- single-product template (an SPM button): MARKETING; the only button; a PRODUCT header;
- a PRODUCT header: only with an SPM button, and no text or sample (the product supplies both);
- product card carousel (cards with a PRODUCT header or an SPM button): MARKETING; at most 10
  cards, each with a PRODUCT header and exactly one button, SPM or URL, the same on every card.
Every component, card and button holds only keys 8x8 or Meta document for it. Content is Meta's
to judge, in the simulated review, as for any template.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from wa_templates.channel.payload import BUTTON_KEYS, COMPONENT_KEYS
from wa_templates.files.components import component_type
from wa_templates.files.model import BUTTON_TYPES
from wa_templates.files.model import HEADER_FORMATS as MODELLED_FORMATS

OFFER = "LIMITED_TIME_OFFER"
PRODUCT_BUTTONS = ("CATALOG", "MPM", "SPM")
KEYS: dict[str, frozenset[str]] = {
    **COMPONENT_KEYS,
    OFFER: frozenset({"type", "limited_time_offer"}),
}
OFFER_KEYS = frozenset({"text", "has_expiration"})
CARD_COMPONENTS = ("HEADER", "BODY", "BUTTONS")
HEADER_FORMATS = (*MODELLED_FORMATS, "PRODUCT")
OFFER_TEXT_MAX = 16
OFFER_BODY_MAX = 600
OFFER_CODE_MAX = 15
MAX_CARDS = 10


def used(components: list[Any]) -> bool:
    """Whether a create payload's components use any of the features this module knows."""
    return any(_features(components))


def problem(category: str, components: list[Any]) -> str | None:
    """What Meta's documentation says is wrong with these components; None if nothing."""
    return next(_problems(category.upper(), components), None)


def _features(components: list[Any]) -> list[str]:
    found = []
    for component in _mappings(components):
        kind = component_type(component)
        if kind == OFFER:
            found.append(OFFER)
        elif kind == "HEADER" and _format(component) == "PRODUCT":
            found.append("PRODUCT")
        elif kind == "BUTTONS":
            found += [t for t in _button_types(component) if t in PRODUCT_BUTTONS]
        elif kind == "CAROUSEL":
            for card in _mappings(component.get("cards")):
                found += _features(card.get("components") or [])
    return found


def _problems(category: str, components: list[Any]) -> Iterator[str]:
    yield from _shapes(components, KEYS)
    by_kind = {component_type(c): c for c in _mappings(components)}
    features = set(_features(components))
    if features and category != "MARKETING":
        yield f"{_name(features)} templates are MARKETING only, not {category}"
    if OFFER in by_kind:
        yield from _offer(by_kind)
    buttons = _button_types(by_kind.get("BUTTONS", {}))
    header = by_kind.get("HEADER")
    header_format = _format(header) if header is not None else None
    for kind in PRODUCT_BUTTONS:
        if kind in buttons and len(buttons) > 1:
            yield f"a {kind} button must be the template's only button"
    if "CATALOG" in buttons and header is not None:
        yield "a catalog template takes no HEADER: Meta shows the catalog's own"
    if "MPM" in buttons and header_format != "TEXT":
        yield "a multi-product (MPM) template needs a TEXT header"
    if "SPM" in buttons and header_format != "PRODUCT":
        yield "a single-product (SPM) template needs a PRODUCT header"
    if header_format == "PRODUCT":
        yield from _product_header(header or {}, buttons)
    if "CAROUSEL" in by_kind:
        yield from _carousel(by_kind["CAROUSEL"].get("cards"))


def _shapes(components: Any, types: Mapping[str, frozenset[str]]) -> Iterator[str]:
    """Unknown component types, keys and button types, in cards too."""
    for component in _mappings(components):
        kind = component_type(component)
        if kind not in types:
            yield f"unknown component type '{kind}'" + ("" if types is KEYS else " on a card")
            continue
        yield from _unknown_keys(component, KEYS[kind], f"a {kind} component")
        if kind == "HEADER" and _format(component) not in HEADER_FORMATS:
            yield f"unknown header format '{_format(component)}'"
        for button in _mappings(component.get("buttons")) if kind == "BUTTONS" else []:
            yield from _button(button)
        for card in _mappings(component.get("cards")) if kind == "CAROUSEL" else []:
            yield from _unknown_keys(card, frozenset({"components"}), "a carousel card")
            yield from _shapes(card.get("components"), {k: KEYS[k] for k in CARD_COMPONENTS})


def _offer(by_kind: dict[str, Mapping[str, Any]]) -> Iterator[str]:
    offer = by_kind[OFFER].get("limited_time_offer")
    if not isinstance(offer, Mapping):
        yield "a LIMITED_TIME_OFFER component needs `limited_time_offer`, a mapping"
        return
    yield from _unknown_keys(offer, OFFER_KEYS, "limited_time_offer")
    text = offer.get("text")
    if not isinstance(text, str) or not text.strip():
        yield "limited_time_offer.text is required"
    elif len(text) > OFFER_TEXT_MAX:
        yield f"limited_time_offer.text is {len(text)} characters; at most {OFFER_TEXT_MAX}"
    if "has_expiration" in offer and not isinstance(offer["has_expiration"], bool):
        yield "limited_time_offer.has_expiration must be true or false"
    if "FOOTER" in by_kind:
        yield "a limited-time offer template takes no FOOTER"
    header = by_kind.get("HEADER")
    if header is not None and _format(header) not in ("IMAGE", "VIDEO"):
        yield "a limited-time offer's header is IMAGE or VIDEO"
    body = by_kind.get("BODY", {}).get("text")
    if isinstance(body, str) and len(body) > OFFER_BODY_MAX:
        yield f"a limited-time offer's body is {len(body)} characters; at most {OFFER_BODY_MAX}"
    for button in _mappings(by_kind.get("BUTTONS", {}).get("buttons")):
        samples = button.get("examples")
        code = samples[0] if isinstance(samples, list) and samples else None
        copy_code = str(button.get("type", "")).upper() == "COPY_CODE"
        if copy_code and isinstance(code, str) and len(code) > OFFER_CODE_MAX:
            yield f"the offer code sample is {len(code)} characters; at most {OFFER_CODE_MAX}"


def _product_header(header: Mapping[str, Any], buttons: list[str]) -> Iterator[str]:
    if "SPM" not in buttons:
        yield "a PRODUCT header goes with an SPM button"
    if header.get("text") is not None or header.get("examples") or header.get("example"):
        yield "a PRODUCT header takes no text or sample: the product supplies them"


def _carousel(cards: Any) -> Iterator[str]:
    cards = list(_mappings(cards))
    if not any(_features(card.get("components") or []) for card in cards):
        return  # a media card carousel: the file format's own
    if len(cards) > MAX_CARDS:
        yield f"a product card carousel has at most {MAX_CARDS} cards, not {len(cards)}"
    kinds: set[tuple[str, ...]] = set()
    for number, card in enumerate(cards, 1):
        parts = {component_type(c): c for c in _mappings(card.get("components"))}
        header = parts.get("HEADER")
        if header is None or _format(header) != "PRODUCT":
            yield f"product card {number} needs a PRODUCT header"
        elif header.get("text") is not None or header.get("examples"):
            yield f"product card {number}'s PRODUCT header takes no text or sample"
        buttons = tuple(_button_types(parts.get("BUTTONS", {})))
        if len(buttons) != 1 or buttons[0] not in ("SPM", "URL"):
            yield f"product card {number} needs exactly one button, SPM or URL"
        kinds.add(buttons)
    if len(kinds) > 1:
        yield "every product card has the same button"


def _button(button: Mapping[str, Any]) -> Iterator[str]:
    kind = str(button.get("type", "")).upper()
    if kind not in BUTTON_TYPES and kind not in PRODUCT_BUTTONS:
        yield f"unknown button type '{kind}'"
        return
    yield from _unknown_keys(button, BUTTON_KEYS, f"a {kind} button")
    if kind in PRODUCT_BUTTONS and not (isinstance(button.get("text"), str) and button["text"]):
        yield f"a {kind} button needs its text"


def _unknown_keys(value: Mapping[str, Any], allowed: frozenset[str], what: str) -> Iterator[str]:
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        yield f"{what} has unknown key(s): {', '.join(unknown)}"


def _name(features: set[str]) -> str:
    names = {
        OFFER: "limited-time offer",
        "PRODUCT": "product",
        "CATALOG": "catalog",
        "MPM": "multi-product",
        "SPM": "single-product",
    }
    return ", ".join(sorted(names[f] for f in features))


def _button_types(component: Mapping[str, Any]) -> list[str]:
    return [str(b.get("type", "")).upper() for b in _mappings(component.get("buttons"))]


def _format(component: Mapping[str, Any]) -> str:
    return str(component.get("format") or "TEXT").upper()


def _mappings(values: Any) -> list[Mapping[str, Any]]:
    return [v for v in values if isinstance(v, Mapping)] if isinstance(values, list) else []
