"""The run step for plan and for apply with reviewed-plan, against a stand-in wa-templates (a
script that records how it was called), a real git checkout and an in-memory GitHub: what is
saved for apply, what replaces the plan comment when no plan was made, and what apply does
with the reviewed plan, or without one."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import reviewed_plan
import run_command

from tests.github.fake_github import API, REPO, FakeGitHub
from tests.github.git_repo import Repo
from wa_templates.render.plan import marker as plan_marker

TOKEN = "ghs_stepToken0123456789abcdef"
CONFIG = """\
[targets.prod]
default = true
account_id = "8a0e7f4c-2b6d-4c1e-9f3a-5d7b1e2c4a60"
channel_id = "c"
region = "eu"
api_key_env = "ACME_KEY"
"""

# The stand-in CLI: records its argv and whether it saw a GitHub token, then does what the
# FAKE_* variables say. For plan, it writes the --out file as wa-templates does.
CLI = """
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"argv": args, "token": "GITHUB_TOKEN" in os.environ}) + "\\n")
if "--out" in args:
    with open(args[args.index("--out") + 1], "w", encoding="utf-8") as out:
        out.write(json.dumps({"target": "target prod", "resource_changes": []}))
sys.stdout.write(os.environ.get("FAKE_STDOUT", ""))
sys.stderr.write(os.environ.get("FAKE_STDERR", ""))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""
PLANNED = "<!-- wa-templates-plan:target_prod -->\n### wa-templates plan for target prod\n"
INVALID = (
    "templates/a.yaml:3:7: WA201 [error] body is empty\n"
    "error: the templates have errors; nothing on the channel was read\n"
)
APPLIED = (
    "  + template.welcome[en_US]: created, pending Meta's review\n"
    "Apply finished: 1 created, 0 names deleted, 0 failed.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "project")
    repo.commit("base", {"wa-templates.toml": CONFIG, "templates/a.yaml": "name: a\n"})
    return repo


class Runner:
    def __init__(self, tmp_path: Path, project: Repo) -> None:
        self.tmp = tmp_path
        self.project = project
        self.fake = FakeGitHub()
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        program = bin_dir / "wa-templates"
        program.write_text(f"#!{sys.executable}\n" + textwrap.dedent(CLI), encoding="utf-8")
        program.chmod(program.stat().st_mode | stat.S_IEXEC)
        self.event = tmp_path / "event.json"
        self.event.write_text("{}", encoding="utf-8")
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_OUTPUT": str(tmp_path / "output"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": API,
            "GITHUB_EVENT_PATH": str(self.event),
            "FAKE_LOG": str(tmp_path / "calls.jsonl"),
            "ACME_KEY": "acme-secret-key-value-123",
        }

    def pull_request_event(self, number: int, head: str) -> None:
        event = {"pull_request": {"number": number, "head": {"sha": head}}}
        self.event.write_text(json.dumps(event), encoding="utf-8")

    def run(self, **given: str) -> dict[str, str]:
        env = dict(self.env)
        for key, value in given.items():
            prefix = "" if key.startswith(("fake_", "github_")) else "WA_ACTION_"
            env[prefix + key.upper()] = value
        output = Path(env["GITHUB_OUTPUT"])
        output.unlink(missing_ok=True)
        assert run_command.run(env, self.project.path, self.fake, self.fake.fetch) == 0
        lines = output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)

    def calls(self) -> list[dict[str, Any]]:
        log = Path(self.env["FAKE_LOG"])
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def runner(tmp_path: Path, project: Repo) -> Runner:
    return Runner(tmp_path, project)


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


# --- plan -----------------------------------------------------------------------------------


def test_a_reviewed_plan_is_saved_beside_what_it_was_made_from(runner: Runner) -> None:
    head = runner.project.head()
    runner.pull_request_event(12, head)
    out = runner.run(
        command="plan", target="prod", reviewed_plan="true", fake_stdout=PLANNED, fake_exit="2"
    )
    tree = runner.project.tree()
    assert out["plan-artifact"] == f"wa-templates-plan-prod-{tree}"
    folder = Path(out["plan-dir"])
    assert sorted(p.name for p in folder.iterdir()) == ["binding.json", "plan.json"]
    binding = json.loads(_read(str(folder / "binding.json")))
    assert (binding["tree"], binding["commit"], binding["pull_request"]) == (tree, head, 12)
    (call,) = runner.calls()
    assert call["argv"][:4] == ["plan", "--format", "markdown", "--detailed-exitcode"]
    assert call["argv"][4:] == ["--out", str(folder / "plan.json"), "--target", "prod"]
    assert call["token"] is False  # the CLI never gets the GitHub token
    assert (out["pull-request"], out["failed"]) == ("12", "false")
    assert _read(out["comment-file"]) == PLANNED


