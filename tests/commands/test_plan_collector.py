"""plan pauses the cyclic collector once, for the whole command, and brings it back."""

from __future__ import annotations

import gc

import pytest

from tests.commands.conftest import Repo
from wa_templates.cli.commands import plan as plan_command
from wa_templates.plan.model import Plan


def test_the_collector_is_paused_from_the_check_to_the_output(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real_render = plan_command.render

    def render(plan: Plan, fmt: str) -> str:
        seen.append(gc.isenabled())
        return real_render(plan, fmt)

    monkeypatch.setattr(plan_command, "render", render)
    outcome = repo.run("plan", "--sandbox")
    assert outcome.code == 0, outcome.err
    assert seen == [False]  # the patch took effect, and rendering ran with the collector off
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_files_have_errors(repo: Repo) -> None:
    repo.write("broken", "name: broken\ncategory: UTILITY\nlanguages: {}\n")
    assert repo.run("plan", "--sandbox").code == 1
    assert gc.isenabled()
