"""The channel's templates, parsed once, at the boundary.

The provider turns each item of 8x8's list response (`GET .../templates`) into a
`ChannelTemplate`, and every stage above it (plan, apply, wait, drift, import, names) reads those:
nothing outside the provider and this module reads 8x8's keys (`templateName`, `createdAt`, ...)
from a dict.

Three outcomes per item:
- read: the content is held in its canonical form (`content`), which is what plan and drift
  compare; `model()` gives the file model, for import;
  what the file format has no keys for (a limited-time offer, a CATALOG button, a component
  type Meta adds next year) is read in the raw form (`channel.raw`), as 8x8's component array;
- unreadable: not even the raw form can hold it (a component that is not a mapping or has no
  type, a second BODY, a sample that is not text, an array too deep for a file). The reason
  is kept, and plan, apply and import leave that name alone. Only `PayloadError`, raised by the
  conversion's own checks, means this: any other exception is a bug in this tool and propagates;
- refused: an item that names no template (not an object, no `templateName` or `language`). It
  cannot be tied to a name to protect, so the whole answer is refused (`ListShapeError`), and
  the provider reports it as an unexpected answer: nothing is read or touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wa_templates.channel import raw
from wa_templates.channel.auth_presets import collapse
from wa_templates.channel.normalise import Canonical, canonical, from_list_components
from wa_templates.channel.payload import PayloadError, language_from_components, raw_language
from wa_templates.files.model import Language

ListItem = dict[str, Any]
"""One entry of `GET .../templates` -> `{"templates": [...]}`, as 8x8 returns it."""


class ListShapeError(ValueError):
    """A list item that names no template: the answer as a whole cannot be trusted."""


@dataclass(frozen=True, slots=True, eq=False)
class ChannelTemplate:
    """One name + language as the channel reports it."""

    name: str
    language: str
    category: str
    """Upper-cased; "" when the channel gives none."""
    status: str
    """Upper-cased; "" when the channel gives none (treated as possibly approved)."""
    content: Canonical | None
    """The canonical form; None when the content could not be read (`unreadable` says why):
    such a template is never touched."""
    unreadable: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    reason: str | None = None
    """The rejection reason, where the channel reports one (8x8's list usually does not)."""
    pause_title: str | None = None
    disable_date: str | None = None
    listed_json: str = field(default="{}", repr=False)
    """The item as listed, as compact JSON with sorted keys (what `fingerprint()` hashes). Kept
    as text, not as the decoded item: 12,000 items of a full channel take about 40 MB as dicts
    and a quarter of that as text; `raw` decodes it for the few that need it."""

    @property
    def raw(self) -> ListItem:
        """The item as listed (keys sorted): for display, import, and the fingerprint of what
        could not be read."""
        item: ListItem = json.loads(self.listed_json)
        return item

    @property
    def address(self) -> str:
        return address(self.name, self.language)

    @property
    def fingerprint(self) -> str:
        """What a saved plan remembers of this template; computed only for the names it
        touches (hashing all 12,000 templates of a full channel costs more than planning)."""
        content = self.content if self.content is not None else self.raw
        return _hash({"status": self.status, "category": self.category, "content": content})

    def model(self) -> Language:
        """The content as the file model, for import and for comparing with a create payload.

        Converted from `raw` when asked, not held: the 12,000 models of a full channel take
        about 40 MB that plan, apply and drift never use. Raises `PayloadError` exactly when
        `unreadable` is set.
        """
        return _language(self.raw, self.category)


def address(name: str, language: str | None = None) -> str:
    """How output names a template: `template.NAME[LANG]`, or `template.NAME` for a whole name."""
    return f"template.{name}" if language is None else f"template.{name}[{language}]"


def parse_list(items: Iterable[Any]) -> list[ChannelTemplate]:
    """Every item of the list response's `templates`; `ListShapeError` names the first that
    names no template."""
    out = []
    for index, item in enumerate(items):
        try:
            out.append(parse(item))
        except ListShapeError as exc:
            raise ListShapeError(f"templates[{index}]: {exc}") from None
    return out


def parse(item: Any) -> ChannelTemplate:
    if not isinstance(item, Mapping):
        raise ListShapeError(f"a template must be an object, not {type(item).__name__}")
    name, language = item.get("templateName"), item.get("language")
    if not isinstance(name, str) or not name:
        raise ListShapeError(f"templateName must be a name, not {_kind(name)}")
    if not isinstance(language, str) or not language:
        raise ListShapeError(f"language of '{name}' must be a code, not {_kind(language)}")
    category = _upper(item.get("category"))
    content: Canonical | None = None
    unreadable = None
    try:
        content = from_list_components(item.get("components"), category)
        if content is None:  # a shape the direct reading leaves to the model
            content = canonical(_language(item, category), category)
    except PayloadError as exc:
        unreadable = str(exc)
    other, disable = item.get("otherInfo"), item.get("disableInfo")
    reason = item.get("reason") or item.get("rejectedReason")
    return ChannelTemplate(
        name=name,
        language=language,
        category=category,
        status=_upper(item.get("status")),
        content=content,
        unreadable=unreadable,
        created_at=_when(item.get("createdAt")),
        updated_at=_when(item.get("updatedAt")),
        reason=str(reason) if reason else None,
        pause_title=_text(other.get("title")) if isinstance(other, Mapping) else None,
        disable_date=_text(disable.get("disableDate")) if isinstance(disable, Mapping) else None,
        listed_json=_dumps(item if isinstance(item, dict) else dict(item)),
    )


def _language(item: Mapping[str, Any], category: str) -> Language:
    components = item.get("components") or []
    try:
        lang = language_from_components(components)
    except PayloadError:
        if isinstance(components, list):
            components = raw.from_list(components, category)
        return raw_language(components)
    return collapse(lang) if category == "AUTHENTICATION" else lang


def by_name(templates: Iterable[ChannelTemplate]) -> dict[str, dict[str, ChannelTemplate]]:
    """name -> language -> template."""
    out: dict[str, dict[str, ChannelTemplate]] = {}
    for template in templates:
        out.setdefault(template.name, {})[template.language] = template
    return out


def fingerprint(templates: Iterable[ChannelTemplate]) -> str:
    """The whole answer's fingerprint: every item as listed, in name + language order (the
    JSON of that list, written from each item's own)."""
    ordered = sorted(templates, key=lambda t: (t.name, t.language))
    digest = hashlib.sha256(b"[")
    for index, template in enumerate(ordered):
        # Item by item: the whole text of a full channel would be 10 MB twice over.
        digest.update((b"," if index else b"") + template.listed_json.encode())
    digest.update(b"]")
    return "sha256:" + digest.hexdigest()


def _kind(value: Any) -> str:
    # Not the value itself: whatever the channel sent goes into one line of output.
    return "empty" if value == "" else "missing" if value is None else type(value).__name__


def _upper(value: Any) -> str:
    return "" if value is None else str(value).upper()


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _hash(value: Any) -> str:
    return hashlib.sha256(_dumps(value).encode()).hexdigest()[:16]


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
