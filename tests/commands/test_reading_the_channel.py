"""What the channel sends and what this tool gets wrong are told apart, through the CLI.

A template whose content the model cannot hold is "unreadable": plan blocks that name and says
why, everything else goes on. A bug in reading it is a bug: one line, exit 1, nothing applied,
never passed off as a template that "could not be read".
"""

from __future__ import annotations

import pytest

from tests.commands.conftest import Repo
from wa_templates.channel import remote
from wa_templates.channel.remote import ChannelTemplate, parse
from wa_templates.cli import target as cli_target
from wa_templates.config.project import Project
from wa_templates.plan.model import ChannelBinding
from wa_templates.provider.base import Provider

COMMANDS = [("plan",), ("apply", "--auto-approve"), ("drift",), ("names",), ("import",)]


@pytest.mark.parametrize("reader", ["from_list_components", "language_from_components"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bug_reading_the_channel_is_one_line_and_exit_1(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], reader: str
) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    calls: list[object] = []

    def broken(*args: object) -> None:
        calls.append(args)
        raise KeyError("type")

    if reader == "language_from_components":  # the model's turn: the direct reading declines
        monkeypatch.setattr(remote, "from_list_components", lambda *args: None)
    monkeypatch.setattr(remote, reader, broken)
    outcome = repo.run(*command, "--sandbox")
    assert calls, "the patch did not take effect"
    assert outcome.code == 1
    assert outcome.err.startswith("internal error: KeyError: 'type'")
    assert len(outcome.err.splitlines()) == 1
    assert "could not be read" not in outcome.out + outcome.err


def test_an_unreadable_template_blocks_its_name_only_and_says_why(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert repo.run("apply", "--sandbox", "--auto-approve").code == 0
    repo.write("order_update", (repo.root / "templates" / "order_update.yaml").read_text())
    real_open = cli_target.open_channel

    def odd(project: Project, target: str | None, sandbox: bool) -> tuple[Provider, ChannelBinding]:
        provider, channel = real_open(project, target, sandbox)
        real_list = provider.list_templates

        def listed() -> list[ChannelTemplate]:
            # 8x8 documents components as objects with a type; two BODYs fit that schema, but
            # no template the model holds.
            body = {"type": "BODY", "text": "Hello there."}
            odd = [
                {
                    "templateName": "order_update",
                    "language": "en_US",
                    "status": "APPROVED",
                    "category": "UTILITY",
                    "components": [body, body],
                }
            ]
            return [t for t in real_list() if t.name != "order_update"] + [parse(i) for i in odd]

        monkeypatch.setattr(provider, "list_templates", listed)
        return provider, channel

    def odd_channel(project: Project, target: str | None, sandbox: bool) -> Provider:
        return odd(project, target, sandbox)[0]

    monkeypatch.setattr("wa_templates.cli.commands.plan.open_channel", odd)
    monkeypatch.setattr("wa_templates.cli.commands.drift.open_provider", odd_channel)
    plan = repo.run("plan", "--sandbox")
    assert plan.code == 3, plan.out + plan.err
    assert "could not be read (en_US: more than one BODY component (at components[1].type))" in (
        plan.out
    )
    drift = repo.run("drift", "--sandbox")
    assert "could not be read (more than one BODY component (at components[1].type))" in (
        drift.out
    ), drift.out
