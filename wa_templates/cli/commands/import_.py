"""`wa-templates import`: write the channel's templates as files, so a repository can start from
what is already registered (and plan then shows no changes)."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

import click

from wa_templates.cli.options import format_option
from wa_templates.cli.target import open_provider, target_options
from wa_templates.config.project import find_project
from wa_templates.errors import WaError
from wa_templates.files.load import display
from wa_templates.importer import document as import_document
from wa_templates.importer import to_files as importer
from wa_templates.importer.document import ImportedTemplate
from wa_templates.plan.prepare import plan_options
from wa_templates.render.preview import terminal


@click.command("import")
@target_options
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="NAME",
    help="Import only this template (repeatable).",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the files (default: the project's templates folder).",
)
@click.option("--force", is_flag=True, help="Replace files that differ from the channel.")
@format_option(
    "text for people; json for tools (a line per file then goes to stderr).", ("text", "json")
)
def command(
    target: str | None,
    sandbox: bool,
    only: tuple[str, ...],
    folder: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Write the channel's templates as files, one per name with all its languages."""
    say = functools.partial(_echo, err=fmt == "json")
    project = find_project()
    options = plan_options(project)
    folder = folder if folder is not None else project.templates_dir
    local = importer.local_files(folder)
    suffixed = {name for name, files in local.by_name.items() if files[0][1].versioning == "suffix"}
    provider = open_provider(project, target, sandbox)
    try:
        items = provider.list_templates()
    finally:
        provider.close()
    channel = importer.from_channel(
        items,
        ignore=options.ignore,
        versioned=lambda base: options.versioning == "suffix" or base in suffixed,
    )
    names = _selected(channel, only)
    schema = project.root / importer.SCHEMA
    failed = False
    records: list[ImportedTemplate] = []
    for name in names:
        if name in channel.unreadable:
            why = f"the channel's content cannot be read: {channel.unreadable[name]}"
            say(f"refused    {name}: {why}")
            records.append(_record(name, "refused", None, why))
            failed = True
            continue
        imported = channel.templates[name]
        outcome = importer.place(
            imported,
            local,
            folder,
            provider.description,
            schema if schema.is_file() else None,
            force,
        )
        try:
            importer.write(outcome)
        except OSError as exc:
            where = display(outcome.path) if outcome.path is not None else name
            why = f"cannot write it: {exc.strerror or exc}"
            say(f"failed     {where}: {why}")
            records.append(_record(name, "failed", outcome.path, why, imported))
            failed = True
            continue
        failed |= outcome.action == "refused"
        say(_line(outcome, imported))
        for note in imported.notes:
            say(f"  note: {note}")
        records.append(_record(name, outcome.action, outcome.path, outcome.detail, imported))
    if not names:
        say(
            "nothing to import: the channel has no templates"
            + (" outside the `ignore` patterns" if channel.ignored else "")
        )
    code = 1 if failed else 0
    if fmt == "json":
        click.echo(import_document.document(provider.description, records, code))
    raise click.exceptions.Exit(code)


def _echo(line: str, err: bool = False) -> None:
    # Names, statuses and reasons come from the channel: no control character reaches the terminal.
    click.echo(terminal(line, color=False), err=err)


def _record(
    name: str,
    action: str,
    path: Path | None,
    detail: str,
    imported: importer.Imported | None = None,
) -> ImportedTemplate:
    return ImportedTemplate.model_validate(
        {
            "name": name,
            "action": action,
            "path": display(path) if path is not None else None,
            "detail": detail,
            "statuses": dict(imported.statuses) if imported is not None else {},
            "registered": imported.registered if imported is not None else None,
            "notes": list(imported.notes) if imported is not None else [],
        }
    )


def _selected(channel: importer.ChannelTemplates, only: tuple[str, ...]) -> list[str]:
    every = sorted({*channel.templates, *channel.unreadable})
    if not only:
        return every
    chosen: list[str] = []
    problems: list[str] = []
    for name in only:
        owner = channel.owner(name)
        if owner is not None:
            chosen.append(owner)
        elif name in channel.ignored:
            problems.append(f"'{name}' matches the project's `ignore` patterns")
        else:
            hint = difflib.get_close_matches(name, every, n=1)
            problems.append(
                f"'{name}' is not on the channel"
                + (f" (did you mean '{hint[0]}'?)" if hint else "")
            )
    if problems:
        raise WaError("; ".join(problems))
    return sorted(set(chosen))


def _line(outcome: importer.Outcome, imported: importer.Imported) -> str:
    where = display(outcome.path) if outcome.path is not None else outcome.name
    if outcome.action == "refused":
        return f"refused    {where}: {outcome.detail}"
    states = ", ".join(f"{code} {status}" for code, status in imported.statuses.items())
    return f"{outcome.action:<10} {where} ({states})"
