"""The README is part of the product: its rule table and commands must match the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from wa_templates.cli.main import _register, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_is_in_sync_with_the_registry() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_rules.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_every_command_is_documented() -> None:
    _register()
    documented = set(re.findall(r"`wa-templates ([a-z]+)", README))
    assert set(cli.commands) <= documented, set(cli.commands) - documented


def test_quickstart_is_one_command_and_tests_are_the_ci_command() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quickstart, re.S)
    # The first: install and run the main job on the sandbox; the second: the tests, as CI runs.
    assert blocks[0].strip() == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && "
        ".venv/bin/wa-templates plan --sandbox"
    )
    assert blocks[1].strip() == "./scripts/test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test" in ci


def test_the_commands_table_names_every_option_of_drift_and_history() -> None:
    # drift prints `(--fail-on warning)` under every report: a reader looks it up here.
    # --target, --sandbox and --history are told once, under the table.
    _register()
    for name in ("drift", "history"):
        row = next(
            line for line in README.splitlines() if line.startswith(f"| `wa-templates {name}")
        )
        command = cli.commands[name]
        shared = {"--target", "--sandbox", "--history", "--help"}
        options = {o for p in command.params for o in p.opts if o.startswith("--")} - shared
        assert {o for o in options if o not in row} == set(), name
