"""A small stand-in for the Actions runner: the sandbox workflow's jobs and the composite
action's own steps run as GitHub runs them, locally.

Each `run:` step of action.yml is run by bash with the `env:` it declares, its `${{ }}`
expressions and `if:` conditions evaluated here (only the forms the action uses: anything else
fails the test rather than being guessed at). The steps that use other actions are stood in
for: setup-python and the install step by the venv this test runs in (its `python` and
`wa-templates` first on PATH), actions/checkout by the git checkout the test prepared, and
actions/upload-artifact by an upload to the fake GitHub, which apply's step downloads from over
real HTTP.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.github.conftest import ACTION_DIR, ACTION_FILE, load_yaml
from tests.github.fake_github import REPO, FakeGitHub
from tests.helpers import console_script

TOKEN = "ghs_runnerToken0123456789abcdef"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARISON = re.compile(r"^(\S+)\s*(==|!=)\s*(\S+)$")


def as_input(value: Any) -> str:
    # GitHub hands every input to an action as a string; YAML true becomes "true".
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass
class ActionRun:
    outputs: dict[str, str]
    failed: bool
    log: str


@dataclass
class Runner:
    """One job on one runner: its checkout, temp folder, event, and the GitHub it talks to."""

    checkout: Path
    temp: Path
    github: FakeGitHub
    event_name: str
    event: dict[str, Any]
    sha: str
    run_id: int = 100
    runs: list[ActionRun] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.temp.mkdir(parents=True, exist_ok=True)
        (self.temp / "event.json").write_text(json.dumps(self.event), encoding="utf-8")

    @property
    def summary(self) -> str:
        path = self.temp / "summary.md"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @property
    def head_sha(self) -> str:
        """The workflow run's head_sha, which its artifacts carry: the PR head for a PR."""
        pull = self.event.get("pull_request") or {}
        return str((pull.get("head") or {}).get("sha") or self.sha)

    def _env(self) -> dict[str, str]:
        tools = Path(console_script()).parent
        return {
            **os.environ,
            "PATH": os.pathsep.join(
                [str(tools), str(Path(sys.executable).parent), os.environ["PATH"]]
            ),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_ACTION_PATH": str(ACTION_DIR),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": self.github.api,
            "GITHUB_SERVER_URL": "https://github.test",
            "GITHUB_RUN_ID": str(self.run_id),
            "GITHUB_SHA": self.sha,
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(self.temp / "event.json"),
            "GITHUB_STEP_SUMMARY": str(self.temp / "summary.md"),
        }

    # --- expressions ----------------------------------------------------------------------

    @staticmethod
    def _term(term: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
        if term.startswith("'") and term.endswith("'"):
            return term[1:-1]
        if term.startswith("inputs."):
            return inputs[term.removeprefix("inputs.")]
        if term.startswith("steps.run.outputs."):
            return outputs.get(term.removeprefix("steps.run.outputs."), "")
        if term == "github.token":
            return TOKEN
        raise AssertionError(f"expression the stand-in runner does not know: {term}")

    def _resolve(self, value: Any, inputs: dict[str, str], outputs: dict[str, str]) -> str:
        return _EXPRESSION.sub(lambda m: self._term(m.group(1), inputs, outputs), as_input(value))

    def _condition(self, text: str, inputs: dict[str, str], outputs: dict[str, str]) -> bool:
        verdict = True
        for part in " ".join(text.split()).split("&&"):
            match = _COMPARISON.match(part.strip())
            assert match, f"condition the stand-in runner does not know: {part}"
            left, op, right = match.groups()
            same = self._term(left, inputs, outputs) == self._term(right, inputs, outputs)
            verdict = verdict and (same if op == "==" else not same)
        return verdict

    # --- the action -----------------------------------------------------------------------

    def action(self, given: dict[str, Any]) -> ActionRun:
        """One use of the composite action, step by step."""
        action = load_yaml(ACTION_FILE)
        inputs = {k: as_input(v.get("default", "")) for k, v in action["inputs"].items()}
        assert set(given) <= set(inputs), set(given) - set(inputs)
        inputs.update({k: as_input(v) for k, v in given.items()})
        inputs = {k: self._resolve(v, {}, {}) for k, v in inputs.items()}
        outputs: dict[str, str] = {}
        log: list[str] = []
        failed = False
        for index, step in enumerate(action["runs"]["steps"]):
            if "if" in step and not self._condition(step["if"], inputs, outputs):
                continue
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/setup-python@"):
                continue  # this interpreter stands in for it
            if step.get("name") == "Install wa-templates":
                assert 'run_command.py" install' in step["run"]
                continue  # installed already: the venv the tests run in
            if uses.startswith("actions/upload-artifact@"):
                self._upload(
                    {k: self._resolve(v, inputs, outputs) for k, v in step["with"].items()}
                )
                continue
            assert not uses, f"a step the stand-in runner does not know: {uses}"
            env = {
                **self._env(),
                **{k: self._resolve(v, inputs, outputs) for k, v in step.get("env", {}).items()},
            }
            output_file = self.temp / f"output-{len(self.runs)}-{index}"
            env["GITHUB_OUTPUT"] = str(output_file)
            folder = self.checkout / self._resolve(
                step.get("working-directory", "."), inputs, outputs
            )
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            log.append(done.stdout + done.stderr)
            assert "Traceback" not in done.stderr, done.stderr
            if step.get("id") == "run":
                lines = output_file.read_text(encoding="utf-8").splitlines()
                outputs = dict(line.split("=", 1) for line in lines)
            if done.returncode != 0:
                failed = True
                break
        run = ActionRun(outputs, failed, "".join(log))
        self.runs.append(run)
        return run

    def _upload(self, given: dict[str, str]) -> None:
        folder = Path(given["path"])
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        assert files or given.get("if-no-files-found") != "error"
        self.github.upload(given["name"], files, self.head_sha, run_id=self.run_id)

    # --- a job ----------------------------------------------------------------------------

    def job(self, steps: list[dict[str, Any]]) -> bool:
        """A workflow job's steps; whether the job failed."""
        failed = False
        for step in steps:
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/checkout@"):
                continue  # the test prepared the checkout
            assert uses.startswith("./.github/actions/wa-templates"), uses
            condition = step.get("if")
            assert condition in (None, "${{ !cancelled() }}"), condition
            if failed and condition is None:
                continue  # a failed step skips the rest, as on GitHub
            failed = self.action(step.get("with", {})).failed or failed
        return failed
