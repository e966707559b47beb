"""The sandbox workflow's jobs, run here as GitHub runs them: each job's uses of the composite
action, in order, through the action's run step and the installed `wa-templates` console script,
in a fresh copy of templates/ (a fresh sandbox, as each CI job has), then the comment and the
drift issue those outputs produce, against an in-memory GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sticky

from tests.github.conftest import (
    ACTION_DIR,
    ACTION_FILE,
    SANDBOX_WORKFLOW,
    load_yaml,
)
from tests.github.test_sticky import API, REPO, FakeGitHub
from tests.helpers import console_script


def _job_steps(job: str) -> list[dict[str, Any]]:
    """The `with:` of each use of the action in a job, completed with the action's defaults."""
    defaults = {k: v.get("default", "") for k, v in load_yaml(ACTION_FILE)["inputs"].items()}
    steps = load_yaml(SANDBOX_WORKFLOW)["jobs"][job]["steps"]
    return [
        {**defaults, **s["with"]}
        for s in steps
        if str(s.get("uses", "")).startswith("./.github/actions/wa-templates")
    ]


def _as_input(value: Any) -> str:
    # GitHub hands every input to the action as a string; YAML true becomes "true".
    return str(value).lower() if isinstance(value, bool) else str(value)


def run_step(given: dict[str, Any], project: Path, tmp: Path) -> dict[str, str]:
    """The action's run step for one use of the action; its step outputs."""
    outputs = tmp / f"output-{len(list(tmp.glob('output-*')))}"
    env = {
        **os.environ,
        "PATH": f"{Path(console_script()).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "RUNNER_TEMP": str(tmp),
        "NO_COLOR": "1",
        "WA_ACTION_COMMAND": _as_input(given["command"]),
        "WA_ACTION_TARGET": _as_input(given["target"]),
        "WA_ACTION_SANDBOX": _as_input(given["sandbox"]),
        "WA_ACTION_ARGS": _as_input(given["args"]),
        "WA_ACTION_ISSUE": _as_input(given["issue"]),
    }
    done = subprocess.run(
        [sys.executable, str(ACTION_DIR / "run_command.py"), "run"],
        cwd=project / _as_input(given["working-directory"]),
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    result = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    result["log"] = done.stdout
    return result


def _ran(outputs: dict[str, str]) -> str:
    """The command line the step ran, from the log group it opens."""
    first = outputs["log"].splitlines()[0]
    assert first.startswith("::group::wa-templates ")
    return first.removeprefix("::group::wa-templates ")


def _github_env(tmp: Path, event: dict[str, Any]) -> dict[str, str]:
    path = tmp / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return {
        "GITHUB_TOKEN": "ghs_test_token_0123456789",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": API,
        "GITHUB_EVENT_PATH": str(path),
    }


def test_pull_request_job(templates_copy: Path, tmp_path: Path) -> None:
    validate, plan = _job_steps("pull-request")
    checked = run_step(validate, templates_copy, tmp_path)
    assert _ran(checked) == "validate --format github"
    assert (checked["exit-code"], checked["failed"]) == ("0", "false")
    assert "::error" not in checked["log"]

    planned = run_step(plan, templates_copy, tmp_path)
    assert _ran(planned) == "plan --format markdown --detailed-exitcode --sandbox"
    # A fresh sandbox has none of the templates: changes, which a pull request is for.
    assert planned["exit-code"] == "2" and planned["outcome"] == "changes"
    assert planned["failed"] == "false" and planned["has-marker"] == "true"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### wa-templates validate: passed" in summary
    assert "<!-- wa-templates-plan:sandbox" in summary and "to create" in summary

    # The comment step, twice (two pushes to the PR): one comment, updated in place.
    fake = FakeGitHub()
    env = _github_env(tmp_path, {"pull_request": {"number": 3}})
    assert sticky.main(["comment", planned["output-file"]], env, fake) == 0
    again = run_step(plan, templates_copy, tmp_path)
    assert sticky.main(["comment", again["output-file"]], env, fake) == 0
    (comment,) = fake.comments[3]
    assert comment["body"].startswith("<!-- wa-templates-plan:sandbox")


def test_apply_job(templates_copy: Path, tmp_path: Path) -> None:
    (apply,) = _job_steps("apply")
    applied = run_step(apply, templates_copy, tmp_path)
    assert _ran(applied).startswith("apply --auto-approve --sandbox --wait --timeout ")
    assert applied["exit-code"] == "0" and applied["outcome"] == "applied"
    assert applied["failed"] == "false"
    assert "Waiting for Meta's review" in applied["log"] and "REJECTED" not in applied["log"]
    # Applied for real: a second apply has nothing to do, and the plan shows no changes.
    plan = {**apply, "command": "plan", "args": ""}
    assert run_step(plan, templates_copy, tmp_path)["exit-code"] == "0"


def test_drift_job_and_its_issue(templates_copy: Path, tmp_path: Path) -> None:
    seed, drift = _job_steps("drift")
    assert run_step(seed, templates_copy, tmp_path)["exit-code"] == "0"
    clean = run_step(drift, templates_copy, tmp_path)
    assert _ran(clean) == "drift --format markdown --sandbox"
    assert (clean["exit-code"], clean["outcome"], clean["has-marker"]) == ("0", "no drift", "true")

    # Someone edits a template after it was applied: the channel no longer matches.
    edited = templates_copy / "templates" / "orders" / "order_shipped.yaml"
    original = edited.read_text(encoding="utf-8")
    edited.write_text(
        original.replace("Use the button below to follow it.", "Tap below to follow it."),
        encoding="utf-8",
    )
    drifted = run_step(drift, templates_copy, tmp_path)
    # With issue: true the issue is the alert; the scheduled job stays green.
    assert (drifted["exit-code"], drifted["outcome"], drifted["failed"]) == ("2", "drift", "false")

    fake = FakeGitHub()
    env = _github_env(tmp_path, {})
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(templates_copy)
        code = drifted["exit-code"]
        assert sticky.main(["issue", drifted["output-file"], code], env, fake) == 0
        assert sticky.main(["issue", drifted["output-file"], code], env, fake) == 0
        (issue,) = fake.issues
        assert issue["state"] == "open" and "order" in issue["body"]
        assert issue["title"].startswith("wa-templates drift for sandbox")

        edited.write_text(original, encoding="utf-8")
        fixed = run_step(drift, templates_copy, tmp_path)
        assert fixed["exit-code"] == "0"
        assert sticky.main(["issue", fixed["output-file"], "0"], env, fake) == 0
    assert fake.issues[0]["state"] == "closed" and len(fake.issues) == 1
