"""Diff: field-level differences between two canonical forms, by deepdiff.

A change names each differing path in file terms (`body.text`, `buttons[1].url`) with its value
before (on the channel) and after (in the repo); `None` stands for "not present".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent

from wa_templates.channel.normalise import Canonical


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


def diff(before: Canonical, after: Canonical) -> list[FieldChange]:
    if before == after:  # the common case, without deepdiff's setup cost
        return []
    # threshold_to_diff_deeper=0: deepdiff 9 otherwise reports a much-changed mapping as one
    # replaced value, and a reviewer would lose the per-field paths.
    tree = DeepDiff(before, after, view="tree", ignore_order=False, threshold_to_diff_deeper=0)
    changes = [
        FieldChange(_path(item.path(output_format="list")), _value(item.t1), _value(item.t2))
        for items in tree.values()
        for item in items
    ]
    return sorted(changes, key=lambda c: c.path)


def _path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(template)"


def _value(value: Any) -> Any:
    return None if isinstance(value, NotPresent) else value
