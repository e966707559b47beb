"""Is the template the channel lists the one a create payload asked for?

Used when a create's answer was lost: the channel is listed and, if the name + language is there,
this decides between "our create went through" and "someone else's template is in the way".
Both sides go through `wa_templates.channel`, so the comparison agrees with plan's idea of equal,
minus what a list item cannot show:
- the create-only options (`allow_category_change`, `message_send_ttl_seconds`) are not listed;
- the category is Meta's call once `allow_category_change` lets it recategorise;
- a media header's sample comes back as Meta's own handle, never the URL that was sent;
- AUTHENTICATION presets come back as Meta's expanded wording.
"""

from __future__ import annotations

from wa_templates.channel.normalise import align_samples, canonical
from wa_templates.channel.payload import PayloadError, from_payload
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.provider.base import CreatePayload

GONE_STATUSES = frozenset({"DELETED", "PENDING_DELETION"})
"""Listed, but no longer holding the name + language against a new create."""


def is_listed(template: ChannelTemplate, name: str, language: str) -> bool:
    """Whether `template` is a live registration of this name + language."""
    return (
        template.name == name
        and template.language == language
        and template.status not in GONE_STATUSES
    )


def same_content(payload: CreatePayload, template: ChannelTemplate) -> bool:
    """True when `template` shows what `payload` creates; False for anything else or unreadable.

    The comparison is plan's own (`wa_templates.channel.normalise`), so "already created" here and
    "no changes" in a plan can never disagree.
    """
    if template.content is None:
        return False
    try:
        local = from_payload(payload)
    except PayloadError:
        return False
    mine = canonical(next(iter(local.languages.values())), local.category)
    # With the file's category: whether Meta's AUTHENTICATION presets apply is the payload's say.
    theirs = canonical(template.model(), local.category)
    mine, theirs = align_samples(mine, theirs)
    return mine == theirs
