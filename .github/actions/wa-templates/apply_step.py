"""apply with reviewed-plan: the plan reviewed on the merged pull request, applied exactly, and
what became of each change posted back to that pull request and to the job summary.

No reviewed plan (a direct push, main moved after the plan, an expired or untrusted artifact)
or a stale one (exit 4: the channel changed since): nothing is applied, and nothing is planned
in its place; the job fails saying why and how to get a plan reviewed again.
"""

from __future__ import annotations

import json
from typing import Any

import apply_result
import reviewed_plan
from command_line import Context, Step, build_argv, outcome
from github_api import GitHubError
from reviewed_plan import BindingError, NoReviewedPlan, Reviewed

_HEADINGS = {
    0: "✅ applied",
    1: "❌ failed",
    3: "⛔ refused: nothing applied",
    4: "⛔ stale plan: nothing applied",
}


def run(ctx: Context) -> Step:
    inputs = ctx.inputs
    target_label = reviewed_plan.label(inputs.target, inputs.sandbox)
    marker = f"<!-- wa-templates-apply:{target_label} -->"
    try:
        commit = reviewed_plan.checked_out(ctx.cwd)
        pushed = ctx.env.get("GITHUB_SHA", "")
        if pushed and pushed != commit.sha:
            raise BindingError(
                f"the checkout is at {commit.short}, but this run is for {pushed[:7]}: "
                "check out the pushed commit (actions/checkout's default)"
            )
        dest = ctx.temp_dir("wa-templates-reviewed-")
        reviewed = reviewed_plan.fetch(ctx.github(), ctx.fetcher(), commit, target_label, dest)
    except (BindingError, NoReviewedPlan, GitHubError) as exc:
        reason = str(exc)
        if isinstance(exc, GitHubError) and exc.status in (401, 403, 404):
            reason += " (does the job grant `actions: read` and `pull-requests: write`?)"
        print(f"No reviewed plan: {reason}", flush=True)
        pull = exc.pull_request if isinstance(exc, NoReviewedPlan) else None
        heading = f"wa-templates apply for {target_label}: ⛔ no reviewed plan, nothing applied"
        body = apply_result.body(marker, heading, [reason], None)
        outputs = {"pull-request": str(pull.number) if pull else ""}
        return Step(None, "no reviewed plan", True, None, body, body, outputs)
    argv = build_argv(inputs, [ctx.program], reviewed.plan)
    result = ctx.run(argv)
    plan = _document(reviewed)
    code = result.code
    described = plan.get("target")
    where = described if isinstance(described, str) and described else target_label
    heading = f"wa-templates apply for {where}: " + _HEADINGS.get(code, f"❌ error (exit {code})")
    pull = reviewed.pull_request
    # The head reviewers saw (the commit the plan ran on was GitHub's test merge of it).
    made = str(reviewed.binding.get("head_sha") or reviewed.binding.get("commit") or "")[:7]
    lines = [
        f"The plan reviewed in #{pull.number} (made at {made}, for the tree "
        f"{commit.tree[:12]} that main now has), applied for commit {commit.short}."
    ]
    if code == 3:
        lines.append(
            "apply refused the plan: a change is blocked, or over the safety threshold, or not "
            "one plan would make (apply's reasons are below). Fix the templates in a new pull "
            "request."
        )
    if code == 4:
        lines.append(
            "The plan no longer matches the channel: it changed since the plan was made, or "
            "the target now points to another channel (apply's reasons are below). "
            + reviewed_plan.rerun_hint(pull)
        )
    found = (
        None
        if code in (3, 4)
        else apply_result.rows(result.stdout, apply_result.planned_actions(plan))
    )
    body = apply_result.body(marker, heading, lines, found, result.stdout, result.stderr)
    outputs = {"pull-request": str(pull.number)}
    return Step(result, outcome("apply", code), code != 0, argv, body, body, outputs)


def _document(reviewed: Reviewed) -> dict[str, Any]:
    try:
        document = json.loads(reviewed.plan.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # apply itself says what is wrong with the file
    return document if isinstance(document, dict) else {}
