"""`wa-templates schema [NAME]`: the JSON Schema of template files (by default), of saved plans,
or of a command's JSON output."""

from __future__ import annotations

import json

import click

from wa_templates.render.schemas import SCHEMAS, schema_of


@click.command("schema")
@click.argument("name", type=click.Choice(list(SCHEMAS)), default="template", required=False)
@click.option(
    "--plan",
    "of_plan",
    is_flag=True,
    help="The schema of saved plans (`plan --out`, `plan --format json`): the same as `plan`.",
)
def command(name: str, of_plan: bool) -> None:
    """Print a JSON Schema, generated from the models (committed as schema/NAME.schema.json):
    template (files), plan, plan-targets, apply, apply-targets, drift, validate, invalid,
    import."""
    click.echo(json.dumps(schema_of("plan" if of_plan else name), indent=2))
