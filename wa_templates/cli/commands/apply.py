"""`wa-templates apply [PLANFILE...]`: make the channel match the repository, or a saved plan.

A saved plan is applied the way Terraform applies one: to the channel it was made for (its
target comes from the plan), without asking again (saving it and applying it is the approval),
and only if it is still true: the same channel (else exit 4), nothing it touches changed since
(exit 4), and nothing in it that `plan` would refuse on the channel as it is now (exit 3).

Several targets (`--target` repeated, `--all-targets`, or several plan files, one per target)
are applied at once, each on its own; the exit code is the worst of theirs. With `--format
json`, stdout holds only the document (`apply.document`) and what apply says for people goes
to stderr.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from wa_templates.apply.execute import Report, Result
from wa_templates.apply.run import Applied, Settings, execute, recheck_saved
from wa_templates.cli.commands.plan import plan_targets, render
from wa_templates.cli.options import format_option, selection_options, use_color
from wa_templates.cli.target import (
    SANDBOX_TARGET,
    Targets,
    channel_of,
    memory_of,
    open_channel,
    open_channels,
    targets_options,
)
from wa_templates.config.project import Project, find_project
from wa_templates.errors import UsageError, WaError, worst_exit_code
from wa_templates.plan.many import TargetPlan, each_at_once
from wa_templates.plan.model import Action, ChannelBinding, Plan
from wa_templates.plan.saved import read_plan
from wa_templates.plan.selection import Selection
from wa_templates.provider import redact
from wa_templates.provider.base import Provider
from wa_templates.render import apply as lines
from wa_templates.untrusted import shown

EXIT_STALE = 4
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")


def parse_duration(value: str) -> float:
    match = _DURATION.match(value.strip())
    if not match:
        raise UsageError(f"--timeout {value!r}: use seconds or a unit, e.g. 90s, 30m, 2h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@click.command("apply")
@click.argument("planfiles", nargs=-1, type=click.Path(path_type=Path), metavar="[PLANFILE]...")
@targets_options
@format_option(
    "text for people; json for tools: one record per change on stdout, everything for people "
    "on stderr.",
    ("text", "json"),
)
@click.option(
    "--auto-approve",
    is_flag=True,
    help="Do not ask for confirmation (for CI). A saved PLANFILE is never asked about: saving "
    "and applying it is the approval.",
)
@click.option("--prune", is_flag=True, help="Delete templates not in the repository.")
@click.option("--force", is_flag=True, help="Allow more destruction than the safety threshold.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option(
    "--wait",
    "wait",
    is_flag=True,
    help="Wait until Meta has reviewed every created template; exit 1 if any was rejected.",
)
@click.option("--timeout", default="30m", show_default=True, help="How long --wait waits.")
@click.option("--poll-interval", type=float, default=10.0, show_default=True, hidden=True)
@click.option(
    "--wait-for-rate-limit",
    is_flag=True,
    help="At the hourly creation limit, wait for the window instead of stopping.",
)
@selection_options
def command(
    planfiles: tuple[Path, ...],
    targets: Targets,
    fmt: str,
    auto_approve: bool,
    prune: bool,
    force: bool,
    concurrency: int,
    wait: bool,
    timeout: str,
    poll_interval: float,
    wait_for_rate_limit: bool,
    selection: Selection,
) -> None:
    """Apply the changes `plan` shows, or exactly those of saved PLANFILEs (each to the
    channel it was made for, without asking again)."""
    say = _Say(as_json=fmt == "json")
    many = targets.many or len(planfiles) > 1
    project: Project | None = None
    try:
        timeout_s = parse_duration(timeout)
        given = [("--prune", prune), ("--force", force), (selection.described(), selection.partial)]
        for flag, on in given:
            if on and planfiles:
                raise UsageError(
                    f"{flag} cannot be used with a plan file: {planfiles[0]} already decided it "
                    f"when it was made; run `wa-templates plan {flag} --out {planfiles[0]}` again"
                )
        project = find_project()
        if planfiles:
            jobs = _saved(project, planfiles, targets)
        else:
            jobs = [
                _Job(Applied(p.target, p.channel, p.plan), p.provider, p.error)
                for p in plan_targets(project, targets, prune, force, fmt, selection)
            ]
    except WaError as error:
        if say.as_json:  # apply always reports: here, that it stopped before it had a plan
            _report_stopped(error, project, planfiles, targets, many)
        raise
    settings = Settings(
        concurrency=concurrency,
        wait_for_rate_limit=wait_for_rate_limit,
        project_root=project.root,
        wait=wait,
        timeout=timeout_s,
        poll_interval=poll_interval,
    )
    try:
        _show_plans(jobs, say, many)
        ready = [job for job in jobs if job.failure is None and job.applied.ready()]
        if ready and not planfiles:
            ready = _approved(auto_approve, say, ready, many)
        done = each_at_once(lambda job: _run(job, project, settings, say, many), ready)
        for job, outcome in zip(ready, done, strict=True):
            if isinstance(outcome, WaError):
                job.fail(outcome, say if many else None)
    finally:
        for job in jobs:
            job.provider.close()
    _finish([job.applied for job in jobs], say, many)


def _report_stopped(
    error: WaError,
    project: Project | None,
    planfiles: tuple[Path, ...],
    targets: Targets,
    many: bool,
) -> None:
    """`--format json` of a run stopped before it had a plan, naming every channel still known
    from the configuration or the plan files (none when they are what is wrong)."""
    known = _known_channels(project, planfiles, targets)
    if many:
        click.echo(lines.stopped_targets_json(error, known))
        return
    channel = known[0][1] if known else None
    click.echo(lines.stopped_json(error, channel, planfiles[0] if planfiles else None))


def _known_channels(
    project: Project | None, planfiles: tuple[Path, ...], targets: Targets
) -> list[tuple[str, ChannelBinding, Path | None]]:
    """(target name, channel, plan file) of each channel the run was for that can still be
    named; a plan file that cannot be read, or a target the configuration cannot name, is
    left out (the error says why)."""
    known: list[tuple[str, ChannelBinding, Path | None]] = []
    if planfiles:
        for path in planfiles:
            try:
                channel = read_plan(path).channel
            except WaError:
                continue
            known.append((channel.target or SANDBOX_TARGET, channel, path))
        return known
    if project is None:
        return known
    try:
        wanted = targets.channels(project)
        for name, sandbox in wanted:
            channel = channel_of(project, name, sandbox)
            known.append((channel.target or SANDBOX_TARGET, channel, None))
    except WaError:
        return []
    return known


@dataclass(slots=True)
class _Job:
    """One target's apply: its run's record, and the channel it talks to."""

    applied: Applied
    provider: Provider
    failure: WaError | None = None

    def __post_init__(self) -> None:
        if self.failure is not None:
            self.applied.failed(self.failure)

    def fail(self, error: WaError, say: _Say | None) -> None:
        self.failure = error
        self.applied.failed(error)
        if say is not None:  # with one target, main prints it as every error
            say(f"{self.applied.target}: error: {redact.scrub(str(error))}", err=True)


class _Say:
    """Where apply's lines for people go: stdout, or stderr with --format json (stdout then
    holds only the document); with several targets each line starts with its target's name."""

    def __init__(self, as_json: bool, prefix: str = "") -> None:
        self.as_json = as_json
        self.prefix = prefix

    def to(self, target: str) -> _Say:
        return _Say(self.as_json, f"{shown(target)}: ")

    def __call__(self, line: str, err: bool = False, red: bool = False) -> None:
        err = err or self.as_json
        color = use_color(sys.stderr if err else sys.stdout)
        text = self.prefix + line
        click.echo(click.style(text, fg="red") if red and color else text, err=err, color=color)


