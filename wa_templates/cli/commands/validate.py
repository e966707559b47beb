"""`wa-templates validate [PATH...]`: offline checks against Meta's and 8x8's rules."""

from __future__ import annotations

import os
from pathlib import Path

import click

from wa_templates.cli.options import use_color
from wa_templates.config.project import find_project
from wa_templates.render import diagnostics as render
from wa_templates.rules.check import check_paths


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for inline PR annotations.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
def command(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check template files and folders (default: the configured templates folder)."""
    targets = list(paths) or [_default_folder()]
    report = check_paths(targets, keep_sources=False)
    if fmt == "json":
        click.echo(render.as_json(report.diagnostics))
    elif fmt == "github":
        out = render.github(report.diagnostics)
        if out:
            click.echo(out)
    else:
        color = use_color()
        click.echo(render.text(report.diagnostics, report.files, color), color=color)
    failed = report.errors > 0 or (strict and report.warnings > 0)
    raise click.exceptions.Exit(1 if failed else 0)


def _default_folder() -> Path:
    """The configured templates folder, relative to the working directory when it can be.

    Diagnostics name files by the path they were found under; a relative one reads better and
    is what GitHub needs to attach an annotation to the file.
    """
    folder = find_project().templates_dir
    try:
        return Path(os.path.relpath(folder))
    except ValueError:  # another drive on Windows: no relative path exists
        return folder
