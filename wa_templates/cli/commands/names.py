"""`wa-templates names`: the registered name to send, per logical template and language.

With `versioning: suffix` a template's content lives under order_update, order_update_v2, ...;
applications ask this command (or its JSON) which one is live: the newest version whose language
is sendable (APPROVED or FLAGGED).
"""

from __future__ import annotations

import json

import click

from wa_templates.channel.remote import by_name
from wa_templates.channel.statuses import SENDABLE
from wa_templates.cli.invalid import stop_if_invalid
from wa_templates.cli.target import RECORDS, open_provider, target_options
from wa_templates.config.project import find_project
from wa_templates.plan.prepare import checked_templates, plan_options
from wa_templates.plan.versions import versions_on_channel
from wa_templates.untrusted import shown


@click.command("names")
@target_options(RECORDS)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(target: str | None, sandbox: bool, fmt: str) -> None:
    """Print the live registered name of each template and language."""
    project = find_project()
    with stop_if_invalid(fmt == "json"):
        report = checked_templates(project)
    provider = open_provider(project, target, sandbox)
    try:
        remote = by_name(provider.list_templates())
    finally:
        provider.close()
    default_versioning = plan_options(project).versioning
    live: dict[str, dict[str, str | None]] = {}
    owned = {s.template.name for s in report.sources}
    for source in sorted(report.sources, key=lambda s: s.template.name):
        base = source.template.name
        if (source.template.versioning or default_versioning) == "suffix":
            versions = versions_on_channel(base, remote, owned)
        else:
            versions = {1: base} if base in remote else {}
        live[base] = {}
        for lang in sorted(source.template.languages):
            live[base][lang] = next(
                (
                    versions[n]
                    for n in sorted(versions, reverse=True)
                    if lang in remote[versions[n]] and remote[versions[n]][lang].status in SENDABLE
                ),
                None,
            )
    if fmt == "json":
        click.echo(json.dumps(live, indent=2))
        return
    for base, languages in live.items():
        for lang, name in languages.items():
            click.echo(shown(f"{base:<40} {lang:<7} {name or '(none sendable yet)'}"))
