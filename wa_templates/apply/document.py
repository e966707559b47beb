"""`apply --format json`: what apply did on a channel, one record per change, for tools.

Built from the run (`apply.run.Applied`) by these models, which also give its JSON Schema
(schema/apply.schema.json), so the document and its schema cannot drift apart. Each record is
one change of the plan (a registered name and language) with the plan's action and what came
of it; a failure 8x8 answered carries 8x8's HTTP status, code, message and errorId.

`format_version` is MAJOR.MINOR: a minor version only adds fields. 1.1 added `planned` and,
for several targets, `error`: apply reports a run stopped before it had a plan (an unreadable
plan file, a missing API key, an unreachable channel), where 1.0 printed nothing; only such a
document has a null `target` or `channel`, when even they were not known.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from wa_templates.apply.execute import Answer, Result
from wa_templates.apply.run import Applied, Outcome
from wa_templates.channel.remote import address
from wa_templates.document import Document
from wa_templates.plan.many import TargetResult
from wa_templates.plan.model import Action, ChannelBinding, ResourceChange
from wa_templates.provider import redact

FORMAT_VERSION = "1.1"

ResultKind = Literal[
    "created",
    "recreated",
    "deleted",
    "already_gone",
    "failed",
    "skipped",
    "not_attempted",
    "blocked",
]
RESULTS: tuple[ResultKind, ...] = get_args(ResultKind)
PlannedAction = Literal["create", "recreate", "delete", "blocked"]
_ACTIONS: dict[Action, PlannedAction] = {
    Action.CREATE: "create",
    Action.RECREATE: "recreate",
    Action.DELETE: "delete",
    Action.BLOCKED: "blocked",
}

_NOT_ATTEMPTED = {
    "no_changes": "nothing to apply",
    "blocked": "apply refused to run: a change is blocked, or the safety threshold is exceeded",
    "stale": "the saved plan is stale: the channel changed since it was made",
    "refused": "the saved plan asks for what `plan` would refuse on the channel now",
    "cancelled": "apply was not confirmed",
    "error": "apply stopped on an error before this change",
}


class ApiAnswer(Document):
    """8x8's answer to a request it refused (api-error-codes.md), or none at all."""

    http_status: int | None
    """None when no answer came (a timeout, a dropped connection)."""
    code: int | None
    """8x8's error code, e.g. 3060 for a name locked after deletion."""
    message: str
    """8x8's message, as it sent it (masked of secrets)."""
    error_id: str | None
    """8x8's errorId, to quote to its support."""


class Review(Document):
    """Meta's review of a created template, with `--wait`."""

    status: str
    """APPROVED, REJECTED, PENDING (still, when --timeout ran out), or what else was listed
    (MISSING when it was not listed at all)."""
    reason: str | None = None
    """For REJECTED: the reason, when known."""


class ChangeRecord(Document):
    """One change of the plan and what came of it."""

    address: str
    name: str
    """The registered name on the channel (for a versioned template, e.g. order_shipped_v2)."""
    template: str
    """The logical template: the file's name."""
    language: str
    action: PlannedAction
    """What the plan said to do."""
    result: ResultKind
    """created, recreated, deleted, already_gone (a delete that found the name gone): done.
    failed: 8x8 refused (see `error`), or a media upload failed. skipped: not tried, and why
    (the hourly creation limit; the name's delete failed; approved since the plan).
    not_attempted: apply did not run (see the document's `outcome`). blocked: a change apply
    refuses."""
    message: str
    """The line apply prints for it."""
    error: ApiAnswer | None = None
    review: Review | None = None


class RateLimit(Document):
    until: datetime
    """When 8x8's hourly window lets creates through again."""
    remaining: int
    """Creates not attempted."""


class ApplyDocument(Document):
    """What `apply --format json` prints for one target."""

    format_version: str = FORMAT_VERSION
    target: str | None
    """As output names it: `target prod`, `sandbox (.wa-templates/sandbox.json)`; null only
    when apply stopped before it knew which (see `planned`)."""
    channel: ChannelBinding | None
    """Null only when apply stopped before it knew the channel (see `planned`)."""
    plan_file: str | None
    """The saved plan applied, or null for a plan made by this run."""
    outcome: Outcome
    """See apply.run.OUTCOMES."""
    exit_code: int
    error: str | None = None
    """For outcome error: the one line apply printed."""
    problems: list[str]
    """For stale and refused: one line per change that made it so."""
    not_touched: list[str]
    """Names apply left alone because the channel changed since the plan (plan again)."""
    rate_limit: RateLimit | None
    changes: list[ChangeRecord]
    """Every change of the plan but the no-ops, in the plan's order."""
    summary: dict[str, int]
    """How many records have each result."""
    planned: bool = True
    """Whether apply had a plan: false when it stopped before one was made or read (outcome
    error; `changes` is then empty, and nothing on the channel was touched)."""


class TargetApply(TargetResult):
    apply: ApplyDocument
    """The document `apply --format json` prints for this target alone."""


class ApplyTargets(Document):
    """`apply --format json` for several targets (`--target` repeated, `--all-targets`, or
    several plan files)."""

    format_version: str = FORMAT_VERSION
    exit_code: int
    """The worst of the targets' exit codes: 1, then 3, 4, 2, 0."""
    error: str | None = None
    """Why the whole run stopped before any target had a plan (each target's document says so
    too); null otherwise."""
    targets: list[TargetApply]


