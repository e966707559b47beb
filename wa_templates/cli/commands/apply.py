"""`wa-templates apply [PLANFILE]`: make the channel match the repository, or a saved plan.

A saved plan is applied the way Terraform applies one: to the channel it was made for (its
target comes from the plan), without asking again (saving it and applying it is the approval),
and only if it is still true: the same channel (else exit 4), nothing it touches changed since
(exit 4), and nothing in it that `plan` would refuse on the channel as it is now (exit 3).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from wa_templates.apply.execute import ApplyOptions, Report, Result, apply_plan
from wa_templates.apply.wait import wait_for_review
from wa_templates.cli.commands.plan import EXIT_BLOCKED, build_plan_or_exit, render
from wa_templates.cli.options import selection_options, use_color
from wa_templates.cli.target import memory_of, open_channel, open_provider, target_options
from wa_templates.config.project import Project, find_project
from wa_templates.errors import UsageError, WaError
from wa_templates.plan.model import Action, ChannelBinding, Plan
from wa_templates.plan.prepare import repository_names
from wa_templates.plan.saved import read_plan
from wa_templates.plan.selection import Selection
from wa_templates.plan.stale import recheck
from wa_templates.provider.base import Provider
from wa_templates.untrusted import shown

EXIT_STALE = 4
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")


def parse_duration(value: str) -> float:
    match = _DURATION.match(value.strip())
    if not match:
        raise UsageError(f"--timeout {value!r}: use seconds or a unit, e.g. 90s, 30m, 2h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@click.command("apply")
@click.argument("planfile", required=False, type=click.Path(path_type=Path))
@target_options
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
    planfile: Path | None,
    target: str | None,
    sandbox: bool,
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
    """Apply the changes `plan` shows, or exactly those of a saved PLANFILE (to the channel it
    was made for, without asking again)."""
    timeout_s = parse_duration(timeout)
    if planfile is not None:
        given = [("--prune", prune), ("--force", force)]
        given.append((selection.described(), selection.partial))
        for flag, on in given:
            if on:
                raise UsageError(
                    f"{flag} cannot be used with a plan file: {planfile} already decided it "
                    f"when it was made; run `wa-templates plan {flag} --out {planfile}` again"
                )
    project = find_project()
    if planfile is None:
        plan = build_plan_or_exit(project, target, sandbox, prune, force, selection)
        provider = open_provider(project, target, sandbox)
    else:
        plan = read_plan(planfile)
        made_for = plan.channel
        _refuse_other_flags(made_for, planfile, target, sandbox)
        provider, channel = open_channel(project, made_for.target, made_for.sandbox is not None)
    try:
        if planfile is not None:
            _refuse_other_channel(made_for, planfile, channel)
        click.echo(render(plan, "text"), color=use_color())
        # A saved plan's safety verdict is made again below, on the channel as it is now.
        if plan.blocked or (planfile is None and not plan.applyable):
            raise click.exceptions.Exit(EXIT_BLOCKED)
        if not plan.pending:
            raise click.exceptions.Exit(0)
        if planfile is None:
            _confirm(auto_approve)
        else:
            _refuse_if_untrue(plan, planfile, provider, project)
        report = apply_plan(
            plan,
            provider,
            ApplyOptions(
                concurrency=concurrency,
                wait_for_rate_limit=wait_for_rate_limit,
                project_root=project.root,
                on_result=_Progress(_creates(plan)).show,
            ),
        )
        code = _summarise(report)
        if wait and report.created:
            code = max(code, _wait(provider, report, timeout_s, poll_interval))
    finally:
        provider.close()
    raise click.exceptions.Exit(code)


def _creates(plan: Plan) -> int:
    """What the progress bar counts: creates (a delete is one per name, not per language)."""
    return sum(1 for c in plan.pending if c.action in (Action.CREATE, Action.RECREATE))


def _refuse_other_flags(
    made_for: ChannelBinding, path: Path, target: str | None, sandbox: bool
) -> None:
    """--target or --sandbox with a plan file may only repeat what the plan says."""
    given = f"--target {target}" if target is not None else "--sandbox" if sandbox else None
    agrees = (target is None or target == made_for.target) and (
        not sandbox or made_for.sandbox is not None
    )
    if given is not None and not agrees:
        raise UsageError(
            f"{given}: {path} was made for {shown(made_for.description)}, and a saved plan is "
            "applied to the channel it was made for: leave it out"
        )


def _refuse_other_channel(made_for: ChannelBinding, path: Path, now: ChannelBinding) -> None:
    if made_for.same_channel(now) and made_for.sandbox == now.sandbox:
        return
    raise OtherChannel(
        f"{path} was made for {shown(made_for.description)}, {shown(made_for.where())}; "
        f"{now.description} is now {shown(now.where())}. Make the plan again with "
        "`wa-templates plan --out`"
    )


class OtherChannel(WaError):
    """A saved plan for a channel the configuration no longer points at: as stale as can be."""

    exit_code = EXIT_STALE


def _refuse_if_untrue(plan: Plan, path: Path, provider: Provider, project: Project) -> None:
    """Exit 4 if what the plan touches changed since it was made, 3 if it asks for what `plan`
    would refuse on the channel now, from this repository, with what the target's history
    remembers; either way nothing is touched."""
    repository = repository_names(project) if any(c.prunes for c in plan.pending) else {}
    found = recheck(plan, provider.list_templates(), repository, memory_of(provider))
    if found.stale:
        click.echo(
            f"error: {path} is stale: the channel changed since the plan was made:", err=True
        )
        for line in found.stale:
            click.echo(f"  {shown(line)}", err=True)
        click.echo("Run `wa-templates plan` again and review the new plan.", err=True)
        raise click.exceptions.Exit(EXIT_STALE)
    if found.refused:
        click.echo(
            f"error: {path} asks for what `wa-templates plan` would refuse on the channel as "
            "it is now, with the options the plan records; nothing was applied:",
            err=True,
        )
        for line in found.refused:
            click.echo(f"  {shown(line)}", err=True)
        raise click.exceptions.Exit(EXIT_BLOCKED)
    plan.safety = found.safety


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise WaError(
            "refusing to apply without confirmation: no terminal to ask on; "
            "pass --auto-approve (for CI)"
        )
    if not click.confirm("Apply these changes?", default=False):
        click.echo("Apply cancelled; nothing was changed.")
        raise click.exceptions.Exit(1)


class _Progress:
    """One result line per action; on a terminal, a progress bar below them on stderr."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()

    def show(self, result: Result) -> None:
        self.done += 1 if result.operation not in ("delete", "gone") else 0
        mark = {"create": "+", "delete": "-", "gone": "-", "skip": "~"}[result.operation]
        state = "" if result.ok else ("skipped: " if result.operation == "skip" else "FAILED: ")
        line = shown(f"  {mark} {result.address}: {state}{result.message}")
        if self.tty:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(
            click.style(line, fg=None if result.ok else "red") if use_color() else line,
            color=use_color(),
        )
        if self.tty:
            width = 30
            filled = width * min(self.done, self.total) // max(1, self.total)
            click.echo(
                f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}",
                nl=False,
                err=True,
            )


