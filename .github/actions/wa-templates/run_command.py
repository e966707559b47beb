"""The composite action's install and run steps.

    python run_command.py install   # pip install the wa-templates checkout this action is in
    python run_command.py run       # run the command, then step outputs and the job summary

Inputs arrive as WA_ACTION_* environment variables: action.yml never writes an input into a
script, so nothing a pull request controls can become shell code. The run step itself always
exits 0 once the command has run, so that the comment and issue steps still see a blocked plan or
a drift; the action's last step fails the job when `failed` is true.

Standard library only (it runs before wa-templates is installed, and on any runner Python).
"""

from __future__ import annotations

import html
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import redaction

COMMANDS = ("validate", "plan", "apply", "drift")
OUTCOMES: dict[str, dict[int, str]] = {
    "validate": {0: "passed", 1: "failed"},
    "plan": {0: "no changes", 2: "changes", 3: "blocked", 1: "error"},
    "apply": {0: "applied", 1: "failed", 3: "blocked", 4: "stale plan"},
    "drift": {0: "no drift", 2: "drift", 1: "error"},
}
MARKER = re.compile(r"^<!-- wa-templates-[a-z]+(?::[^\s<>]+)? -->$")
SUMMARY_LIMIT = 900_000
"""GitHub takes at most 1 MiB of summary per step; this leaves room for the truncation note."""
_ANNOTATION = re.compile(r"^::(error|warning|notice) ?([^:]*)::(.*)$")


class ActionError(Exception):
    """A problem with the action's inputs or environment, reported as one ::error line."""


# --- install --------------------------------------------------------------------------------


def checkout_root(action_path: Path) -> Path:
    """The wa-templates checkout this action lives in: what the workflow's `uses: ...@REF`
    fetched, so that pinning the action pins the tool too. Never a name looked up on a package
    index: nobody publishes wa-templates there, so anyone could."""
    root = (action_path / ".." / ".." / "..").resolve()
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        project = {}
    table = project.get("project")
    name = table.get("name") if isinstance(table, dict) else None
    if name != "wa-templates":
        raise ActionError(
            f"{root} is not a wa-templates checkout (no pyproject.toml naming wa-templates): "
            "use the action from its repository, e.g. OWNER/wa-templates/.github/actions/"
            "wa-templates@<commit>"
        )
    return root


def install(env: Mapping[str, str]) -> int:
    action_path = env.get("GITHUB_ACTION_PATH")
    if not action_path:
        raise ActionError("GITHUB_ACTION_PATH is not set: run this as the composite action's step")
    root = checkout_root(Path(action_path))
    print(f"Installing wa-templates from {root}", flush=True)
    pip = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    return subprocess.run([*pip, str(root)], check=False).returncode


# --- run ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inputs:
    command: str
    target: str = ""
    sandbox: bool = False
    args: tuple[str, ...] = ()
    issue: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        command = env.get("WA_ACTION_COMMAND", "").strip()
        if command not in COMMANDS:
            raise ActionError(f"command must be one of {', '.join(COMMANDS)}, not {command!r}")
        try:
            args = tuple(shlex.split(env.get("WA_ACTION_ARGS", "")))
        except ValueError as exc:
            raise ActionError(f"args: {exc}") from None
        return cls(
            command=command,
            target=env.get("WA_ACTION_TARGET", "").strip(),
            sandbox=flag("sandbox", env.get("WA_ACTION_SANDBOX", "false")),
            args=args,
            issue=flag("issue", env.get("WA_ACTION_ISSUE", "false")),
        )


def flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false", ""):
        return lowered == "true"
    raise ActionError(f"{name} must be true or false, not {value!r}")


def build_argv(inputs: Inputs, program: Sequence[str]) -> list[str]:
    """The command line the action runs: the fixed options each command needs in CI first."""
    if inputs.sandbox and inputs.target:
        raise ActionError("set either target or sandbox: true, not both")
    argv = [*program, inputs.command]
    if inputs.command == "validate":
        argv += ["--format", "github"]
    elif inputs.command == "plan":
        argv += ["--format", "markdown", "--detailed-exitcode"]
    elif inputs.command == "apply":
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


# --- summary --------------------------------------------------------------------------------


