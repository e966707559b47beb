"""Is a saved plan still true? Compare the channel now with the state the plan was made from."""

from __future__ import annotations

from wa_templates.plan.build import parse_remote
from wa_templates.plan.model import Plan
from wa_templates.provider.base import ListItem


def stale_changes(plan: Plan, items: list[ListItem]) -> list[str]:
    """One line per template the plan touches that changed on the channel since it was made."""
    now = parse_remote(items)
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
