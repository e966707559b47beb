"""plan, apply, drift and names with templates that do not validate: the diagnostics, one message,
exit 1, and the channel never opened."""

from __future__ import annotations

import json

import pytest

from tests.commands.conftest import Repo, count_channel_use
from wa_templates.cli.invalid import MESSAGE

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
    """Every channel opened and every list call on it, by the commands."""
    return count_channel_use(monkeypatch, "plan", "drift", "names")


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
