"""plan on a tree that worker processes check: the channel is listed meanwhile, read-only, and
set aside (with any error it met) when the files have errors."""

from __future__ import annotations

import json

import pytest

from tests.commands.conftest import Repo, count_channel_use
from tests.plan.channel import simple
from wa_templates.cli.invalid import MESSAGE, MESSAGE_LIST_SET_ASIDE
from wa_templates.rules import check

BROKEN = "name: broken\ncategory: UTILITY\nlanguages: {}\n"
NAMES = ["order_update", "parcel_update", "ticket_update"]


@pytest.fixture
def listed(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Workers for a handful of files (the path a large tree takes); every target opened and
    every list call."""
    monkeypatch.setattr(check, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    for name in NAMES[1:]:
        repo.write(name, simple(name, body=f"Hello {{{{1}}}}, your {name} is on its way."))
    return count_channel_use(monkeypatch, "plan")


def test_valid_files_are_planned_from_the_list_read_while_they_were_checked(
    repo: Repo, listed: list[str]
) -> None:
    outcome = repo.run("plan", "--sandbox", "--format", "json")
    assert outcome.code == 0, outcome.err
    assert listed == ["opened", "listed"]  # once: make_plan did not list again
    assert json.loads(outcome.out)["summary"]["create"] == 3


def test_with_file_errors_the_list_read_meanwhile_is_set_aside_and_nothing_changes(
    repo: Repo, listed: list[str]
) -> None:
    state = repo.root / ".wa-templates" / "sandbox.json"
    repo.write("broken", BROKEN)
    outcome = repo.run("plan", "--sandbox")
    assert outcome.code == 1 and outcome.out == ""
    lines = outcome.err.splitlines()
    assert any(line.startswith("templates/broken.yaml:3:") for line in lines)
    assert lines[-1] == f"error: {MESSAGE_LIST_SET_ASIDE}"
    assert listed == ["opened", "listed"]  # the control: the list was read meanwhile
    # Nothing was written: with the file fixed, every template is still to be created.
    (repo.root / "templates" / "broken.yaml").unlink()
    fixed = repo.run("plan", "--sandbox", "--format", "json")
    assert json.loads(fixed.out)["summary"]["create"] == 3
    assert not state.exists() or "order_update" not in state.read_text()


def test_a_target_error_met_meanwhile_waits_for_the_file_errors(
    repo: Repo, listed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo.root / "wa-templates.toml").write_text(
        '[targets.prod]\nregion = "us"\naccount_id = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"\n'
        'channel_id = "chan"\napi_key_env = "WA_TEST_KEY"\n'
    )
    monkeypatch.delenv("WA_TEST_KEY", raising=False)
    repo.write("broken", BROKEN)
    invalid = repo.run("plan")
    assert invalid.code == 1 and "templates/broken.yaml:3:" in invalid.err
    assert "WA_TEST_KEY" not in invalid.err
    assert invalid.err.splitlines()[-1] == f"error: {MESSAGE}"  # the target was never opened
    (repo.root / "templates" / "broken.yaml").unlink()
    missing = repo.run("plan")
    assert missing.code == 1
    [line] = missing.err.splitlines()  # the error met meanwhile, raised once the files pass
    assert line.startswith("error: environment variable WA_TEST_KEY is not set")
    assert listed == ["opened", "opened"]  # meanwhile both times: the error waited