def _saved(project: Project, planfiles: tuple[Path, ...], targets: Targets) -> list[_Job]:
    """The saved plans, each read with every check before any channel is opened, and each
    channel opened for the plan made for it."""
    plans = [(path, read_plan(path)) for path in planfiles]
    _refuse_other_flags(plans, targets)
    seen: dict[str, Path] = {}
    for path, plan in plans:
        where = plan.channel.where() + str(plan.channel.sandbox)
        if where in seen:
            raise UsageError(
                f"{seen[where]} and {path} were both made for {shown(plan.channel.description)}: "
                "apply one plan per channel"
            )
        seen[where] = path
    wanted = [(plan.channel.target, plan.channel.sandbox is not None) for _, plan in plans]
    opened = open_channels(project, wanted, open_channel)
    jobs = []
    for (path, plan), (target, provider, channel) in zip(plans, opened, strict=True):
        applied = Applied(target, plan.channel, plan, plan_file=path)
        failure = _other_channel(plan.channel, path, channel)
        jobs.append(_Job(applied, provider, failure))
    return jobs


def _refuse_other_flags(plans: list[tuple[Path, Plan]], targets: Targets) -> None:
    """--target or --sandbox with plan files may only repeat what the plans say."""
    if targets.every:
        raise UsageError("--all-targets cannot be used with plan files: each names its target")
    given = " ".join(f"--target {name}" for name in targets.names)
    given = given or ("--sandbox" if targets.sandbox else "")
    if not given:
        return
    for path, plan in plans:
        made_for = plan.channel
        agrees = (not targets.names or made_for.target in targets.names) and (
            not targets.sandbox or made_for.sandbox is not None
        )
        if not agrees:
            raise UsageError(
                f"{given}: {path} was made for {shown(made_for.description)}, and a saved plan is "
                "applied to the channel it was made for: leave it out"
            )
    planned = {plan.channel.target for _, plan in plans}
    for name in targets.names:
        if name not in planned:
            raise UsageError(f"--target {name}: none of the plan files was made for it")