def document(applied: Applied) -> ApplyDocument:
    report = applied.report
    records = [_record(applied, change) for change in _changes(applied)]
    rate_limit = None
    if report is not None and report.rate_limited_until is not None:
        rate_limit = RateLimit(until=report.rate_limited_until, remaining=report.remaining)
    counts: dict[str, int] = dict.fromkeys(RESULTS, 0)
    for record in records:
        counts[record.result] += 1
    return ApplyDocument(
        target=applied.description,
        channel=applied.channel,
        plan_file=str(applied.plan_file) if applied.plan_file is not None else None,
        outcome=applied.outcome,
        exit_code=applied.exit_code,
        error=_error(applied),
        problems=applied.problems,
        not_touched=list(report.refused) if report is not None else [],
        rate_limit=rate_limit,
        changes=records,
        summary=counts,
    )


def stopped(
    error: str, exit_code: int, channel: ChannelBinding | None, plan_file: str | None
) -> ApplyDocument:
    """The document of a run stopped before it had a plan: `error` already masked."""
    return ApplyDocument(
        target=channel.description if channel is not None else None,
        channel=channel,
        plan_file=plan_file,
        outcome="error",
        exit_code=exit_code,
        error=error,
        problems=[],
        not_touched=[],
        rate_limit=None,
        changes=[],
        summary=dict.fromkeys(RESULTS, 0),
        planned=False,
    )


def stopped_targets(
    error: str, exit_code: int, channels: list[tuple[str, ChannelBinding, str | None]]
) -> ApplyTargets:
    """The document of a run of several targets stopped before any had a plan: a target per
    channel known, (target name, channel, plan file or None), each with the run's `error`."""
    return ApplyTargets(
        exit_code=exit_code,
        error=error,
        targets=[
            TargetApply(
                target=name,
                description=channel.description,
                exit_code=exit_code,
                error=error,
                apply=stopped(error, exit_code, channel, plan_file),
            )
            for name, channel, plan_file in channels
        ],
    )


def targets_document(runs: list[Applied], exit_code: int) -> ApplyTargets:
    return ApplyTargets(
        exit_code=exit_code,
        targets=[
            TargetApply(
                target=run.target,
                description=run.description,
                exit_code=run.exit_code,
                error=_error(run),
                apply=document(run),
            )
            for run in runs
        ],
    )


def _error(applied: Applied) -> str | None:
    return redact.scrub(str(applied.error)) if applied.error is not None else None


def _changes(applied: Applied) -> list[ResourceChange]:
    plan = applied.plan
    return [c for c in plan.changes if c.action is not Action.NOOP] if plan is not None else []


def _record(applied: Applied, change: ResourceChange) -> ChangeRecord:
    result, message, answer = _outcome(applied, change)
    return ChangeRecord(
        address=change.address,
        name=change.name,
        template=change.template,
        language=change.language,
        action=_ACTIONS[change.action],
        result=result,
        message=message,
        error=_api(answer),
        review=_review(applied, change) if result in ("created", "recreated") else None,
    )


def _outcome(applied: Applied, change: ResourceChange) -> tuple[ResultKind, str, Answer | None]:
    if change.action is Action.BLOCKED:
        return "blocked", change.detail, None
    report = applied.report
    if report is None:
        return "not_attempted", _NOT_ATTEMPTED.get(applied.outcome, "not attempted"), None
    own = _last(report.results, change.address)
    whole = _last(report.results, address(change.name))
    if change.action is Action.DELETE:
        return _deleted(whole)
    if own is not None and own.operation == "create" and own.ok:
        return ("recreated" if change.action is Action.RECREATE else "created"), own.message, None
    if whole is not None and whole.operation == "delete" and not whole.ok:
        return (
            "failed",
            f"not created: deleting '{change.name}' failed: {whole.message}",
            (whole.answer),
        )
    deleted_first = whole is not None and whole.operation == "delete" and whole.ok
    before = f"'{change.name}' was deleted (every language), then " if deleted_first else ""
    if own is not None and own.operation == "create":
        return "failed", before + own.message, own.answer
    if own is not None:  # skipped
        return "skipped", before + own.message, None
    if whole is not None and whole.operation == "skip":
        return "skipped", whole.message, None
    return "not_attempted", "not attempted", None


def _deleted(whole: Result | None) -> tuple[ResultKind, str, Answer | None]:
    if whole is None:
        return "not_attempted", "not attempted", None
    if whole.operation == "gone":
        return "already_gone", whole.message, None
    if whole.operation == "skip":
        return "skipped", whole.message, None
    return ("deleted" if whole.ok else "failed"), whole.message, whole.answer


def _last(results: list[Result], where: str) -> Result | None:
    # A change has at most one result of its own; a create skipped at the rate limit after
    # its name was deleted is the last word on it.
    found = [r for r in results if r.address == where]
    return found[-1] if found else None


def _api(answer: Answer | None) -> ApiAnswer | None:
    if answer is None:
        return None
    return ApiAnswer(
        http_status=answer.status,
        code=answer.code,
        message=answer.message,
        error_id=answer.error_id,
    )


def _review(applied: Applied, change: ResourceChange) -> Review | None:
    verdicts = applied.verdicts
    if verdicts is None:
        return None
    where = change.address
    if where in verdicts.approved:
        return Review(status="APPROVED")
    for rejected, reason in verdicts.rejected:
        if rejected == where:
            return Review(status="REJECTED", reason=reason)
    if where in verdicts.pending:
        return Review(status="PENDING")
    for other, status in verdicts.other:
        if other == where:
            return Review(status=status)
    return None


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of the document for one target and for several."""
    return {
        "apply": ApplyDocument.model_json_schema(mode="serialization"),
        "apply-targets": ApplyTargets.model_json_schema(mode="serialization"),
    }
