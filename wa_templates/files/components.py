"""The raw form of a language: 8x8's component array, held verbatim under `components:`.

Templates built in WhatsApp Manager can use what the file format has no keys for: limited-time
offers, CATALOG, MPM and SPM buttons, PRODUCT headers, product card carousels, and whatever
component Meta adds next. Such a language is written as the create payload's component list and
sent as written. Nothing of Meta's rules can be checked on it, but its structure can, so that
what is sent is at least a component array 8x8 can read:
- only JSON's types: text, whole and finite decimal numbers, true/false, null, lists, and
  mappings with text keys (YAML could give NaN or infinity, which JSON cannot carry, or a value
  only YAML 1.1 reads as a number or boolean: `yes`, `0x1F`, see `model.json_values`);
- each component a mapping with a `type` that is text, one component of each type;
- the known components' fields with the types 8x8 documents (a BODY's `text` is text, its
  `examples` a list of texts, a BUTTONS component's `buttons` a list of mappings with a `type`,
  a CAROUSEL's cards mappings holding `components`, a LIMITED_TIME_OFFER's `limited_time_offer`
  a mapping with a `text`...); unknown components and keys are allowed, as Meta adds them;
- no deeper and no larger than a template file may be (`yamlsafe`'s limits), counted from where
  the array sits in a file, so that a raw array read from the channel can be written as a file
  that loads again.
`problems` finds what is wrong, each with the path of the value inside the array.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from wa_templates.files.load import kind_of
from wa_templates.files.scalar import Scalar
from wa_templates.files.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_NODES

Path = tuple[str | int, ...]

FILE_DEPTH = 3
"""Lists and mappings around a language's `components` in a file: the document, `languages` and
the language."""
MAX_COMPONENT_DEPTH = MAX_DEPTH - FILE_DEPTH
"""How deep the array (itself one level) may nest so that the file holding it still loads."""

_TEXT = "a string"
_BOOL = "true or false"
_WHOLE = "a whole number"
_LIST = "a list"
_MAPPING = "a mapping"
_TEXTS = "a list of strings (samples)"

# Component type -> field -> what it must be. Fields not named here are left to Meta.
_FIELDS: dict[str, dict[str, str]] = {
    "HEADER": {"format": _TEXT, "text": _TEXT, "examples": _TEXTS, "example": _MAPPING},
    "BODY": {
        "text": _TEXT,
        "examples": _TEXTS,
        "example": _MAPPING,
        "add_security_recommendation": _BOOL,
    },
    "FOOTER": {"text": _TEXT, "code_expiration_minutes": _WHOLE},
    "BUTTONS": {"buttons": _LIST},
    "CAROUSEL": {"cards": _LIST},
    "LIMITED_TIME_OFFER": {"limited_time_offer": _MAPPING},
}
_REQUIRED = {"BUTTONS": "buttons", "CAROUSEL": "cards", "LIMITED_TIME_OFFER": "limited_time_offer"}
_BUTTON_FIELDS = {
    "text": _TEXT,
    "url": _TEXT,
    "phoneNumber": _TEXT,
    "examples": _TEXTS,
}
_OFFER_FIELDS = {"text": _TEXT, "has_expiration": _BOOL}


def problems(components: Any) -> list[tuple[Path, str]]:
    """What keeps `components` from being a component array 8x8 can read; empty when it is."""
    found = list(_limits(components))
    if found:
        return found  # a value the walk below should not even look at
    if not isinstance(components, list):
        return [((), f"components must be a list of components, not {kind_of(components)}")]
    if not components:
        return [((), "components is empty: a template needs at least a BODY")]
    return list(_components(components, ()))


def component_type(component: Mapping[str, Any]) -> str:
    """A component's type, upper-cased ("" when it has none that is text)."""
    kind = component.get("type")
    return kind.upper() if isinstance(kind, str) else ""


# --- limits and JSON types -------------------------------------------------------------------


