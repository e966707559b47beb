"""What an apply of a reviewed plan did, for the merged pull request and the job summary:
created, recreated, deleted, failed and not done, per template and language.

Read from two things the action has: the saved plan (what each address was planned to do: its
`resource_changes[].address` and `action`, or Terraform's `change.actions`) and the lines apply
prints per result (`  + template.NAME[LANG]: created, ...`, `  - template.NAME: deleted ...`,
`FAILED: ` or `skipped: ` before the message when it did not happen), plus `--wait`'s verdicts.
Anything else apply prints is shown as it is, below the table.

Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markdown import cell, fence

_RESULT = re.compile(r"^  ([+~-]) (template\.[A-Za-z0-9_]+(?:\[[^\]\s]+\])?): (.*)$")
_REVIEW = re.compile(
    r"^  ([A-Za-z_]+) +(template\.[A-Za-z0-9_]+\[[^\]\s]+\])(?:: (.*)| \((.*)\))?$"
)
_ADDRESS = re.compile(r"^template\.([A-Za-z0-9_]+)(?:\[([^\]]+)\])?$")
_TERRAFORM = {("create",): "create", ("delete", "create"): "recreate", ("delete",): "delete"}
_ICONS = {
    "created": "➕ created",
    "recreated": "🔁 recreated",
    "deleted": "🗑️ deleted",
    "failed": "❌ failed",
    "not done": "⏸️ not done",
}
KINDS = tuple(_ICONS)
_FIRST = ("failed", "not done", "deleted", "recreated", "created")


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    name: str
    language: str
    detail: str
    review: str = ""


def planned_actions(plan: Mapping[str, Any]) -> dict[str, str]:
    """address -> create, recreate or delete, from a saved plan document."""
    actions: dict[str, str] = {}
    changes = plan.get("resource_changes")
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, dict) or not isinstance(change.get("address"), str):
            continue
        action = change.get("action")
        if not isinstance(action, str):
            terraform = (change.get("change") or {}).get("actions")
            action = _TERRAFORM.get(tuple(terraform) if isinstance(terraform, list) else ())
        if action in ("create", "recreate", "delete"):
            actions[change["address"]] = action
    return actions


def _split(address: str) -> tuple[str, str]:
    match = _ADDRESS.match(address)
    return (match.group(1), match.group(2) or "") if match else (address, "")


def rows(stdout: str, planned: Mapping[str, str]) -> list[Row]:
    reviews: dict[str, str] = {}
    for line in stdout.splitlines():
        if (match := _REVIEW.match(line)) and not _RESULT.match(line):
            why = match.group(3) or match.group(4)
            reviews[match.group(2)] = match.group(1) + (f": {why}" if why else "")
    found: list[Row] = []
    for line in stdout.splitlines():
        match = _RESULT.match(line)
        if not match:
            continue
        mark, address, text = match.groups()
        name, language = _split(address)
        if mark == "~" or text.startswith("skipped: "):
            found.append(Row("not done", name, language, text.removeprefix("skipped: ")))
        elif text.startswith("FAILED: "):
            found.append(Row("failed", name, language or "all", text.removeprefix("FAILED: ")))
        elif mark == "-":
            # A recreate's delete is told by its creates; only a pruned name is a delete.
            planned_here = {a: act for a, act in planned.items() if _split(a)[0] == name}
            if "recreate" in planned_here.values():
                continue
            pruned = sorted(_split(a)[1] for a, act in planned_here.items() if act == "delete")
            found += [Row("deleted", name, lang, text) for lang in pruned or ["all"]]
        else:
            kind = "recreated" if planned.get(address) == "recreate" else "created"
            found.append(Row(kind, name, language, text, reviews.get(address, "")))
    # What needs a person first; apply's own order is only the order its workers finished in.
    return sorted(found, key=lambda r: (_FIRST.index(r.kind), r.name, r.language))


def counts(found: Sequence[Row]) -> dict[str, int]:
    return {kind: sum(1 for r in found if r.kind == kind) for kind in KINDS}


def table(found: Sequence[Row]) -> list[str]:
    if not found:
        return []
    review = any(r.review for r in found)
    head = "| Result | Name | Language | Detail |" + (" Meta's review |" if review else "")
    lines = [head, "|" + " --- |" * (5 if review else 4)]
    for r in found:
        line = f"| {_ICONS[r.kind]} | {cell(r.name)} | {cell(r.language)} | {cell(r.detail)} |"
        lines.append(line + (f" {cell(r.review)} |" if review else ""))
    return lines


def tally(found: Sequence[Row]) -> str:
    numbers = counts(found)
    return " · ".join(
        f"**{numbers[kind]}** {kind}" for kind in KINDS if kind != "not done" or numbers[kind]
    )


def output_block(stdout: str, stderr: str) -> list[str]:
    shown = "\n".join(part.rstrip("\n") for part in (stdout, stderr) if part.strip())
    if not shown:
        return []
    return [
        "<details><summary>Output of wa-templates apply</summary>",
        "",
        fence(shown),
        "",
        "</details>",
    ]


def body(
    marker: str,
    heading: str,
    lines: Sequence[str],
    found: Sequence[Row] | None,
    stdout: str = "",
    stderr: str = "",
) -> str:
    """The whole comment: marker, heading, the explanation lines, the tally and table when
    apply ran, then apply's own output folded away."""
    parts = [marker, f"### {heading}", "", *lines]
    if found is not None:
        parts += ["", tally(found)]
        parts += ["", *table(found)] if found else []
    block = output_block(stdout, stderr)
    parts += ["", *block] if block else []
    return "\n".join(parts).rstrip() + "\n"
