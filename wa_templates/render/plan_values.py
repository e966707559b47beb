"""A plan as the plain values its renderers lay out: text, markdown and GitHub annotations."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wa_templates.apply.media import is_local
from wa_templates.channel.normalise import sent_only
from wa_templates.files.diagnostics import DiagnosticDict
from wa_templates.plan.diff import FieldChange
from wa_templates.plan.model import Action, Plan, ResourceChange, Unmanaged
from wa_templates.plan.selection import left_out_summary
from wa_templates.render.difflines import Row, signed
from wa_templates.untrusted import shown


@dataclass(slots=True)
class Group:
    """The changes of one registered name."""

    name: str
    template: str
    category: str
    changes: list[ResourceChange] = field(default_factory=list)

    @property
    def visible(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.action is not Action.NOOP]


def groups(plan: Plan) -> list[Group]:
    """Changes per registered name, in the plan's order."""
    by_name: dict[str, Group] = {}
    for change in plan.changes:
        group = by_name.get(change.name)
        if group is None:
            group = by_name[change.name] = Group(
                change.name, change.template, change.category or ""
            )
        group.changes.append(change)
    return list(by_name.values())


SENT_ONLY = " (sent, never compared)"
"""Marks a row of what a create sends beside its content (`normalise.sent_only`)."""


def field_rows(change: ResourceChange) -> list[Row]:
    """(sign, path, before, after) per field: the diff, or for a plain create its content; then,
    for a create or recreate, what its payload sends that the content leaves out."""
    rows: list[FieldChange] = []
    if change.change.fields:
        rows = list(change.change.fields)
    elif change.action is Action.CREATE and isinstance(change.change.after, dict):
        rows = [FieldChange(path, None, value) for path, value in _flatten(change.change.after)]
    if change.payload is not None:
        rows += [
            FieldChange(path + SENT_ONLY, None, _located(path, value, change.source))
            for path, value in sent_only(change.payload)
        ]
    return signed(rows)


def _located(path: str, value: Any, source: str | None) -> Any:
    """A local media sample as apply finds it: relative to the template file's folder, which
    the plan records (`source`), so the row names the file that is uploaded."""
    if not path.endswith("header.examples") or source is None or not isinstance(value, list):
        return value
    folder = posixpath.dirname(source.replace(os.sep, "/"))
    return [
        posixpath.normpath(posixpath.join(folder, v)) if isinstance(v, str) and is_local(v) else v
        for v in value
    ]


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


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def unmanaged_rows(plan: Plan, escape: Callable[[str], str] = shown) -> list[dict[str, str]]:
    """One row per unmanaged name: its category and its languages with their statuses."""
    by_name: dict[str, list[Unmanaged]] = {}
    for entry in plan.unmanaged:
        by_name.setdefault(entry["name"], []).append(entry)
    return [
        {
            "name": escape(name),
            "category": escape(items[0]["category"] or "?"),
            "languages": ", ".join(escape(f"{i['language']} {i['status'] or '?'}") for i in items),
        }
        for name, items in by_name.items()
    ]


def diagnostic_line(d: DiagnosticDict) -> str:
    """A diagnostic as `validate` prints it."""
    parts = (
        f"{d['file']}:{d['line']}:{d['column']}:",
        d["rule"],
        f"[{d['severity']}]" if d["severity"] else "",
        d["message"],
    )
    return shown(" ".join(str(p) for p in parts if p))


def safety_sentence(plan: Plan) -> str | None:
    """What the safety threshold says of this plan, if it is exceeded."""
    safety = plan.safety
    if not safety.exceeded:
        return None
    if safety.forced:
        count = plural(len(safety.destructive_names), "name")
        return f"{count} deleted or recreated, over the safety threshold; allowed by --force"
    return safety.needs


def partial_sentence(plan: Plan) -> str:
    """What a plan of some templates only left out, and that it never prunes."""
    return f"{left_out_summary(plan.selection)} A partial plan never prunes."