def _limits(value: Any) -> Iterator[tuple[Path, str]]:
    nodes = 0
    bad = False
    stack: list[tuple[Any, Path, int]] = [(value, (), 1)]
    while stack:
        item, path, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            yield ((), f"components hold more than {MAX_NODES:,} values, a template file's limit")
            return
        if isinstance(item, dict):
            children: list[tuple[Any, Path]] = []
            for key, child in item.items():
                if not isinstance(key, str):
                    yield (path, f"a mapping key must be text, not {kind_of(key)}")
                    return
                children.append((child, (*path, key)))
        elif isinstance(item, list):
            children = [(child, (*path, index)) for index, child in enumerate(item)]
        else:
            problem = _scalar_problem(item)
            if problem:
                bad = True
                yield (path, problem)
            continue
        if depth > MAX_COMPONENT_DEPTH:
            yield (
                path,
                f"components nest deeper than {MAX_COMPONENT_DEPTH} levels, which a template "
                "file cannot hold",
            )
            return
        stack.extend((child, child_path, depth + 1) for child, child_path in reversed(children))
    if bad:
        return  # every value reported; no size for what JSON cannot hold
    size = len(json.dumps(value, ensure_ascii=False))
    if size > MAX_BYTES:
        yield ((), f"components take {size:,} bytes, more than a template file may ({MAX_BYTES:,})")


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, Scalar):
        meaning = json.dumps(value.value, default=str)
        return (
            f"unquoted {value} means {meaning} only to YAML 1.1 and is not JSON: write it in "
            "JSON (true, false, null, plain digits) or quote it for the text"
        )
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value} is not a number JSON can carry"
    return f"{kind_of(value)} is not a JSON value"


# --- shapes ----------------------------------------------------------------------------------


def _components(components: list[Any], at: Path) -> Iterator[tuple[Path, str]]:
    seen: dict[str, int] = {}
    for index, component in enumerate(components):
        path = (*at, index)
        if not isinstance(component, dict):
            yield (path, f"a component must be a mapping, not {kind_of(component)}")
            continue
        kind = component.get("type")
        if not isinstance(kind, str) or not kind.strip():
            yield (path, "a component needs a `type` (HEADER, BODY, ...), as text")
            continue
        kind = kind.upper()
        if kind in seen:
            yield ((*path, "type"), f"more than one {kind} component")
            continue
        seen[kind] = index
        yield from _fields(component, _FIELDS.get(kind, {}), path, f"{kind} component")
        required = _REQUIRED.get(kind)
        if required is not None and required not in component:
            yield (path, f"a {kind} component needs `{required}`")
        elif kind == "BUTTONS" and isinstance(component["buttons"], list):
            yield from _buttons(component["buttons"], (*path, "buttons"))
        elif kind == "CAROUSEL" and isinstance(component["cards"], list):
            yield from _cards(component["cards"], (*path, "cards"))
        elif kind == "LIMITED_TIME_OFFER" and isinstance(component["limited_time_offer"], dict):
            offer = component["limited_time_offer"]
            where = (*path, "limited_time_offer")
            yield from _fields(offer, _OFFER_FIELDS, where, "limited_time_offer")
            if "text" not in offer:
                yield (where, "a limited_time_offer needs its `text`")


def _buttons(buttons: list[Any], at: Path) -> Iterator[tuple[Path, str]]:
    for index, button in enumerate(buttons):
        path = (*at, index)
        if not isinstance(button, dict):
            yield (path, f"a button must be a mapping, not {kind_of(button)}")
        elif not isinstance(button.get("type"), str) or not button["type"].strip():
            yield (path, "a button has no type (URL, QUICK_REPLY, CATALOG, ...) as text")
        else:
            yield from _fields(button, _BUTTON_FIELDS, path, f"{button['type'].upper()} button")


def _cards(cards: list[Any], at: Path) -> Iterator[tuple[Path, str]]:
    for index, card in enumerate(cards):
        path = (*at, index)
        if not isinstance(card, dict):
            yield (path, f"a carousel card must be a mapping, not {kind_of(card)}")
        elif not isinstance(card.get("components"), list):
            yield (path, "a carousel card needs `components`, a list of its components")
        else:
            yield from _components(card["components"], (*path, "components"))


def _fields(
    value: dict[str, Any], fields: Mapping[str, str], at: Path, what: str
) -> Iterator[tuple[Path, str]]:
    for key, wanted in fields.items():
        if key in value and not _is(value[key], wanted):
            yield ((*at, key), f"`{key}` of a {what} must be {wanted}, not {kind_of(value[key])}")


def _is(value: Any, wanted: str) -> bool:
    if wanted == _TEXT:
        return isinstance(value, str)
    if wanted == _BOOL:
        return isinstance(value, bool)
    if wanted == _WHOLE:
        return isinstance(value, int) and not isinstance(value, bool)
    if wanted == _LIST:
        return isinstance(value, list)
    if wanted == _MAPPING:
        return isinstance(value, dict)
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
