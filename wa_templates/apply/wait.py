"""Wait for Meta's review of what apply created: poll the list until nothing is PENDING."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wa_templates.channel.statuses import remote_extras
from wa_templates.provider.base import ListItem, Provider
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
    items: dict[tuple[str, str], ListItem] | None = None
    while True:
        try:
            items = {
                (str(i.get("templateName")), str(i.get("language"))): i
                for i in provider.list_templates()
            }
        except (TransportError, ServerError, RateLimitError):
            # The client has retried already; a long wait should not end on one bad minute.
            if clock() >= deadline:
                raise
        if items is not None:
            pending = [
                key
                for key in wanted
                if str(items.get(key, {}).get("status", "")).upper() == "PENDING"
            ]
            if not pending or clock() >= deadline:
                break
        sleep(min(interval, max(0.0, deadline - clock())))
    verdicts = Verdicts()
    for name, lang in sorted(wanted):
        address = f"template.{name}[{lang}]"
        item = items.get((name, lang))
        status = str(item.get("status", "")).upper() if item else "MISSING"
        if status == "APPROVED":
            verdicts.approved.append(address)
        elif status == "REJECTED":
            reason = remote_extras(item or {})[0] or "reason not reported"
            verdicts.rejected.append((address, reason))
        elif status == "PENDING":
            verdicts.pending.append(address)
        else:
            verdicts.other.append((address, status))
    return verdicts