def _other_channel(made_for: ChannelBinding, path: Path, now: ChannelBinding) -> WaError | None:
    if made_for.same_channel(now) and made_for.sandbox == now.sandbox:
        return None
    return OtherChannel(
        f"{path} was made for {shown(made_for.description)}, {shown(made_for.where())}; "
        f"{now.description} is now {shown(now.where())}. Make the plan again with "
        "`wa-templates plan --out`"
    )


class OtherChannel(WaError):
    """A saved plan for a channel the configuration no longer points at: as stale as can be."""

    exit_code = EXIT_STALE


def _show_plans(jobs: list[_Job], say: _Say, many: bool) -> None:
    if not many:
        plan = jobs[0].applied.plan
        if plan is not None and jobs[0].failure is None:
            say(render(plan, "text"))
        return
    from wa_templates.render import targets as render_targets

    shown = [
        TargetPlan(
            target=job.applied.target,
            description=job.applied.description,
            exit_code=job.applied.exit_code,
            error=redact.scrub(str(job.failure)) if job.failure is not None else None,
            plan=job.applied.plan if job.failure is None else None,
        )
        for job in jobs
    ]
    say(render_targets.text(shown, use_color(sys.stderr if say.as_json else sys.stdout), False))


def _approved(auto_approve: bool, say: _Say, ready: list[_Job], many: bool) -> list[_Job]:
    """The jobs to run: all of them when confirmed, none when not (each then says so). With
    --format json, a confirmation that cannot be asked fails every job instead of the run, so
    the document still says what each target would have done."""
    try:
        if _confirmed(auto_approve, say, ready, many):
            return ready
    except WaError as error:
        if not say.as_json:
            raise
        if many:  # with one target, main prints it as every error
            say(f"error: {redact.scrub(str(error))}", err=True)
        for job in ready:
            job.fail(error, None)
        return []
    for job in ready:
        job.applied.stop("cancelled", 1)
    return []


def _confirmed(auto_approve: bool, say: _Say, ready: list[_Job], many: bool) -> bool:
    if auto_approve:
        return True
    if not sys.stdin.isatty():
        raise WaError(
            "refusing to apply without confirmation: no terminal to ask on; "
            "pass --auto-approve (for CI)"
        )
    question = "Apply these changes?"
    if many:
        names = ", ".join(shown(job.applied.target) for job in ready)
        question = f"Apply these changes to {len(ready)} target(s) ({names})?"
    if click.confirm(question, default=False, err=say.as_json):
        return True
    say("Apply cancelled; nothing was changed.")
    return False


def _run(job: _Job, project: Project, settings: Settings, say: _Say, many: bool) -> None:
    applied = job.applied
    out = say.to(applied.target) if many else say
    if applied.plan_file is not None and not recheck_saved(
        applied, job.provider, project, memory_of(job.provider)
    ):
        problems = applied.problems
        shown = lines.stale_lines if applied.outcome == "stale" else lines.refused_lines
        for line in shown(applied.plan_file, problems):
            out(line, err=True)
        return
    progress = _Progress(_creates(applied.plan), out, bar=not many and not say.as_json)

    def applied_all(report: Report) -> None:
        progress.clear()
        for line in lines.summary_lines(report):
            out(line)
        if settings.wait and report.created:
            out(lines.waiting_line(len(report.created)))

    execute(applied, job.provider, settings, progress.show, applied_all)
    if applied.verdicts is not None:
        for line in lines.review_lines(applied.verdicts):
            out(line)


def _creates(plan: Plan | None) -> int:
    """What the progress bar counts: creates (a delete is one per name, not per language)."""
    pending = plan.pending if plan is not None else []
    return sum(1 for c in pending if c.action in (Action.CREATE, Action.RECREATE))


class _Progress:
    """One result line per action; on a terminal, a progress bar below them on stderr."""

    def __init__(self, total: int, say: _Say, bar: bool) -> None:
        self.total = total
        self.done = 0
        self.say = say
        self.tty = bar and sys.stderr.isatty()

    def show(self, result: Result) -> None:
        self.done += 1 if result.operation not in ("delete", "gone") else 0
        self.clear()
        self.say(lines.result_line(result), red=not result.ok)
        if self.tty:
            width = 30
            filled = width * min(self.done, self.total) // max(1, self.total)
            click.echo(
                f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}",
                nl=False,
                err=True,
            )

    def clear(self) -> None:
        if self.tty:
            click.echo("\r\033[K", nl=False, err=True)


def _finish(runs: list[Applied], say: _Say, many: bool) -> None:
    if not many:
        applied = runs[0]
        if say.as_json:
            click.echo(lines.as_json(applied))
        if applied.error is not None:
            raise applied.error
        raise click.exceptions.Exit(applied.exit_code)
    code = worst_exit_code(run.exit_code for run in runs)
    if say.as_json:
        click.echo(lines.targets_as_json(runs, code))
    else:
        for line in lines.overview_lines(runs):
            say(line)
    raise click.exceptions.Exit(code)
