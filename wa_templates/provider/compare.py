"""Is the template the channel lists the one a create payload asked for?

Used when a create's answer was lost: the channel is listed and, if the name + language is there,
this decides between "our create went through" and "someone else's template is in the way".
Both sides go through `wa_templates.payload`, so the comparison agrees with plan's idea of equal,
minus what a list item cannot show:
- the create-only options (`allow_category_change`, `message_send_ttl_seconds`) are not listed;
- the category is Meta's call once `allow_category_change` lets it recategorise;
- a media header's sample comes back as Meta's own handle, never the URL that was sent;
- AUTHENTICATION presets come back as Meta's expanded wording.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from wa_templates.model import MEDIA_FORMATS, Card, Header, Language
from wa_templates.payload import (
    PayloadError,
    collapse_auth_presets,
    expand_auth_presets,
    from_list_item,
    from_payload,
)
from wa_templates.provider.base import CreatePayload, ListItem

GONE_STATUSES = frozenset({"DELETED", "PENDING_DELETION"})
"""Listed, but no longer holding the name + language against a new create."""


def is_listed(item: ListItem, name: str, language: str) -> bool:
    """Whether `item` is a live registration of this name + language."""
    status = str(item.get("status") or "").upper()
    return (
        item.get("templateName") == name
        and item.get("language") == language
        and status not in GONE_STATUSES
    )


def same_content(payload: CreatePayload, item: ListItem) -> bool:
    """True when `item` shows what `payload` creates; False for anything else or unreadable."""
    try:
        local = from_payload(payload)
        remote = from_list_item(item)
    except (PayloadError, ValidationError, KeyError, TypeError, AttributeError):
        return False
    mine = next(iter(local.languages.values()))
    category = local.category
    return _comparable(mine, category) == _comparable(remote.content, category)


def _comparable(lang: Language, category: str) -> Language:
    if category == "AUTHENTICATION":
        # Expanding then collapsing turns an omitted add_security_recommendation into False,
        # which is what the collapsed list item says for Meta's plain wording.
        lang = collapse_auth_presets(expand_auth_presets(lang))
    update: dict[str, Any] = {"header": _without_media_sample(lang.header)}
    if lang.carousel is not None:
        update["carousel"] = [_card(card) for card in lang.carousel]
    return lang.model_copy(update=update)


def _card(card: Card) -> Card:
    return card.model_copy(update={"header": _without_media_sample(card.header)})


def _without_media_sample(header: Header | None) -> Header | None:
    if header is None or header.format not in MEDIA_FORMATS:
        return header
    return header.model_copy(update={"examples": []})
