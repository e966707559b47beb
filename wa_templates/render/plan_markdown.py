"""A plan as a pull-request comment: verdict, warnings, a table, a section per name.

Laid out by `plan.md.j2` and `plan_section.md.j2`; every value from a file or the channel goes
through `markup` (`md`, `cell`, `fence`) on its way in. Each changed language shows its field
diff (text fields word by word) and the message as the recipient would see it, before (the
channel's content) and after (the repository's). GitHub refuses a comment over 65,536 characters,
so the comment is fitted to MARKDOWN_BUDGET: first the largest sections lose their previews,
then the largest sections go, then the table is cut; each step says what it left out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from wa_templates.channel.remote import address
from wa_templates.plan.lifecycle import rule_note
from wa_templates.plan.model import Action, Plan, ResourceChange
from wa_templates.render.difflines import markdown_diff, markdown_words
from wa_templates.render.markup import cell, environment
from wa_templates.render.plan_values import (
    Group,
    diagnostic_line,
    field_rows,
    groups,
    partial_sentence,
    plural,
    safety_sentence,
    short_fingerprint,
    unmanaged_rows,
)
from wa_templates.render.preview import PreviewError, message_text

MARKER_PREFIX = "<!-- wa-templates-plan"
PLAN_MARKER = f"{MARKER_PREFIX} -->"
"""The hidden first line of a markdown plan for no particular target."""

MARKDOWN_BUDGET = 60_000
"""GitHub refuses a comment over 65,536 characters; the rest is headroom for what CI adds."""

CUT_NOTE = "\n\n(cut to fit GitHub's comment limit; run `wa-templates plan` locally)\n"
"""Ends a comment that had to be cut short (only a pathological name or detail gets there)."""

LIST_CAP = 20
"""Deletes or blocked changes named one by one in a markdown warning before 'and N more'."""

EMOJI = {
    Action.CREATE: "➕",
    Action.DELETE: "➖",
    Action.RECREATE: "🔁",
    Action.BLOCKED: "⛔",
    Action.NOOP: "",
}


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


def markdown(plan: Plan, budget: int = MARKDOWN_BUDGET) -> str:
    """The plan as a pull-request comment of at most `budget` characters (a comment holding
    several targets gives each a share of MARKDOWN_BUDGET)."""
    env = environment()
    section_template = env.get_template("plan_section.md.j2")
    laid_out = [_md_group(group) for group in groups(plan) if group.visible] + _md_extras(plan)
    sections = [section_template.render(group=g) for g in laid_out]

    def without_previews(index: int) -> str:
        group = laid_out[index]
        entries = [{**e, "previews": []} for e in group["entries"]]
        return section_template.render(group={**group, "entries": entries})

    context = {
        "marker": marker(plan.target),
        "target": plan.target,
        "fingerprint": short_fingerprint(plan.fingerprint),
        "verdict": verdict(plan),
        "summary": plan.summary,
        "findings": len(plan.findings),
        "unmanaged": len(plan.unmanaged),
        "warnings": _md_warnings(plan),
        "total": len(sections),
        "unconfirmable": plan.unconfirmable,
    }
    rows = [
        {
            "action": f"{EMOJI[c.action]} {c.action.value}",
            "name": c.name,
            "language": c.language,
            "category": c.category or "—",
            "status": c.status or "—",
        }
        for c in plan.changes
        if c.action is not Action.NOOP
    ]
    document = env.get_template("plan.md.j2")

    def render(kept: list[str], rows_shown: int, without_previews: int = 0) -> str:
        out = document.render(
            context,
            rows=rows[:rows_shown],
            rows_hidden=len(rows) - rows_shown,
            sections=kept,
            without_previews=without_previews,
        )
        return out.rstrip() + "\n"

    out = render(sections, len(rows))
    if len(out) <= budget:
        return out
    overhead = len(out) - sum(len(s) + 2 for s in sections)
    kept, without = _fit(sections, without_previews, overhead, budget)
    out = render(kept, len(rows), without)
    while len(out) > budget and kept:
        kept.remove(max(kept, key=len))
        out = render(kept, len(rows), without)
    shown = len(rows)
    while len(out) > budget and shown:
        # Only the table is left to shorten: cut it in proportion to the excess.
        excess = len(out) - budget
        per_row = max(1, sum(len(_row_text(r)) for r in rows[:shown]) // shown)
        shown = max(0, shown - max(1, -(-excess // per_row)))
        out = render(kept, shown, without)
    if len(out) > budget:
        # Only a pathological target name or detail gets here; a cut comment beats none.
        out = out[: max(0, budget - len(CUT_NOTE))] + CUT_NOTE
    return out


def _row_text(row: dict[str, str]) -> str:
    return " | ".join(cell(v) for v in row.values())


def _fit(
    sections: list[str], compact: Callable[[int], str], overhead: int, budget: int = MARKDOWN_BUDGET
) -> tuple[list[str], int]:
    """Sections kept, in order, and how many of them lost their previews to fit.

    The largest sections lose their previews first (their diffs say what changes); if that is
    not enough, the largest sections go.
    """
    room = budget - overhead - 400  # room for the lines saying what was left out
    sections = list(sections)
    total = sum(len(s) + 2 for s in sections)
    by_size = sorted(range(len(sections)), key=lambda i: len(sections[i]), reverse=True)
    shortened: set[int] = set()
    for index in by_size:
        if total <= room:
            break
        smaller = compact(index)
        if len(smaller) < len(sections[index]):
            total -= len(sections[index]) - len(smaller)
            sections[index] = smaller
            shortened.add(index)
    dropped: set[int] = set()
    for index in sorted(range(len(sections)), key=lambda i: len(sections[i]), reverse=True):
        if total <= room:
            break
        dropped.add(index)
        total -= len(sections[index]) + 2
    kept = [s for i, s in enumerate(sections) if i not in dropped]
    return kept, len(shortened - dropped)


def verdict(plan: Plan) -> str:
    if not plan.has_changes:
        if plan.selection.partial:
            return "✅ **No changes** in the selected templates (partial plan)."
        if plan.unmanaged:
            count = plural(len({u["name"] for u in plan.unmanaged}), "name")
            return (
                f"✅ **No changes.** The channel also holds {count} the repository does not manage."
            )
        return "✅ **No changes.** The channel matches the repository."
    if not plan.applyable:
        why = []
        if plan.blocked:
            why.append(plural(len(plan.blocked), "blocked change"))
        if plan.safety_exceeded:
            why.append("safety threshold")
        return f"⛔ **Not applyable: {', '.join(why)}**"
    partial = " (partial plan)" if plan.selection.partial else ""
    return f"📝 **{plural(len(plan.pending), 'change')}, applyable{partial}**"


def _md_warnings(plan: Plan) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    if plan.selection.partial:
        warnings.append(
            {"kind": "NOTE", "title": "Partial plan", "text": partial_sentence(plan), "items": []}
        )
    if plan.safety.exceeded:
        text = safety_sentence(plan) or ""
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
                "title": f"{plural(len(deleted), 'name')} deleted, with every language{again}",
                "text": "",
                "items": _capped([f"{name}: {why}" for name, why in deleted.items()]),
            }
        )
    if plan.blocked:
        warnings.append(
            {
                "kind": "WARNING",
                "title": f"{plural(len(plan.blocked), 'blocked change')}: apply refuses to run",
                "text": "",
                "items": _capped([f"{c.address}: {c.detail}" for c in plan.blocked]),
            }
        )
    note = rule_note(plan.rests_on_48h_rule)
    if note:
        warnings.append({"kind": "NOTE", "title": "Ever approved?", "text": note, "items": []})
    return warnings


def _capped(items: list[str]) -> list[str]:
    if len(items) <= LIST_CAP:
        return items
    return [*items[:LIST_CAP], f"and {len(items) - LIST_CAP} more"]


def _md_group(group: Group) -> dict[str, Any]:
    actions: dict[str, list[str]] = {}
    for c in group.visible:
        actions.setdefault(c.action.value, []).append(c.language)
    summary = "; ".join(f"{action} {', '.join(langs)}" for action, langs in actions.items())
    entries = []
    for c in group.visible:
        rows = field_rows(c)
        entries.append(
            {
                "heading": f"{EMOJI[c.action]} {c.action.value} {c.language}",
                "detail": c.detail,
                "words": markdown_words(rows),
                "diff": markdown_diff(rows),
                "previews": _previews(c),
            }
        )
    title = group.name if group.template == group.name else f"{group.name} ({group.template})"
    return {"title": title, "code": True, "summary": summary, "entries": entries, "items": []}


def _previews(change: ResourceChange) -> list[dict[str, str]]:
    """The message before (on the channel) and after (in the repository), where it differs."""
    before, after = change.change.before, change.change.after
    if before is None and after is None:
        return []
    if before is None or after is None:
        label = "Preview" if after is not None else "Preview, on the channel"
        return [{"label": label, "text": _preview(after or before, change)}]
    old, new = _preview(before, change), _preview(after, change)
    if old == new:
        return [{"label": "Preview, the same on the channel and in the repository", "text": new}]
    return [
        {"label": "Before, on the channel", "text": old},
        {"label": "After, in the repository", "text": new},
    ]


def _preview(content: dict[str, Any] | None, change: ResourceChange) -> str:
    # In the change's language: AUTHENTICATION's preset wording is Meta's, per language.
    try:
        return "\n".join(message_text(content or {}, change.category, change.language))
    except PreviewError as exc:
        return f"(no preview: {exc})"


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
                [f"{u['name']} ({u['category']}): {u['languages']}" for u in unmanaged_rows(plan)],
            )
        )
    if plan.diagnostics:
        extras.append(
            _md_list(
                f"Diagnostics ({len(plan.diagnostics)})",
                [diagnostic_line(d) for d in plan.diagnostics],
            )
        )
    return extras


def _md_list(title: str, items: list[str]) -> dict[str, Any]:
    return {"title": title, "code": False, "summary": "", "entries": [], "items": items}
