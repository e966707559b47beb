"""The published JSON Schemas (schema/NAME.schema.json): current with the models that build the
documents, valid Draft 2020-12 schemas, printed by `wa-templates schema NAME`, and not so loose
that they accept anything. Real output is checked against them where each command is tested
(tests/commands/test_machine_output.py, tests/e2e/test_many_targets.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.helpers import SCHEMAS, assert_valid
from wa_templates.cli.main import main
from wa_templates.render.schemas import SCHEMAS as NAMES
from wa_templates.render.schemas import schema_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", list(NAMES))
def test_committed_schema_is_what_the_models_generate(name: str) -> None:
    expected = json.dumps(schema_of(name), indent=2) + "\n"
    committed = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == expected, f"schema/{name}.schema.json is stale: python scripts/schemas.py"


@pytest.mark.parametrize("name", list(NAMES))
def test_schema_command_prints_the_committed_schema(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", name]) == 0
    assert capsys.readouterr().out == (SCHEMAS / f"{name}.schema.json").read_text()


@pytest.mark.parametrize("name", list(NAMES))
def test_every_schema_is_a_draft_2020_12_schema_with_a_title(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"].startswith("wa-templates")


def test_every_published_schema_is_in_the_registry() -> None:
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} == set(
        NAMES
    )


def test_the_script_finds_nothing_stale() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "schemas.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_document_schemas_refuse_what_no_command_prints() -> None:
    apply_document = {
        "format_version": "1.1",
        "target": "target prod",
        "channel": {
            "target": "prod",
            "sandbox": None,
            "base_url": "https://chatapps.8x8.com",
            "account_id": "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40",
            "channel_id": "c",
            "subaccount_id": None,
        },
        "plan_file": None,
        "outcome": "applied",
        "exit_code": 0,
        "error": None,
        "problems": [],
        "not_touched": [],
        "rate_limit": None,
        "changes": [],
        "summary": {},
        "planned": True,
    }
    assert_valid(apply_document, "apply")
    for broken in (
        {**apply_document, "outcome": "partly"},
        {**apply_document, "extra": 1},
        {k: v for k, v in apply_document.items() if k != "changes"},
        {k: v for k, v in apply_document.items() if k != "planned"},
        {**apply_document, "changes": [{"address": "template.x[en_US]", "result": "created"}]},
    ):
        with pytest.raises(AssertionError):
            assert_valid(broken, "apply")
    with pytest.raises(AssertionError):
        assert_valid([{"file": "t.yaml", "line": "3"}], "validate")
    with pytest.raises(AssertionError):
        assert_valid({"format_version": "1.0", "targets": []}, "plan-targets")


def test_the_readme_points_at_every_document_schema() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"{name}.schema.json" in readme, name
