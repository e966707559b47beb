"""Apply on one channel, from a plan in hand to what happened there: whether it may run at all,
the checks a saved plan gets against the channel as it is now, the executor, and Meta's review.

`Applied` is the record of one channel's run that the command prints for people and
`apply.document` turns into `apply --format json`; with several targets each has its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from wa_templates.apply.execute import ApplyOptions, Report, Result, apply_plan
from wa_templates.apply.wait import Verdicts, wait_for_review
from wa_templates.channel.known import Memory
from wa_templates.config.project import Project
from wa_templates.errors import WaError
from wa_templates.plan.model import ChannelBinding, Plan
from wa_templates.plan.prepare import repository_names, unknown_names_because
from wa_templates.plan.stale import recheck
from wa_templates.provider.base import Provider

EXIT_FAILED = 1
EXIT_BLOCKED = 3
EXIT_STALE = 4

Outcome = Literal["applied", "no_changes", "blocked", "stale", "refused", "cancelled", "error"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
"""applied: the executor ran (changes may still have failed: see each one); no_changes;
blocked: a change is blocked or the safety threshold is exceeded; stale: a saved plan whose
channel changed since; refused: a saved plan asks for what `plan` would refuse now;
cancelled: not confirmed; error: the target could not be planned, read or reached."""


@dataclass(slots=True)
class Applied:
    """What apply did on one channel, or why it did nothing."""

    target: str
    """The `[targets.NAME]` name ("sandbox" for the sandbox)."""
    channel: ChannelBinding
    plan: Plan | None
    plan_file: Path | None = None
    outcome: Outcome = "applied"
    exit_code: int = 0
    problems: list[str] = field(default_factory=list)
    """For stale and refused: one line per change that made it so."""
    error: WaError | None = None
    report: Report | None = None
    verdicts: Verdicts | None = None

    @property
    def description(self) -> str:
        return self.channel.description

    def stop(self, outcome: Outcome, code: int, problems: list[str] | None = None) -> None:
        self.outcome, self.exit_code = outcome, code
        self.problems = problems or []

    def failed(self, error: WaError) -> None:
        self.outcome, self.exit_code, self.error = "error", error.exit_code, error

    def ready(self) -> bool:
        """Whether there is anything to apply, and nothing stops it before the channel is
        asked again; sets the outcome when not. A saved plan's safety verdict is made again
        against the channel (`recheck_saved`), so only its blocked changes stop it here."""
        if self.plan is None:
            return False
        plan = self.plan
        if plan.blocked or (self.plan_file is None and not plan.applyable):
            self.stop("blocked", EXIT_BLOCKED)
            return False
        if not plan.pending:
            self.stop("no_changes", 0)
            return False
        return True


def recheck_saved(
    applied: Applied, provider: Provider, project: Project, memory: Memory | None = None
) -> bool:
    """A saved plan checked against the channel as it is now: stale (exit 4) if what it
    touches changed since it was made, refused (exit 3) if it asks for what `plan` would
    refuse now, from this project's repository and what the target's history (`memory`)
    remembers. Either way nothing is touched; True when it may go ahead."""
    assert applied.plan is not None
    plan = applied.plan
    repository = repository_names(project) if any(c.prunes for c in plan.pending) else {}
    found = recheck(plan, provider.list_templates(), repository, memory)
    if found.stale:
        applied.stop("stale", EXIT_STALE, list(found.stale))
        return False
    if found.refused:
        lines = list(found.refused)
        if repository is None:  # the files behind it, once, before a line per refused delete
            lines.insert(0, unknown_names_because(project))
        applied.stop("refused", EXIT_BLOCKED, lines)
        return False
    applied.plan.safety = found.safety
    return True


@dataclass(frozen=True, slots=True)
class Settings:
    """apply's options for the executor and for waiting on Meta's review."""

    concurrency: int = 4
    wait_for_rate_limit: bool = False
    project_root: Path = field(default_factory=Path.cwd)
    wait: bool = False
    timeout: float = 1800.0
    poll_interval: float = 10.0


def execute(
    applied: Applied,
    provider: Provider,
    settings: Settings,
    on_result: Callable[[Result], None],
    on_applied: Callable[[Report], None] = lambda report: None,
) -> None:
    """Carry out the plan's changes (`on_result` hears of each, `on_applied` of the whole),
    then with `settings.wait` wait for Meta's review of what was created; the exit code is 1
    when anything failed or was left undone."""
    assert applied.plan is not None
    report = apply_plan(
        applied.plan,
        provider,
        ApplyOptions(
            concurrency=settings.concurrency,
            wait_for_rate_limit=settings.wait_for_rate_limit,
            project_root=settings.project_root,
            on_result=on_result,
        ),
    )
    applied.report = report
    applied.outcome = "applied"
    applied.exit_code = report_exit_code(report)
    on_applied(report)
    if settings.wait and report.created:
        created = [_name_and_language(r.address) for r in report.created]
        verdicts = wait_for_review(provider, created, settings.timeout, settings.poll_interval)
        applied.verdicts = verdicts
        if verdicts.rejected or verdicts.pending or verdicts.other:
            applied.exit_code = EXIT_FAILED


def report_exit_code(report: Report) -> int:
    """1 when a change failed, the hourly limit stopped creates, or a name was not touched
    because the channel changed since the plan; else 0."""
    return EXIT_FAILED if report.failures or report.rate_limited_until or report.refused else 0


def _name_and_language(address: str) -> tuple[str, str]:
    name, _, lang = address.removeprefix("template.").partition("[")
    return name, lang.rstrip("]")
