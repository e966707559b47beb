"""Is the template the channel lists the one a create payload asked for?

Used when a create's answer was lost, or 8x8 answered that the name + language already exists
(an apply of the same change running at the same time): the channel is listed and, if the name +
language is there, this decides between "the create is done" and "someone else's template is in
the way". Both sides go through `wa_templates.channel`, so the comparison agrees with plan's idea
of equal, minus what a list item cannot show:
- the create-only options (`allow_category_change`, `message_send_ttl_seconds`) are not listed;
- the category is Meta's call once `allow_category_change` lets it recategorise;
- a media header's sample comes back as Meta's own handle, never the URL that was sent;
- AUTHENTICATION presets come back as Meta's expanded wording.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from wa_templates.channel.normalise import align_samples, canonical
from wa_templates.channel.payload import PayloadError, from_payload
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.provider.base import CreatePayload
from wa_templates.provider.errors import TemplateConflictError

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({"DELETED", "PENDING_DELETION"})
"""Listed, but no longer holding the name + language against a new create."""


def is_listed(template: ChannelTemplate, name: str, language: str) -> bool:
    """Whether `template` is a live registration of this name + language."""
    return (
        template.name == name
        and template.language == language
        and template.status not in GONE_STATUSES
    )


def already_created(
    list_templates: Callable[[], list[ChannelTemplate]], payload: CreatePayload
) -> bool:
    """Is the payload's name + language listed with its content (True), or absent (False)?
    Listed with other content, it is a conflict."""
    name, language = str(payload.get("name")), str(payload.get("language"))
    listed = [t for t in list_templates() if is_listed(t, name, language)]
    if not listed:
        return False
    if any(same_content(payload, template) for template in listed):
        # Our own create whose answer was lost, or another apply's of the same change.
        log.debug("template '%s' (%s) is listed with the content sent: done", name, language)
        return True
    raise TemplateConflictError(
        None,
        None,
        "the channel lists this name and language with other content; run plan to see what is "
        "there",
        None,
        summary=f"template '{name}' ({language}) exists with different content",
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
