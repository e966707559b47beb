"""`wa-templates config`: the resolved settings and targets, and where each value came from."""

from __future__ import annotations

import click

from wa_templates.cli.options import format_option
from wa_templates.config import resolved
from wa_templates.config.project import find_project
from wa_templates.untrusted import shown


@click.command("config")
@format_option("text for people, json for tools.", ("text", "json"))
def command(fmt: str) -> None:
    """Show the settings and targets every command starts from, each with its source (default,
    file and line, or environment). API keys are never shown: only whether each target's key
    variable is set."""
    settings = resolved.resolve(find_project())
    if fmt == "json":
        click.echo(resolved.as_json(settings))
    else:
        click.echo("\n".join(resolved.as_text(settings, shown)))
