"""`wa-templates rules`: every rule with its id, severity, scope, rationale and source."""

from __future__ import annotations

import json

import click

from wa_templates.rules.engine import all_rules


@click.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(fmt: str) -> None:
    """List every rule validate checks."""
    rules = all_rules()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": str(r.severity),
                        "scope": list(r.scope) or ["all"],
                        "level": r.level,
                        "summary": r.summary,
                        "source": r.source,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return
    for r in rules:
        click.echo(f"{r.id}  {r.severity!s:<7}  {r.scope_label:<26}  {r.summary}  [{r.source}]")
