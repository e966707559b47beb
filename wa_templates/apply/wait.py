"""Wait for Meta's review of what apply created: poll the list until nothing is PENDING."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wa_templates.channel.remote import ChannelTemplate, address
from wa_templates.provider.base import Provider
from wa_templates.provider.errors import RateLimitError, ServerError, TransportError


@dataclass(slots=True)
class Verdicts:
    approved: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """(address, reason)"""
    pending: list[str] = field(default_factory=list)
    """Still PENDING when the timeout ran out."""
    other: list[tuple[str, str]] = field(default_factory=list)
    """(address, status) for anything else, e.g. missing from the list."""


def wait_for_review(
    provider: Provider,
    created: list[tuple[str, str]],
    timeout: float,
    interval: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Verdicts:
    deadline = clock() + timeout
    wanted = set(created)
    listed: dict[tuple[str, str], ChannelTemplate] | None = None
    while True:
        try:
            listed = {(t.name, t.language): t for t in provider.list_templates()}
        except (TransportError, ServerError, RateLimitError):
            # The client has retried already; a long wait should not end on one bad minute.
            if clock() >= deadline:
                raise
        if listed is not None:
            pending = [key for key in wanted if _status(listed.get(key)) == "PENDING"]
            if not pending or clock() >= deadline:
                break
        sleep(min(interval, max(0.0, deadline - clock())))
    verdicts = Verdicts()
    for name, lang in sorted(wanted):
        where = address(name, lang)
        template = listed.get((name, lang))
        status = _status(template) if template else "MISSING"
        if status == "APPROVED":
            verdicts.approved.append(where)
        elif status == "REJECTED":
            reason = template.reason if template else None
            verdicts.rejected.append((where, reason or "reason not reported"))
        elif status == "PENDING":
            verdicts.pending.append(where)
        else:
            verdicts.other.append((where, status))
    return verdicts


def _status(template: ChannelTemplate | None) -> str:
    return template.status if template is not None else ""