def test_a_plan_without_reviewed_plan_saves_nothing(runner: Runner) -> None:
    runner.pull_request_event(3, runner.project.head())
    out = runner.run(command="plan", target="prod", fake_stdout=PLANNED, fake_exit="2")
    assert "plan-artifact" not in out and out["pull-request"] == "3"
    assert "--out" not in runner.calls()[0]["argv"]


@pytest.mark.parametrize(
    ("given", "description"),
    [
        ({"target": "prod"}, "target prod"),
        ({"sandbox": "true"}, "sandbox (.wa-templates/sandbox.json)"),
        ({}, "target prod"),  # the default target of wa-templates.toml
    ],
    ids=["target", "sandbox", "default-target"],
)
def test_a_plan_that_could_not_be_made_replaces_the_comment_with_its_errors(
    runner: Runner, given: dict[str, str], description: str
) -> None:
    runner.pull_request_event(12, runner.project.head())
    out = runner.run(
        command="plan", reviewed_plan="true", fake_stderr=INVALID, fake_exit="1", **given
    )
    body = _read(out["comment-file"])
    # The plan comment's own marker: this body replaces the plan that was there.
    assert body.splitlines()[0] == plan_marker(description)
    assert "❌ no plan" in body and "**The templates have errors**" in body
    assert "templates/a.yaml:3:7: WA201 [error] body is empty" in body
    assert "Nothing from this commit can be applied" in body
    assert "plan-artifact" not in out and out["failed"] == "true" and out["pull-request"] == "12"


def test_any_other_plan_failure_replaces_it_too(runner: Runner) -> None:
    runner.pull_request_event(12, runner.project.head())
    out = runner.run(
        command="plan", target="prod", fake_stderr="error: ACME_KEY is not set\n", fake_exit="1"
    )
    body = _read(out["comment-file"])
    assert "**The plan could not be made** (exit 1)" in body and "ACME_KEY is not set" in body


