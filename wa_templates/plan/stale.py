"""Is a saved plan still true? The channel now against the state the plan was made from, and
against the lifecycle rules `plan` follows (`plan.lifecycle`)."""

from __future__ import annotations

from dataclasses import dataclass

from wa_templates.channel.known import Memory
from wa_templates.channel.remote import ChannelTemplate, by_name
from wa_templates.plan.lifecycle import Channel, Repository, refused_changes, safety_on
from wa_templates.plan.model import Plan
from wa_templates.plan.safety import Safety


@dataclass(frozen=True, slots=True)
class Recheck:
    stale: list[str]
    """One line per template the plan touches that changed on the channel since it was made."""
    refused: list[str]
    """One line per change `plan` would not make on the channel as it is now."""
    safety: Safety
    """The safety verdict on the channel as it is now."""


def recheck(
    plan: Plan,
    listed: list[ChannelTemplate],
    repository: Repository | None,
    memory: Memory | None = None,
) -> Recheck:
    """A saved plan against the channel that lists `listed` now, applied from `repository`, and
    what the target's history store (`memory`, if it has one) remembers."""
    now = by_name(listed)
    return Recheck(
        stale=_stale(plan, now),
        refused=refused_changes(plan, now, repository, memory),
        safety=safety_on(plan.changes, plan.options, now),
    )


def stale_changes(plan: Plan, listed: list[ChannelTemplate]) -> list[str]:
    """One line per template the plan touches that changed on the channel since it was made."""
    return _stale(plan, by_name(listed))


def _stale(plan: Plan, now: Channel) -> list[str]:
    lines = []
    for name, saved in sorted(plan.remote_state.items()):
        current = now.get(name, {})
        for lang in sorted(set(saved) | set(current)):
            before, after = saved.get(lang), current.get(lang)
            if before is None and after is not None:
                lines.append(f"{name}[{lang}]: appeared on the channel ({after.status})")
            elif before is not None and after is None:
                lines.append(f"{name}[{lang}]: no longer on the channel")
            elif after is not None and before != after.fingerprint:
                lines.append(f"{name}[{lang}]: changed on the channel (now {after.status})")
    return lines
