"""`wa-templates drift`: how the channel differs from the repository, for a scheduled job.

Read-only: it lists the channel once and never creates, deletes or uploads anything.
"""

from __future__ import annotations

import click

from wa_templates.cli.invalid import stop_if_invalid
from wa_templates.cli.options import format_option, from_root, selection_options, use_color
from wa_templates.cli.target import ASKS_AND_RECORDS, memory_of, open_provider, target_options
from wa_templates.config.project import find_project
from wa_templates.drift import report as drift
from wa_templates.plan.prepare import checked_templates, plan_options
from wa_templates.plan.selection import Selection

EXIT_DRIFT = 2

_FAIL_ON_HELP = (
    "Which findings count as drift (exit 2): comma-separated kinds "
    f"({', '.join(drift.KINDS)}), severities (info, warning, error; each with everything "
    "worse), `unmanaged` for templates on the channel the repository does not manage, or "
    "`none`. The default, warning, counts every warning and error, so a paused, flagged or "
    "edited template is drift; pending_review and in_appeal, which only need waiting, are not, "
    "nor is quality (a YELLOW score, known from the history store)."
)


def _fail_on(ctx: click.Context, param: click.Parameter, value: str) -> drift.FailOn:
    try:
        return drift.parse_fail_on(value)
    except drift.FailOnError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command("drift")
@target_options(ASKS_AND_RECORDS)
@format_option("text for people, markdown for the body of a GitHub issue, json for tools.")
@click.option(
    "--fail-on",
    "fail_on",
    default=drift.DEFAULT_FAIL_ON,
    show_default=True,
    metavar="KINDS",
    callback=_fail_on,
    help=_FAIL_ON_HELP,
)
@selection_options
def command(
    target: str | None, sandbox: bool, fmt: str, fail_on: drift.FailOn, selection: Selection
) -> None:
    """Report templates that differ from the repository or that Meta paused, rejected, flagged,
    disabled or recategorised. Exit 0 without drift, 2 with drift, 1 on error."""
    project = find_project()
    options = plan_options(project)
    with stop_if_invalid(fmt == "json"):
        report = checked_templates(project)
    folders: dict[str, str] = {}
    for source in report.sources:
        # Next steps name files as a reader of the repository (or of the issue) finds them.
        source.path = from_root(source.path, project.root, folders)
    provider = open_provider(project, target, sandbox)
    try:
        items = provider.list_templates()
        memory = memory_of(provider)
        result = drift.build(
            report.sources, items, provider.description, options, fail_on, selection, memory
        )
    finally:
        provider.close()
    click.echo(_render(result, fmt), color=use_color() if fmt == "text" else False)
    raise click.exceptions.Exit(EXIT_DRIFT if result.drift else 0)


def _render(report: drift.DriftReport, fmt: str) -> str:
    from wa_templates.render import drift as render_drift

    if fmt == "json":
        return render_drift.as_json(report)
    if fmt == "markdown":
        return render_drift.markdown(report)
    return render_drift.text(report, use_color())
