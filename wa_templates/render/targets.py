"""Plans of several targets: text with one section per target, one pull-request comment that
holds every target's section within GitHub's limit, and the JSON document with one plan each.

The comment's budget (render.plan.MARKDOWN_BUDGET) is shared fairly: after the overview
table, each target is offered an equal share; a target that needs less gives the rest back to
those that need more (max-min fairness), so one target with a thousand changes cannot crowd
out the others, and a small one is never cut to make room. A target whose section does not
fit its share even when render.plan has dropped its details is shown compact: its verdict
and counts, and the command that shows the rest.
"""

from __future__ import annotations

import click

from wa_templates.plan.many import PlanTargets, TargetPlan
from wa_templates.plan.model import Plan
from wa_templates.render import plan as render_plan
from wa_templates.render import plan_markdown
from wa_templates.render.markup import cell, md
from wa_templates.render.plan_markdown import CUT_NOTE, MARKDOWN_BUDGET, MARKER_PREFIX
from wa_templates.untrusted import json_text, shown

_SEPARATOR = "\n\n"


def as_json(results: list[TargetPlan], exit_code: int) -> str:
    return json_text(PlanTargets(exit_code=exit_code, targets=results).model_dump_json(indent=2))


# --- text ---------------------------------------------------------------------------------


def text(results: list[TargetPlan], color: bool, overview: bool = True) -> str:
    """Each target's plan as `plan` prints it for that target alone, then (with `overview`)
    one line each."""
    sections = []
    for result in results:
        if result.plan is not None:
            sections.append(render_plan.text(result.plan, color))
        else:
            head = f"Plan for {shown(result.description)}"
            head = click.style(head, bold=True) if color else head
            sections.append(f"{head}\nerror: {shown(result.error)}")
    if overview:
        outcomes = [(r.target, _outcome(r)) for r in results]
        sections.append("\n".join(table(f"Targets ({len(results)}, planned at once):", outcomes)))
    return _SEPARATOR.join(sections)


def table(title: str, rows: list[tuple[str, str]]) -> list[str]:
    """A title, then a line per target: its name, aligned, and what became of it."""
    width = max((len(shown(name)) for name, _ in rows), default=0)
    return [title, *(f"  {shown(name):<{width}}  {said}" for name, said in rows)]


def _outcome(result: TargetPlan) -> str:
    plan = result.plan
    if plan is None:
        return f"error (exit {result.exit_code})"
    if not plan.has_changes:
        said = "no changes"
    else:
        summary = plan.summary
        said = (
            f"{summary['create']} to create, {summary['recreate']} to recreate, "
            f"{summary['delete']} to delete, {summary['blocked']} blocked"
        )
        said += "" if plan.applyable else "; not applyable"
    return f"{said} (exit {result.exit_code})"


# --- markdown -----------------------------------------------------------------------------


def markdown(results: list[TargetPlan], budget: int = MARKDOWN_BUDGET) -> str:
    """One comment for every target, at most `budget` characters."""
    head = _head(results, budget)
    room = budget - len(head) - len(_SEPARATOR) * len(results) - len(_LEFT_OUT) - 1
    full = [_section(r, MARKDOWN_BUDGET) for r in results]
    shares = fair_shares([len(s) for s in full], max(0, room))
    sections = []
    for result, section, share in zip(results, full, shares, strict=True):
        if len(section) > share:
            section = _section(result, share)
        if len(section) > share or CUT_NOTE.strip() in section:
            section = _compact(result)
        sections.append(section if len(section) <= share else "")
    body = _SEPARATOR.join([head, *(s for s in sections if s)])
    left_out = sum(1 for s in sections if not s)
    if left_out:
        body += _SEPARATOR + _LEFT_OUT.format(count=left_out)
    return body.rstrip() + "\n"


_LEFT_OUT = (
    "{count} target(s) left out to fit GitHub's comment limit (see the table); run "
    "<code>wa-templates plan --target NAME</code> for each."
)


def fair_shares(needs: list[int], room: int) -> list[int]:
    """Max-min fair shares of `room`: the smallest needs are met in full, and what is left is
    split equally among the rest."""
    shares = [0] * len(needs)
    left = room
    order = sorted(range(len(needs)), key=lambda i: needs[i])
    for position, index in enumerate(order):
        equal = left // (len(needs) - position)
        shares[index] = min(needs[index], equal)
        left -= shares[index]
    return shares


def _head(results: list[TargetPlan], budget: int) -> str:
    marker = plan_markdown.marker("+".join(r.description for r in results))
    lines = [marker, f"## wa-templates plan for {len(results)} targets", ""]
    lines += [
        "| Target | Verdict | Create | Recreate | Delete | Blocked |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = [_row(r) for r in results]
    # Hundreds of targets: the table alone must leave room for a line per target left out.
    room = budget // 2 - sum(len(line) + 1 for line in lines)
    shown = 0
    for row in rows:
        if room - (len(row) + 1) < 0:
            break
        room -= len(row) + 1
        shown += 1
    lines += rows[:shown]
    if shown < len(rows):
        lines += ["", f"{len(rows) - shown} more target(s) not in the table."]
    return "\n".join(lines)


def _row(result: TargetPlan) -> str:
    plan = result.plan
    if plan is None:
        cells = ["❌ **No plan** (below)", "", "", "", ""]
    else:
        summary = plan.summary
        counts = [str(summary[key]) for key in ("create", "recreate", "delete", "blocked")]
        cells = [plan_markdown.verdict(plan), *counts]
    return f"| {cell(result.target)} | " + " | ".join(cells) + " |"


def _section(result: TargetPlan, budget: int) -> str:
    """A target's section: its comment without the hidden first line (the document has one)."""
    if result.plan is None:
        return _failed(result)
    out = plan_markdown.markdown(result.plan, budget + _marker_length(result.plan))
    first, _, rest = out.partition("\n")
    return rest.strip() if first.startswith(MARKER_PREFIX) else out.strip()


def _marker_length(plan: Plan) -> int:
    return len(plan_markdown.marker(plan.target)) + 1


def _failed(result: TargetPlan) -> str:
    heading = f"### wa-templates plan for {md(result.description)}"
    error = str(result.error)
    shown = error if len(error) <= _ERROR_SHOWN else error[:_ERROR_SHOWN] + "…"
    return f"{heading}\n\n❌ **No plan:** {md(shown)}"


_ERROR_SHOWN = 1000
"""Characters of a target's error the comment shows (the job's log has all of it)."""


def _compact(result: TargetPlan) -> str:
    plan = result.plan
    if plan is None:
        return _failed(result)
    summary = plan.summary
    counts = " · ".join(
        f"**{summary[key]}** {label}"
        for key, label in (
            ("create", "to create"),
            ("recreate", "to recreate"),
            ("delete", "to delete"),
            ("blocked", "blocked"),
        )
    )
    return (
        f"### wa-templates plan for {md(plan.target)}\n\n{plan_markdown.verdict(plan)}\n\n{counts}"
        "\n\nDetails left out to fit GitHub's comment limit: run <code>wa-templates plan "
        f"--target {md(result.target)}</code>."
    )
