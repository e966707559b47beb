"""The sandbox workflow's jobs, run here as GitHub runs them (tests/github/action_runner.py):
every step of the composite action, in a checkout of a real git repository, against a fresh
sandbox per job as each CI job has, talking to an in-memory GitHub over HTTP.

The hand-off is the point: the pull-request job saves the plan it comments; the merge reaches
main as a new commit; the push job finds that plan by the merged tree, downloads it and applies
exactly it, then posts the result on the pull request. And when the plan is missing, stale or
was never made, nothing is applied."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.github.action_runner import Runner
from tests.github.conftest import ROOT, SANDBOX_WORKFLOW, load_yaml
from tests.github.fake_github import REPO, FakeGitHub, serve
from tests.github.git_repo import Repo
from tests.helpers import console_script

BASE = ("templates/orders/order_shipped.yaml", "templates/account/login_code.yaml")
ADDED = "templates/marketing/back_in_stock.yaml"
PR = 5


def _steps(job: str) -> list[dict[str, Any]]:
    return load_yaml(SANDBOX_WORKFLOW)["jobs"][job]["steps"]  # type: ignore[no-any-return]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    with serve(fake):
        yield fake


class Project:
    """The team's repository: main with two templates; PR #5 adds a third."""

    def __init__(self, tmp_path: Path, github: FakeGitHub) -> None:
        self.tmp = tmp_path
        self.github = github
        self.repo = Repo(tmp_path / "origin")
        files = {name: (ROOT / name).read_text(encoding="utf-8") for name in BASE}
        self.repo.commit("base", {**files, ".gitignore": ".wa-templates/\n"})
        self.repo.branch("topic")
        self.head = self.repo.commit("add back_in_stock", {ADDED: (ROOT / ADDED).read_text()})
        self.jobs = 0

    def checkout(self, sha: str) -> Path:
        """A fresh clean checkout of `sha`, as actions/checkout gives each job."""
        self.jobs += 1
        path = self.tmp / f"job-{self.jobs}"
        self.repo.git("worktree", "add", "-q", "--detach", str(path), sha)
        return path

    def pull_request_job(self) -> tuple[Runner, bool]:
        """GitHub's test merge of the PR as it is now, checked out and run."""
        merge = self.repo.test_merge(self.head, "main")
        event = {
            "pull_request": {"number": PR, "head": {"sha": self.head, "repo": {"full_name": REPO}}},
            "repository": {"full_name": REPO},
        }
        runner = Runner(
            self.checkout(merge),
            self.tmp / f"temp-{self.jobs}",
            self.github,
            "pull_request",
            event,
            merge,
            run_id=200 + self.jobs,
        )
        return runner, runner.job(_steps("pull-request"))

    def merge(self, method: str = "squash") -> str:
        merged = self.repo.merge(method, self.head)
        self.github.merged(PR, self.head, merged)
        return merged

    def push_job(self, sha: str) -> tuple[Runner, bool]:
        runner = Runner(
            self.checkout(sha),
            self.tmp / f"temp-{self.jobs}",
            self.github,
            "push",
            {"after": sha},
            sha,
            run_id=300 + self.jobs,
        )
        return runner, runner.job(_steps("apply"))


@pytest.fixture
def project(tmp_path: Path, github: FakeGitHub) -> Project:
    return Project(tmp_path, github)


def _ran(log: str) -> str:
    """The command line a run step ran, from the log group it opens."""
    match = re.search(r"^::group::wa-templates (.*)$", log, re.M)
    assert match, log
    return match.group(1)


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args], cwd=folder, capture_output=True, text=True, check=False
    )


def _names(text: str, pattern: str) -> set[str]:
    return {html.unescape(name) for name in re.findall(pattern, text)}


# --- the hand-off ---------------------------------------------------------------------------


