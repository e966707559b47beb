"""`wa-templates schema [--plan]`: the JSON Schema of template files, or of saved plans."""

from __future__ import annotations

import json

import click

from wa_templates.files.model import json_schema


@click.command("schema")
@click.option(
    "--plan",
    "of_plan",
    is_flag=True,
    help="The schema of saved plans (`plan --out`, `plan --format json`) instead.",
)
def command(of_plan: bool) -> None:
    """Print the JSON Schema of template files, or of saved plans (generated from the models)."""
    if of_plan:
        # Imported here: the template schema must not pay for the plan model's imports.
        from wa_templates.plan.model import json_schema as plan_schema

        click.echo(json.dumps(plan_schema(), indent=2))
    else:
        click.echo(json.dumps(json_schema(), indent=2))
