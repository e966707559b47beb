"""Is a saved plan still true? Compare the channel now with the state the plan was made from."""

from __future__ import annotations

from wa_templates.channel.remote import ChannelTemplate, by_name
from wa_templates.plan.model import Plan


def stale_changes(plan: Plan, listed: list[ChannelTemplate]) -> list[str]:
    """One line per template the plan touches that changed on the channel since it was made."""
    now = by_name(listed)
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
