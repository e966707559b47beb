"""Field diffs as lines, the same in a plan and a drift report.

One sign per field: `+` only in the repository (after), `-` only on the channel (before), `~`
both, differing. Text output shows one line per field (`path: before -> after`); markdown a
`diff` block, a `-` line for the old value and a `+` line for the new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from wa_templates.plan.diff import FieldChange

Row = tuple[str, str, Any, Any]
"""(sign, path, before, after)"""


def value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def signed(changes: Iterable[FieldChange]) -> list[Row]:
    out: list[Row] = []
    for change in changes:
        if change.before is None and change.after is not None:
            sign = "+"
        elif change.after is None:
            sign = "-"
        else:
            sign = "~"
        out.append((sign, change.path, change.before, change.after))
    return out


def text_line(row: Row) -> str:
    sign, path, before, after = row
    if sign == "+":
        return f"{path}: {value_text(after)}"
    if sign == "-":
        return f"{path}: {value_text(before)}"
    return f"{path}: {value_text(before)} -> {value_text(after)}"


def markdown_diff(rows: Iterable[Row]) -> str:
    lines = []
    for sign, path, before, after in rows:
        if sign in "-~":
            lines.append(f"- {path}: {value_text(before)}")
        if sign in "+~":
            lines.append(f"+ {path}: {value_text(after)}")
    return "\n".join(lines)
