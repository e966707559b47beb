"""`wa-templates plan`: what apply would do to the channel, for people, pull requests and tools.

With several targets (`--target` repeated, or `--all-targets`) every target is planned at once
from one check of the files: one section per target, one plan per target in the JSON, one saved
plan per target with `--out FOLDER`, and the worst exit code of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from wa_templates.cli.invalid import stop_if_invalid
from wa_templates.cli.options import format_option, from_root, selection_options, use_color
from wa_templates.cli.target import (
    SANDBOX_TARGET,
    Targets,
    memory_of,
    open_channel,
    open_channels,
    targets_options,
)
from wa_templates.config.project import Project, find_project
from wa_templates.errors import UsageError, WaError, worst_exit_code
from wa_templates.plan.many import TargetPlan, each_at_once
from wa_templates.plan.model import ChannelBinding, Plan, PlanOptions
from wa_templates.plan.prepare import ListedMeanwhile, checked_templates, make_plan, plan_options
from wa_templates.plan.saved import plan_file, save_plans
from wa_templates.plan.selection import Selection
from wa_templates.provider import redact
from wa_templates.provider.base import Provider
from wa_templates.render.plan_github import file_locator, github, github_targets
from wa_templates.rules.check import collector_paused
from wa_templates.untrusted import shown

EXIT_CHANGES = 2
EXIT_BLOCKED = 3


@click.command("plan")
@targets_options
@format_option(
    "text for people, markdown for a PR comment, json for tools, github for GitHub annotations "
    "(each blocked change and finding at its file's line).",
    ("text", "markdown", "json", "github"),
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="Save the plan as JSON for `wa-templates apply PLANFILE`. With several targets, a "
    "folder: one plan per target, named TARGET.json.",
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
    targets: Targets,
    fmt: str,
    out: Path | None,
    prune: bool,
    force: bool,
    detailed_exitcode: bool,
    selection: Selection,
) -> None:
    """Compare the templates folder with the channel and show what apply would do."""
    project = find_project()
    if targets.many and out is not None:
        # Before any channel is read: where each target's plan goes.
        names = [name for name, _ in targets.channels(project) if name is not None]
        files = {name: plan_file(out, name) for name in names}
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out}: with several targets, a folder for their plans")
    # Paused once for the whole command: coming back between its steps, the collector walked
    # every object of the files, the list and the plan each time (a second at 6,000 names).
    with collector_paused():
        planned = plan_targets(project, targets, prune, force, fmt, selection)
        for each in planned:
            each.provider.close()
        if not targets.many:
            plan = planned[0].plan_or_raise()
            if out is not None:
                save_plans({out: plan}, [])
            if fmt == "github":
                _annotate(github(plan, file_locator(project.root)))
            else:
                click.echo(render(plan, fmt), color=use_color() if fmt == "text" else False)
            raise click.exceptions.Exit(plan_exit_code(plan, detailed_exitcode))
        results = [each.result(detailed_exitcode) for each in planned]
        code = worst_exit_code(r.exit_code for r in results)
        if out is not None:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WaError(f"{out}: cannot make the folder: {exc.strerror or exc}") from None
            save_plans(
                {files[r.target]: r.plan for r in results if r.plan is not None},
                [files[r.target] for r in results if r.plan is None],
            )
        from wa_templates.render import targets as render_targets

        if fmt == "json":
            click.echo(render_targets.as_json(results, code))
        elif fmt == "markdown":
            click.echo(render_targets.markdown(results))
        elif fmt == "github":
            plans = [(r.target, r.plan) for r in results if r.plan is not None]
            _annotate(github_targets(plans, file_locator(project.root)))
            for r in results:  # annotations hold plans only: a target with none says why here
                if r.error is not None:
                    click.echo(f"error: {shown(r.target)}: {r.error}", err=True)
        else:
            click.echo(render_targets.text(results, use_color()), color=use_color())
    raise click.exceptions.Exit(code)


def _annotate(lines: str) -> None:
    """GitHub's annotations, read by the runner from stdout; nothing when there are none."""
    if lines:
        click.echo(lines)