def test_without_knowing_the_target_the_failure_cannot_find_its_comment(
    runner: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    two = CONFIG.replace("default = true\n", "") + CONFIG.replace("prod", "dev").replace(
        "default = true\n", ""
    )
    runner.project.commit("two targets", {"wa-templates.toml": two})
    runner.pull_request_event(12, runner.project.head())
    out = runner.run(command="plan", fake_stderr=INVALID, fake_exit="1")
    assert out["comment-file"] == "" and out["failed"] == "true"
    assert "set the action's `target`" in capsys.readouterr().out


def test_a_checkout_with_changes_is_not_planned(runner: Runner) -> None:
    runner.pull_request_event(12, runner.project.head())
    (runner.project.path / "templates" / "a.yaml").write_text("name: edited\n", encoding="utf-8")
    out = runner.run(command="plan", target="prod", reviewed_plan="true", fake_stdout=PLANNED)
    assert runner.calls() == [] and out["failed"] == "true"
    assert "changes that are not in commit" in _read(out["comment-file"])


def test_a_plan_made_again_on_main_goes_to_the_pull_request_merged_there(runner: Runner) -> None:
    runner.fake.merged(9, "e" * 40, runner.project.head())  # no pull request in the event
    out = runner.run(
        command="plan", target="prod", reviewed_plan="true", fake_stdout=PLANNED, fake_exit="2"
    )
    assert out["pull-request"] == "9"
    assert json.loads(_read(out["plan-dir"] + "/binding.json"))["head_sha"] == "e" * 40


# --- apply ----------------------------------------------------------------------------------


def _reviewed(runner: Runner, plan: bytes = b'{"target": "target prod"}') -> str:
    """A plan reviewed in PR #12 for the checked-out tree, and the PR merged as HEAD."""
    head = runner.project.head()
    commit = reviewed_plan.checked_out(runner.project.path)
    folder = runner.tmp / "uploaded"
    folder.mkdir()
    reviewed_plan.write_binding(folder, commit, "prod", reviewed_plan.PullRequest(12, "d" * 40), {})
    files = {"plan.json": plan, "binding.json": (folder / "binding.json").read_bytes()}
    runner.fake.upload(reviewed_plan.artifact_name("prod", commit.tree), files, "d" * 40)
    runner.fake.merged(12, "d" * 40, head)
    return head


def test_the_reviewed_plan_is_applied_and_its_result_posted(runner: Runner) -> None:
    plan = json.dumps(
        {
            "target": "target prod",
            "resource_changes": [{"address": "template.welcome[en_US]", "action": "create"}],
        }
    ).encode()
    head = _reviewed(runner, plan)
    out = runner.run(
        command="apply",
        target="prod",
        reviewed_plan="true",
        args="--wait",
        github_sha=head,
        fake_stdout=APPLIED,
    )
    (call,) = runner.calls()
    planfile = call["argv"][1]
    assert call["argv"] == ["apply", planfile, "--auto-approve", "--target", "prod", "--wait"]
    assert Path(planfile).read_bytes() == plan and not call["token"]
    assert (out["exit-code"], out["outcome"], out["failed"]) == ("0", "applied", "false")
    assert out["pull-request"] == "12"
    body = _read(out["comment-file"])
    assert body.startswith(
        "<!-- wa-templates-apply:prod -->\n### wa-templates apply for target prod: ✅ applied"
    )
    assert "The plan reviewed in #12" in body and "**1** created" in body
    assert "| ➕ created | welcome | en_US |" in body
    assert _read(runner.env["GITHUB_STEP_SUMMARY"]).startswith(body.rstrip())


def test_a_stale_plan_applies_nothing_and_asks_for_a_new_review(runner: Runner) -> None:
    head = _reviewed(runner)
    stale = "error: plan.json is stale: the channel changed since the plan was made:\n"
    out = runner.run(
        command="apply",
        target="prod",
        reviewed_plan="true",
        github_sha=head,
        fake_stderr=stale,
        fake_exit="4",
    )
    assert (out["exit-code"], out["outcome"], out["failed"]) == ("4", "stale plan", "true")
    body = _read(out["comment-file"])
    assert "⛔ stale plan: nothing applied" in body and "Re-run the PR plan" in body
    assert "the channel changed since" in body and "| Result |" not in body
    assert "The plan no longer matches the channel" in body


def test_without_a_reviewed_plan_nothing_runs(runner: Runner) -> None:
    head = runner.project.head()
    runner.fake.merged(12, "d" * 40, head)
    out = runner.run(command="apply", target="prod", reviewed_plan="true", github_sha=head)
    assert runner.calls() == []
    assert (out["exit-code"], out["outcome"], out["failed"]) == ("", "no reviewed plan", "true")
    body = _read(out["comment-file"])
    assert "⛔ no reviewed plan, nothing applied" in body and "Re-run the PR plan" in body
    assert out["pull-request"] == "12"
    assert "no reviewed plan for the merged tree" in _read(runner.env["GITHUB_STEP_SUMMARY"])


def test_a_refused_api_call_names_the_permissions_to_grant(runner: Runner) -> None:
    head = _reviewed(runner)
    runner.fake.fail_reads = 403
    out = runner.run(command="apply", target="prod", reviewed_plan="true", github_sha=head)
    assert runner.calls() == [] and out["pull-request"] == ""
    assert "`actions: read` and `pull-requests: write`" in _read(out["comment-file"])


def test_the_checkout_must_be_the_pushed_commit(runner: Runner) -> None:
    _reviewed(runner)
    out = runner.run(command="apply", target="prod", reviewed_plan="true", github_sha="f" * 40)
    assert runner.calls() == [] and "this run is for fffffff" in _read(out["comment-file"])


def test_reviewed_plan_is_only_for_plan_and_apply(
    runner: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**runner.env, "WA_ACTION_COMMAND": "drift", "WA_ACTION_REVIEWED_PLAN": "true"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.chdir(runner.project.path)
        assert run_command.main(["run"]) == 1
    assert "reviewed-plan is for plan and apply, not drift" in capsys.readouterr().out


def test_a_refused_plan_applies_nothing_and_points_to_a_new_pull_request(runner: Runner) -> None:
    head = _reviewed(runner)
    out = runner.run(
        command="apply",
        target="prod",
        reviewed_plan="true",
        github_sha=head,
        fake_stderr="error: template.x[en_US]: the channel shows it approved\n",
        fake_exit="3",
    )
    assert (out["outcome"], out["failed"]) == ("blocked", "true")
    body = _read(out["comment-file"])
    assert "⛔ refused: nothing applied" in body and "in a new pull request" in body
    assert "the channel shows it approved" in body and "| Result |" not in body
