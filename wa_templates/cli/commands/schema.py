"""`wa-templates schema`: the JSON Schema of the file format, for editors."""

from __future__ import annotations

import json

import click

from wa_templates.files.model import json_schema


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of template files (generated from the models)."""
    click.echo(json.dumps(json_schema(), indent=2))