def fence(content: str) -> str:
    """A fenced block its content cannot close."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{content.rstrip()}\n{ticks}"


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str
    properties: dict[str, str]
    message: str


def _unescape(value: str, prop: bool) -> str:
    # The inverse of GitHub's workflow-command escaping; %25 last so '%250A' stays '%0A'.
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_annotations(stdout: str) -> list[Annotation]:
    found = []
    for line in stdout.splitlines():
        match = _ANNOTATION.match(line)
        if not match:
            continue
        properties = {}
        for part in match.group(2).split(","):
            key, sep, value = part.partition("=")
            if sep:
                properties[key.strip()] = _unescape(value, prop=True)
        found.append(Annotation(match.group(1), properties, _unescape(match.group(3), False)))
    return found


def _cell(value: str) -> str:
    return html.escape(value).replace("|", "&#124;").replace("\r", "").replace("\n", "<br>")


def validate_summary(result: Result) -> str:
    lines = [f"### wa-templates validate: {outcome('validate', result.code)}", ""]
    annotations = parse_annotations(result.stdout)
    rows = [a for a in annotations if a.kind != "notice"]
    if rows:
        lines += ["| | File | Line | Rule | Message |", "| --- | --- | --- | --- | --- |"]
        for a in rows:
            icon = "❌" if a.kind == "error" else "⚠️"
            where = a.properties.get("file", "")
            lines.append(
                f"| {icon} | {_cell(where)} | {_cell(a.properties.get('line', ''))} "
                f"| {_cell(a.properties.get('title', ''))} | {_cell(a.message)} |"
            )
        lines.append("")
    elif result.code == 0:
        lines += ["No problems found.", ""]
    lines += [_cell(a.message) for a in annotations if a.kind == "notice"]
    if result.code not in (0, 1) or (result.code == 1 and not rows):
        lines += ["", fence(result.stderr or result.stdout)]
    return "\n".join(lines).rstrip() + "\n"


def summary(inputs: Inputs, argv: Sequence[str], result: Result) -> str:
    """The job summary: the markdown report as the PR or issue shows it, else the text output."""
    if inputs.command == "validate":
        text = validate_summary(result)
    elif inputs.command in ("plan", "drift") and has_marker(result.stdout):
        text = result.stdout.rstrip() + "\n"
        if result.stderr.strip():
            text += "\n" + fence(result.stderr) + "\n"
    else:
        where = " (sandbox)" if inputs.sandbox else f" ({inputs.target})" if inputs.target else ""
        verdict = outcome(inputs.command, result.code)
        heading = f"### wa-templates {inputs.command}{where}: {verdict}"
        shown = [f"$ wa-templates {shlex.join(argv[1:])}", result.stdout, result.stderr]
        output = "\n".join(part.rstrip("\n") for part in shown if part.strip())
        text = f"{heading}\n\n{fence(output)}\n"
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        cut = text.encode("utf-8")[:SUMMARY_LIMIT].decode("utf-8", errors="ignore")
        text = cut + "\n\n…truncated: the full output is in the step's log.\n"
    return text


# --- outputs --------------------------------------------------------------------------------


def append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def run(env: Mapping[str, str], cwd: Path) -> int:
    inputs = Inputs.from_env(env)
    program = shutil.which("wa-templates", path=env.get("PATH"))
    if program is None:
        raise ActionError("wa-templates is not on PATH: did the install step run?")
    argv = build_argv(inputs, [program])
    secrets = redaction.secret_values(env, cwd, env.get("WA_ACTION_REDACT_ENV", "").split())
    print(f"::group::wa-templates {shlex.join(argv[1:])}", flush=True)
    result = execute(argv, cwd, secrets, env)
    print("::endgroup::", flush=True)
    fd, name = tempfile.mkstemp(
        prefix=f"wa-templates-{inputs.command}-", suffix=".md", dir=env.get("RUNNER_TEMP")
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(result.stdout)
    failed = result.code not in ok_codes(inputs)
    append(
        env.get("GITHUB_OUTPUT"),
        f"exit-code={result.code}\n"
        f"outcome={outcome(inputs.command, result.code)}\n"
        f"failed={'true' if failed else 'false'}\n"
        f"has-marker={'true' if has_marker(result.stdout) else 'false'}\n"
        f"output-file={name}\n",
    )
    append(env.get("GITHUB_STEP_SUMMARY"), summary(inputs, argv, result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args == ["install"]:
            return install(os.environ)
        if args == ["run"]:
            return run(os.environ, Path.cwd())
    except ActionError as exc:
        print(f"::error title=wa-templates action::{exc}", flush=True)
        return 1
    print("usage: run_command.py install|run", file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