def _summarise(report: Report) -> int:
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)
    created = len(report.created)
    deleted = sum(1 for r in report.results if r.ok and r.operation == "delete")
    gone = sum(1 for r in report.results if r.operation == "gone")
    failed = len(report.failures)
    names = "name" if deleted == 1 else "names"
    also = f", {gone} already gone" if gone else ""
    click.echo(
        f"Apply finished: {created} created, {deleted} {names} deleted{also}, {failed} failed."
    )
    code = 1 if failed else 0
    if report.rate_limited_until is not None:
        when = report.rate_limited_until.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(
            f"Stopped at 8x8's limit of 100 creations per hour: {report.remaining} "
            f"create(s) remain. Rerun after {when}, or use --wait-for-rate-limit."
        )
        code = 1
    if report.refused:
        click.echo(
            shown(
                "Not touched because the channel changed since the plan: "
                f"{', '.join(report.refused)}. Run `wa-templates plan` again and review it."
            )
        )
        code = 1
    if failed:
        click.echo("Some changes failed (above); rerun `wa-templates apply` to converge.")
    return code


def _wait(provider: Provider, report: Report, timeout: float, interval: float) -> int:
    created = []
    for result in report.created:
        name, _, lang = result.address.removeprefix("template.").partition("[")
        created.append((name, lang.rstrip("]")))
    click.echo(f"Waiting for Meta's review of {len(created)} template(s)...")
    verdicts = wait_for_review(provider, created, timeout, interval)
    for address in verdicts.approved:
        click.echo(f"  approved  {address}")
    for address, reason in verdicts.rejected:
        click.echo(f"  REJECTED  {address}: {shown(reason)}")
    for address in verdicts.pending:
        click.echo(f"  pending   {address} (still in review when --timeout ran out)")
    for address, status in verdicts.other:
        click.echo(f"  {shown(status):<9} {address}")
    return 1 if verdicts.rejected or verdicts.pending or verdicts.other else 0
