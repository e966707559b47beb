"""The CLI's last line of defence: a bug is one line, unless --debug asks for the traceback."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.helpers import console_script
from wa_templates.cli import main as cli_main


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    import wa_templates.cli.commands.rules as rules

    monkeypatch.setattr(rules, "all_rules", broken)
    assert cli_main.main(["rules"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "internal error: RuntimeError: boom "
        "(rerun as `wa-templates --debug COMMAND ...` for the traceback)"
    )
    with pytest.raises(RuntimeError, match="boom"):
        cli_main.main(["--debug", "rules"])


def test_debug_after_the_command_name_is_not_the_group_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import wa_templates.cli.commands.rules as rules

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(rules, "all_rules", broken)
    # `rules --debug` is a usage error of the command, not a request for a traceback.
    assert cli_main.main(["rules", "--debug"]) == 64


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("plna", "Did you mean 'plan'?"), ("valdiate", "Did you mean 'validate'?"), ("xyz", "")],
)
def test_a_mistyped_command_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], typed: str, hint: str
) -> None:
    assert cli_main.main([typed]) == cli_main.EXIT_USAGE
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == f"Error: No such command '{typed}'.{' ' + hint if hint else ''}"


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _wa_templates_completion wa-templates"),
        ("zsh", "#compdef wa-templates"),
        ("fish", "complete --no-files --command wa-templates"),
    ],
)
def test_shell_completion_scripts_as_the_readme_documents(shell: str, marker: str) -> None:
    done = subprocess.run(
        [console_script()],
        env=dict(os.environ, _WA_TEMPLATES_COMPLETE=f"{shell}_source"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and marker in done.stdout, done.stdout + done.stderr


def test_bash_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        done = subprocess.run(
            [console_script()],
            env=dict(
                os.environ,
                _WA_TEMPLATES_COMPLETE="bash_complete",
                COMP_WORDS=words,
                COMP_CWORD=str(len(words.split()) - 1),
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.split()

    assert complete("wa-templates pl") == ["plain,plan"]
    assert "plain,--format" in complete("wa-templates plan --f")
