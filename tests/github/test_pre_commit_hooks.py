"""The pre-commit hook teams add to their template repositories: a valid hook definition, and its
entry run as pre-commit runs it, on the changed files its `files` pattern picks."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests.github.conftest import ROOT
from tests.helpers import console_script

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
# pre-commit's manifest keys (pre_commit/clientlib.py, MANIFEST_HOOK_DICT) and its languages.
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "additional_dependencies",
    "args", "always_run", "fail_fast", "pass_filenames", "description", "language_version",
    "log_file", "minimum_pre_commit_version", "require_serial", "stages", "verbose",
}  # fmt: skip
LANGUAGES = {"conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail", "golang",
             "haskell", "julia", "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust",
             "script", "swift", "system", "unsupported", "unsupported_script"}  # fmt: skip


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert isinstance(hook, dict)
    return hook


def test_the_hook_definition_is_valid() -> None:
    hook = _hook()
    assert set(hook) >= REQUIRED and set(hook) <= KNOWN, set(hook) ^ KNOWN
    assert hook["id"] == "wa-templates-validate"
    assert hook["language"] in LANGUAGES and hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert all(isinstance(hook[k], str) for k in ("id", "name", "entry", "description"))


def test_the_entry_is_this_packages_console_script() -> None:
    # language: python installs this repository, so the entry must be one of its scripts.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    program, *args = shlex.split(_hook()["entry"])
    assert program in scripts and args == ["validate"]


def test_the_files_pattern_picks_template_files_only() -> None:
    files = re.compile(_hook()["files"])
    picked = ["templates/a.yaml", "templates/orders/order_shipped.yaml", "templates/x/y.yml"]
    skipped = [
        "templates/README.md",
        "templates/a.json",
        "other/templates/a.yaml",
        "schema/template.schema.json",
        "wa-templates.toml",
        "templates/a.yaml.bak",
    ]
    # pre-commit matches with re.search on the path from the repository root.
    assert all(files.search(p) for p in picked)
    assert not any(files.search(p) for p in skipped)


def _changed(project: Path) -> list[str]:
    """What pre-commit would pass: every file matching `files`, relative to the repo root."""
    files = re.compile(_hook()["files"])
    paths = (p.relative_to(project).as_posix() for p in sorted(project.rglob("*")) if p.is_file())
    return [p for p in paths if files.search(p)]


def _run_hook(project: Path, filenames: list[str]) -> subprocess.CompletedProcess[str]:
    program, *args = shlex.split(_hook()["entry"])
    assert program == "wa-templates"
    return subprocess.run(
        [console_script(), *args, *filenames],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_hook_passes_several_good_files(templates_copy: Path) -> None:
    (templates_copy / "templates" / "NOTES.md").write_text("not a template\n", encoding="utf-8")
    changed = _changed(templates_copy)
    assert len(changed) >= 5 and "templates/NOTES.md" not in changed
    done = _run_hook(templates_copy, changed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(changed)} files checked" in done.stdout


def test_the_hook_fails_on_the_bad_file_among_good_ones(templates_copy: Path) -> None:
    bad = templates_copy / "templates" / "orders" / "order_shipped.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("name: order_shipped", "name: order_sent"),
        encoding="utf-8",
    )
    changed = _changed(templates_copy)
    done = _run_hook(templates_copy, [*changed[:3], "templates/orders/order_shipped.yaml"])
    assert done.returncode == 1
    assert "templates/orders/order_shipped.yaml:" in done.stdout and "WA010" in done.stdout
    flagged = {line.split(":", 1)[0] for line in done.stdout.splitlines() if " WA" in line}
    assert flagged == {"templates/orders/order_shipped.yaml"}
    assert "Traceback" not in done.stderr
