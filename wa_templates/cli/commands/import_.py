"""`wa-templates import`: write the channel's templates as files, so a repository can start from
what is already registered (and plan then shows no changes)."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from wa_templates.cli.options import format_option, selection_options
from wa_templates.cli.target import RECORDS, open_provider, target_options
from wa_templates.config.project import find_project
from wa_templates.files.load import display
from wa_templates.importer import document as import_document
from wa_templates.importer import to_files as importer
from wa_templates.importer.document import ImportedTemplate
from wa_templates.plan.prepare import plan_options
from wa_templates.plan.selection import Selection
from wa_templates.render.preview import terminal


@click.command("import")
@target_options(RECORDS)
@selection_options
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the files (default: the project's templates folder).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Change the keys that differ from the channel in existing files (comments, key order, "
    "quoting and block scalars stay).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be written, as a unified diff per file, and write nothing.",
)
@format_option(
    "text for people; json for tools (a line per file then goes to stderr).", ("text", "json")
)
def command(
    target: str | None,
    sandbox: bool,
    selection: Selection,
    folder: Path | None,
    force: bool,
    dry_run: bool,
    fmt: str,
) -> None:
    """Write the channel's templates as files, one per name with all its languages; in a file
    that exists, change only what differs. Says per file: created, updated (with the keys
    changed), unchanged or refused."""
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
    names = _selected(channel, selection)
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
            if not dry_run:
                importer.write(outcome)
        except OSError as exc:
            where = display(outcome.path) if outcome.path is not None else name
            why = f"cannot write it: {exc.strerror or exc}"
            say(f"failed     {where}: {why}")
            records.append(_record(name, "failed", outcome.path, why, imported))
            failed = True
            continue
        failed |= outcome.action == "refused"
        say(_line(outcome, imported, dry_run))
        for note in imported.notes:
            say(f"  note: {note}")
        if dry_run and outcome.text is not None:
            _diff(outcome, say)
        records.append(
            _record(name, outcome.action, outcome.path, outcome.detail, imported, outcome.changed)
        )
    if not names:
        say(
            "nothing to import: the channel has no templates"
            + (" outside the `ignore` patterns" if channel.ignored else "")
        )
    code = 1 if failed else 0
    if fmt == "json":
        click.echo(import_document.document(provider.description, records, code, dry_run))
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
    changed: Sequence[str] = (),
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
            "changed": list(changed),
        }
    )


def _selected(channel: importer.ChannelTemplates, selection: Selection) -> list[str]:
    """The channel's templates that `--only`/`--exclude` select; a pattern that selects none
    of them is an error, as in plan."""
    every = sorted({*channel.templates, *channel.unreadable})
    if not selection.partial:
        return every
    versions = {v for imported in channel.templates.values() for v in imported.versions}
    selection.check_matches(every, {*every, *versions}, channel.ignored, where="on the channel")
    return [name for name in every if selection.selects(name)]


def _line(outcome: importer.Outcome, imported: importer.Imported, dry_run: bool) -> str:
    where = display(outcome.path) if outcome.path is not None else outcome.name
    if outcome.action == "refused":
        return f"refused    {where}: {outcome.detail}"
    states = ", ".join(f"{code} {status}" for code, status in imported.statuses.items())
    changed = f": {', '.join(outcome.changed)}" if outcome.changed else ""
    would = " (dry run: not written)" if dry_run and outcome.text is not None else ""
    return f"{outcome.action:<10} {where} ({states}){changed}{would}"


def _diff(outcome: importer.Outcome, say: Callable[[str], None]) -> None:
    """The change to the file as a unified diff, as `git diff` shows it."""
    shown = display(outcome.path) if outcome.path is not None else outcome.name
    before = (outcome.before or "").splitlines(keepends=True)
    after = (outcome.text or "").splitlines(keepends=True)
    old = f"a/{shown}" if outcome.before is not None else "/dev/null"
    for line in difflib.unified_diff(before, after, old, f"b/{shown}"):
        say(line.rstrip("\n"))
