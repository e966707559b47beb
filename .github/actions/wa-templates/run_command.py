"""The composite action's install and run steps.

    python run_command.py install   # pip install the wa-templates checkout this action is in
    python run_command.py run       # run the command, then step outputs and the job summary

The run step itself always exits 0 once the command has run, so that the comment and issue
steps still see a blocked plan or a drift; the action's last step fails the job when `failed` is
true.

Standard library only (it runs before wa-templates is installed, and on any runner Python).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import apply_step
import plan_step
import redaction
from command_line import (
    ActionError,
    Context,
    Inputs,
    Step,
    build_argv,
    has_marker,
    ok_codes,
    outcome,
)
from github_api import Fetch, Transport
from summary import clip, summary

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


def append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def plain(ctx: Context) -> Step:
    argv = build_argv(ctx.inputs, [ctx.program])
    result = ctx.run(argv)
    failed = result.code not in ok_codes(ctx.inputs)
    return Step(result, outcome(ctx.inputs.command, result.code), failed, argv)


def _file(ctx: Context, kind: str, text: str) -> str:
    fd, name = tempfile.mkstemp(
        prefix=f"wa-templates-{ctx.inputs.command}-{kind}-",
        suffix=".md",
        dir=ctx.env.get("RUNNER_TEMP"),
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return name


def run(
    env: Mapping[str, str],
    cwd: Path,
    transport: Transport | None = None,
    download: Fetch | None = None,
) -> int:
    inputs = Inputs.from_env(env)
    program = shutil.which("wa-templates", path=env.get("PATH"))
    if program is None:
        raise ActionError("wa-templates is not on PATH: did the install step run?")
    secrets = redaction.secret_values(env, cwd, env.get("WA_ACTION_REDACT_ENV", "").split())
    ctx = Context(inputs, env, cwd, program, secrets, transport, download)
    if inputs.command == "plan":
        step = plan_step.run(ctx)
    elif inputs.command == "apply" and inputs.reviewed_plan:
        step = apply_step.run(ctx)
    else:
        step = plain(ctx)
    stdout = step.result.stdout if step.result is not None else ""
    outputs = {
        "exit-code": str(step.result.code) if step.result is not None else "",
        "outcome": step.outcome,
        "failed": "true" if step.failed else "false",
        "has-marker": "true" if has_marker(stdout) else "false",
        "output-file": _file(ctx, "output", stdout),
        "comment-file": _file(ctx, "comment", step.comment) if step.comment else "",
        **step.outputs,
    }
    append(env.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))
    if step.summary is not None:
        text = clip(step.summary)
    else:
        assert step.result is not None and step.argv is not None
        text = summary(inputs, step.argv, step.result)
    append(env.get("GITHUB_STEP_SUMMARY"), text)
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