def test_main_applies_exactly_the_plan_the_pull_request_showed(
    project: Project, github: FakeGitHub
) -> None:
    # A squash gives main a commit of its own; the other merge methods are in
    # test_reviewed_plan.py, on the same git mechanics.
    pr_job, failed = project.pull_request_job()
    assert not failed
    validate, plan = pr_job.runs
    assert _ran(validate.log) == "validate --format github"
    assert _ran(plan.log).startswith("plan --format markdown --detailed-exitcode --out ")
    assert plan.outputs["outcome"] == "changes" and plan.outputs["pull-request"] == str(PR)
    (artifact,) = github.artifacts
    assert artifact["workflow_run"]["head_sha"] == project.head
    (comment,) = github.comments[PR]
    assert comment["body"].startswith("<!-- wa-templates-plan:sandbox__.wa-templates/sandbox.json_")
    planned = _names(comment["body"], r"➕ create \| ([a-z_&#;0-9]+) \|")

    merged = project.merge("squash")
    assert merged != project.head and project.repo.tree(merged) == project.repo.tree(pr_job.sha)
    push_job, failed = project.push_job(merged)
    assert not failed
    (apply,) = push_job.runs
    assert re.fullmatch(
        r"apply \S+/plan\.json --auto-approve --sandbox --wait --timeout 5m", _ran(apply.log)
    )
    assert (apply.outputs["exit-code"], apply.outputs["outcome"]) == ("0", "applied")
    assert github.storage_saw_token == [False]  # the download followed GitHub's redirect
    plan_comment, result = github.comments[PR]
    assert plan_comment is comment
    assert result["body"].startswith("<!-- wa-templates-apply:sandbox -->")
    assert "✅ applied" in result["body"] and f"The plan reviewed in #{PR}" in result["body"]
    # What was created is what the plan comment listed, no more, no less.
    assert _names(result["body"], r"➕ created \| ([a-z_&#;0-9]+) \|") == planned
    assert planned == {"back_in_stock", "login_code", "order_shipped"}
    assert "Meta's review" in result["body"] and "REJECTED" not in result["body"]
    assert "✅ applied" in push_job.summary
    # Applied for real: main's templates and the channel agree.
    assert _cli(push_job.checkout, "plan", "--sandbox", "--detailed-exitcode").returncode == 0


def test_a_second_push_updates_the_comment_and_saves_a_plan_for_the_new_tree(
    project: Project, github: FakeGitHub
) -> None:
    project.pull_request_job()
    project.repo.git("checkout", "-q", "topic")
    edited = (ROOT / ADDED).read_text(encoding="utf-8").replace("Hold one for me", "Hold one")
    project.head = project.repo.commit("shorter button", {ADDED: edited})
    second, failed = project.pull_request_job()
    assert not failed
    (comment,) = github.comments[PR]  # updated in place
    assert project.head[:7] in comment["body"]
    names = [a["name"] for a in github.artifacts]
    assert len(names) == 2 and names[1].endswith(project.repo.tree(second.sha))


def test_a_merge_after_main_moved_applies_nothing(project: Project, github: FakeGitHub) -> None:
    project.pull_request_job()
    project.repo.git("checkout", "-q", "main")
    project.repo.commit("another pull request", {"README.md": "merged meanwhile\n"})
    merged = project.merge()
    push_job, failed = project.push_job(merged)
    assert failed
    (apply,) = push_job.runs
    assert apply.outputs["outcome"] == "no reviewed plan" and apply.outputs["exit-code"] == ""
    assert "::group::" not in apply.log  # wa-templates never ran: nothing planned in its place
    assert not (push_job.checkout / ".wa-templates").exists()  # nor applied
    result = github.comments[PR][-1]["body"]
    assert "⛔ no reviewed plan, nothing applied" in result and "main moved" in result
    assert "Re-run the PR plan" in result
    assert "::error title=wa-templates apply::no reviewed plan" in apply.log


