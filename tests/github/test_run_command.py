"""The action's install and run steps: what it installs, the command line it builds, which exit
codes fail the job, the step outputs, the job summary, and that no secret gets through."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import command_line
import pytest
import run_command
import summary
from command_line import ActionError, Inputs, Result

from tests.github.conftest import ACTION_DIR, ROOT
from wa_templates.files.diagnostics import Diagnostic, Severity
from wa_templates.render import diagnostics as render_diagnostics

# --- install --------------------------------------------------------------------------------


def test_the_tool_is_installed_from_the_checkout_the_action_lives_in() -> None:
    assert run_command.checkout_root(ACTION_DIR) == ROOT


def test_install_runs_pip_on_that_checkout_only(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []

    def fake_run(argv: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(run_command.subprocess, "run", fake_run)
    # A workflow that still passes the removed `version` input changes nothing.
    env = {"GITHUB_ACTION_PATH": str(ACTION_DIR), "WA_ACTION_VERSION": "0.2.0"}
    assert run_command.install(env) == 0
    (argv,) = ran
    assert argv[:4] == [sys.executable, "-m", "pip", "install"] and argv[-1] == str(ROOT)
    assert not any("==" in a or a.startswith("wa-templates") for a in argv)


def test_no_install_path_names_a_package_on_an_index() -> None:
    # Nobody publishes wa-templates on PyPI: a requirement by name would install whatever
    # someone uploads under it.
    for path in (ACTION_DIR / "action.yml", ACTION_DIR / "run_command.py"):
        text = path.read_text(encoding="utf-8")
        assert "wa-templates==" not in text and "WA_ACTION_VERSION" not in text, path


@pytest.mark.parametrize(
    "pyproject",
    [None, "[project]\nname = 'wa-templates-evil'\n", "not toml [", "project = 3\n"],
    ids=["none", "another-project", "unreadable", "odd-shape"],
)
def test_install_outside_a_wa_templates_checkout_is_refused(
    tmp_path: Path, pyproject: str | None
) -> None:
    action = tmp_path / "a" / "b" / "c"
    action.mkdir(parents=True)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    with pytest.raises(ActionError, match="not a wa-templates checkout"):
        run_command.checkout_root(action)


def test_install_without_the_action_path_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("GITHUB_ACTION_PATH", raising=False)
        assert run_command.main(["install"]) == 1
    assert "::error title=wa-templates action::GITHUB_ACTION_PATH" in capsys.readouterr().out


# --- command line ---------------------------------------------------------------------------


def _inputs(**env: str) -> Inputs:
    return Inputs.from_env({f"WA_ACTION_{k.upper()}": v for k, v in env.items()})


@pytest.mark.parametrize(
    ("env", "argv"),
    [
        ({"command": "validate"}, ["validate", "--format", "github"]),
        (
            {"command": "validate", "sandbox": "true", "args": "templates/a.yaml"},
            ["validate", "--format", "github", "templates/a.yaml"],
        ),
        (
            {"command": "plan", "target": "prod"},
            ["plan", "--format", "markdown", "--detailed-exitcode", "--target", "prod"],
        ),
        (
            {"command": "apply", "sandbox": "TRUE", "args": "--wait --timeout 1m"},
            ["apply", "--auto-approve", "--sandbox", "--wait", "--timeout", "1m"],
        ),
        (
            {"command": "drift", "args": "--fail-on 'error,unmanaged'"},
            ["drift", "--format", "markdown", "--fail-on", "error,unmanaged"],
        ),
    ],
)
def test_the_command_line_each_command_runs(env: dict[str, str], argv: list[str]) -> None:
    assert command_line.build_argv(_inputs(**env), ["wa"]) == ["wa", *argv]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"command": "destroy"}, "command must be one of"),
        ({"command": ""}, "command must be one of"),
        ({"command": "plan", "sandbox": "yes"}, "sandbox must be true or false"),
        ({"command": "drift", "issue": "1"}, "issue must be true or false"),
        ({"command": "plan", "args": "--target 'prod"}, "args: No closing quotation"),
    ],
)
def test_bad_inputs_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ActionError, match=message):
        _inputs(**env)


def test_target_and_sandbox_together_are_refused() -> None:
    with pytest.raises(ActionError, match="not both"):
        command_line.build_argv(_inputs(command="plan", target="prod", sandbox="true"), ["wa"])


def test_args_are_never_expanded_by_a_shell() -> None:
    argv = command_line.build_argv(_inputs(command="plan", args="$(touch x) `id` *"), ["wa"])
    assert argv[-4:] == ["$(touch", "x)", "`id`", "*"]


@pytest.mark.parametrize(
    ("command", "issue", "green", "red"),
    [
        ("validate", "false", {0}, {1, 64}),
        ("plan", "false", {0, 2}, {1, 3, 64}),
        ("apply", "false", {0}, {1, 3, 4}),
        ("drift", "false", {0}, {1, 2}),
        ("drift", "true", {0, 2}, {1}),
    ],
)
def test_which_exit_codes_fail_the_job(
    command: str, issue: str, green: set[int], red: set[int]
) -> None:
    codes = command_line.ok_codes(_inputs(command=command, issue=issue))
    assert green <= codes and not (red & codes)


def test_outcome_words() -> None:
    assert command_line.outcome("plan", 3) == "blocked"
    assert command_line.outcome("apply", 4) == "stale plan"
    assert command_line.outcome("drift", 64) == "error (exit 64)"


# --- summary --------------------------------------------------------------------------------


def test_annotations_read_back_what_validate_wrote() -> None:
    diagnostics = [
        Diagnostic(
            "templates/a,b:c.yaml", 3, 7, "WA201", Severity.ERROR, "body: 100% too long,\nsee: docs"
        ),
        Diagnostic("templates/x.yaml", 1, 1, "WA305", Severity.WARNING, "hint | pipe <b>"),
    ]
    parsed = summary.parse_annotations(render_diagnostics.github(diagnostics))
    where = [(a.kind, a.properties["file"], a.properties["line"]) for a in parsed]
    assert [a.properties["title"] for a in parsed] == ["WA201", "WA305"]
    assert where == [
        ("error", "templates/a,b:c.yaml", "3"),
        ("warning", "templates/x.yaml", "1"),
    ]
    assert parsed[0].message == "body: 100% too long,\nsee: docs"


def test_validate_summary_is_a_safe_table() -> None:
    out = (
        "::warning file=t/x.yaml,line=2,col=1,title=WA305::a | b <script>\n"
        "::notice title=wa-templates::3 more errors not annotated\n"
    )
    text = summary.validate_summary(Result(1, out, ""))
    assert text.startswith("### wa-templates validate: failed")
    assert "| ⚠️ | t/x.yaml | 2 | WA305 | a &#124; b &lt;script&gt; |" in text
    assert "3 more errors not annotated" in text


def test_validate_summary_when_clean_and_when_validate_could_not_run() -> None:
    assert "No problems found." in summary.validate_summary(Result(0, "", ""))
    broken = summary.validate_summary(Result(1, "", "error: cannot read wa-templates.toml"))
    assert "cannot read wa-templates.toml" in broken and "```" in broken


def test_markdown_reports_are_the_summary_as_is() -> None:
    body = "<!-- wa-templates-plan:prod -->\n### plan\n\nrows\n"
    inputs = _inputs(command="plan", target="prod")
    assert summary.summary(inputs, ["wa", "plan"], Result(2, body, "")) == body


def test_text_output_is_fenced_so_it_cannot_break_out() -> None:
    inputs = _inputs(command="apply", sandbox="true")
    text = summary.summary(inputs, ["wa", "apply"], Result(1, "a ```` b\n", "boom\n"))
    assert text.startswith("### wa-templates apply (sandbox): failed")
    assert "`````text\n$ wa-templates apply\na ```` b\nboom\n`````" in text


def test_a_plan_that_failed_before_printing_markdown_shows_its_error() -> None:
    inputs = _inputs(command="plan", target="prod")
    text = summary.summary(inputs, ["wa", "plan"], Result(1, "", "error: WA_KEY is not set"))
    assert "plan (prod): error" in text and "WA_KEY is not set" in text


def test_a_huge_summary_is_cut_to_what_github_takes() -> None:
    inputs = _inputs(command="apply")
    text = summary.summary(inputs, ["wa", "apply"], Result(0, "é" * 600_000, ""))
    assert len(text.encode()) < 1024 * 1024
    assert text.endswith("the full output is in the step's log.\n")


def test_markers() -> None:
    assert command_line.has_marker("\n<!-- wa-templates-plan:sandbox__.x/y.json_ -->\n###")
    assert command_line.has_marker("<!-- wa-templates-drift -->")
    assert not command_line.has_marker("### plan\n<!-- wa-templates-plan:prod -->")
    assert not command_line.has_marker("<!-- wa-templates-plan:a b -->")


# --- the run step ---------------------------------------------------------------------------


def _fake_cli(folder: Path, script: str) -> None:
    program = folder / "wa-templates"
    program.write_text(f"#!{sys.executable}\n" + textwrap.dedent(script), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "wa-templates.toml").write_text(
        '[targets.prod]\naccount_id = "x"\nchannel_id = "c"\napi_key_env = "ACME_KEY"\n',
        encoding="utf-8",
    )
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "RUNNER_TEMP": str(tmp_path),
        "ACME_KEY": "acme-secret-key-value-123",
        "bin": str(bin_dir),
        "project": str(project),
    }


def _outputs(path: str) -> dict[str, str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_run_records_outputs_summary_and_redacts_keys(
    runner: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_cli(
        Path(runner["bin"]),
        """
        import os, sys
        key = os.environ["ACME_KEY"]
        print("<!-- wa-templates-plan:prod -->")
        print("### plan for prod, key " + key)
        print("leaked " + key, file=sys.stderr)
        sys.exit(2)
        """,
    )
    env = {**runner, "WA_ACTION_COMMAND": "plan", "WA_ACTION_TARGET": "prod"}
    assert run_command.run(env, Path(runner["project"])) == 0
    outputs = _outputs(runner["GITHUB_OUTPUT"])
    assert outputs["exit-code"] == "2" and outputs["outcome"] == "changes"
    assert outputs["failed"] == "false" and outputs["has-marker"] == "true"
    saved = Path(outputs["output-file"]).read_text(encoding="utf-8")
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    logged = capsys.readouterr()
    assert saved.startswith("<!-- wa-templates-plan:prod -->\n### plan for prod, key ***")
    assert summary.startswith(saved.rstrip())
    for text in (saved, summary, logged.out, logged.err):
        assert runner["ACME_KEY"] not in text
    assert "leaked ***" in logged.err
    assert "::group::wa-templates plan --format markdown --detailed-exitcode --target prod" in (
        logged.out
    )


def test_run_marks_a_blocked_plan_failed_but_still_succeeds_itself(runner: dict[str, str]) -> None:
    _fake_cli(Path(runner["bin"]), "import sys\nprint('<!-- wa-templates-plan -->')\nsys.exit(3)\n")
    env = {**runner, "WA_ACTION_COMMAND": "plan", "WA_ACTION_SANDBOX": "true"}
    # The step exits 0 so that the comment step still posts why; `failed` fails the job after.
    assert run_command.run(env, Path(runner["project"])) == 0
    outputs = _outputs(runner["GITHUB_OUTPUT"])
    assert (outputs["exit-code"], outputs["outcome"], outputs["failed"]) == ("3", "blocked", "true")


def test_run_without_the_cli_installed(
    runner: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", runner["bin"])  # empty: no wa-templates anywhere
    monkeypatch.setenv("GITHUB_OUTPUT", runner["GITHUB_OUTPUT"])
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", runner["GITHUB_STEP_SUMMARY"])
    monkeypatch.setenv("WA_ACTION_COMMAND", "validate")
    monkeypatch.chdir(runner["project"])
    assert run_command.main(["run"]) == 1
    assert "wa-templates is not on PATH" in capsys.readouterr().out


def test_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command.main(["frobnicate"]) == 64
    assert "usage:" in capsys.readouterr().err
