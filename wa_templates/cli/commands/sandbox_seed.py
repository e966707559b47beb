"""`wa-templates sandbox seed [PATH]`: the embedded sandbox's channel filled from template files,
as if made in 8x8's portal."""

from __future__ import annotations

import os
from pathlib import Path

import click

from wa_templates.apply.media import UploadCache, has_local_media, resolve_media
from wa_templates.channel.payload import Payload
from wa_templates.cli.options import use_color
from wa_templates.cli.target import open_provider
from wa_templates.config.project import Project, find_project
from wa_templates.errors import UsageError
from wa_templates.provider.base import Provider
from wa_templates.render import diagnostics as render
from wa_templates.rules.check import check_paths
from wa_templates.sandbox.embedded import default_state_path
from wa_templates.sandbox.seed import SEED_STATUSES, Seeded, seed


@click.command("seed")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--status",
    type=click.Choice(SEED_STATUSES),
    help="The status every created template gets  [default: APPROVED]",
)
@click.option(
    "--review",
    is_flag=True,
    help="Let the sandbox's simulated Meta review decide each status instead of --status.",
)
def command(path: Path | None, status: str | None, review: bool) -> None:
    """Create the templates under PATH (default: the templates folder) on the --sandbox channel,
    as if made in 8x8's portal. Files with errors are refused, and nothing is created; a
    language already on the channel is left as it is."""
    if review and status is not None:
        raise UsageError("--review and --status cannot be used together")
    project = find_project()
    folder = path if path is not None else Path(os.path.relpath(project.templates_dir))
    report = check_paths([folder], root=project.root)
    if report.errors or report.unloaded:
        color = use_color()
        click.echo(render.text(report.diagnostics, report.files, color), color=color, err=True)
        click.echo("Nothing seeded: fix the errors above first.", err=True)
        raise click.exceptions.Exit(1)
    state_path = default_state_path(project.root)
    uploads = _Uploads(project)
    try:
        wanted = None if review else status or "APPROVED"
        seeded = seed(state_path, report.sources, wanted, uploads.resolve)
    finally:
        uploads.close()
    for entry in seeded:
        _show(entry)
    added = sum(len(e.added) for e in seeded)
    names = sum(1 for e in seeded if e.added)
    shown_path = os.path.relpath(state_path)
    click.echo(f"Seeded {added} templates ({names} names) into {shown_path}.")


class _Uploads:
    """Local media samples uploaded to the sandbox as apply uploads them (same cache); the
    sandbox client is opened for the first one only."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cache = UploadCache(project.root / ".wa-templates" / "uploads.json")
        self.provider: Provider | None = None

    def resolve(self, payload: Payload, base: Path) -> Payload:
        if not has_local_media(payload):
            return payload
        if self.provider is None:
            self.provider = open_provider(self.project, None, sandbox=True)
        return resolve_media(payload, base, self.provider, self.cache, root=self.project.root)

    def close(self) -> None:
        if self.provider is not None:
            self.provider.close()


def _show(entry: Seeded) -> None:
    def languages(pairs: list[tuple[str, str]]) -> str:
        return ", ".join(f"{language} {status}" for language, status in pairs)

    if entry.added:
        click.echo(f"seeded     {entry.name} ({languages(entry.added)})")
    if entry.kept:
        click.echo(f"kept       {entry.name} ({languages(entry.kept)}: already on the channel)")
