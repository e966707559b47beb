"""A plan as text (Terraform-like, for people), markdown (a pull-request comment) or JSON.

Text and markdown are laid out by the jinja2 templates in `render/templates`; this module turns a
plan into plain values for them. Every value that comes from a file or the channel is made safe
for where it lands here, not in the templates: control and bidi characters are shown escaped in
the terminal, and markdown gets HTML entities for anything GitHub would read as markup, and
fences longer than any backtick run they hold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import click
import jinja2

from wa_templates.channel.remote import address
from wa_templates.files.diagnostics import DiagnosticDict
from wa_templates.plan.diff import FieldChange
from wa_templates.plan.model import Action, Plan, ResourceChange, Unmanaged
from wa_templates.plan.selection import left_out_summary
from wa_templates.render.difflines import Row, markdown_diff, signed, text_line
from wa_templates.render.preview import PreviewError, message_text
from wa_templates.untrusted import json_text
from wa_templates.untrusted import shown as safe

MARKER_PREFIX = "<!-- wa-templates-plan"
PLAN_MARKER = f"{MARKER_PREFIX} -->"
"""The hidden first line of a markdown plan for no particular target."""

MARKDOWN_BUDGET = 60_000
"""GitHub refuses a comment over 65,536 characters; the rest is headroom for what CI adds."""

LIST_CAP = 20
"""Deletes or blocked changes named one by one in a markdown warning before 'and N more'."""

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
_EMOJI = {
    Action.CREATE: "➕",
    Action.DELETE: "➖",
    Action.RECREATE: "🔁",
    Action.BLOCKED: "⛔",
    Action.NOOP: "",
}


# --- shared -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    name: str
    template: str
    category: str
    changes: list[ResourceChange] = field(default_factory=list)

    @property
    def visible(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.action is not Action.NOOP]


def _groups(plan: Plan) -> list[_Group]:
    """Changes per registered name, in the plan's order."""
    groups: dict[str, _Group] = {}
    for change in plan.changes:
        group = groups.get(change.name)
        if group is None:
            group = groups[change.name] = _Group(
                change.name, change.template, change.category or ""
            )
        group.changes.append(change)
    return list(groups.values())


def _field_lines(change: ResourceChange) -> list[Row]:
    """(sign, path, before, after) per field: the diff, or for a plain create its content."""
    if change.change.fields:
        rows = change.change.fields
    elif change.action is Action.CREATE and isinstance(change.change.after, dict):
        rows = [FieldChange(path, None, value) for path, value in _flatten(change.change.after)]
    else:
        return []
    return signed(rows)


