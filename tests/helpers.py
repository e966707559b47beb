"""Helpers for tests: load template YAML from a string, run the rules, pick diagnostics."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

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


def target_table(name: str, account_id: str, channel_id: str, key_env: str, **more: str) -> str:
    """A `[targets.NAME]` table of wa-templates.toml, with `more` keys (region, base_url...)."""
    keys = {"account_id": account_id, "channel_id": channel_id, "api_key_env": key_env, **more}
    return f"[targets.{name}]\n" + "".join(f'{k} = "{v}"\n' for k, v in keys.items())


SCHEMAS = Path(__file__).resolve().parent.parent / "schema"


def assert_valid(document: Any, schema: str) -> None:
    """`document` is valid against the published schema/SCHEMA.schema.json."""
    validator = Draft202012Validator(
        json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8"))
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == [], errors


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`wa-templates ARGS` in this process: exit code, stdout, stderr."""
    from wa_templates.cli.main import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
