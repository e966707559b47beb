"""What the action runs: its inputs, the wa-templates command line they make, which exit codes
fail the job, and the run itself with every line redacted as it passes.

Inputs arrive as WA_ACTION_* environment variables: action.yml never writes an input into a
script, so nothing a pull request controls can become shell code. Standard library only.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import redaction
from github_api import Fetch, GitHub, Transport, urllib_fetch, urllib_transport

COMMANDS = ("validate", "plan", "apply", "drift")
OUTCOMES: dict[str, dict[int, str]] = {
    "validate": {0: "passed", 1: "failed"},
    "plan": {0: "no changes", 2: "changes", 3: "blocked", 1: "error"},
    "apply": {0: "applied", 1: "failed", 3: "blocked", 4: "stale plan"},
    "drift": {0: "no drift", 2: "drift", 1: "error"},
}
MARKER = re.compile(r"^<!-- wa-templates-[a-z]+(?::[^\s<>]+)? -->$")


class ActionError(Exception):
    """A problem with the action's inputs or environment, reported as one ::error line."""


@dataclass(frozen=True, slots=True)
class Inputs:
    command: str
    target: str = ""
    sandbox: bool = False
    args: tuple[str, ...] = ()
    issue: bool = False
    reviewed_plan: bool = False
    comment: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        command = env.get("WA_ACTION_COMMAND", "").strip()
        if command not in COMMANDS:
            raise ActionError(f"command must be one of {', '.join(COMMANDS)}, not {command!r}")
        try:
            args = tuple(shlex.split(env.get("WA_ACTION_ARGS", "")))
        except ValueError as exc:
            raise ActionError(f"args: {exc}") from None
        reviewed = flag("reviewed-plan", env.get("WA_ACTION_REVIEWED_PLAN", "false"))
        if reviewed and command not in ("plan", "apply"):
            raise ActionError(f"reviewed-plan is for plan and apply, not {command}")
        return cls(
            command=command,
            target=env.get("WA_ACTION_TARGET", "").strip(),
            sandbox=flag("sandbox", env.get("WA_ACTION_SANDBOX", "false")),
            args=args,
            issue=flag("issue", env.get("WA_ACTION_ISSUE", "false")),
            reviewed_plan=reviewed,
            comment=flag("comment", env.get("WA_ACTION_COMMENT", "true")),
        )


def flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false", ""):
        return lowered == "true"
    raise ActionError(f"{name} must be true or false, not {value!r}")


def build_argv(inputs: Inputs, program: Sequence[str], plan_file: Path | None = None) -> list[str]:
    """The command line the action runs: the fixed options each command needs in CI first.

    `plan_file`: for plan, where `--out` saves the plan; for apply, the saved plan to apply
    exactly. apply still gets the job's --target/--sandbox: wa-templates takes the target from
    the plan, and a job that names another one is refused instead of applying elsewhere.
    """
    if inputs.sandbox and inputs.target:
        raise ActionError("set either target or sandbox: true, not both")
    argv = [*program, inputs.command]
    if inputs.command == "validate":
        argv += ["--format", "github"]
    elif inputs.command == "plan":
        argv += ["--format", "markdown", "--detailed-exitcode"]
        argv += ["--out", str(plan_file)] if plan_file is not None else []
    elif inputs.command == "apply":
        argv += [str(plan_file)] if plan_file is not None else []
        argv += ["--auto-approve"]  # CI has no terminal to confirm on
    else:
        argv += ["--format", "markdown"]
    if inputs.command != "validate":
        if inputs.sandbox:
            argv.append("--sandbox")
        elif inputs.target:
            argv += ["--target", inputs.target]
    return argv + list(inputs.args)


def ok_codes(inputs: Inputs) -> frozenset[int]:
    """Exit codes that leave the job green: changes are what a pull request is for, and drift
    that an issue now reports need not also fail the scheduled run."""
    if inputs.command == "plan":
        return frozenset({0, 2})
    if inputs.command == "drift" and inputs.issue:
        return frozenset({0, 2})
    return frozenset({0})


def outcome(command: str, code: int) -> str:
    return OUTCOMES[command].get(code, f"error (exit {code})")


def has_marker(text: str) -> bool:
    """Whether output starts with a wa-templates marker, so a comment or issue can find it."""
    first = text.lstrip().split("\n", 1)[0].strip()
    return bool(MARKER.match(first))


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    stdout: str
    stderr: str


def execute(
    argv: Sequence[str], cwd: Path, secrets: Sequence[str], env: Mapping[str, str] | None = None
) -> Result:
    """Run the command, echoing each line to the log as it comes (apply --wait takes minutes)
    and keeping both streams; every line is redacted before it is shown or kept."""
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert process.stdout is not None and process.stderr is not None
    kept: dict[str, list[str]] = {"out": [], "err": []}

    def pump(stream: IO[str], sink: IO[str], key: str) -> None:
        for line in stream:
            clean = redaction.redact(line, secrets)
            kept[key].append(clean)
            sink.write(clean)
            sink.flush()

    err_thread = threading.Thread(target=pump, args=(process.stderr, sys.stderr, "err"))
    err_thread.start()
    pump(process.stdout, sys.stdout, "out")
    err_thread.join()
    return Result(process.wait(), "".join(kept["out"]), "".join(kept["err"]))


@dataclass
class Step:
    """What one use of the action did, for its outputs, the summary and the comment."""

    result: Result | None
    """None: the command did not run (see outcome)."""
    outcome: str
    failed: bool
    argv: list[str] | None = None
    comment: str | None = None
    """The body for the pull request's comment (plan, or a reviewed apply's result)."""
    summary: str | None = None
    """The job summary, when not the default one for the command's output."""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    """One run step: its inputs and environment, and the ways out (the CLI, the GitHub API)."""

    inputs: Inputs
    env: Mapping[str, str]
    cwd: Path
    program: str
    secrets: Sequence[str]
    transport: Transport | None = None
    download: Fetch | None = None

    def run(self, argv: Sequence[str]) -> Result:
        # The CLI gets no GitHub token: it never needs one.
        child = {k: v for k, v in self.env.items() if k != "GITHUB_TOKEN"}
        print(f"::group::wa-templates {shlex.join(argv[1:])}", flush=True)
        result = execute(argv, self.cwd, self.secrets, child)
        print("::endgroup::", flush=True)
        return result

    def github(self) -> GitHub:
        token = self.env.get("GITHUB_TOKEN", "")
        repository = self.env.get("GITHUB_REPOSITORY", "")
        if not token or not repository:
            raise ActionError("GITHUB_TOKEN and GITHUB_REPOSITORY are needed for reviewed-plan")
        api = self.env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        return GitHub(self.transport or urllib_transport(token), api, repository)

    def fetcher(self) -> Fetch:
        return self.download or urllib_fetch(self.env.get("GITHUB_TOKEN", ""))

    def temp_dir(self, prefix: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.env.get("RUNNER_TEMP")))

    def warn(self, message: str) -> None:
        clean = redaction.redact(message, self.secrets)
        print(f"::warning title=wa-templates::{clean}", flush=True)