def _flatten(content: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    # Paths as the diff names them: a component's fields one by one, a button or card whole.
    for key, value in content.items():
        if isinstance(value, dict):
            for inner, item in value.items():
                yield f"{key}.{inner}", item
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                yield f"{key}[{index}]", item
        else:
            yield str(key), value


def short_fingerprint(fingerprint: str) -> str:
    """Enough of the channel's fingerprint to tell states apart; the JSON plan has all of it."""
    algorithm, _, digest = fingerprint.partition(":")
    return f"{algorithm}:{digest[:12]}" if digest and len(digest) > 12 else fingerprint


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _preview(change: ResourceChange) -> list[str] | None:
    content = change.change.after if change.change.after is not None else change.change.before
    if content is None:
        return None
    try:
        return message_text(content, change.category, change.language)
    except PreviewError as exc:
        return [f"(no preview: {exc})"]


@cache
def environment() -> jinja2.Environment:
    """The markdown and text templates' environment, shared by plan and drift."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wa_templates", "render/templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md
    env.filters["cell"] = cell
    env.globals["fence"] = fence
    return env


# --- json ---------------------------------------------------------------------------------


def as_json(plan: Plan) -> str:
    """The plan's document (`plan.model`): what `plan --out` saves. Serialised by pydantic-core,
    not `json.dumps`: a plan of 12,000 changes takes a tenth of the time."""
    return json_text(plan.model_dump_json(indent=2))


# --- text ---------------------------------------------------------------------------------


def text(plan: Plan, color: bool, verbose: bool = False) -> str:
    """The plan for a terminal. No-ops are counted, and listed only when `verbose`."""

    def paint(value: str, role: str) -> str:
        return click.style(value, **_STYLES[role]) if color and value else value

    groups = []
    for group in _groups(plan):
        shown = group.changes if verbose else group.visible
        if not shown:
            continue
        title = safe(group.name)
        if group.template != group.name:
            title += f" (a version of {safe(group.template)})"
        if group.category:
            title += f", {safe(group.category)}"
        groups.append({"title": title, "entries": [_text_entry(c) for c in shown]})
    template = environment().get_template("plan.txt.j2")
    return template.render(
        paint=paint,
        target=safe(plan.target),
        fingerprint=safe(short_fingerprint(plan.fingerprint)),
        groups=groups,
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
        unmanaged=_unmanaged(plan),
        diagnostics=[_diagnostic(d) for d in plan.diagnostics],
        unconfirmable=", ".join(safe(u) for u in plan.unconfirmable),
        safety=_safety(plan),
        blocked=len(plan.blocked),
        partial=safe(f"Partial plan: {_partial(plan)}") if plan.selection.partial else "",
        final=_final(plan),
    )


def _text_entry(change: ResourceChange) -> dict[str, Any]:
    role = _ROLES[change.action]
    diff = []
    for row in _field_lines(change):
        diff.append({"sign": row[0], "role": _SIGN_ROLES[row[0]], "text": safe(text_line(row))})
    return {
        "marker": _MARKERS[change.action].rjust(3),
        "role": role,
        "address": safe(change.address),
        "action": change.action.value,
        "detail": safe(change.detail),
        "diff": diff,
    }


_SIGN_ROLES = {"+": "create", "-": "delete", "~": "change"}


def _unmanaged(plan: Plan) -> list[dict[str, str]]:
    by_name: dict[str, list[Unmanaged]] = {}
    for entry in plan.unmanaged:
        by_name.setdefault(entry["name"], []).append(entry)
    return [
        {
            "name": safe(name),
            "category": safe(items[0]["category"] or "?"),
            "languages": ", ".join(safe(f"{i['language']} {i['status'] or '?'}") for i in items),
        }
        for name, items in by_name.items()
    ]


def _diagnostic(d: DiagnosticDict) -> str:
    """A diagnostic as `validate` prints it."""
    parts = (
        f"{d['file']}:{d['line']}:{d['column']}:",
        d["rule"],
        f"[{d['severity']}]" if d["severity"] else "",
        d["message"],
    )
    return safe(" ".join(str(p) for p in parts if p))


def _safety(plan: Plan) -> str | None:
    safety = plan.safety
    if not safety.exceeded:
        return None
    if safety.forced:
        count = _plural(len(safety.destructive_names), "name")
        return f"{count} deleted or recreated, over the safety threshold; allowed by --force"
    return safety.needs


def _partial(plan: Plan) -> str:
    """What a plan of some templates only left out, and that it never prunes."""
    return f"{left_out_summary(plan.selection)} A partial plan never prunes."


def _final(plan: Plan) -> str:
    if not plan.has_changes:
        if plan.selection.partial:
            return "No changes in the selected templates. The plan is partial (above)."
        return "No changes. The channel matches the repository."
    summary = plan.summary
    partial = " The plan is partial (above)." if plan.selection.partial else ""
    return (
        f"Plan: {summary['create']} to create, {summary['recreate']} to recreate, "
        f"{summary['delete']} to delete, {summary['blocked']} blocked.{partial}"
    )


# --- markdown -----------------------------------------------------------------------------

_MD_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "~": "&#126;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "#": "&#35;",
    '"': "&quot;",
}
_MD_SPECIAL = re.compile("[" + re.escape("".join(_MD_ENTITIES)) + "]")
_BACKTICKS = re.compile(r"`+")


def md(value: Any) -> str:
    """A value as literal text anywhere in markdown or inline HTML, on one line.

    HTML entities rather than backslashes, because they mean the same inside a table, an HTML
    tag and plain text; an @ gets a zero-width space so a template cannot mention anyone (the
    only invisible character left: those from the value are spelled out first).
    """
    escaped = _MD_SPECIAL.sub(lambda m: _MD_ENTITIES[m.group(0)], safe(value, keep="\r\n"))
    escaped = escaped.replace("@", "@\u200b")
    return " ".join(_lines(escaped))


def cell(value: Any) -> str:
    """A table cell: like `md`, with line breaks kept as <br>."""
    return "<br>".join(md(line) for line in _lines(str(value)))


def _lines(value: str) -> list[str]:
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def fence(content: str, info: str = "") -> str:
    """A fenced block its content cannot close: the fence outruns every backtick run in it.
    Its lines are kept, and anything else a reader could not see or trust is spelled out."""
    content = safe(content, keep="\n")
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{content}\n{ticks}"


def marker(target: str | None = None) -> str:
    """The hidden first line of a markdown plan, distinct per target so comments do not collide."""
    if target is None:
        return PLAN_MARKER
    # Only characters that cannot end the comment or the line.
    safe = re.sub(r"[^A-Za-z0-9._:/+=@-]", "_", target).replace("--", "-_")
    if len(safe) > 80:  # still one short line, still one per target
        safe = f"{safe[:64]}~{hashlib.sha256(target.encode()).hexdigest()[:12]}"
    return f"{MARKER_PREFIX}:{safe} -->"


def is_plan_comment(body: str, target: str | None = None) -> bool:
    """Whether a comment body is a plan this module wrote (for `target`, if given)."""
    first = body.lstrip().split("\n", 1)[0].strip()
    if target is None:
        return first.startswith(MARKER_PREFIX)
    return first == marker(target)


def markdown(plan: Plan) -> str:
    """The plan as a pull-request comment of at most MARKDOWN_BUDGET characters."""
    env = environment()
    section_template = env.get_template("plan_section.md.j2")
    groups = [_md_group(group) for group in _groups(plan) if group.visible]
    sections = [section_template.render(group=g) for g in groups + _md_extras(plan)]
    context = {
        "marker": marker(plan.target),
        "target": plan.target,
        "fingerprint": short_fingerprint(plan.fingerprint),
        "verdict": _verdict(plan),
        "summary": plan.summary,
        "findings": len(plan.findings),
        "unmanaged": len(plan.unmanaged),
        "warnings": _md_warnings(plan),
        "total": len(sections),
        "unconfirmable": plan.unconfirmable,
    }
    rows = [
        {
            "action": f"{_EMOJI[c.action]} {c.action.value}",
            "name": c.name,
            "language": c.language,
            "category": c.category or "—",
            "status": c.status or "—",
        }
        for c in plan.changes
        if c.action is not Action.NOOP
    ]
    document = env.get_template("plan.md.j2")

    def render(kept: list[str], rows_shown: int) -> str:
        out = document.render(
            context,
            rows=rows[:rows_shown],
            rows_hidden=len(rows) - rows_shown,
            sections=kept,
        )
        return out.rstrip() + "\n"

    kept = list(sections)
    out = render(kept, len(rows))
    if len(out) <= MARKDOWN_BUDGET:
        return out
    kept = _fit(sections, len(out) - sum(len(s) + 2 for s in sections))
    out = render(kept, len(rows))
    while len(out) > MARKDOWN_BUDGET and kept:
        kept.remove(max(kept, key=len))
        out = render(kept, len(rows))
    shown = len(rows)
    while len(out) > MARKDOWN_BUDGET and shown:
        # Only the table is left to shorten: cut it in proportion to the excess.
        excess = len(out) - MARKDOWN_BUDGET
        per_row = max(1, sum(len(_row_text(r)) for r in rows[:shown]) // shown)
        shown = max(0, shown - max(1, -(-excess // per_row)))
        out = render(kept, shown)
    if len(out) > MARKDOWN_BUDGET:
        # Only a pathological target name or detail gets here; a cut comment beats none.
        note = "\n\n(cut to fit GitHub's comment limit; run `wa-templates plan` locally)\n"
        out = out[: MARKDOWN_BUDGET - len(note)] + note
    return out


def _row_text(row: dict[str, str]) -> str:
    return " | ".join(cell(v) for v in row.values())


def _fit(sections: list[str], overhead: int) -> list[str]:
    """Sections kept, in order, dropping the largest first until the document fits."""
    room = MARKDOWN_BUDGET - overhead - 200  # room for the "N of M sections shown" line
    by_size = sorted(range(len(sections)), key=lambda i: len(sections[i]), reverse=True)
    total = sum(len(s) + 2 for s in sections)
    dropped: set[int] = set()
    for index in by_size:
        if total <= room:
            break
        dropped.add(index)
        total -= len(sections[index]) + 2
    return [s for i, s in enumerate(sections) if i not in dropped]


def _verdict(plan: Plan) -> str:
    if not plan.has_changes:
        if plan.selection.partial:
            return "✅ **No changes** in the selected templates (partial plan)."
        return "✅ **No changes.** The channel matches the repository."
    if not plan.applyable:
        why = []
        if plan.blocked:
            why.append(_plural(len(plan.blocked), "blocked change"))
        if plan.safety_exceeded:
            why.append("safety threshold")
        return f"⛔ **Not applyable: {', '.join(why)}**"
    partial = " (partial plan)" if plan.selection.partial else ""
    return f"📝 **{_plural(len(plan.pending), 'change')}, applyable{partial}**"


def _md_warnings(plan: Plan) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    if plan.selection.partial:
        warnings.append(
            {"kind": "NOTE", "title": "Partial plan", "text": _partial(plan), "items": []}
        )
    if plan.safety.exceeded:
        text = _safety(plan) or ""
        warnings.append({"kind": "CAUTION", "title": "Safety threshold", "text": text, "items": []})
    deleted: dict[str, str] = {}
    recreated: set[str] = set()
    for c in plan.changes:
        if c.action in (Action.DELETE, Action.RECREATE) and c.name not in deleted:
            deleted[c.name] = c.detail
        if c.action is Action.RECREATE:
            recreated.add(c.name)
    if deleted:
        again = f" ({len(recreated)} created again)" if recreated else ""
        warnings.append(
            {
                "kind": "CAUTION",
                "title": f"{_plural(len(deleted), 'name')} deleted, with every language{again}",
                "text": "",
                "items": _capped([f"{name}: {why}" for name, why in deleted.items()]),
            }
        )
    if plan.blocked:
        warnings.append(
            {
                "kind": "WARNING",
                "title": f"{_plural(len(plan.blocked), 'blocked change')}: apply refuses to run",
                "text": "",
                "items": _capped([f"{c.address}: {c.detail}" for c in plan.blocked]),
            }
        )
    return warnings


def _capped(items: list[str]) -> list[str]:
    if len(items) <= LIST_CAP:
        return items
    return [*items[:LIST_CAP], f"and {len(items) - LIST_CAP} more"]


def _md_group(group: _Group) -> dict[str, Any]:
    actions: dict[str, list[str]] = {}
    for c in group.visible:
        actions.setdefault(c.action.value, []).append(c.language)
    summary = "; ".join(f"{action} {', '.join(langs)}" for action, langs in actions.items())
    entries = []
    for c in group.visible:
        preview = _preview(c)
        entries.append(
            {
                "heading": f"{_EMOJI[c.action]} {c.action.value} {c.language}",
                "detail": c.detail,
                "diff": markdown_diff(_field_lines(c)),
                "preview": "\n".join(preview) if preview else "",
                "preview_of": "after" if c.change.after is not None else "before",
            }
        )
    title = group.name if group.template == group.name else f"{group.name} ({group.template})"
    return {"title": title, "code": True, "summary": summary, "entries": entries, "items": []}


def _md_extras(plan: Plan) -> list[dict[str, Any]]:
    """Findings, unmanaged templates and diagnostics, each a collapsible section."""
    extras = []
    if plan.findings:
        extras.append(
            _md_list(
                f"Findings ({len(plan.findings)})",
                [
                    f"{f.severity}: {address(f.name, f.language)}: {f.message} — next: "
                    f"{f.next_step}"
                    for f in plan.findings
                ],
            )
        )
    if plan.unmanaged:
        extras.append(
            _md_list(
                f"Unmanaged: on the channel, not in the repository ({len(plan.unmanaged)})",
                [f"{u['name']} ({u['category']}): {u['languages']}" for u in _unmanaged(plan)],
            )
        )
    if plan.diagnostics:
        extras.append(
            _md_list(
                f"Diagnostics ({len(plan.diagnostics)})",
                [_diagnostic(d) for d in plan.diagnostics],
            )
        )
    return extras


def _md_list(title: str, items: list[str]) -> dict[str, Any]:
    return {"title": title, "code": False, "summary": "", "entries": [], "items": items}
