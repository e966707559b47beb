"""Is the template the channel lists the one a create payload asked for?

Used when a create's answer was lost: the channel is listed and, if the name + language is there,
this decides between "our create went through" and "someone else's template is in the way".
Both sides go through `wa_templates.channel.payload`, so the comparison agrees with plan's idea
of equal, minus what a list item cannot show:
- the create-only options (`allow_category_change`, `message_send_ttl_seconds`) are not listed;
- the category is Meta's call once `allow_category_change` lets it recategorise;
- a media header's sample comes back as Meta's own handle, never the URL that was sent;
- AUTHENTICATION presets come back as Meta's expanded wording.
"""

from __future__ import annotations

from wa_templates.channel.normalise import align_samples, canonical
from wa_templates.channel.payload import UNREADABLE, from_list_item, from_payload
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
    """True when `item` shows what `payload` creates; False for anything else or unreadable.

    The comparison is plan's own (`wa_templates.channel.normalise`), so "already created" here and
    "no changes" in a plan can never disagree.
    """
    try:
        local = from_payload(payload)
        remote = from_list_item(item)
    except UNREADABLE:
        return False
    mine = canonical(next(iter(local.languages.values())), local.category)
    theirs = canonical(remote.content, local.category)
    mine, theirs = align_samples(mine, theirs)
    return mine == theirs
