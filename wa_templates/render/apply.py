"""What apply says for people, line by line: each result as it happens, the summary, Meta's
review, and why a saved plan was not applied. Tools read `apply --format json`
(`apply.document`); the shipped GitHub action reads these lines, so their shape stays."""

from __future__ import annotations

from pathlib import Path

from wa_templates.apply import document
from wa_templates.apply.execute import Report, Result
from wa_templates.apply.run import Applied
from wa_templates.apply.wait import Verdicts
from wa_templates.errors import WaError
from wa_templates.plan.model import ChannelBinding
from wa_templates.provider import redact
from wa_templates.render.targets import table
from wa_templates.untrusted import json_text, shown

_MARKS = {"create": "+", "delete": "-", "gone": "-", "skip": "~"}


def result_line(result: Result) -> str:
    state = "" if result.ok else ("skipped: " if result.operation == "skip" else "FAILED: ")
    return shown(f"  {_MARKS[result.operation]} {result.address}: {state}{result.message}")


def summary_lines(report: Report) -> list[str]:
    created = len(report.created)
    deleted = sum(1 for r in report.results if r.ok and r.operation == "delete")
    gone = sum(1 for r in report.results if r.operation == "gone")
    failed = len(report.failures)
    names = "name" if deleted == 1 else "names"
    also = f", {gone} already gone" if gone else ""
    lines = [
        f"Apply finished: {created} created, {deleted} {names} deleted{also}, {failed} failed."
    ]
    if report.rate_limited_until is not None:
        when = report.rate_limited_until.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(
            f"Stopped at 8x8's limit of 100 creations per hour: {report.remaining} "
            f"create(s) remain. Rerun after {when}, or use --wait-for-rate-limit."
        )
    if report.refused:
        lines.append(
            shown(
                "Not touched because the channel changed since the plan: "
                f"{', '.join(report.refused)}. Run `wa-templates plan` again and review it."
            )
        )
    if failed:
        lines.append("Some changes failed (above); rerun `wa-templates apply` to converge.")
    return lines


def waiting_line(count: int) -> str:
    return f"Waiting for Meta's review of {count} template(s)..."


def review_lines(verdicts: Verdicts) -> list[str]:
    lines = [f"  approved  {address}" for address in verdicts.approved]
    lines += [f"  REJECTED  {address}: {shown(reason)}" for address, reason in verdicts.rejected]
    lines += [
        f"  pending   {address} (still in review when --timeout ran out)"
        for address in verdicts.pending
    ]
    lines += [f"  {shown(status):<9} {address}" for address, status in verdicts.other]
    return lines


def stale_lines(path: Path | None, problems: list[str]) -> list[str]:
    return [
        f"error: {path} is stale: the channel changed since the plan was made:",
        *(f"  {shown(line)}" for line in problems),
        "Run `wa-templates plan` again and review the new plan.",
    ]


def refused_lines(path: Path | None, problems: list[str]) -> list[str]:
    return [
        f"error: {path} asks for what `wa-templates plan` would refuse on the channel as "
        "it is now, with the options the plan records; nothing was applied:",
        *(f"  {shown(line)}" for line in problems),
    ]


def overview_lines(runs: list[Applied]) -> list[str]:
    """After an apply of several targets, a line per target: what became of it."""
    rows = [(run.target, f"{_outcome(run)} (exit {run.exit_code})") for run in runs]
    return table(f"Targets ({len(runs)}, applied at once):", rows)


def _outcome(run: Applied) -> str:
    if run.error is not None:
        return f"error: {shown(redact.scrub(str(run.error)))}"
    report = run.report
    if run.outcome != "applied" or report is None:
        return run.outcome.replace("_", " ")
    return summary_lines(report)[0].removeprefix("Apply finished: ").rstrip(".")


def as_json(applied: Applied) -> str:
    """`apply --format json` for one target (`apply.document`)."""
    return json_text(document.document(applied).model_dump_json(indent=2))


def targets_as_json(runs: list[Applied], exit_code: int) -> str:
    """`apply --format json` for several targets."""
    return json_text(document.targets_document(runs, exit_code).model_dump_json(indent=2))


def stopped_json(error: WaError, channel: ChannelBinding | None, plan_file: Path | None) -> str:
    """`apply --format json` for one target, when apply stopped before it had a plan."""
    where = str(plan_file) if plan_file is not None else None
    stopped = document.stopped(_masked(error), error.exit_code, channel, where)
    return json_text(stopped.model_dump_json(indent=2))


def stopped_targets_json(
    error: WaError, channels: list[tuple[str, ChannelBinding, Path | None]]
) -> str:
    """`apply --format json` for several targets, when apply stopped before any had a plan."""
    known = [(name, c, str(p) if p is not None else None) for name, c, p in channels]
    stopped = document.stopped_targets(_masked(error), error.exit_code, known)
    return json_text(stopped.model_dump_json(indent=2))


def _masked(error: WaError) -> str:
    return redact.scrub(str(error))
