"""The CLI's last line of defence: a bug is one line, unless --debug asks for the traceback."""

from __future__ import annotations

import pytest

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
