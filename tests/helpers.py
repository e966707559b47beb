"""Helpers for tests: load template YAML from a string, run the rules, pick diagnostics."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from wa_templates.files.diagnostics import Diagnostic
from wa_templates.files.load import Source, load_bytes
from wa_templates.rules import engine


def source(text: str, stem: str | None = None) -> Source:
    loaded, problems = load_bytes(textwrap.dedent(text).encode(), "t.yaml", stem)
    assert loaded is not None, problems
    return loaded


def diagnose(text: str) -> list[Diagnostic]:
    """Every diagnostic for one template given as YAML text (loader and rules)."""
    loaded, problems = load_bytes(textwrap.dedent(text).encode(), "t.yaml")
    if loaded is None:
        return problems
    return sorted(problems + engine.run([loaded]), key=Diagnostic.sort_key)


def rules_of(text: str) -> list[str]:
    return [d.rule for d in diagnose(text)]


def only(text: str, rule: str) -> list[Diagnostic]:
    return [d for d in diagnose(text) if d.rule == rule]


def console_script() -> str:
    """The wa-templates console script installed next to this Python (the venv's, or the
    interpreter's), so the suite passes with the venv not activated; PATH only as a fallback."""
    name = "wa-templates.exe" if os.name == "nt" else "wa-templates"
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which("wa-templates")
    if found is None:
        pytest.fail("the wa-templates console script is not installed (pip install -e .)")
    return found


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`wa-templates ARGS` in this process: exit code, stdout, stderr."""
    from wa_templates.cli.main import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
