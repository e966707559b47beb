"""What each event and each listing adds to the history, as rows of the store's tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from wa_templates.channel.remote import ChannelTemplate
from wa_templates.history import schema
from wa_templates.history.events import Event

LISTED = ("status", "category", "reason", "pause_title", "disable_date")
"""What a listing records of a template; a row is added only when one of these changed."""


def listed(template: ChannelTemplate) -> dict[str, Any]:
    """What a listing says of a template: 8x8's list carries status and category; the reason,
    pause title and disable date only where a channel lists them (the sandbox can)."""
    return {
        "status": _text(template.status),
        "category": _text(template.category),
        "reason": _text(template.reason),
        "pause_title": _text(template.pause_title),
        "disable_date": _text(template.disable_date),
    }


def _text(value: Any, upper: bool = False) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)[: schema.SHORT]
    return text.upper() if upper else text


def facts(event_: Event, target: str) -> list[tuple[Table, dict[str, Any]]]:
    """The observation (or phone-number) rows an event adds to the history."""
    envelope = event_.envelope
    common = {"target": target, "at": envelope.timestamp, "event_id": envelope.event_id}
    if event_.phone is not None:
        phone = event_.phone.meta
        row = {
            **common,
            "phone_number": event_.phone.display_phone_number,
            "event": phone.event,
            "current_limit": phone.current_limit,
            "old_limit": phone.old_limit,
            "max_daily": phone.max_daily,
            "reason": phone.reason,
        }
        return [(schema.phone_numbers, row)]
    template = event_.template
    if template is None:
        return []
    meta = template.meta
    kind = {
        "template_status_update": "status",
        "template_category_update": "category",
        "template_quality_update": "quality",
        "template_correct_category_detection": "category_detection",
    }[envelope.event_type]
    row = {
        **common,
        "source": "webhook",
        "kind": kind,
        "name": template.template_name,
        "language": template.template_language,
        "template_id": template.template_id,
    }
    if kind == "status":
        row.update(
            status=_text(meta.status, upper=True),
            reason=_text(meta.reason),
            pause_title=_text(meta.other_info.title if meta.other_info else None),
            pause_description=meta.other_info.description if meta.other_info else None,
            disable_date=_text(meta.disable_info.disable_date if meta.disable_info else None),
        )
    elif kind == "category":
        row.update(category=meta.new_category, previous_category=meta.previous_category)
    elif kind == "quality":
        row.update(quality=meta.new_quality, previous_quality=meta.previous_quality)
    else:
        # Advisory only: the template keeps `category`; Meta says it should be the other one.
        row.update(category=meta.correct_category, previous_category=meta.category)
    return [(schema.observations, row)]
