"""The stages fed 8x8's list as it comes over the wire.

Tests write the channel in 8x8's own list shape (dicts with `templateName`, `components`, ...),
which keeps them honest about what the channel sends; the stages take the templates the provider
parses from it. These helpers parse the way the provider does, then call the stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wa_templates.channel.known import Memory
from wa_templates.channel.remote import parse_list
from wa_templates.drift import report
from wa_templates.files.load import Source
from wa_templates.importer import to_files
from wa_templates.plan import build as plan_build
from wa_templates.plan import stale
from wa_templates.plan.model import ChannelBinding, Plan, PlanOptions
from wa_templates.plan.selection import Selection

Items = Iterable[Any]


def build(
    sources: list[Source],
    items: Items,
    channel: ChannelBinding,
    options: PlanOptions | None = None,
    diagnostics: list[Any] | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
) -> Plan:
    return plan_build.build(
        sources, parse_list(items), channel, options, diagnostics, selection, memory
    )


def drift(
    sources: list[Source],
    items: Items,
    target: str,
    options: PlanOptions | None = None,
    fail_on: report.FailOn | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
) -> report.DriftReport:
    return report.build(sources, parse_list(items), target, options, fail_on, selection, memory)


def from_channel(
    items: Items,
    ignore: Sequence[str] = (),
    versioned: Callable[[str], bool] = lambda base: False,
) -> to_files.ChannelTemplates:
    return to_files.from_channel(parse_list(items), ignore, versioned)


def stale_changes(plan: Plan, items: Items) -> list[str]:
    return stale.stale_changes(plan, parse_list(items))
