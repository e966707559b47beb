"""`apply PLANFILE` with a plan file that is JSON but not a plan's shape: one line, exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.commands.conftest import Repo

Edit = Callable[[dict[str, Any]], None]


def _set(path: tuple[str | int, ...], value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


CASES: list[tuple[str, Edit, str]] = [
    ("remote state a list", _set(("remote_state",), []), "remote_state must be an object"),
    (
        "remote state entry a string",
        _set(("remote_state",), {"x": "abc"}),
        "remote_state.x must be an object",
    ),
    (
        "destructive names a number",
        _set(("safety", "destructive_names"), 5),
        "safety.destructive_names must be a list",
    ),
    (
        "create payload null",
        _set(("resource_changes", 0, "payload"), None),
        "resource_changes[0].payload must be an object for a create",
    ),
    (
        "create payload a string",
        _set(("resource_changes", 0, "payload"), "abc"),
        "resource_changes[0].payload must be an object",
    ),
    (
        "finding without its fields",
        _set(("findings",), [{"name": "x"}]),
        "findings[0].language is missing",
    ),
    (
        "field change a string",
        _set(("resource_changes", 0, "change", "fields"), ["abc"]),
        "resource_changes[0].change.fields[0] must be an object",
    ),
    (
        "unknown action",
        _set(("resource_changes", 0, "action"), "explode"),
        "resource_changes[0].action must be one of",
    ),
    (
        "payload without components",
        lambda data: data["resource_changes"][0]["payload"].pop("components"),
        "resource_changes[0].payload",
    ),
    (
        "payload for another name",
        _set(("resource_changes", 0, "payload", "name"), "someone_else"),
        "resource_changes[0].payload.name",
    ),
    ("max names a string", _set(("safety", "max_names"), "10"), "safety.max_names must be"),
    ("forced a number", _set(("safety", "forced"), 1), "safety.forced must be true or false"),
    ("diagnostic a string", _set(("diagnostics",), ["oops"]), "diagnostics[0] must be an object"),
    ("unmanaged a number", _set(("unmanaged",), [7]), "unmanaged[0] must be an object"),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_plan_file_of_the_wrong_shape_is_one_line(repo: Repo, edit: Edit, expected: str) -> None:
    data = repo.saved_plan()
    assert data["resource_changes"][0]["action"] == "create"
    edit(data)
    (repo.root / "plan.json").write_text(json.dumps(data))
    outcome = repo.run("apply", str(repo.root / "plan.json"), "--sandbox", "--auto-approve")
    assert outcome.code == 1, outcome.out + outcome.err
    assert outcome.out == ""
    assert "Traceback" not in outcome.err
    lines = outcome.err.splitlines()
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith(f"error: {repo.root / 'plan.json'}: "), lines[0]
    assert expected in lines[0], lines[0]
    assert "Error(" not in lines[0] and "__init__" not in lines[0]