def test_a_stale_plan_applies_nothing(project: Project, github: FakeGitHub) -> None:
    project.pull_request_job()
    merged = project.merge()
    checkout = project.checkout(merged)
    # Someone changed the channel after the plan was made: main's templates, applied by hand.
    seeded = _cli(checkout, "apply", "--sandbox", "--auto-approve")
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    shutil.copy(checkout / ".wa-templates" / "sandbox.json", project.tmp / "seeded.json")
    runner = Runner(checkout, project.tmp / "temp-stale", github, "push", {}, merged)
    assert runner.job(_steps("apply"))
    (apply,) = runner.runs
    assert (apply.outputs["exit-code"], apply.outputs["outcome"]) == ("4", "stale plan")
    result = github.comments[PR][-1]["body"]
    assert "⛔ stale plan: nothing applied" in result and "Re-run the PR plan" in result
    state = (checkout / ".wa-templates" / "sandbox.json").read_bytes()
    assert state == (project.tmp / "seeded.json").read_bytes()  # nothing touched


def test_a_validation_failure_replaces_the_applyable_comment(
    project: Project, github: FakeGitHub
) -> None:
    project.pull_request_job()
    (comment,) = github.comments[PR]
    assert "applyable" in comment["body"]
    project.repo.git("checkout", "-q", "topic")
    broken = (
        (ROOT / ADDED).read_text(encoding="utf-8").replace("category: MARKETING", "category: SPAM")
    )
    project.head = project.repo.commit("break it", {ADDED: broken})
    runner, failed = project.pull_request_job()
    assert failed
    validate, plan = runner.runs  # plan ran after the failed validate
    assert validate.failed and plan.failed
    (replaced,) = github.comments[PR]
    assert replaced["id"] == comment["id"]
    body = replaced["body"]
    assert body.splitlines()[0] == comment["body"].splitlines()[0]  # the same marker
    assert "❌ no plan" in body and "applyable" not in body
    assert "back_in_stock.yaml" in body and "SPAM" in body
    assert len(github.artifacts) == 1  # nothing saved for the broken tree
    # Merged anyway: no plan was ever reviewed for this tree, so nothing is applied.
    push_job, failed = project.push_job(project.merge())
    assert failed and push_job.runs[0].outputs["outcome"] == "no reviewed plan"


# --- drift ----------------------------------------------------------------------------------


def test_drift_job_and_its_issue(project: Project, github: FakeGitHub) -> None:
    checkout = project.checkout("main")
    runner = Runner(
        checkout, project.tmp / "temp-drift", github, "schedule", {}, project.repo.head()
    )
    assert not runner.job(_steps("drift"))
    seed, clean = runner.runs
    assert _ran(seed.log) == "apply --auto-approve --sandbox --wait --timeout 5m"
    assert _ran(clean.log) == "drift --format markdown --sandbox"
    assert (clean.outputs["outcome"], clean.outputs["has-marker"]) == ("no drift", "true")
    assert github.issues == []

    # Someone edits a template after it was applied: the channel no longer matches.
    edited = checkout / BASE[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("Use the button below", "Tap below"), encoding="utf-8")
    drift_step = {**_steps("drift")[-1]}
    drifted = runner.action(drift_step["with"])
    # With issue: true the issue is the alert; the scheduled job stays green.
    assert (drifted.outputs["outcome"], drifted.failed) == ("drift", False)
    assert runner.action(drift_step["with"]).failed is False
    (issue,) = github.issues
    assert issue["state"] == "open" and "order" in issue["body"]
    assert issue["title"].startswith("wa-templates drift for sandbox")

    edited.write_text(original, encoding="utf-8")
    assert runner.action(drift_step["with"]).outputs["outcome"] == "no drift"
    assert github.issues[0]["state"] == "closed" and len(github.issues) == 1


def test_the_runner_refuses_what_it_cannot_stand_in_for(
    project: Project, github: FakeGitHub
) -> None:
    runner = Runner(project.tmp, project.tmp / "temp-x", github, "push", {}, "0" * 40)
    with pytest.raises(AssertionError, match="does not know"):
        runner._condition("inputs.command == 'plan' || true", {"command": "plan"}, {})
    with pytest.raises(AssertionError, match="does not know"):
        runner._resolve("${{ github.event.pull_request.title }}", {}, {})
    assert json.dumps(runner.event) == "{}"
