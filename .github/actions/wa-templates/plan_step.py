"""plan in CI: a body for the pull request's plan comment whatever happened, and, with
reviewed-plan, the plan saved for apply with what it was made from.

A plan that could not be made (the templates have errors, the target is misconfigured, the
channel did not answer) still writes the comment: the errors, under the same hidden marker as
the plan, so they replace it. A comment saying "applyable" about an older commit never stays.
"""

from __future__ import annotations

from pathlib import Path

import reviewed_plan
from command_line import Context, Result, Step, build_argv, has_marker, ok_codes, outcome
from github_api import GitHubError, load_event
from markdown import fence
from reviewed_plan import BindingError, PullRequest

PLANNED = (0, 2, 3)
"""Exit codes of a plan that was made: no changes, changes, blocked."""


def run(ctx: Context) -> Step:
    inputs = ctx.inputs
    pull = reviewed_plan.event_pull_request(load_event(ctx.env))
    plan_file: Path | None = None
    commit = None
    problem = ""
    if inputs.reviewed_plan:
        try:
            commit = reviewed_plan.checked_out(ctx.cwd)
        except BindingError as exc:
            problem = str(exc)
        else:
            plan_file = ctx.temp_dir("wa-templates-plan-") / reviewed_plan.PLAN_FILE
            pull = pull or _merged_as(ctx, commit.sha)
    argv = build_argv(inputs, [ctx.program], plan_file)
    result = ctx.run(argv) if not problem else Result(1, "", f"error: {problem}\n")
    made = result.code in PLANNED and has_marker(result.stdout)
    outputs = {"pull-request": str(pull.number) if pull else ""}
    if made and commit is not None and plan_file is not None and plan_file.is_file():
        target_label = reviewed_plan.label(inputs.target, inputs.sandbox)
        reviewed_plan.write_binding(plan_file.parent, commit, target_label, pull, ctx.env)
        outputs["plan-artifact"] = reviewed_plan.artifact_name(target_label, commit.tree)
        outputs["plan-dir"] = str(plan_file.parent)
    return Step(
        result,
        outcome("plan", result.code),
        result.code not in ok_codes(inputs),
        argv,
        comment=result.stdout if made else failure_body(ctx, result),
        outputs=outputs,
    )


def _merged_as(ctx: Context, sha: str) -> PullRequest | None:
    """Outside a pull request (a plan made again on main after a merge whose plan was missing
    or stale): the pull request merged as this commit, to post the new plan on for review."""
    try:
        return reviewed_plan.merged_pull_request(ctx.github(), sha)
    except GitHubError as exc:
        ctx.warn(f"cannot look up the pull request merged as {sha[:7]}: {exc}")
        return None


def failure_body(ctx: Context, result: Result) -> str | None:
    """The comment for a plan that was not made: its errors, under the plan's own marker."""
    description = plan_description(ctx)
    if description is None:
        ctx.warn(
            "the plan failed, and its comment cannot be found to replace without knowing the "
            "target: set the action's `target`"
        )
        return None
    # wa-templates is installed by now: its own marker and wording, so they cannot drift.
    from wa_templates.cli.invalid import MESSAGES
    from wa_templates.render.plan import marker, md

    if any(message in result.stderr for message in MESSAGES):
        why = "**The templates have errors**, so nothing was planned."
    else:
        why = f"**The plan could not be made** (exit {result.code})."
    lines = [
        marker(description),
        f"### wa-templates plan for {md(description)}: ❌ no plan",
        "",
        f"{why} Nothing from this commit can be applied. Fix what is below and push again; "
        "this comment then shows the plan.",
        "",
        fence(result.stderr.strip() or result.stdout.strip() or "(no output)"),
    ]
    return "\n".join(lines) + "\n"


def plan_description(ctx: Context) -> str | None:
    """How wa-templates names the plan's target (`target prod`, `sandbox (...)`): the marker of
    the plan comment is made from it."""
    from wa_templates.cli.target import SANDBOX_STATE
    from wa_templates.config.project import find_project
    from wa_templates.config.targets import load_targets
    from wa_templates.errors import WaError

    inputs = ctx.inputs
    if inputs.sandbox:
        return f"sandbox ({SANDBOX_STATE.as_posix()})"
    if inputs.target:
        return f"target {inputs.target}"
    try:
        targets = load_targets(find_project(ctx.cwd))
    except WaError:
        return None
    marked = [name for name, settings in targets.items() if settings.default]
    names = list(targets) if len(targets) == 1 else marked
    return f"target {names[0]}" if len(names) == 1 else None