@dataclass(slots=True)
class Planned:
    """A target's channel, opened, and its plan or why none could be made."""

    target: str
    provider: Provider
    channel: ChannelBinding
    plan: Plan | None
    error: WaError | None

    def plan_or_raise(self) -> Plan:
        if self.plan is None:
            raise self.error or WaError(f"no plan for {self.channel.description}")
        return self.plan

    def result(self, detailed: bool) -> TargetPlan:
        if self.plan is not None:
            code = plan_exit_code(self.plan, detailed)
        else:
            code = self.error.exit_code if self.error is not None else 1
        return TargetPlan(
            target=self.target,
            description=self.channel.description,
            exit_code=code,
            error=redact.scrub(str(self.error)) if self.error is not None else None,
            plan=self.plan,
        )


def plan_targets(
    project: Project,
    targets: Targets,
    prune: bool,
    force: bool,
    fmt: str = "text",
    selection: Selection | None = None,
) -> list[Planned]:
    """Every selected target's plan, made at once from one check of the files; their channels
    stay open for the caller to use and close. Validation errors are printed (as JSON on
    stdout with `fmt` json) and exit 1 before any channel is changed."""
    options = plan_options(project, prune=prune, force=force, selection=selection)
    wanted = targets.channels(project)
    if not targets.many:
        return [_plan_one(project, wanted[0], options, selection, fmt == "json")]
    # The files first: with errors in them, neither the targets nor the channels matter yet.
    with stop_if_invalid(fmt == "json"), collector_paused():
        report = checked_templates(project)
    # Once for every target: each plan names its files from the project root.
    folders: dict[str, str] = {}
    rooted = {s.path: from_root(s.path, project.root, folders) for s in report.sources}
    # `open_channel` as this module names it: tests count the channels plan opens.
    opened = open_channels(project, wanted, open_channel)
    try:
        # Each history store is opened here, on the command's thread, as the channels were.
        remembered = [(each, memory_of(each[1])) for each in opened]
        with collector_paused():  # once for every thread, not paused and resumed by each
            made = each_at_once(
                lambda o: _rooted(
                    make_plan(project, o[0][1], o[0][2], options, report, selection, o[1]),
                    project.root,
                    rooted,
                    folders,
                ),
                remembered,
            )
    except BaseException:
        for _, provider, _ in opened:
            provider.close()
        raise
    return [
        Planned(
            target,
            provider,
            channel,
            plan if isinstance(plan, Plan) else None,
            plan if isinstance(plan, WaError) else None,
        )
        for (target, provider, channel), plan in zip(opened, made, strict=True)
    ]


def _plan_one(
    project: Project,
    wanted: tuple[str | None, bool],
    options: PlanOptions,
    selection: Selection | None,
    as_json: bool,
) -> Planned:
    """One target's plan. While worker processes check a large tree, this process lists the
    channel: read-only, and set aside unused (its errors too) if the files have errors."""
    name, sandbox = wanted
    listing = ListedMeanwhile(lambda: open_channel(project, name, sandbox))
    try:
        with stop_if_invalid(as_json):
            report = checked_templates(project, meanwhile=listing)
        provider, channel = listing.opened()
    except BaseException:
        listing.close()
        raise
    target = channel.target or SANDBOX_TARGET
    try:
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
    except WaError as exc:  # the channel's answer: the caller reports it, as for many targets
        return Planned(target, provider, channel, None, exc)
    except BaseException:
        listing.close()
        raise
    return Planned(target, provider, channel, _rooted(plan, project.root, {}, {}), None)


def _rooted(plan: Plan, root: Path, rooted: dict[str, str], folders: dict[str, str]) -> Plan:
    """Sources named from the project `root`, where apply resolves media samples from; each
    source rooted once (a file has a change per language), each folder resolved once."""
    for change in plan.changes:
        if change.source is not None:
            source = change.source
            if source not in rooted:
                rooted[source] = from_root(source, root, folders)
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
