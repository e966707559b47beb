"""`wa-templates plan`: what apply would do to the channel, for people, pull requests and tools."""

from __future__ import annotations

from pathlib import Path

import click

from wa_templates.cli.invalid import stop_if_invalid
from wa_templates.cli.options import format_option, from_root, selection_options, use_color
from wa_templates.cli.target import memory_of, open_channel, target_options
from wa_templates.config.project import Project, find_project
from wa_templates.errors import WaError
from wa_templates.plan.model import Plan
from wa_templates.plan.prepare import (
    ListedMeanwhile,
    checked_templates,
    make_plan,
    plan_options,
)
from wa_templates.plan.selection import Selection
from wa_templates.rules.check import collector_paused

EXIT_CHANGES = 2
EXIT_BLOCKED = 3


@click.command("plan")
@target_options
@format_option(
    "text for people, markdown for a PR comment, json for tools, github for GitHub annotations "
    "(each blocked change and finding at its file's line).",
    ("text", "markdown", "json", "github"),
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan as JSON for `wa-templates apply PLANFILE`.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete templates on the channel that are not in "
    "the repository (and superseded versions).",
)
@click.option(
    "--force", is_flag=True, help="Allow more deletes and recreates than the safety threshold."
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
@selection_options
def command(
    target: str | None,
    sandbox: bool,
    fmt: str,
    out: Path | None,
    prune: bool,
    force: bool,
    detailed_exitcode: bool,
    selection: Selection,
) -> None:
    """Compare the templates folder with the channel and show what apply would do."""
    project = find_project()
    # Paused once for the whole command: coming back between its steps, the collector walked
    # every object of the files, the list and the plan each time (a second at 6,000 names).
    with collector_paused():
        plan = build_plan_or_exit(project, target, sandbox, prune, force, selection)
        if out is not None:
            try:
                out.write_text(render(plan, "json") + "\n", encoding="utf-8")
            except OSError as exc:
                raise WaError(f"{out}: cannot save the plan: {exc.strerror or exc}") from None
        if fmt == "github":
            from wa_templates.render.plan_github import file_locator, github

            lines = github(plan, file_locator(project.root))
            if lines:
                click.echo(lines)
        else:
            click.echo(render(plan, fmt), color=use_color() if fmt == "text" else False)
    raise click.exceptions.Exit(plan_exit_code(plan, detailed_exitcode))


def build_plan_or_exit(
    project: Project,
    target: str | None,
    sandbox: bool,
    prune: bool,
    force: bool,
    selection: Selection | None = None,
) -> Plan:
    """The plan, or the validation errors printed and exit 1 before the channel is touched."""
    options = plan_options(project, prune=prune, force=force, selection=selection)
    # The files first: with errors in them, neither the target nor the channel matters yet.
    # While worker processes check a large tree, this process lists the channel: read-only,
    # and set aside unused (its errors too) if the files have errors.
    listing = ListedMeanwhile(lambda: open_channel(project, target, sandbox))
    with collector_paused():
        try:
            with stop_if_invalid():
                report = checked_templates(project, meanwhile=listing)
            provider, channel = listing.opened()
            plan = make_plan(
                project,
                provider,
                channel,
                options,
                report,
                selection,
                memory_of(provider),
                listed=listing.listed,
            )
        finally:
            listing.close()
        rooted: dict[str, str] = {}
        folders: dict[str, str] = {}
        for change in plan.changes:
            if change.source is not None:
                source = change.source
                if source not in rooted:  # a file has a change per language
                    rooted[source] = from_root(source, project.root, folders)
                change.source = rooted[source]
    return plan


def render(plan: Plan, fmt: str) -> str:
    from wa_templates.render import plan as render_plan

    if fmt == "json":
        return render_plan.as_json(plan)
    if fmt == "markdown":
        return render_plan.markdown(plan)
    return render_plan.text(plan, use_color())


def plan_exit_code(plan: Plan, detailed: bool) -> int:
    if not plan.applyable:
        return EXIT_BLOCKED
    if detailed and plan.pending:
        return EXIT_CHANGES
    return 0
