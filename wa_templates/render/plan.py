"""A plan as text (Terraform-like, for people), markdown (a pull-request comment), GitHub
annotations or JSON: this module renders text and JSON, `plan_markdown` the comment and
`plan_github` the annotations; it is where callers find all four.

Text is laid out by `render/templates/plan.txt.j2`; this module turns a plan into plain values
for it, each value that comes from a file or the channel made safe on its way in (control and
bidi characters spelled out, never sent to the terminal).
"""

from __future__ import annotations

from typing import Any

import click

from wa_templates.channel.remote import address
from wa_templates.plan.lifecycle import rule_note
from wa_templates.plan.model import Action, Plan, ResourceChange
from wa_templates.render.difflines import text_line
from wa_templates.render.markup import cell, environment, fence, md
from wa_templates.render.plan_github import github
from wa_templates.render.plan_markdown import (
    LIST_CAP,
    MARKDOWN_BUDGET,
    MARKER_PREFIX,
    PLAN_MARKER,
    is_plan_comment,
    markdown,
    marker,
)
from wa_templates.render.plan_values import (
    diagnostic_line,
    field_rows,
    groups,
    partial_sentence,
    plural,
    safety_sentence,
    short_fingerprint,
    unmanaged_rows,
)
from wa_templates.untrusted import json_text
from wa_templates.untrusted import shown as safe

__all__ = [
    "LIST_CAP",
    "MARKDOWN_BUDGET",
    "MARKER_PREFIX",
    "PLAN_MARKER",
    "as_json",
    "cell",
    "environment",
    "fence",
    "github",
    "is_plan_comment",
    "markdown",
    "marker",
    "md",
    "safe",
    "short_fingerprint",
    "text",
]

_MARKERS = {
    Action.CREATE: "+",
    Action.DELETE: "-",
    Action.RECREATE: "-/+",
    Action.BLOCKED: "!",
    Action.NOOP: "=",
}
_ROLES = {
    Action.CREATE: "create",
    Action.DELETE: "delete",
    Action.RECREATE: "recreate",
    Action.BLOCKED: "blocked",
    Action.NOOP: "dim",
}
_STYLES: dict[str, dict[str, Any]] = {
    "create": {"fg": "green"},
    "delete": {"fg": "red"},
    "recreate": {"fg": "yellow"},
    "change": {"fg": "yellow"},
    "blocked": {"fg": "red", "bold": True},
    "error": {"fg": "red"},
    "warning": {"fg": "yellow"},
    "info": {"fg": "cyan"},
    "bold": {"bold": True},
    "dim": {"dim": True},
}


def as_json(plan: Plan) -> str:
    """The plan's document (`plan.model`): what `plan --out` saves. Serialised by pydantic-core,
    not `json.dumps`: a plan of 12,000 changes takes a tenth of the time."""
    return json_text(plan.model_dump_json(indent=2))


def text(plan: Plan, color: bool, verbose: bool = False) -> str:
    """The plan for a terminal. No-ops are counted, and listed only when `verbose`."""

    def paint(value: str, role: str) -> str:
        return click.style(value, **_STYLES[role]) if color and value else value

    listed = []
    for group in groups(plan):
        shown = group.changes if verbose else group.visible
        if not shown:
            continue
        title = safe(group.name)
        if group.template != group.name:
            title += f" (a version of {safe(group.template)})"
        if group.category:
            title += f", {safe(group.category)}"
        listed.append({"title": title, "entries": [_text_entry(c, color) for c in shown]})
    template = environment().get_template("plan.txt.j2")
    return template.render(
        paint=paint,
        target=safe(plan.target),
        fingerprint=safe(short_fingerprint(plan.fingerprint)),
        groups=listed,
        noops=plan.summary[Action.NOOP.value],
        verbose=verbose,
        findings=[
            {
                "severity": f.severity if f.severity in _STYLES else "info",
                "label": safe(f.severity),
                "address": safe(address(f.name, f.language)),
                "message": safe(f.message),
                "health": safe(f.health),
                "next_step": safe(f.next_step),
            }
            for f in plan.findings
        ],
        unmanaged=unmanaged_rows(plan),
        diagnostics=[diagnostic_line(d) for d in plan.diagnostics],
        unconfirmable=", ".join(safe(u) for u in plan.unconfirmable),
        rule_note=safe(rule_note(plan.rests_on_48h_rule) or ""),
        safety=safety_sentence(plan),
        blocked=len(plan.blocked),
        partial=safe(f"Partial plan: {partial_sentence(plan)}") if plan.selection.partial else "",
        final=_final(plan),
    )


def _text_entry(change: ResourceChange, color: bool) -> dict[str, Any]:
    role = _ROLES[change.action]
    diff = []
    for row in field_rows(change):
        diff.append({"sign": row[0], "role": _SIGN_ROLES[row[0]], "text": text_line(row, color)})
    return {
        "marker": _MARKERS[change.action].rjust(3),
        "role": role,
        "address": safe(change.address),
        "action": change.action.value,
        "detail": safe(change.detail),
        "diff": diff,
    }


_SIGN_ROLES = {"+": "create", "-": "delete", "~": "change"}


def _final(plan: Plan) -> str:
    if not plan.has_changes:
        if plan.selection.partial:
            return "No changes in the selected templates. The plan is partial (above)."
        if plan.unmanaged:  # "matches" would hide that the channel holds more than the files
            names = plural(len({u["name"] for u in plan.unmanaged}), "name")
            return (
                f"No changes. The channel also holds {names} the repository does not manage "
                "(unmanaged, above)."
            )
        return "No changes. The channel matches the repository."
    summary = plan.summary
    partial = " The plan is partial (above)." if plan.selection.partial else ""
    return (
        f"Plan: {summary['create']} to create, {summary['recreate']} to recreate, "
        f"{summary['delete']} to delete, {summary['blocked']} blocked.{partial}"
    )
