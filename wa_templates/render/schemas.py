"""The JSON Schemas of the files and documents wa-templates reads and prints, by name, each
generated from the pydantic models that read or build it (so a schema cannot drift from the
output it describes), and published as schema/NAME.schema.json.

`wa-templates schema NAME` prints one; `python scripts/schemas.py` writes them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _template() -> dict[str, Any]:
    from wa_templates.files.model import json_schema

    return json_schema()


def _plan() -> dict[str, Any]:
    from wa_templates.plan.model import json_schema

    return json_schema()


def _plan_targets() -> dict[str, Any]:
    from wa_templates.plan.many import plan_targets_schema

    return plan_targets_schema()


def _apply() -> dict[str, Any]:
    from wa_templates.apply.document import schemas

    return schemas()["apply"]


def _apply_targets() -> dict[str, Any]:
    from wa_templates.apply.document import schemas

    return schemas()["apply-targets"]


def _drift() -> dict[str, Any]:
    from wa_templates.drift.document import json_schema

    return json_schema()


def _validate() -> dict[str, Any]:
    from wa_templates.render.diagnostics import diagnostics_adapter

    return diagnostics_adapter().json_schema(mode="serialization")


def _invalid() -> dict[str, Any]:
    from wa_templates.render.diagnostics import Invalid

    return Invalid.model_json_schema(mode="serialization")


def _import() -> dict[str, Any]:
    from wa_templates.importer.document import json_schema

    return json_schema()


SCHEMAS: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "template": ("a template file (templates/NAME.yaml)", _template),
    "plan": ("a saved plan, and `plan --format json` for one target", _plan),
    "plan-targets": ("`plan --format json` for several targets", _plan_targets),
    "apply": ("`apply --format json` for one target", _apply),
    "apply-targets": ("`apply --format json` for several targets", _apply_targets),
    "drift": ("`drift --format json`", _drift),
    "validate": ("`validate --format json`", _validate),
    "invalid": (
        "`plan`, `apply`, `drift` and `names` with `--format json` when the templates have errors",
        _invalid,
    ),
    "import": ("`import --format json`", _import),
}
"""Name -> (what it describes, how to make it)."""


def schema_of(name: str) -> dict[str, Any]:
    """The schema called `name`, with the draft it follows and a title saying what it is of."""
    what, make = SCHEMAS[name]
    schema = make()
    if "$schema" not in schema:  # template and plan say theirs themselves
        schema["$schema"] = DRAFT
        schema["title"] = f"wa-templates: {what}"
    return schema
