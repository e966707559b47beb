"""`wa-templates show PLANFILE`: a saved plan, as `plan` printed it, without asking the channel."""

from __future__ import annotations

from pathlib import Path

import click

from wa_templates.cli.commands.plan import render
from wa_templates.cli.options import format_option, use_color
from wa_templates.plan.saved import read_plan


@click.command("show")
@click.argument("planfile", type=click.Path(path_type=Path))
@format_option("text for people, markdown for a PR comment, json for tools.")
def command(planfile: Path, fmt: str) -> None:
    """Show a plan saved by `plan --out` (read with the checks apply makes of it)."""
    plan = read_plan(planfile)
    click.echo(render(plan, fmt), color=use_color() if fmt == "text" else False)
