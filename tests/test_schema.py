"""The committed JSON Schema: current with the models, and true of every shipped template."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.plan.test_model import busy_plan
from wa_templates.cli.main import main
from wa_templates.files.model import json_schema
from wa_templates.plan.model import json_schema as plan_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "template.schema.json"
TEMPLATES = sorted((ROOT / "templates").rglob("*.yaml"))
REGENERATE = "regenerate it: wa-templates schema > schema/template.schema.json"


def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_committed_schema_is_what_the_models_generate() -> None:
    # Byte for byte, so regenerating it never produces a diff.
    expected = json.dumps(json_schema(), indent=2) + "\n"
    assert SCHEMA.read_text(encoding="utf-8") == expected, f"schema is stale; {REGENERATE}"


def test_schema_command_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA.read_text(encoding="utf-8")


def test_committed_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_there_are_shipped_templates() -> None:
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_shipped_template_validates_against_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_shipped_template_points_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    # Relative to the file, so it works wherever the repository is checked out.
    expected = os.path.relpath(SCHEMA, path.parent).replace(os.sep, "/")
    assert first.removeprefix(prefix) == expected


@pytest.mark.parametrize(
    "broken",
    [
        {"name": "t", "category": "UTILITY", "languages": {"en_US": {"bdy": {"text": "x"}}}},
        {"name": "t", "category": "UTILITY", "languages": {}},
        {"name": "t", "languages": {"en_US": {"body": {"text": "x"}}}},
        {"name": "t", "category": "PROMOTION", "languages": {"en_US": {"body": {"text": "x"}}}},
        {
            "name": "t",
            "category": "UTILITY",
            "languages": {"en_US": {"buttons": [{"type": "LINK", "text": "x"}]}},
        },
    ],
)
def test_schema_rejects_what_the_loader_rejects(broken: dict[str, Any]) -> None:
    # Not a schema that accepts everything: editors flag these before validate does.
    assert list(_validator().iter_errors(broken))


# --- the saved plan's schema -------------------------------------------------------------------

PLAN_SCHEMA = ROOT / "schema" / "plan.schema.json"
REGENERATE_PLAN = "regenerate it: wa-templates schema --plan > schema/plan.schema.json"


def _plan_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(PLAN_SCHEMA.read_text(encoding="utf-8")))


def test_committed_plan_schema_is_what_the_plan_model_generates() -> None:
    expected = json.dumps(plan_schema(), indent=2) + "\n"
    assert PLAN_SCHEMA.read_text(encoding="utf-8") == expected, f"stale; {REGENERATE_PLAN}"


def test_schema_plan_prints_the_committed_plan_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--plan"]) == 0
    assert capsys.readouterr().out == PLAN_SCHEMA.read_text(encoding="utf-8")


def test_committed_plan_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(PLAN_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["format_version"]["pattern"] == r"^2\.(0|[1-9][0-9]*)$"
    assert "minor version only adds fields" in schema["description"]


def test_a_written_plan_is_valid_against_the_plan_schema() -> None:
    document = busy_plan().document()
    assert [
        f"{list(e.absolute_path)}: {e.message}" for e in _plan_validator().iter_errors(document)
    ] == []
    # Not a schema that accepts anything: what a reader refuses, the schema refuses too.
    for broken in (
        {**document, "format_version": "3.0"},
        {**document, "options": {**document["options"], "prune": "yes"}},
        {**document, "notes": "hand-written"},
        {**document, "channel": None},
    ):
        assert list(_plan_validator().iter_errors(broken))
