"""plan, apply, drift and names with templates that do not validate: the diagnostics, one message,
exit 1, and the channel never opened."""

from __future__ import annotations

import json

import pytest

from tests.commands.conftest import Repo
from wa_templates.cli import target as cli_target
from wa_templates.cli.invalid import MESSAGE
from wa_templates.config.project import Project
from wa_templates.plan.model import ChannelBinding
from wa_templates.provider.base import Provider

BROKEN = "name: broken\ncategory: UTILITY\nlanguages: {}\n"
TOO_LONG = (
    "name: too_long\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
    "      text: '" + "x" * 1100 + "'\n"
)


COMMANDS = [
    ("plan",),
    ("apply", "--auto-approve"),
    ("drift",),
    ("names",),
    ("names", "--format", "json"),
]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every list call on the channel, through the providers the commands open."""
    calls: list[str] = []
    real_open = cli_target.open_channel

    def counted_channel(
        project: Project, target: str | None, sandbox: bool
    ) -> tuple[Provider, ChannelBinding]:
        provider, channel = real_open(project, target, sandbox)
        real_list = provider.list_templates

        def listed() -> list[object]:
            calls.append("listed")
            return list(real_list())

        monkeypatch.setattr(provider, "list_templates", listed)
        return provider, channel

    def counted(project: Project, target: str | None, sandbox: bool) -> Provider:
        return counted_channel(project, target, sandbox)[0]

    monkeypatch.setattr("wa_templates.cli.commands.plan.open_channel", counted_channel)
    for module in ("drift", "names"):
        monkeypatch.setattr(f"wa_templates.cli.commands.{module}.open_provider", counted)
    return calls


@pytest.mark.parametrize("command", COMMANDS)
def test_invalid_templates_are_listed_and_nothing_on_the_channel_is_read(
    repo: Repo, opened: list[str], command: tuple[str, ...]
) -> None:
    repo.write("broken", BROKEN)
    repo.write("too_long", TOO_LONG)
    outcome = repo.run(*command, "--sandbox")
    assert outcome.code == 1
    if "json" in command:  # stdout says why, as a document (test_machine_output.py)
        assert json.loads(outcome.out)["error"] == MESSAGE
    else:
        assert outcome.out == ""
    lines = outcome.err.splitlines()
    assert any(line.startswith("templates/broken.yaml:3:") and "WA005" in line for line in lines)
    assert any(line.startswith("templates/too_long.yaml:") and "WA" in line for line in lines)
    assert lines[-1] == f"error: {MESSAGE}"
    assert "planning" not in outcome.err and "Traceback" not in outcome.err
    assert opened == []


@pytest.mark.parametrize("command", COMMANDS)
def test_the_list_counter_sees_the_channel_read_when_templates_are_valid(
    repo: Repo, opened: list[str], command: tuple[str, ...]
) -> None:
    """The control for the test above: its patch reaches each command, so an empty count there
    means nothing was read, not that the patch missed."""
    outcome = repo.run(*command, "--sandbox")
    assert outcome.code in (0, 2), outcome.out + outcome.err  # drift: the template is missing
    assert "listed" in opened
